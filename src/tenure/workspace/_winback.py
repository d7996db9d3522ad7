"""Win-back: churned customers ranked by the chance they come back × what they are worth.

Mixed into :class:`tenure.Workspace` (docs/winback.md). A reactivation model (the churn
model's calibrated LightGBM, :class:`~tenure.models.ChurnModel`, on another target) learns
from past churned customers at monthly origins whether they came back within
``[winback] horizon_days``; :meth:`WinbackMixin.winback` scores today's churned customers,
flags the priority groups and picks an offer and a message by their stated cancel reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from tenure.errors import ModelError, NotFoundError

if TYPE_CHECKING:
    from tenure.config import Settings
    from tenure.models import ModelArtifact
    from tenure.progress import Progress
    from tenure.store import Warehouse

__all__ = ["WINBACK_FEATURES", "WinbackMixin"]

WINBACK_FEATURES = (
    "days_since_churn",
    "mrr_before_churn",
    "churns",
    "reactivations",
    "paid_months",
    "revenue",
    "avg_mrr",
    "churn_type",
    "cancel_reason",
    "events_90d_before_churn",
    "account_age_days",
    "channel",
    "company_size",
    "industry",
    "country",
    "events_30d",
    "days_since_seen",
    "nps_last",
    "tickets_90d",
    "csat_180d",
    "key_action_done",
)
"""The reactivation model's inputs: the churn facts and some of the customer features."""
_MODEL_DIR = Path("models") / "winback"


