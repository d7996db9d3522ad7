"""Settings sections of acting on decisions: webhooks, Stripe, e-mail and journeys.

Kept apart from :mod:`tenure.config` so each module stays small; ``tenure.config``
re-exports them, and :class:`~tenure.config.Settings` holds one of each.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["EmailSettings", "JourneySettings", "StripeSettings", "WebhookSettings"]


_CAP = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*(m|h|d|w)\s*$")
_QUIET = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookSettings(_Section):
    """``[webhooks]``: where Tenure posts its own events (accepted offers, journey steps)."""

    url: str | None = Field(
        default=None,
        description="The product backend's endpoint for Tenure's events (None: none are sent).",
    )
    secret: str | None = Field(
        default=None,
        description="Shared secret signing each request (HMAC-SHA256, header Tenure-Signature).",
    )
    timeout_seconds: float = Field(default=10.0, gt=0, description="Per-request timeout.")
    max_attempts: int = Field(
        default=8, ge=1, le=50, description="Attempts before a delivery is dead-lettered."
    )
    backoff_seconds: float = Field(
        default=30.0, gt=0, description="Wait before the second attempt; doubles each time."
    )
    backoff_cap_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="The longest wait between two attempts."
    )


class StripeSettings(_Section):
    """``[stripe]``: the Stripe account an accepted offer is applied to (docs/offers.md)."""

    api_key: str | None = Field(
        default=None,
        description="A secret or restricted key (sk_... / rk_...); None: offers are not applied "
        "in Stripe. Set it with TENURE_STRIPE__API_KEY rather than in the file.",
    )
    api_base: str | None = Field(
        default=None, description="Stripe's API address (None: https://api.stripe.com)."
    )
    prices: dict[str, str] = Field(
        default_factory=dict,
        description="Plan name → Stripe price id, for downgrade offers whose plan is a name.",
    )
    proration_behavior: Literal["create_prorations", "none", "always_invoice"] = Field(
        default="create_prorations", description="How Stripe prorates a price change."
    )
    coupon_prefix: str = Field(
        default="tenure_",
        pattern=r"^[A-Za-z0-9_-]{0,40}$",
        description="Coupons Tenure creates are named this prefix + the offer's name.",
    )
    max_network_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed request (same idempotency key)."
    )


class EmailSettings(_Section):
    """``[email]``: the SMTP server journeys send e-mail through (docs/journeys.md)."""

    host: str = Field(default="127.0.0.1", description="SMTP server.")
    port: int = Field(default=25, ge=1, le=65535, description="SMTP port (587 with STARTTLS).")
    from_address: str = Field(
        default="Tenure <noreply@tenure.local>", description="The From header of every e-mail."
    )
    starttls: bool = Field(default=False, description="Upgrade the connection with STARTTLS.")
    username: str | None = Field(default=None, description="SMTP login, if the server needs one.")
    password: str | None = Field(default=None, description="SMTP password (with username).")
    timeout_seconds: float = Field(default=30.0, gt=0, description="Per-connection timeout.")
    unsubscribe_url: str = Field(
        default="http://127.0.0.1:8000/unsubscribe",
        description="The public URL of tenure serve's /unsubscribe endpoint (in every e-mail).",
    )
    unsubscribe_secret: str | None = Field(
        default=None,
        description="Signs unsubscribe links (HMAC-SHA256); required before e-mail is sent.",
    )


class JourneySettings(_Section):
    """``[journeys]``: where journey files live and how ``tenure worker`` runs them."""

    path: str = Field(
        default="journeys", description="Folder of journey YAML files, inside the workspace."
    )
    poll_seconds: float = Field(
        default=5.0, gt=0, description="The worker looks for due steps and new triggers this often."
    )
    batch_size: int = Field(
        default=200, ge=1, le=10000, description="Enrolments one worker claims at a time."
    )
    lease_seconds: float = Field(
        default=120.0,
        gt=0,
        description="A claimed enrolment is another worker's to take after this (a crash).",
    )
    lookback_hours: float = Field(
        default=24.0,
        ge=0,
        description="A new journey's triggers look back this far on their first run.",
    )
    control_share: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Share of customers in the global control group: no journey messages.",
    )
    report_days: list[int] = Field(
        default_factory=lambda: [30, 90],
        min_length=1,
        description="Horizons of the journey report: retention and MRR N days after entry.",
    )
    recheck_seconds: float = Field(
        default=300.0, gt=0, description="A wait for an event looks for it this often."
    )
    caps: dict[str, str] = Field(
        default_factory=dict,
        description="Frequency caps per channel across all journeys, e.g. email = '3/7d'.",
    )
    quiet_hours: str | None = Field(
        default=None,
        description="No e-mail in these local hours of the customer, e.g. '21:00-08:00'.",
    )
    send_time_group: Literal["timezone", "country", "plan", "segment"] = Field(
        default="timezone",
        description="at: best_hour falls back to the hour of the customer's group: their "
        "time zone, country, plan or segment (latest refreshed day).",
    )
    send_time_default: str = Field(
        default="10:00",
        description="at: best_hour for a customer whose own and group's hour are unknown: "
        "this local time (HH:MM) in the customer's time zone.",
    )
    send_time_days: int = Field(
        default=90, ge=1, le=730, description="Days of product events best_hour learns from."
    )
    send_time_min_events: int = Field(
        default=5,
        ge=1,
        description="Events a customer (or a group) needs for its own best hour to be used.",
    )

    @field_validator("caps")
    @classmethod
    def _caps(cls, value: dict[str, str]) -> dict[str, str]:
        for channel, cap in value.items():
            if channel not in ("email", "webhook", "inapp"):
                raise ValueError(f"caps apply to email, webhook or inapp. Got {channel!r}")
            if not _CAP.match(cap):
                raise ValueError(
                    f"a cap is a count and a period such as '3/7d' or '1/24h'. Got {cap!r}"
                )
        return value

    @field_validator("report_days")
    @classmethod
    def _report_days(cls, value: list[int]) -> list[int]:
        if any(not 1 <= d <= 3650 for d in value):
            raise ValueError(f"must be whole days in the range [1, 3650]. Got {value}")
        return value

    @field_validator("send_time_default")
    @classmethod
    def _send_default(cls, value: str) -> str:
        if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value):
            raise ValueError(f"must be a local time of day HH:MM such as '10:00'. Got {value!r}")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None and not _QUIET.match(value):
            raise ValueError(f"must be two times HH:MM-HH:MM such as '21:00-08:00'. Got {value!r}")
        return value

    def cap(self, channel: str) -> tuple[int, dt.timedelta] | None:
        """``(count, period)`` of a channel's cap, or None when it has none."""
        match = _CAP.match(self.caps.get(channel, ""))
        if match is None:
            return None
        amount = float(match.group(2)) * _UNIT_SECONDS[match.group(3)]
        return int(match.group(1)), dt.timedelta(seconds=amount)

    def quiet(self) -> tuple[dt.time, dt.time] | None:
        """The quiet hours as ``(start, end)`` local times, or None."""
        if self.quiet_hours is None:
            return None
        start, end = self.quiet_hours.split("-")
        return dt.time.fromisoformat(start), dt.time.fromisoformat(end)
