"""``Workspace``: the one facade that composes Tenure's layers.

Front ends (CLI, API, dashboard) build :class:`~tenure.config.Settings` at the
edge, open a workspace and call its methods; they hold no logic of their own.

Examples
--------
>>> import tempfile
>>> from tenure import Workspace
>>> ws = Workspace.init(tempfile.mkdtemp())
>>> ws.counts()["customers"]
0
>>> ws.close()
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tenure.clock import Clock, SystemClock
from tenure.config import CONFIG_FILE, Settings
from tenure.errors import ConfigError, Location, UnknownFormatError
from tenure.ingest import expand_paths, plan_file
from tenure.progress import NullProgress, Progress
from tenure.store import IngestResult, Warehouse
from tenure.store.operational import NewSession, Tenant, User, WebSession
from tenure.workspace._cancel_flow_list import CancelFlowListMixin
from tenure.workspace._cancel_flow_report import CancelFlowReportMixin
from tenure.workspace._cancel_flows import CancelFlow, CancelFlowsMixin
from tenure.workspace._customer_notes import CustomerNotesMixin
from tenure.workspace._daily import CUSTOMER_PROFILES, HEALTH_SCORES, DailyMixin, RefreshResult
from tenure.workspace._deployment import Deployment, MoveResult
from tenure.workspace._deployment_cancel import CancelToken
from tenure.workspace._flow_offer_log import FlowOfferLogMixin
from tenure.workspace._flow_stripe import FlowStripeMixin
from tenure.workspace._flow_uplift import FlowUpliftMixin
from tenure.workspace._frame_cache import FrameCacheMixin
from tenure.workspace._insights import FEEDBACK_KINDS, PAGE_VIEWS, InsightsMixin
from tenure.workspace._journey_replay import (
    copy_playbooks,
    journey_summary,
    playbooks_folder,
    replay_journeys,
)
from tenure.workspace._journeys import JourneysMixin, check_journey_files
from tenure.workspace._offer_uplift import OfferUpliftMixin
from tenure.workspace._profiles import ProfilesMixin
from tenure.workspace._result_cache import Freshness, ResultCacheMixin
from tenure.workspace._risk import CHURN_SCORES, RiskMixin
from tenure.workspace._segments import SegmentsMixin
from tenure.workspace._stripe_billing import StripeBillingMixin
from tenure.workspace._stripe_events import StripeEventsMixin
from tenure.workspace._tabular import fit_churn_table, predict_churn_table
from tenure.workspace._uplift_tabular import fit_uplift_table, predict_uplift_table
from tenure.workspace._value import ValueMixin
from tenure.workspace._winback import WinbackMixin

if TYPE_CHECKING:
    import polars as pl

    from tenure.demo import DemoManifest
    from tenure.metrics import Interval, MetricsContext

MetricTable = Literal["trials", "freemium", "activation", "engagement", "payments", "nps"]
METRIC_TABLES: tuple[str, ...] = typing.get_args(MetricTable)

__all__ = [
    "CHURN_SCORES",
    "CUSTOMER_PROFILES",
    "FEEDBACK_KINDS",
    "HEALTH_SCORES",
    "METRIC_TABLES",
    "PAGE_VIEWS",
    "CancelFlow",
    "CancelToken",
    "Deployment",
    "Freshness",
    "MoveResult",
    "NewSession",
    "RefreshResult",
    "Tenant",
    "User",
    "WebSession",
    "Workspace",
    "check_journey_files",
    "copy_playbooks",
    "fit_churn_table",
    "fit_uplift_table",
    "journey_summary",
    "playbooks_folder",
    "predict_churn_table",
    "predict_uplift_table",
    "replay_journeys",
]

DEFAULT_TOML = """\
# Tenure workspace settings; every key is described in docs/configuration.md.
# Environment variables override them: TENURE_REPORTING_CURRENCY, TENURE_WAREHOUSE__URL, ...
reporting_currency = "USD"

[warehouse]
# Any Ibis connection URL; a relative DuckDB path lives inside this folder.
url = "duckdb://warehouse.duckdb"
memory_limit = "1GB"

[store]
# Operational state (users, keys, journeys): SQLite file by default, or PostgreSQL.
url = "sqlite:///tenure.sqlite"

[ingest]
# Timestamps later than now plus this many hours are rejected.
future_tolerance_hours = 24

