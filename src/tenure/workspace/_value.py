"""The workspace's value methods: survival curves, remaining lifetime and lifetime value.

Mixed into :class:`tenure.Workspace`. Curves are computed on demand from the MRR history
known before ``as_of``; lifetime values are stored in the warehouse table
``customer_values`` (one slice per ``as_of`` day). ``docs/survival.md`` explains both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tenure.errors import ConfigError

if TYPE_CHECKING:
    import polars as pl

    from tenure.config import Settings
    from tenure.features.frames import FrameCache
    from tenure.models.clv import LifetimeValueModel
    from tenure.progress import Progress
    from tenure.store import Warehouse

__all__ = ["CUSTOMER_VALUES", "SEGMENT_MEMBERS", "ValueMixin"]

CUSTOMER_VALUES = "customer_values"
SEGMENT_MEMBERS = "segment_members"
_ALIASES = {"billing_interval": "interval", "all": None}
_STATIC_FEATURES = ("company_size", "industry")


class ValueMixin:
    settings: Settings
    progress: Progress

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

        def scoring_day(self) -> dt.date: ...

        def features(self, *, as_of: dt.date | None = None) -> pl.DataFrame: ...

        def _frames(self) -> FrameCache: ...

    # -- grouping ----------------------------------------------------------------------------

    def _segment_groups(self, name: str, day: dt.date) -> pl.DataFrame:
        """``customer_id, group``: members of segment ``name`` as stored on or before ``day``."""
        import polars as pl

        con = self.warehouse.ibis
        if SEGMENT_MEMBERS not in con.list_tables():
            raise ConfigError(
                f"by='segment:{name}' needs the {SEGMENT_MEMBERS} table; build segments "
                "first (tenure segments), or group by plan, channel, country, ..."
            )
        t = con.table(SEGMENT_MEMBERS)
        t = t.filter((t.segment == name) & (t.as_of <= day))
        latest = t.as_of.max()
        members: pl.DataFrame = (
            t.filter(t.as_of == latest).select("customer_id").distinct().to_polars()
        )
        if members.is_empty():
            raise ConfigError(f"segment {name!r} has no members stored on or before {day}")
        return members.with_columns(group=pl.lit(name))

    def _attach(self, frame: pl.DataFrame, by: str, day: dt.date) -> pl.DataFrame:
        """``frame`` with ``group`` = the customer's ``by`` (segment or static feature)."""
        import polars as pl

        if by.startswith("segment:"):
            name = by.split(":", 1)[1]
            members = self._segment_groups(name, day)
            out = frame.drop("group", strict=False).join(members, on="customer_id", how="left")
            return out.with_columns(pl.col("group").fill_null(f"not {name}"))
        from tenure.features import FEATURES

        kinds = {f.name: f.kind for f in FEATURES}
        if kinds.get(by) not in ("category", "boolean"):
            raise ConfigError(
                f"The 'by' parameter must be a breakdown (plan, interval, product, currency, "
                f"country, channel, ...), a category feature such as "
                f"{', '.join(_STATIC_FEATURES)}, or 'segment:<name>'. Got {by!r} instead."
            )
        values = self.features(as_of=day).select(
            "customer_id", pl.col(by).cast(pl.String).fill_null("(none)").alias("group")
        )
        out = frame.drop("group", strict=False).join(values, on="customer_id", how="left")
        return out.with_columns(pl.col("group").fill_null("(none)"))

    # -- survival ----------------------------------------------------------------------------

    def spells(
        self, *, by: str | None = None, as_of: dt.date | None = None, first_only: bool = False
    ) -> pl.DataFrame:
        """Paying spells known before ``as_of``, with ``group`` = the value of ``by``.

        ``by``: a metrics breakdown (value when the spell started: ``plan``,
        ``billing_interval``, ``product``, ``currency``, ``country``, ``channel``, ...), a
        category feature (``company_size``, ``industry``: the customer's value at
        ``as_of``), ``segment:<name>`` (members against the rest), or None.
        """
        from tenure.metrics import BREAKDOWNS
        from tenure.models.survival import spell_frame

        day = as_of or self.scoring_day()
        key = _ALIASES.get(by, by) if by is not None else None
        spells_by = key if key is None or key in BREAKDOWNS else None
        with self.progress.task("Building spells", total=None):
            frame = spell_frame(
                self.warehouse.ibis,
                day,
                by=spells_by,
                first_only=first_only,
                currency=self.settings.reporting_currency,
                rules=self.settings.metrics,
            )
        if key is not None and spells_by is None:
            frame = self._attach(frame, key, day)
        return frame

    def survival(
        self, *, by: str | None = "plan", as_of: dt.date | None = None, first_only: bool = False
    ) -> pl.DataFrame:
        """Kaplan-Meier retention curves of paying spells per group of ``by``.

        Columns :data:`tenure.models.survival.CURVE_COLUMNS` (months since the first paid
        day, spells at risk, churned, censored, survival and its 95% interval); see
        :meth:`spells` for what ``by`` may be.
        """
        from tenure.models.survival import kaplan_meier

        spells = self.spells(by=by, as_of=as_of, first_only=first_only)
        return kaplan_meier(spells, by="group")

    def survival_summary(
        self,
        *,
        by: str | None = "plan",
        as_of: dt.date | None = None,
        at: Sequence[float] = (1, 3, 6, 12, 24),
        first_only: bool = False,
    ) -> pl.DataFrame:
        """Survival at the months ``at`` and median lifetime per group (one row each)."""
        from tenure.models.survival import survival_summary

        return survival_summary(self.survival(by=by, as_of=as_of, first_only=first_only), at=at)

    # -- lifetime value ----------------------------------------------------------------------

    def lifetime_values(self, *, as_of: dt.date | None = None) -> pl.DataFrame:
        """Each paying customer's expected remaining months and LTV at ``as_of``.

        Fits the lifetime model on data known before ``as_of`` (``[ltv]`` settings), then
        stores the slice in ``customer_values``. Columns
        :data:`tenure.models.clv.VALUE_COLUMNS`: ``customer_id, as_of,
        expected_remaining_months, ltv, mrr, plan, tenure_months, cancel_pending``;
        money in the reporting currency, highest LTV first.
        """
        values, _ = self._lifetime_values(as_of or self.scoring_day())
        return values

    def _lifetime_values(
        self,
        day: dt.date,
        *,
        features: pl.DataFrame | None = None,
        model: LifetimeValueModel | None = None,
    ) -> tuple[pl.DataFrame, LifetimeValueModel]:
        """:meth:`lifetime_values` of ``day``, and the model used.

        Reuses that day's ``features`` and a ``model`` fitted earlier when given (the
        daily run fits one model for all its days).
        """
        from tenure.features import feature_names
        from tenure.models.clv import customer_lifetime_values
        from tenure.store.results import replace_slice

        unknown = sorted(set(self.settings.ltv.covariates) - set(feature_names()))
        if unknown:
            raise ConfigError(
                f"The setting 'ltv.covariates' must name feature columns (docs/features.md). "
                f"Got {', '.join(map(repr, unknown))} instead."
            )
        values, model = customer_lifetime_values(
            self.warehouse.ibis,
            day,
            ltv=self.settings.ltv,
            gross_margin=self.settings.metrics.gross_margin,
            currency=self.settings.reporting_currency,
            rules=self.settings.metrics,
            features=self.settings.features,
            model=model,
            frame=features,
            progress=self.progress,
            cache=self._frames(),
        )
        replace_slice(self.warehouse.ibis, CUSTOMER_VALUES, day, values.to_arrow())
        return values, model

    def customer_values(self, *, as_of: dt.date | None = None) -> pl.DataFrame | None:
        """The stored lifetime values of ``as_of`` (default: the latest day), or None."""
        import polars as pl

        from tenure.store.results import read_slice

        rows = read_slice(self.warehouse.ibis, CUSTOMER_VALUES, as_of)
        if rows is None or rows.num_rows == 0:
            return None
        frame = pl.from_arrow(rows)
        assert isinstance(frame, pl.DataFrame)
        return frame.sort("ltv", "customer_id", descending=[True, False])

    def _values(self, as_of: dt.date | None) -> pl.DataFrame:
        day = as_of or self.scoring_day()
        stored = self.customer_values(as_of=day)
        return stored if stored is not None else self.lifetime_values(as_of=day)

    def ltv_by(self, *, by: str = "plan", as_of: dt.date | None = None) -> pl.DataFrame:
        """LTV per group, with a last row ``all`` for every customer.

        Columns ``group, customers, mrr, ltv_sum, ltv_mean, expected_remaining_months_mean``.
        Uses the stored slice of ``as_of`` when there is one. ``by``: ``plan``, a category
        feature (``billing_interval``, ``channel``, ``country``, ``company_size``, ...) or
        ``segment:<name>``.
        """
        from tenure.models.clv import ltv_summary

        values = self._values(as_of)
        day = values["as_of"][0] if values.height else (as_of or self.scoring_day())
        if by != "plan":
            values = self._attach(values, by, day)
            by = "group"
        return ltv_summary(values, by=by)

    def ltv_report(
        self, *, by: str = "plan", as_of: dt.date | None = None, top: int = 10
    ) -> dict[str, Any]:
        """What ``tenure ltv`` shows: LTV per group and the ``top`` customers by LTV."""
        import polars as pl

        values = self._values(as_of)
        day = values["as_of"][0] if values.height else (as_of or self.scoring_day())
        summary = self.ltv_by(by=by, as_of=day)
        c = self.warehouse.table("customers").select("customer_id", "name", "email")
        names = pl.from_arrow(c.to_pyarrow())
        assert isinstance(names, pl.DataFrame)
        best = values.head(top).join(names, on="customer_id", how="left")
        ltv = self.settings.ltv
        return {
            "as_of": day,
            "by": by,
            "currency": self.settings.reporting_currency,
            "gross_margin": self.settings.metrics.gross_margin,
            "horizon_months": ltv.horizon_months,
            "discount_rate_monthly": ltv.discount_rate_monthly,
            "customers": values.height,
            "groups": summary.to_dicts(),
            "top": best.sort("ltv", descending=True).to_dicts(),
        }
