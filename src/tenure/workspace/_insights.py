"""The workspace's product and feedback reads: activation funnel, NPS distribution, verbatims.

Mixed into :class:`tenure.Workspace`. Each is one Ibis expression from
:mod:`tenure.metrics` (``funnel`` and ``feedback``) run in the warehouse; the funnel
and the distribution are kept until the next load (:meth:`data_version`), like the
MRR series.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from tenure.errors import ConfigError, Location

if TYPE_CHECKING:
    import polars as pl

    from tenure.config import Settings
    from tenure.metrics import Interval, MetricsContext
    from tenure.store import Warehouse
    from tenure.workspace import MetricTable, Workspace

__all__ = ["DASHBOARD_BREAKDOWNS", "FEEDBACK_KINDS", "PAGE_VIEWS", "InsightsMixin"]

FEEDBACK_KINDS = ("nps", "csat", "cancel_reason", "survey")
"""The kinds of feedback rows (``docs/data-model.md``)."""
_MAX_VERBATIMS = 500
PAGE_VIEWS = (
    "engagement",
    "activation",
    "trials",
    "freemium",
    "activation_funnel",
    "nps",
    "nps_distribution",
)
"""The engagement and feedback pages' default results (see :meth:`warm_page_view`)."""
DASHBOARD_BREAKDOWNS = ("plan", "country", "channel")
"""The overview's breakdowns computed ahead (:meth:`InsightsMixin.compute_dashboard_views`)."""
_INTERVALS: tuple[Interval, ...] = ("month", "quarter", "week", "day")


def _one_of(value: str | None, options: tuple[str, ...], name: str) -> None:
    if value is not None and value not in options:
        raise ConfigError(
            f"The {name!r} parameter of Workspace.feedback_verbatims must be one of "
            f"{', '.join(options)}. Got {value!r} instead.",
            location=Location(field=name),
        )


