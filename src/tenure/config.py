"""Typed settings: ``tenure.toml`` in the workspace plus ``TENURE_*`` variables.

Front ends call :meth:`Settings.load` once and pass the object in; library code
never reads the environment. Unknown keys are errors that name the field path.
Environment variables override the file; nested fields use a double underscore,
e.g. ``TENURE_WAREHOUSE__URL=postgres://...``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tenure._settings_act import EmailSettings, JourneySettings, StripeSettings, WebhookSettings
from tenure._settings_decide import (
    Offer,
    OfferRule,
    OfferSettings,
    Release,
    WinbackOffer,
    WinbackSettings,
    _Section,
)

# Constants read through tenure.config (decide.health); the aliases re-export them.
from tenure._settings_score import HEALTH_COMPONENTS as HEALTH_COMPONENTS
from tenure._settings_score import LTV_COVARIATES as LTV_COVARIATES
from tenure._settings_score import (
    ChurnSettings,
    HealthMeasure,
    HealthSettings,
    HealthWeights,
    LtvSettings,
    SegmentSettings,
)
from tenure.currencies import is_currency
from tenure.errors import ConfigError, Location

__all__ = [
    "CONFIG_FILE",
    "ChurnSettings",
    "EmailSettings",
    "FeatureSettings",
    "HealthMeasure",
    "HealthSettings",
    "HealthWeights",
    "IngestSettings",
    "JourneySettings",
    "LtvSettings",
    "MetricsSettings",
    "Offer",
    "OfferRule",
    "OfferSettings",
    "Release",
    "SegmentSettings",
    "ServerSettings",
    "Settings",
    "StoreSettings",
    "StripeSettings",
    "WarehouseSettings",
    "WebhookSettings",
    "WinbackOffer",
    "WinbackSettings",
]

CONFIG_FILE = "tenure.toml"

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class WarehouseSettings(_Section):
    """Where the analytical tables live."""

    url: str = Field(
        default="duckdb://warehouse.duckdb",
        description="Any Ibis connection URL; a relative DuckDB path is inside the workspace.",
    )
    memory_limit: str = Field(default="1GB", description="DuckDB memory limit while ingesting.")
    query_memory_limit: str | None = Field(
        default=None,
        description="DuckDB memory limit for metric queries (default: memory_limit).",
    )
    threads: int | None = Field(default=None, ge=1, description="DuckDB threads (default: all).")

    @field_validator("url")
    @classmethod
    def _is_url(cls, value: str) -> str:
        if not _URL.match(value):
            raise ValueError(
                f"must be a connection URL such as 'duckdb://warehouse.duckdb' or "
                f"'postgres://user@host/db'. Got {value!r}"
            )
        return value


class StoreSettings(_Section):
    """Where operational state lives (users, keys, journeys): SQLite or PostgreSQL."""

    url: str = Field(default="sqlite:///tenure.sqlite", description="SQLAlchemy URL.")


class ServerSettings(_Section):
    """How ``tenure serve`` listens, limits requests and moves events (docs/api.md)."""

    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port to listen on.")
    max_body_bytes: int = Field(
        default=512 * 1024,
        ge=1024,
        description="Larger request bodies are refused with 413 (Segment allows 500 KB).",
    )
    rate_limit_per_second: float = Field(
        default=200.0, gt=0, description="Requests per second each API key may make on average."
    )
    rate_limit_burst: int = Field(
        default=400, ge=1, description="Requests a key may make at once before it is limited."
    )
    flush_interval_ms: int = Field(
        default=500,
        ge=10,
        description="The event mover moves received events into the warehouse this often.",
    )
    flush_events: int = Field(
        default=5000,
        ge=1,
        description="Or as soon as this many events wait; also the most moved in one batch.",
    )
    warm_up: bool = Field(
        default=True,
        description=(
            "At start, compute each tenant's default dashboard views (series, cohorts, "
            "breakdowns, engagement and feedback) in the background when they are missing "
            "or older than the data, so the first visitor does not wait for them."
        ),
    )
    session_hours: float = Field(
        default=24 * 7,
        gt=0,
        le=24 * 90,
        description="A dashboard login lasts this long; then the user logs in again.",
    )


class IngestSettings(_Section):
    """How ingestion judges rows."""

    future_tolerance_hours: int = Field(
        default=24,
        ge=0,
        description="Timestamps later than now plus this many hours are rejected.",
    )


class MetricsSettings(_Section):
    """How subscription metrics are defined where vendors differ (docs/metrics.md).

    Every default is ChartMogul's choice; the alternatives are other vendors'.
    """

    churn_recognition: Literal["period_end", "cancellation"] = Field(
        default="period_end",
        description="MRR ends when the subscription ends (period_end) or when it is "
        "cancelled (cancellation).",
    )
    past_due: Literal["keep", "exclude"] = Field(
        default="keep",
        description="Unpaid invoices keep their MRR until the subscription ends (keep), "
        "or carry none (exclude).",
    )
    discounts: Literal["all", "forever", "none"] = Field(
        default="all",
        description="Which discounts reduce MRR: all (ChartMogul), forever coupons only "
        "(Stripe) or none.",
    )
    same_period_churn: Literal["count", "exclude"] = Field(
        default="count",
        description="A customer who starts and churns within one period counts as new "
        "and churned (count) or is left out of both (exclude).",
    )
    gross_margin: float = Field(
        default=1.0, gt=0, le=1, description="Gross margin used by LTV (0-1]."
    )
    activation_event: str | None = Field(
        default=None,
        description="The track event that marks activation (the key action), e.g. "
        "'Report Created'.",
    )
    activation_days: int = Field(
        default=14, ge=1, description="Days after sign-up within which activation counts."
    )


class FeatureSettings(_Section):
    """Which product events the customer features read (docs/features.md)."""

    key_action_event: str | None = Field(
        default=None,
        description="The track event that shows a customer got value (defaults to "
        "metrics.activation_event).",
    )
    login_event: str = Field(default="Logged In", description="The track event of a login.")
    onboarding_event: str = Field(
        default="Onboarding Step Completed",
        description="The track event of a completed onboarding step.",
    )
    onboarding_step_property: str = Field(
        default="step", description="The event property that names the onboarding step."
    )
    usage_limit_event: str = Field(
        default="Usage Limit Reached", description="The track event of hitting a plan limit."
    )
    invite_event: str = Field(default="Invite Sent", description="The track event of an invite.")
    card_expiry_days: int = Field(
        default=30, ge=1, description="A card expiring within this many days is 'expiring soon'."
    )


class Settings(BaseSettings):
    """All of a workspace's settings.

    Examples
    --------
    >>> s = Settings(reporting_currency="EUR")
    >>> s.reporting_currency
    'EUR'
    """

    model_config = SettingsConfigDict(
        env_prefix="TENURE_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        validate_default=True,
    )
    _toml_file: ClassVar[Path | None] = None

    workspace: Path = Field(default=Path(), description="The workspace folder.")
    reporting_currency: str = Field(default="USD", description="ISO 4217 code for reports.")
    data_path: Path = Field(
        default=Path("../shared/data"), description="Public data sets for tests and benchmarks."
    )
    warehouse: WarehouseSettings = WarehouseSettings()
    store: StoreSettings = StoreSettings()
    server: ServerSettings = ServerSettings()
    ingest: IngestSettings = IngestSettings()
    metrics: MetricsSettings = MetricsSettings()
    features: FeatureSettings = FeatureSettings()
    churn: ChurnSettings = ChurnSettings()
    ltv: LtvSettings = LtvSettings()
    segments: SegmentSettings = SegmentSettings()
    health: HealthSettings = HealthSettings()
    winback: WinbackSettings = WinbackSettings()
    offers: OfferSettings = OfferSettings()
    webhooks: WebhookSettings = WebhookSettings()
    stripe: StripeSettings = StripeSettings()
    email: EmailSettings = EmailSettings()
    journeys: JourneySettings = JourneySettings()

    @field_validator("reporting_currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        code = value.upper()
        if not is_currency(code):
            raise ValueError(f"must be an ISO 4217 currency code such as 'USD'. Got {value!r}")
        return code

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls._toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls._toml_file))
        return tuple(sources)

    @classmethod
    def load(cls, workspace: Path | str = ".", **overrides: Any) -> Settings:
        """Read ``tenure.toml`` in ``workspace`` (if present) and ``TENURE_*`` variables.

        Raises
        ------
        ConfigError
            With the file, line and field of the first invalid value.
        """
        root = Path(workspace).resolve()
        toml_path = root / CONFIG_FILE
        if toml_path.exists():
            try:
                tomllib.loads(toml_path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(
                    f"{CONFIG_FILE} is not valid TOML: {exc}. Fix the syntax and retry.",
                    location=Location(file=toml_path),
                ) from exc
        bound = type(
            "_BoundSettings", (cls,), {"_toml_file": toml_path if toml_path.exists() else None}
        )
        try:
            loaded = bound(workspace=root, **overrides)
        except ValidationError as exc:
            raise _config_error(exc, toml_path) from exc
        return cls.model_validate(loaded.model_dump())

    @property
    def root(self) -> Path:
        """The workspace folder, absolute."""
        return self.workspace.resolve()

    def warehouse_url(self) -> str:
        """The warehouse URL with a relative DuckDB path resolved inside the workspace."""
        url = self.warehouse.url
        if url.startswith("duckdb://"):
            path = url.removeprefix("duckdb://")
            if path in ("", ":memory:"):
                return "duckdb://:memory:"
            if not Path(path).is_absolute():
                return f"duckdb://{self.root / path}"
        return url

    def store_url(self) -> str:
        """The operational store's URL with a relative SQLite path resolved in the folder."""
        url = self.store.url
        prefix = "sqlite:///"
        if url.startswith(prefix):
            path = url.removeprefix(prefix)
            if path and path != ":memory:" and not Path(path).is_absolute():
                return f"{prefix}{self.root / path}"
        return url


def _config_error(exc: ValidationError, toml_path: Path) -> ConfigError:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"])
    env = "TENURE_" + "__".join(str(p) for p in err["loc"]).upper()
    from_env = env in os.environ  # pydantic-settings read it; name it in the message
    line = None
    if toml_path.exists() and not from_env:
        line = _find_line(toml_path, str(err["loc"][-1]))
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        msg = (
            f"The setting {field!r} is not known. Check its spelling against "
            f"docs/configuration.md (section and key)."
        )
    else:
        msg = f"The setting {field!r} {err['msg'].removeprefix('Value error, ')}"
        if "Got" not in msg:
            msg += f". Got {value!r} instead"
    source = toml_path if line is not None else (env if from_env else "arguments")
    return ConfigError(msg, location=Location(file=source, line=line, field=field))


def _find_line(path: Path, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if pattern.match(text):
            return number
    return None
