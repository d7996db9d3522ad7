"""The workspace's customer-intelligence methods: features, churn training and scoring.

Mixed into :class:`tenure.Workspace`; each method gathers the settings and connection,
calls the library (``tenure.features``, ``tenure.models``) and keeps what it made: the
model in ``<workspace>/models/churn/``, the scores in the warehouse table
``churn_scores`` (one slice per ``as_of`` day).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.errors import ModelError

if TYPE_CHECKING:
    import polars as pl

    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.features.frames import FrameCache
    from tenure.models import ModelArtifact
    from tenure.progress import Progress
    from tenure.store import Warehouse

__all__ = ["CHURN_SCORES", "RiskMixin"]

CHURN_SCORES = "churn_scores"
GROUND_TRUTH = Path("data") / "ground_truth" / "churn_drivers.parquet"


class RiskMixin:
    settings: Settings
    clock: Clock
    progress: Progress

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def root(self) -> Path: ...

        @property
        def warehouse(self) -> Warehouse: ...

        def data_through(self) -> dt.date | None: ...

        def _frames(self) -> FrameCache: ...

    # -- days --------------------------------------------------------------------------------

    def _through(self) -> dt.date:
        through = self.data_through()
        if through is None:
            raise ModelError(
                "the warehouse holds no invoices, so there is nothing to learn churn from; "
                "ingest billing data first (tenure ingest FILES, or tenure demo)"
            )
        return through

    def scoring_day(self) -> dt.date:
        """The default ``as_of`` for features and scores: the day after the data ends.

        Today when the data is current; the day after the latest invoice when it stops
        earlier, so stale data does not look like lost customers.
        """
        today = self.clock.now().date()
        through = self.data_through()
        return today if through is None else min(today, through + dt.timedelta(days=1))

    # -- features ----------------------------------------------------------------------------

    def features(self, *, as_of: dt.date | None = None) -> pl.DataFrame:
        """One row of point-in-time features per customer (docs/features.md)."""
        from tenure.features import feature_frame

        with self.progress.task("Building features", total=None):
            return feature_frame(
                self.warehouse.ibis,
                as_of or self.scoring_day(),
                currency=self.settings.reporting_currency,
                rules=self.settings.metrics,
                settings=self.settings.features,
                cache=self._frames(),
            )

    # -- churn -------------------------------------------------------------------------------

    @property
    def churn_model_path(self) -> Path:
        return self.root / "models" / "churn"

    def _oracle(self) -> pl.DataFrame | None:
        """The demo generator's true hazard per customer, when this is a demo workspace."""
        path = self.root / GROUND_TRUTH
        if not path.exists():
            return None
        import polars as pl

        truth = pl.read_parquet(path, columns=["customer_id", "monthly_churn_hazard"])
        return truth.rename({"monthly_churn_hazard": "score"})

    def churn_train(
        self, *, data_through: dt.date | None = None, horizon_days: int | None = None
    ) -> ModelArtifact:
        """Backtest and fit the churn model; save it to ``models/churn/`` and return it.

        ``horizon_days`` overrides ``churn.horizon_days``. The folder is replaced whole:
        a failed run leaves the previous model in place.
        """
        from tenure.config import ChurnSettings
        from tenure.models import load_model, save_model
        from tenure.models.risk import train_churn

        through = data_through or self._through()
        result = train_churn(
            self.warehouse.ibis,
            data_through=through,
            churn=ChurnSettings.model_validate(
                self.settings.churn.model_dump()
                | ({"horizon_days": horizon_days} if horizon_days else {})
            ),
            currency=self.settings.reporting_currency,
            rules=self.settings.metrics,
            features=self.settings.features,
            oracle=self._oracle(),
            cache=self._frames(),
            progress=self.progress,
        )
        target = self.churn_model_path
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".churn-", dir=target.parent))
        try:
            meta = result.metadata() | {"data_through": through.isoformat()}
            save_model(result.model, staging, meta, clock=self.clock)
            if target.exists():
                old = target.with_name(f".churn-old-{staging.name}")
                target.rename(old)
                staging.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return load_model(target)

    def churn_model(self) -> ModelArtifact:
        """The saved churn model (``tenure churn train`` makes it)."""
        from tenure.models import load_model

        if not (self.churn_model_path / "metadata.json").exists():
            raise ModelError(
                f"no churn model in {self.churn_model_path}; train one first with "
                "'tenure churn train'"
            )
        return load_model(self.churn_model_path)

    def churn_score(
        self, *, as_of: dt.date | None = None, features: pl.DataFrame | None = None
    ) -> pl.DataFrame:
        """Score every paying customer at ``as_of`` and store the slice in ``churn_scores``.

        Returns the scores, riskiest first, with reasons in English and German (see
        :func:`tenure.models.risk.score_churn`). ``features``: that day's
        :meth:`features`, when the caller has them already.
        """
        import polars as pl

        from tenure.models.risk import score_churn
        from tenure.store.results import replace_slice

        artifact = self.churn_model()
        day = as_of or self.scoring_day()
        scores = score_churn(
            self.warehouse.ibis,
            artifact.model,
            as_of=day,
            currency=self.settings.reporting_currency,
            rules=self.settings.metrics,
            features=self.settings.features,
            top=self.settings.churn.reasons,
            frame=features,
            progress=self.progress,
        )
        stored = scores.select(
            "customer_id",
            pl.lit(day).alias("as_of"),
            "churn_probability",
            pl.col("rank").cast(pl.Int64),
            *(
                pl.Series(c, [json.dumps(v) for v in scores[c].to_list()], dtype=pl.String)
                for c in ("drivers", "reasons_en", "reasons_de")
            ),
            pl.lit(str(artifact.metadata.get("created_at"))).alias("model_created_at"),
        )
        replace_slice(self.warehouse.ibis, CHURN_SCORES, day, stored.to_arrow())
        return scores

    def churn_scores(self, *, as_of: dt.date | None = None) -> pl.DataFrame | None:
        """The stored scores of ``as_of`` (default: the latest scored day), or None."""
        import polars as pl

        from tenure.store.results import read_slice

        rows = read_slice(self.warehouse.ibis, CHURN_SCORES, as_of)
        if rows is None:
            return None
        frame = pl.from_arrow(rows)
        assert isinstance(frame, pl.DataFrame)
        return frame.with_columns(
            pl.col(c).str.json_decode(pl.List(pl.String))
            for c in ("drivers", "reasons_en", "reasons_de")
        ).sort("rank")

    def _day_columns(self, day: dt.date, columns: list[str]) -> pl.DataFrame:
        """Feature columns of ``day``: from its stored profiles when refreshed, else built."""
        import polars as pl

        from tenure.decide import CUSTOMER_PROFILES
        from tenure.store.results import slice_days

        con = self.warehouse.ibis
        if day in slice_days(con, CUSTOMER_PROFILES):
            t = con.table(CUSTOMER_PROFILES)
            frame = pl.from_arrow(t.filter(t.as_of == day).select(*columns).to_pyarrow())
            assert isinstance(frame, pl.DataFrame)
            return frame
        return self.features(as_of=day).select(columns)

    def churn_report(self, *, as_of: dt.date | None = None, top: int = 10) -> dict[str, Any]:
        """What ``tenure churn report`` shows: the model's backtest and whom to call first.

        ``riskiest``: the ``top`` customers the model ranks riskiest among those who have
        not cancelled; ``canceling``: those with a cancellation scheduled, largest MRR
        first (they can still be saved before their period ends).

        Scores ``as_of`` when it has no stored scores yet.
        """
        import polars as pl

        artifact = self.churn_model()
        scores = self.churn_scores(as_of=as_of)
        if scores is None or (as_of is not None and scores.is_empty()):
            scores = self.churn_score(as_of=as_of)
        day = scores["as_of"][0] if scores.height else (as_of or self.scoring_day())
        c = self.warehouse.table("customers").select("customer_id", "name", "email", "locale")
        names = pl.from_arrow(c.to_pyarrow())
        assert isinstance(names, pl.DataFrame)
        features = self._day_columns(day, ["customer_id", "mrr", "plan", "cancel_pending"])
        table = (
            scores.select("customer_id", "churn_probability", "rank", "reasons_en", "reasons_de")
            .join(names, on="customer_id", how="left")
            .join(features, on="customer_id", how="left")
            .sort("rank")
        )
        pending = pl.col("cancel_pending").fill_null(False)
        riskiest = table.filter(~pending).head(top)
        canceling = table.filter(pending).sort("mrr", descending=True).head(top)
        meta = artifact.metadata
        return {
            "as_of": day,
            "scored": scores.height,
            "expected_churners": float(scores["churn_probability"].sum()) if scores.height else 0.0,
            "mrr_at_risk": float(
                scores.join(features, on="customer_id")
                .select(pl.col("churn_probability") * pl.col("mrr"))
                .sum()
                .item()
            )
            if scores.height
            else 0.0,
            "horizon_days": meta.get("horizon_days"),
            "model": {
                "created_at": meta.get("created_at"),
                "window": meta.get("window"),
                "data_through": meta.get("data_through"),
            },
            "backtest": meta.get("metrics", {}),
            "riskiest": riskiest.to_dicts(),
            "canceling": canceling.to_dicts(),
            "canceling_count": int(table.filter(pending).height),
        }
