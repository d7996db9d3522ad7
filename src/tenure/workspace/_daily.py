"""The workspace's daily run: health scores and the customer profile of a day.

Mixed into :class:`tenure.Workspace`. :meth:`DailyMixin.refresh` builds a day's
features once and derives from them, in order: churn scores (when a model is trained),
health, lifetime values, the profile row of every customer, and segment memberships;
then it computes the dashboard's default views into the result cache (kept on disk).
Each result is one slice per ``as_of`` day in its warehouse table (``churn_scores``,
``health_scores``, ``customer_values``, ``customer_profiles``, ``segment_members``), so
re-running a day replaces it and the history of earlier days stays for trends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.decide import CUSTOMER_PROFILES
from tenure.errors import ModelError

if TYPE_CHECKING:
    import polars as pl

    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.models import ModelArtifact
    from tenure.models.clv import LifetimeValueModel
    from tenure.progress import Progress
    from tenure.store import Warehouse

__all__ = ["CUSTOMER_PROFILES", "HEALTH_SCORES", "DailyMixin", "RefreshResult"]

HEALTH_SCORES = "health_scores"


@dataclass(frozen=True)
class RefreshResult:
    """What :meth:`DailyMixin.refresh` made for one day."""

    as_of: dt.date
    customers: int
    scored: int
    health: dict[str, int]
    """Customers per band (green, yellow, red)."""
    segments: int
    """Segments whose memberships were stored."""


class DailyMixin:
    settings: Settings
    clock: Clock
    progress: Progress

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def root(self) -> Path: ...

        @property
        def warehouse(self) -> Warehouse: ...

        def scoring_day(self) -> dt.date: ...

        def profile_day(self) -> dt.date | None: ...

        def features(self, *, as_of: dt.date | None = None) -> pl.DataFrame: ...

        def churn_model(self) -> ModelArtifact: ...

        def churn_score(
            self, *, as_of: dt.date | None = None, features: pl.DataFrame | None = None
        ) -> pl.DataFrame: ...

        def churn_scores(self, *, as_of: dt.date | None = None) -> pl.DataFrame | None: ...

        def _lifetime_values(
            self,
            day: dt.date,
            *,
            features: pl.DataFrame | None = None,
            model: LifetimeValueModel | None = None,
        ) -> tuple[pl.DataFrame, LifetimeValueModel]: ...

        def refresh_segments(self, as_of: dt.date) -> dict[str, int]: ...

        def ensure_activity(self) -> bool: ...

        def compute_dashboard_views(self, *, breakdowns: tuple[str, ...] = ...) -> list[str]: ...

    # -- health ------------------------------------------------------------------------------

    def _health_of(self, frame: pl.DataFrame, churn: pl.DataFrame | None) -> pl.DataFrame:
        """Health of the current customers (a subscription not ended) of a feature frame."""
        import polars as pl

        from tenure.decide import health_scores

        current = frame.filter(pl.col("subscriptions") > 0)
        if churn is not None:
            current = current.join(
                churn.select("customer_id", "churn_probability"), on="customer_id", how="left"
            )
        return health_scores(current, self.settings.health)

    def health(self, *, as_of: dt.date | None = None) -> pl.DataFrame:
        """Health of every current customer at ``as_of``, stored in ``health_scores``.

        Uses the churn scores stored for ``as_of`` when there are some, and scores
        churn first when a model is trained and they are missing. Without a model the
        ``risk`` component is left out (docs/health.md).
        """
        day = as_of or self.scoring_day()
        frame = self.features(as_of=day)
        health = self._health_of(frame, self._stored_or_fresh_scores(day, frame))
        self._store(HEALTH_SCORES, day, health)
        return health

    def _stored_or_fresh_scores(self, day: dt.date, frame: pl.DataFrame) -> pl.DataFrame | None:
        from tenure.store.results import slice_days

        if day in slice_days(self.warehouse.ibis, "churn_scores"):
            return self.churn_scores(as_of=day)
        try:
            self.churn_model()
        except ModelError:
            return None
        return self.churn_score(as_of=day, features=frame)

    def _store(self, name: str, day: dt.date, frame: pl.DataFrame) -> None:
        import polars as pl

        from tenure.store.results import replace_slice

        rows = frame.with_columns(pl.lit(day).alias("as_of"))
        replace_slice(self.warehouse.ibis, name, day, rows.to_arrow())

    def health_history(
        self, *, customer_id: str | None = None, days: int | None = None
    ) -> pl.DataFrame:
        """Health over the stored days, oldest first.

        Per day the mean and the customers in each band; or, for one ``customer_id``,
        their score and components per day. ``days``: only the last so many days.
        """
        import polars as pl

        from tenure.store.results import slice_days

        stored = slice_days(self.warehouse.ibis, HEALTH_SCORES)
        if not stored:
            return pl.DataFrame()
        t = self.warehouse.ibis.table(HEALTH_SCORES)
        if days is not None:
            t = t.filter(t.as_of >= stored[-1] - dt.timedelta(days=days))
        if customer_id is not None:
            expr = t.filter(t.customer_id == customer_id).order_by("as_of")
        else:
            expr = (
                t.group_by("as_of")
                .aggregate(
                    customers=t.count(),
                    mean_health=t.health.mean(),
                    green=t.count(where=t.band == "green"),
                    yellow=t.count(where=t.band == "yellow"),
                    red=t.count(where=t.band == "red"),
                )
                .order_by("as_of")
            )
        out = pl.from_arrow(expr.to_pyarrow())
        assert isinstance(out, pl.DataFrame)
        return out

    def health_report(
        self, *, as_of: dt.date | None = None, top: int = 10, band: str | None = None
    ) -> dict[str, Any]:
        """What ``tenure health`` shows: bands, the trend, and the least healthy customers.

        Reads the health stored for ``as_of`` (default: the latest stored day) and
        computes it when there is none. ``lowest`` lists the ``top`` least healthy
        customers (of ``band`` only, when given), largest MRR first among equals.
        """
        import polars as pl

        from tenure.store.results import read_slice, slice_days

        stored = slice_days(self.warehouse.ibis, HEALTH_SCORES)
        day = as_of or (stored[-1] if stored else self.scoring_day())
        if day in stored:
            rows = read_slice(self.warehouse.ibis, HEALTH_SCORES, day)
            health = pl.from_arrow(rows)
            assert isinstance(health, pl.DataFrame)
        else:
            health = self.health(as_of=day)
        names = pl.from_arrow(
            self.warehouse.table("customers").select("customer_id", "name").to_pyarrow()
        )
        assert isinstance(names, pl.DataFrame)
        chosen = health if band is None else health.filter(pl.col("band") == band)
        lowest = chosen.join(names, on="customer_id", how="left").sort("health").head(top)
        counts = dict(health.group_by("band").len().drop_nulls("band").iter_rows())
        return {
            "as_of": day,
            "customers": health.height,
            "mean_health": health["health"].mean() if health.height else None,
            "bands": {b: int(counts.get(b, 0)) for b in ("green", "yellow", "red")},
            "thresholds": {
                "green_at": self.settings.health.green_at,
                "red_below": self.settings.health.red_below,
            },
            "weights": self.settings.health.weights.model_dump(),
            "history": self.health_history(days=180).to_dicts(),
            "lowest": lowest.drop("as_of", strict=False).to_dicts(),
        }

    # -- the daily run -----------------------------------------------------------------------

    def refresh(
        self,
        *,
        as_of: dt.date | None = None,
        since: dt.date | None = None,
        every_days: int = 1,
    ) -> list[RefreshResult]:
        """Build and store a day's scores, health, values, profiles and segment memberships.

        ``as_of`` defaults to :meth:`scoring_day`. With ``since``, every ``every_days``-th
        day from ``since`` up to ``as_of`` is refreshed too (oldest first), which fills
        the history that health trends and segment entries and exits are read from.
        Ends by computing the dashboard's default views
        (:meth:`compute_dashboard_views`), kept in ``cache/results/``, so a server
        started on the workspace serves every first view from disk.
        """
        last = as_of or self.scoring_day()
        if every_days < 1:
            raise ValueError(f"every_days must be at least 1. Got {every_days}")
        days = [last]
        if since is not None and since < last:
            span = (last - since).days
            days = [last - dt.timedelta(days=d) for d in range(span, 0, -every_days)] + [last]
        self.ensure_activity()  # a warehouse of an older Tenure gets its daily activity
        results = []
        lifetimes: list[LifetimeValueModel | None] = []  # fitted at the first day, reused
        with self.progress.task("Refreshing scores and profiles", total=len(days)) as task:
            for day in days:
                results.append(self._refresh_day(day, lifetimes))
                task.advance(1)
        self._refresh_customer_items()
        with self.progress.task("Computing the dashboard's views", total=None):
            self.compute_dashboard_views()  # kept on disk: a server's first views read them
        return results

    def _refresh_customer_items(self) -> None:
        """Rewrite the customer-clustered copy of the profile items and the cards (DuckDB only).

        ``customer_profile`` reads it with the rows ingested since (docs/customers.md).
        """
        from tenure.workspace._cards import write_cards
        from tenure.workspace._timeline_copy import rebuild

        if not self.warehouse.embedded:
            return
        with self.progress.task("Clustering customer timelines", total=None):
            rebuild(self.warehouse.con, self.warehouse.ibis)
            day = self.profile_day()
            if day is not None:
                write_cards(self.warehouse.con, self.warehouse.ibis, day)
        for cached in ("_profile_sql", "_tail_state"):  # profile reads see the new copy now
            vars(self).pop(cached, None)

    def _refresh_day(
        self, day: dt.date, lifetimes: list[LifetimeValueModel | None]
    ) -> RefreshResult:
        import polars as pl

        frame = self.features(as_of=day)
        churn = self._stored_or_fresh_scores(day, frame)
        health = self._health_of(frame, churn)
        self._store(HEALTH_SCORES, day, health)
        values = self._values_or_none(day, frame, lifetimes)
        profile = frame.drop("as_of", strict=False)
        if churn is not None:
            profile = profile.join(
                churn.select("customer_id", "churn_probability"), on="customer_id", how="left"
            )
        else:
            profile = profile.with_columns(churn_probability=pl.lit(None, pl.Float64))
        profile = profile.join(
            health.select("customer_id", "health", "band"), on="customer_id", how="left"
        ).rename({"band": "health_band"})
        if values is not None:
            profile = profile.join(
                values.select("customer_id", "ltv", "expected_remaining_months"),
                on="customer_id",
                how="left",
            )
        else:
            profile = profile.with_columns(
                ltv=pl.lit(None, pl.Float64), expected_remaining_months=pl.lit(None, pl.Float64)
            )
        self._store(CUSTOMER_PROFILES, day, profile)
        segments = self.refresh_segments(day)
        bands = dict(health.group_by("band").len().drop_nulls("band").iter_rows())
        return RefreshResult(
            as_of=day,
            customers=profile.height,
            scored=0 if churn is None else churn.height,
            health={b: int(bands.get(b, 0)) for b in ("green", "yellow", "red")},
            segments=len(segments),
        )

    def _values_or_none(
        self, day: dt.date, frame: pl.DataFrame, lifetimes: list[LifetimeValueModel | None]
    ) -> pl.DataFrame | None:
        """Lifetime values of ``day``, or None when the history is too short to fit them.

        The model is fitted once, at the run's first (earliest) day, and reused for the
        later days: a model fitted on an earlier day never sees the later data.
        """
        try:
            values, model = self._lifetime_values(
                day, features=frame, model=lifetimes[0] if lifetimes else None
            )
        except ModelError:
            return None
        if not lifetimes:
            lifetimes.append(model)
        return values