[metrics]
# Where vendors differ; the defaults are ChartMogul's (docs/metrics.md).
churn_recognition = "period_end"   # or "cancellation"
past_due = "keep"                  # or "exclude"
discounts = "all"                  # or "forever" (Stripe) or "none"
same_period_churn = "count"        # or "exclude"
gross_margin = 1.0
# activation_event = "Report Created"   # the track event that marks activation
activation_days = 14
"""

DEMO_ACTIVATION_EVENT = "Report Created"


class Workspace(
    RiskMixin,
    DailyMixin,
    SegmentsMixin,
    InsightsMixin,
    ValueMixin,
    ProfilesMixin,
    CustomerNotesMixin,
    ResultCacheMixin,
    StripeEventsMixin,
    WinbackMixin,
    FrameCacheMixin,
    JourneysMixin,
    CancelFlowsMixin,
    CancelFlowListMixin,
    CancelFlowReportMixin,
    OfferUpliftMixin,
    FlowUpliftMixin,
    FlowStripeMixin,
    FlowOfferLogMixin,
    StripeBillingMixin,
):
    """A Tenure workspace: settings, a warehouse and everything computed from them.

    Parameters
    ----------
    settings
        The workspace's settings (see :meth:`Settings.load`).
    clock
        The source of "now"; a :class:`~tenure.clock.FixedClock` in tests.
    progress
        Where long work reports progress.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.progress: Progress = progress or NullProgress()
        self._warehouse: Warehouse | None = None

    @classmethod
    def init(cls, path: Path | str = ".", **kwargs: Any) -> Workspace:
        """Create a workspace in ``path``: write ``tenure.toml`` and create the warehouse.

        An existing ``tenure.toml`` is kept, so ``init`` is safe to repeat.
        """
        root = Path(path)
        root.mkdir(parents=True, exist_ok=True)
        toml = root / CONFIG_FILE
        if not toml.exists():
            toml.write_text(DEFAULT_TOML, encoding="utf-8")
        ws = cls.open(root, **kwargs)
        ws.warehouse.ensure_schema()
        return ws

    @classmethod
    def open(cls, path: Path | str = ".", **kwargs: Any) -> Workspace:
        """Open the workspace in ``path`` (which must hold ``tenure.toml``)."""
        root = Path(path)
        if not (root / CONFIG_FILE).exists():
            raise ConfigError(
                f"{root.resolve()} is not a Tenure workspace (no {CONFIG_FILE}); run "
                f"'tenure init {path}' first or pass --workspace",
                location=Location(file=root / CONFIG_FILE),
            )
        return cls(Settings.load(root), **kwargs)

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def warehouse(self) -> Warehouse:
        """The warehouse connection, opened on first use.

        On DuckDB and PostgreSQL its loads keep the stored MRR changes (``mrr_changes``,
        docs/metrics.md) for the workspace's currency and ``[metrics]`` rules, and the
        stored daily activity (``daily_activity``, ``first_track_events``).
        """
        if self._warehouse is None:
            wh = Warehouse(
                self.settings.warehouse_url(),
                memory_limit=self.settings.warehouse.memory_limit,
                query_memory_limit=self.settings.warehouse.query_memory_limit,
                threads=self.settings.warehouse.threads,
            )
            if wh.ibis.name in ("duckdb", "postgres"):  # loads keep the MRR changes stored
                from tenure.metrics import ActivityTable, ChangesTable

                currency, rules = self.settings.reporting_currency, self.settings.metrics
                ChangesTable(wh.ibis, currency, rules).attach(wh)
                ActivityTable(wh.ibis).attach(wh)
            self._warehouse = wh
        return self._warehouse

    def close(self) -> None:
        """Close open connections."""
        self.close_results()
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
        self._close_operational()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- data in -----------------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path | str],
        *,
        format: Literal["stripe", "segment", "table"] | None = None,
        table: str | None = None,
    ) -> list[IngestResult]:
        """Ingest files and folders; each file lands atomically.

        Rejected records are kept in the ``rejects`` table; re-ingesting a file adds
        nothing. Returns one :class:`~tenure.store.IngestResult` per file. A file found
        in a folder whose format cannot be told is passed over with a ``note``; a file
        named directly raises :class:`~tenure.errors.UnknownFormatError`.
        """
        files = list(expand_paths([Path(p) for p in paths]))
        tolerance = dt.timedelta(hours=self.settings.ingest.future_tolerance_hours)
        results = []
        with self.progress.task("Ingesting", total=len(files)) as task:
            for path, named in files:
                now = self.clock.now()
                try:
                    batch = plan_file(
                        path, now=now, format=format, table=table, future_tolerance=tolerance
                    )
                except UnknownFormatError as exc:
                    if named:
                        raise
                    results.append(IngestResult(path, "unknown", note=exc.message))
                else:
                    results.append(self.warehouse.write_batch(batch, now=now))
                task.advance()
        return results

    def rejects(self, *, limit: int = 50, source: str | None = None) -> list[dict[str, Any]]:
        """The most recent rejected records with file, line, field and reason."""
        return self.warehouse.rejects(limit=limit, source=source)

    def counts(self) -> dict[str, int]:
        """Rows per canonical table."""
        return self.warehouse.counts()

    # -- demo --------------------------------------------------------------------------------

    def generate_demo(
        self,
        out: Path | str,
        *,
        customers: int = 2000,
        months: int = 24,
        seed: int = 0,
    ) -> DemoManifest:
        """Write a synthetic SaaS world (Stripe objects, Segment events, tables) to ``out``."""
        from tenure.demo import generate

        return generate(
            Path(out), customers=customers, months=months, seed=seed, progress=self.progress
        )

    def create_demo(
        self, *, customers: int = 2000, months: int = 24, seed: int = 0
    ) -> tuple[DemoManifest, list[IngestResult]]:
        """Generate a demo world into ``<workspace>/data`` and ingest it.

        The demo's key action (``Report Created``) becomes the workspace's activation
        event unless one is set already.
        """
        data = self.root / "data"
        manifest = self.generate_demo(data, customers=customers, months=months, seed=seed)
        results = self.ingest([data / "stripe", data / "segment", data / "tables"])
        if self.settings.metrics.activation_event is None:
            toml = self.root / CONFIG_FILE
            text = toml.read_text(encoding="utf-8").replace(
                '# activation_event = "Report Created"',
                f'activation_event = "{DEMO_ACTIVATION_EVENT}"',
            )
            toml.write_text(text, encoding="utf-8")
            self.settings = Settings.load(self.root)
        return manifest, results

    # -- metrics -----------------------------------------------------------------------------

    def data_through(self) -> dt.date | None:
        """The day of the latest invoice: how far the billing data reaches."""
        t = self.warehouse.table("invoices")
        value = t.created_at.max().to_pyarrow().as_py()
        return value.date() if isinstance(value, dt.datetime) else None

    def metrics_context(self, *, as_of: dt.date | None = None) -> MetricsContext:
        """What the metric functions need, as of ``as_of``.

        ``as_of`` defaults to today, or to the day of the latest invoice when the data
        stops earlier (so stale data does not look like churn).
        """
        from tenure.metrics import MetricsContext

        if as_of is None:
            today = self.clock.now().date()
            through = self.data_through()
            as_of = min(today, through) if through is not None else today
        return MetricsContext(
            self.warehouse.ibis,
            as_of,
            currency=self.settings.reporting_currency,
            rules=self.settings.metrics,
        )

    def metrics(
        self,
        *,
        interval: Interval = "month",
        start: dt.date | None = None,
        end: dt.date | None = None,
        by: str | None = None,
        as_of: dt.date | None = None,
    ) -> pl.DataFrame:
        """The MRR series: movements, customers, churn and retention rates per period.

        A result is kept until the next load into the warehouse (:meth:`data_version`).

        Columns are :data:`tenure.metrics.SERIES_COLUMNS`; money is in major units of
        the reporting currency. See ``docs/metrics.md``.
        """
        from tenure.metrics import SeriesQuery, check_currencies, mrr_segments, mrr_series

        query = SeriesQuery(interval=interval, start=start, end=end, by=by)

        def compute(ws: Workspace) -> pl.DataFrame:
            ctx = ws.metrics_context(as_of=as_of)
            with ws.progress.task("Computing metrics", total=None):
                ws._check_currencies_once(
                    ctx.as_of, lambda: check_currencies(ctx, mrr_segments(ctx))
                )
                df: pl.DataFrame = mrr_series(ctx, query).to_polars()
            return df

        return self._cached_frame(("series", query, as_of), compute)

    def cohorts(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        by: str | None = None,
        as_of: dt.date | None = None,
    ) -> pl.DataFrame:
        """Logo and net MRR retention by month of first payment (long form)."""
        from tenure.metrics import CohortQuery, cohort_tables

        query = CohortQuery(start=start, end=end, by=by)

        def compute(ws: Workspace) -> pl.DataFrame:
            ctx = ws.metrics_context(as_of=as_of)
            with ws.progress.task("Computing cohorts", total=None):
                df: pl.DataFrame = cohort_tables(ctx, query).to_polars()
            return df

        return self._cached_frame(("cohorts", query, as_of), compute)

    def metric_table(
        self, name: MetricTable, *, interval: Interval = "month", as_of: dt.date | None = None
    ) -> pl.DataFrame:
        """One of the per-period tables.

        ``name`` is trials, freemium, activation, engagement, payments or nps. A result
        is kept until the next load into the warehouse (:meth:`data_version`).
        """
        from tenure import metrics

        functions = {
            "trials": metrics.trial_conversion,
            "freemium": metrics.freemium_conversion,
            "activation": metrics.activation,
            "engagement": metrics.engagement,
            "payments": metrics.payment_health,
            "nps": metrics.nps,
        }
        if name not in functions:
            raise ConfigError(
                f"The 'name' parameter must be one of {', '.join(functions)}. Got {name!r} instead."
            )

        def compute(ws: Workspace) -> pl.DataFrame:
            ctx = ws.metrics_context(as_of=as_of)
            df: pl.DataFrame = functions[name](ctx, interval=interval).to_polars()
            return df

        return self._cached_frame(("table", name, interval, as_of), compute)