class WinbackMixin:
    settings: Settings
    progress: Progress

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def root(self) -> Path: ...

        @property
        def warehouse(self) -> Warehouse: ...

        def scoring_day(self) -> dt.date: ...

        def data_through(self) -> dt.date | None: ...

        def features(self, *, as_of: dt.date | None = None) -> pl.DataFrame: ...

    def churned(self, *, as_of: dt.date | None = None) -> pl.DataFrame:
        """The customers churned at ``as_of`` with what was known of them before it.

        Columns: :data:`tenure.features.winback.WINBACK_COLUMNS`, ``as_of`` and the
        customer features the model uses (docs/winback.md).
        """
        from tenure.features import PointInTimeContext
        from tenure.features.winback import churned_customers

        day = as_of or self.scoring_day()
        ctx = PointInTimeContext(
            self.warehouse.ibis,
            day - dt.timedelta(days=1),
            self.settings.reporting_currency,
            self.settings.metrics,
        )
        expr = churned_customers(ctx, day)
        # Names and e-mails of the churned only, joined in the warehouse (current values).
        who = self.warehouse.ibis.table("customers").select("customer_id", "name", "email")
        churned = expr.left_join(who, "customer_id").drop("customer_id_right").to_polars()
        base = self.features(as_of=day)
        keep = [c for c in WINBACK_FEATURES if c in base.columns and c not in churned.columns]
        frame: pl.DataFrame = churned.join(
            base.select("customer_id", *keep), on="customer_id", how="left"
        )
        return frame.with_columns(as_of=pl.lit(day))

    def winback_train(self, *, data_through: dt.date | None = None) -> dict[str, Any]:
        """Backtest and fit the reactivation model; save it to ``models/winback/``.

        Origins are the first days of ``[winback] origins`` months, the last one a
        horizon before ``data_through``. The model is tested on the last origin after
        training on the origins whose windows end before it, then refitted on all.
        Returns the report (also saved with the model).
        """
        from tenure.features import monthly_origins
        from tenure.features.winback import reactivation_labels
        from tenure.metrics import MetricsContext
        from tenure.models import save_model
        from tenure.models.evaluate import score_ranking

        cfg = self.settings.winback
        through = data_through or self.data_through()
        if through is None:
            raise ModelError("the workspace holds no data; ingest billing data first")
        horizon = dt.timedelta(days=cfg.horizon_days)
        origins = monthly_origins(through - horizon, cfg.origins)
        full = MetricsContext(
            self.warehouse.ibis, through, self.settings.reporting_currency, self.settings.metrics
        )
        frames = []
        with self.progress.task("Learning from past win-backs", total=len(origins)) as task:
            for day in origins:
                labels = reactivation_labels(full, day, cfg.horizon_days, data_through=through)
                frame = self.churned(as_of=day).join(
                    labels.to_polars(), on="customer_id", how="left"
                )
                frames.append(frame.with_columns(came_back=pl.col("reactivated_on").is_not_null()))
                task.advance(1)
        stacked = pl.concat(frames, how="vertical_relaxed")
        if stacked.height == 0 or not stacked["came_back"].any():
            raise ModelError(
                f"no churned customer came back within {cfg.horizon_days} days of any origin "
                f"from {origins[0]} to {origins[-1]}; a win-back model needs past "
                "reactivations to learn from (ingest more history)"
            )
        test_day = origins[-1]
        train = stacked.filter(pl.col("as_of") + horizon <= test_day)
        test = stacked.filter(pl.col("as_of") == test_day)
        columns = [c for c in WINBACK_FEATURES if c in stacked.columns]
        report: dict[str, Any] = {
            "origins": [d.isoformat() for d in origins],
            "horizon_days": cfg.horizon_days,
            "rows": stacked.height,
            "came_back": int(stacked["came_back"].sum()),
            "test_origin": test_day.isoformat(),
        }
        if train["came_back"].any() and test["came_back"].any() and not test["came_back"].all():
            held_out = _model().fit(train.select(columns), train["came_back"].to_numpy())
            proba = held_out.predict_proba(test.select(columns))[:, 1]
            report["test"] = score_ranking(test["came_back"].to_numpy(), proba).to_dict()
        model = _model().fit(stacked.select(columns), stacked["came_back"].to_numpy())
        save_model(
            model,
            self.root / _MODEL_DIR,
            {"window": report["origins"], "target": "came_back", "metrics": report},
        )
        return report

    def winback_model(self) -> ModelArtifact:
        """The saved reactivation model; :class:`NotFoundError` before ``winback_train``."""
        from tenure.models import load_model

        folder = self.root / _MODEL_DIR
        if not (folder / "metadata.json").exists():
            raise NotFoundError(
                "there is no win-back model yet; train one with 'tenure winback train' "
                "(Workspace.winback_train)"
            )
        return load_model(folder)

    def winback(self, *, as_of: dt.date | None = None, limit: int | None = None) -> pl.DataFrame:
        """Churned customers ranked by reactivation probability × value, with an offer each.

        ``value`` is the MRR before the churn × ``[winback] value_months``;
        ``expected_value`` is ``probability × value``. ``high_ltv``, ``high_engagement``
        and ``high_aov`` flag the top ``priority_top`` of the churned by revenue realised,
        events before the churn and average MRR. ``offer`` and ``message`` follow the
        cancel reason (``[winback] offers``, docs/winback.md).
        """
        from tenure.decide.winback import choose_offers, flag_priorities

        artifact = self.winback_model()  # before any work: NotFoundError without a model
        frame = self.churned(as_of=as_of)
        columns = [c for c in artifact.features if c in frame.columns]
        proba = artifact.model.predict_proba(frame.select(columns))[:, 1] if frame.height else []
        cfg = self.settings.winback
        frame = frame.with_columns(
            probability=pl.Series(proba, dtype=pl.Float64),
            value=pl.col("mrr_before_churn") * cfg.value_months,
        ).with_columns(expected_value=pl.col("probability") * pl.col("value"))
        frame = flag_priorities(frame, cfg.priority_top)
        frame = choose_offers(frame, self._fixed_since(frame), cfg)
        ranked: pl.DataFrame = frame.sort(
            ["expected_value", "customer_id"], descending=[True, False]
        )
        return ranked.head(limit) if limit is not None else ranked

    def _fixed_since(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``customer_id``, ``fixed``: tickets of each churned customer solved since they left."""
        con = self.warehouse.ibis
        if frame.height == 0 or "support_tickets" not in con.list_tables():
            return pl.DataFrame(schema={"customer_id": pl.Utf8, "fixed": pl.Int64})
        import ibis

        from tenure.features.winback import tickets_solved_since

        left = ibis.memtable(frame.select("customer_id", "churned_on").to_arrow())
        out: pl.DataFrame = tickets_solved_since(con, left).to_polars()
        return out


def _model() -> Any:
    from tenure.models import ChurnModel

    return ChurnModel(learning_rate=0.05, num_leaves=7, min_child_samples=10, random_state=0)