class InsightsMixin:
    settings: Settings

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

        def metrics_context(self, *, as_of: dt.date | None = None) -> MetricsContext: ...

        def metric_table(
            self, name: MetricTable, *, interval: Interval = "month", as_of: dt.date | None = None
        ) -> pl.DataFrame: ...

        def _cached_frame(
            self, key: Hashable, compute: Callable[[Workspace], pl.DataFrame]
        ) -> pl.DataFrame: ...

        def data_through(self) -> dt.date | None: ...

        def metrics(
            self, *, interval: Interval = "month", by: str | None = None
        ) -> pl.DataFrame: ...

        def cohorts(self) -> pl.DataFrame: ...

    def ensure_activity(self) -> bool:
        """Build the stored daily activity when it is missing or of another definition.

        Loads keep ``daily_activity`` and ``first_track_events`` (docs/metrics.md, "The
        stored daily activity"); a warehouse made by an older Tenure gets them here (or
        at its next load). Until then engagement reads the events. Returns whether they
        were built now. Other warehouses than DuckDB and PostgreSQL have no stored
        tables: ``False``.
        """
        from tenure.metrics import ActivityTable

        con = self.warehouse.ibis
        if con.name not in ("duckdb", "postgres"):
            return False
        table = ActivityTable(con)
        if table.is_current():
            return False
        table.build()
        return True

    def warm_page_view(self, name: str) -> None:
        """Compute one default result of the engagement or feedback page, so it is kept.

        ``name`` is one of :data:`PAGE_VIEWS` (``Deployment.warm_up`` calls each in turn).

        Raises
        ------
        ConfigError
            For an unknown name, or the activation views without an ``activation_event``.
        """
        if name == "activation_funnel":
            self.activation_funnel()
        elif name == "nps_distribution":
            self.nps_distribution()
        elif name in PAGE_VIEWS:
            self.metric_table(name)  # type: ignore[arg-type]
        else:
            raise ConfigError(
                f"The 'name' parameter of Workspace.warm_page_view must be one of "
                f"{', '.join(PAGE_VIEWS)}. Got {name!r} instead."
            )

    def compute_dashboard_views(
        self, *, breakdowns: tuple[str, ...] = DASHBOARD_BREAKDOWNS
    ) -> list[str]:
        """Compute the dashboard's default views, so their first visit reads them from disk.

        The MRR series of every interval (month, quarter, week, day), the cohorts, the
        monthly and quarterly series by each of ``breakdowns``, the engagement and
        feedback pages' defaults (:data:`PAGE_VIEWS`) and the weekly engagement table.
        Each result is kept until the next load and written to ``cache/results/``
        (:meth:`serve_stale`), so a server started on the workspace answers them at once;
        :meth:`refresh` ends with this. A view the data cannot give (no billing, no
        events, no ``activation_event``) is passed over. Returns the views computed.
        """
        from tenure.errors import TenureError

        if self.data_through() is None:
            return []
        steps: list[tuple[str, Callable[[], object]]] = []
        for interval in _INTERVALS:
            steps.append((f"series {interval}", functools.partial(self.metrics, interval=interval)))
        steps.append(("cohorts", self.cohorts))
        for interval in _INTERVALS[:2]:
            for by in breakdowns:
                call = functools.partial(self.metrics, interval=interval, by=by)
                steps.append((f"series {interval} by {by}", call))
        for view in PAGE_VIEWS:
            steps.append((view, functools.partial(self.warm_page_view, view)))
        engagement_weeks = functools.partial(self.metric_table, "engagement", interval="week")
        steps.append(("engagement week", engagement_weeks))
        done: list[str] = []
        for name, step in steps:
            try:
                step()
            except TenureError:  # the page says why when it is visited
                continue
            done.append(name)
        return done

    def activation_funnel(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        as_of: dt.date | None = None,
    ) -> dict[str, Any]:
        """The activation funnel of customers who signed up between ``start`` and ``end``.

        Returns ``steps`` (one dict per :data:`tenure.metrics.FUNNEL_STEPS` step:
        ``step``, ``label``, ``customers``, ``share_of_start`` and ``share_of_previous``),
        ``median_days_to_key_action``, ``time_to_key_action`` (``bucket``, ``label``,
        ``customers`` per :data:`tenure.metrics.KEY_ACTION_BUCKETS` bucket, empty ones
        included), ``activation_days`` and ``as_of``.

        Raises
        ------
        ConfigError
            When no ``activation_event`` is set under ``[metrics]``.
        """
        import polars as pl

        from tenure.metrics import (
            FUNNEL_STEPS,
            KEY_ACTION_BUCKETS,
            activation_funnel,
            key_action_days,
        )

        def funnel(ws: Workspace) -> pl.DataFrame:
            ctx = ws.metrics_context(as_of=as_of)
            out = pl.from_arrow(activation_funnel(ctx, start=start, end=end).to_pyarrow())
            assert isinstance(out, pl.DataFrame)
            return out.with_columns(as_of=pl.lit(ctx.as_of))

        def days(ws: Workspace) -> pl.DataFrame:
            ctx = ws.metrics_context(as_of=as_of)
            out = pl.from_arrow(key_action_days(ctx, start=start, end=end).to_pyarrow())
            assert isinstance(out, pl.DataFrame)
            return out

        key = (start, end, as_of)
        [row] = self._cached_frame(("funnel", *key), funnel).to_dicts()
        counts = {
            r["bucket"]: r["customers"] for r in self._cached_frame(("kad", *key), days).to_dicts()
        }
        steps, first, previous = [], row["signed_up"], row["signed_up"]
        for name, label in FUNNEL_STEPS:
            n = int(row[name] or 0)
            steps.append(
                {
                    "step": name,
                    "label": label,
                    "customers": n,
                    "share_of_start": n / first if first else None,
                    "share_of_previous": n / previous if previous else None,
                }
            )
            previous = n
        return {
            "as_of": row["as_of"],
            "activation_days": self.settings.metrics.activation_days,
            "steps": steps,
            "median_days_to_key_action": row["median_days_to_key_action"],
            "time_to_key_action": [
                {"bucket": b, "label": label, "customers": int(counts.get(b, 0))}
                for b, label in KEY_ACTION_BUCKETS
            ],
        }

    def nps_distribution(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        as_of: dt.date | None = None,
    ) -> pl.DataFrame:
        """NPS answers per score 0-10 (``score``, ``group``, ``responses``; 0 when none).

        Answers submitted between ``start`` and ``end`` (inclusive; open when None).
        """
        import polars as pl

        from tenure.metrics import nps_distribution

        def compute(ws: Workspace) -> pl.DataFrame:
            ctx = ws.metrics_context(as_of=as_of)
            found = pl.from_arrow(nps_distribution(ctx, start=start, end=end).to_pyarrow())
            assert isinstance(found, pl.DataFrame)
            scores = pl.DataFrame({"score": list(range(11))}, schema={"score": pl.Int64})
            group = (
                pl.when(pl.col("score") >= 9)
                .then(pl.lit("promoter"))
                .when(pl.col("score") >= 7)
                .then(pl.lit("passive"))
                .otherwise(pl.lit("detractor"))
            )
            return (
                scores.join(found.select("score", "responses"), on="score", how="left")
                .with_columns(group=group, responses=pl.col("responses").fill_null(0))
                .select("score", "group", "responses")
            )

        return self._cached_frame(("nps_distribution", start, end, as_of), compute)

    def feedback_verbatims(
        self,
        *,
        kind: str | None = None,
        group: str | None = None,
        search: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        limit: int = 50,
        as_of: dt.date | None = None,
    ) -> pl.DataFrame:
        """The latest feedback comments, newest first, filtered (:func:`tenure.metrics.verbatims`).

        ``kind`` is one of :data:`FEEDBACK_KINDS`, ``group`` an NPS group (detractor,
        passive, promoter), ``search`` text the comment contains (any case).

        Raises
        ------
        ConfigError
            For an unknown kind or group, or a ``limit`` outside [1, 500].
        """
        import polars as pl

        from tenure.metrics import NPS_GROUPS, verbatims

        _one_of(kind, FEEDBACK_KINDS, "kind")
        _one_of(group, NPS_GROUPS, "group")
        if not 1 <= limit <= _MAX_VERBATIMS:
            raise ConfigError(
                "The 'limit' parameter of Workspace.feedback_verbatims must be an int in the "
                f"range [1, {_MAX_VERBATIMS}]. Got {limit!r} instead.",
                location=Location(field="limit"),
            )
        ctx = self.metrics_context(as_of=as_of)
        expr = verbatims(ctx, kind=kind, group=group, search=search or None, start=start, end=end)
        out = pl.from_arrow(expr.limit(limit).to_pyarrow())
        assert isinstance(out, pl.DataFrame)
        return out
