"""Whom a retention discount saves: the discount uplift model, the offer policy, the simulation.

Mixed into :class:`tenure.Workspace` (docs/offers.md). From the cancel decisions of the
past (:mod:`tenure.features.offer_decisions`: the offer log plus what the warehouse shows),
:meth:`OfferUpliftMixin.offer_uplift_train` fits a meta-learner (``[offers]
uplift_learner``) on the customers' features at each decision and whether they stayed;
:meth:`OfferUpliftMixin.offer_uplift` predicts each customer's retention uplift from the
discount, which :meth:`OfferUpliftMixin.offer_decision` hands to
:func:`tenure.decide.offers.decide_offers` in place of ``[offers] default_uplift``.
:meth:`OfferUpliftMixin.offers_simulate` scores past decisions with models that never saw
them (cross-fitted by customer, or trained before a cutoff) and compares "discount
everyone", "targeted", "no discount" and (on the demo) the oracle on them
(:mod:`tenure.measure.offer_policy`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from tenure.errors import ModelError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tenure.config import Settings
    from tenure.decide.offers import OfferDecision
    from tenure.models import ModelArtifact
    from tenure.progress import Progress
    from tenure.store import Warehouse

Protocol = Literal["crossfit", "time"]
"""How ``offers_simulate`` keeps each scored decision out of its models' training rows."""

__all__ = ["OfferUpliftMixin"]

_MODEL_DIR = Path("models") / "offer_uplift"
_CACHE_DIR = Path("cache") / "offer_decisions"
"""The last decision frame, reused until a load or a setting it depends on changes."""
_MIN_ARM = 2
"""Fewest decisions with, and without, an offer the uplift model is fitted on."""
_STRATA_C = 1.0
"""Inverse L2 strength of the principal-strata model. Stronger shrinkage (0.03, 0.3) fits
the outcomes' likelihood better but leaves the 95% bounds too flat to withhold the
discount from seekers (docs/benchmarks.md, "Offer policies on the demo world")."""
_GROUND_TRUTH = Path("data") / "ground_truth" / "churn_drivers.parquet"
_NOT_FEATURES = frozenset(
    {
        "customer_id",
        "as_of",
        "decided_at",
        "decided_on",
        "treated",
        "accepted",
        "percent",
        "months",
        "retained",
        "observed",
        "outcome_as_of",
        "would_save",
        "seeker",
        "cancel_pending",
    }
)


def _feature_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in _NOT_FEATURES]


class OfferUpliftMixin:
    settings: Settings
    progress: Progress

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def root(self) -> Path: ...

        @property
        def warehouse(self) -> Warehouse: ...

        def scoring_day(self) -> dt.date: ...

        def data_through(self) -> dt.date | None: ...

        def data_version(self) -> int: ...

        def features(self, *, as_of: dt.date | None = None) -> pl.DataFrame: ...

        def profile_day(self) -> dt.date | None: ...

        def customer_notes(
            self, customer_ids: Sequence[str] | None, *, as_of: dt.date
        ) -> dict[str, dict[str, Any]]: ...

        def cancel_flow_offer_log(self) -> pl.DataFrame: ...

    # -- the training rows ----------------------------------------------------------------

    def _truth(self) -> pl.DataFrame | None:
        path = self.root / _GROUND_TRUTH
        return pl.read_parquet(path) if path.exists() else None

    def offer_log(self) -> pl.DataFrame:
        """The retention offers shown in past cancel flows (``OFFER_LOG_COLUMNS``).

        A declined offer leaves no trace in Stripe, so this log is what tells an offered
        decision from one without an offer. It is the discounts shown in this tenant's
        cancel flows (:meth:`cancel_flow_offer_log`), and on a demo workspace also the
        demo's simulated history (its ground truth, ``retention_offer_at`` and
        ``retention_offer_accepted``). :class:`NotFoundError` while neither has an offer.
        """
        from tenure.features.offer_decisions import demo_offer_log

        truth = self._truth()
        flows = self.cancel_flow_offer_log()
        if truth is None and flows.height == 0:
            raise NotFoundError(
                "there is no offer log: the discount uplift model learns from cancel flows "
                "that offered a discount to a random share of customers, and a declined offer "
                "leaves no trace in Stripe; run the cancel flow with a control group first "
                "(docs/offers.md), or try it on 'tenure demo'"
            )
        if truth is None:
            return flows
        return pl.concat([demo_offer_log(truth).select(flows.columns).cast(flows.schema), flows])

    def offer_decisions(self, *, data_through: dt.date | None = None) -> pl.DataFrame:
        """Past cancel decisions with the customer's features, the offer and the outcome.

        One row per decision (:func:`tenure.features.offer_decisions.offer_decision_frame`):
        ``treated`` (offered), ``accepted``, ``retained`` (paying with no cancellation
        pending on the first of the month ``[offers] outcome_days`` later; null when not
        yet ``observed``), and on a demo ``would_save`` and ``seeker`` (ground truth). Kept in
        ``cache/offer_decisions/`` until the next load or a change of the settings it
        depends on.
        """
        from tenure.features.offer_decisions import (
            cancel_decisions,
            decision_months,
            offer_decision_frame,
        )

        through = data_through or self.data_through()
        if through is None:
            raise ModelError("the workspace holds no data; ingest billing data first")
        log = self.offer_log()
        key = json.dumps(
            {
                # 5: use before the decision; 4: cancel_requests_before;
                # 3: no failed-payment cancels; 2: ``seeker``
                "frame": 5,
                "data_version": self.data_version(),
                "offer_log": [log.height, str(log["offered_at"].max())],
                "through": through.isoformat(),
                "outcome_days": self.settings.offers.outcome_days,
                "currency": self.settings.reporting_currency,
                "metrics": self.settings.metrics.model_dump(mode="json"),
                "features": self.settings.features.model_dump(mode="json"),
            },
            sort_keys=True,
        )
        cached: tuple[str, pl.DataFrame] | None = getattr(self, "_offer_frame_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        folder = self.root / _CACHE_DIR
        if (folder / "key.json").exists() and (folder / "key.json").read_text() == key:
            stored = pl.read_parquet(folder / "decisions.parquet")
            self._offer_frame_cache = (key, stored)
            return stored
        decisions = cancel_decisions(self.warehouse.ibis, log).filter(
            pl.col("decided_on") < through
        )
        days = self.settings.offers.outcome_days
        feature_months, outcome_months = decision_months(decisions, days, through)
        frames: dict[dt.date, pl.DataFrame] = {}
        months = sorted(set(feature_months) | set(outcome_months))
        with self.progress.task("Features at past cancel decisions", total=len(months)) as task:
            for month in months:
                frames[month] = self.features(as_of=month)
                task.advance(1)
        frame = offer_decision_frame(decisions, frames, outcome_days=days)
        truth = self._truth()
        if truth is not None:
            seeker = (
                pl.col("discount_seeker")
                if "discount_seeker" in truth.columns
                else pl.lit(value=False)  # a demo generated before the seekers
            )
            frame = frame.join(
                truth.select("customer_id", would_save="discount_would_save", seeker=seeker),
                on="customer_id",
                how="left",
            )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "key.json").unlink(missing_ok=True)
        frame.write_parquet(folder / "decisions.parquet")
        (folder / "key.json").write_text(key)  # written last: marks a complete cache
        self._offer_frame_cache = (key, frame)
        return frame

    # -- the model ------------------------------------------------------------------------

    def _uplift_estimator(self) -> Any:
        from tenure.models import TLearner, XLearner

        kind = TLearner if self.settings.offers.uplift_learner == "t" else XLearner
        # a few hundred decisions: shallow trees, 4 leaves of at least 20 rows (leaves of 40
        # rows scored worse in cross-validation on the 10k demo's training decisions)
        return kind(random_state=0, num_leaves=4, min_child_samples=20)

    def _fit(self, rows: pl.DataFrame) -> Any:
        offered = int(rows["treated"].sum()) if rows.height else 0
        if min(offered, rows.height - offered) < _MIN_ARM:
            raise ModelError(
                f"{rows.height} cancel decisions with a known outcome, "
                f"{offered} of them offered a discount; the uplift model needs at least "
                f"{_MIN_ARM} decisions with and {_MIN_ARM} without an offer "
                "(ingest more history, or wait for the cancel flow's control group to grow)"
            )
        X = rows.select(_feature_columns(rows))
        treated = rows["treated"].to_numpy()
        retained = rows["retained"].cast(pl.Int8).to_numpy()
        if self.settings.offers.uplift_learner == "strata":
            from tenure.models import StrataUplift

            return StrataUplift(C=_STRATA_C).fit(X, treated, retained)
        from tenure.workspace._offer_acceptance import CalibratedUplift

        return CalibratedUplift(self._uplift_estimator()).fit(
            X, treated, retained, rows["accepted"].fill_null(value=False).to_numpy()
        )

    def offer_uplift_train(self, *, data_through: dt.date | None = None) -> dict[str, Any]:
        """Fit the discount uplift model on every decision with a known outcome; save it.

        The model (``[offers] uplift_learner``, seed 0) goes to ``models/offer_uplift/``
        with the report: rows, offered, retention with and without an offer and their
        difference (Newcombe interval), and for principal strata the average chance of
        each kind over the decisions (``strata``: ``stays_anyway``, ``saved``,
        ``leaves_anyway``; None for the other learners).
        """
        from tenure.measure import difference_in_proportions
        from tenure.models import save_model
        from tenure.workspace._offer_acceptance import ACCEPTANCE_DIR, fit_acceptance

        frame = self.offer_decisions(data_through=data_through)
        rows = frame.filter(pl.col("observed"))
        model = self._fit(rows)
        strata = hasattr(model, "predict_strata")
        acceptance = fit_acceptance(rows, _feature_columns(rows), uplift=model)
        treated = rows.filter(pl.col("treated"))
        control = rows.filter(~pl.col("treated"))
        effect = difference_in_proportions(
            int(treated["retained"].sum()),
            treated.height,
            int(control["retained"].sum()),
            control.height,
        )
        report: dict[str, Any] = {
            "rows": rows.height,
            "offered": treated.height,
            "accepted": int(treated["accepted"].sum()),
            "retained_offered": treated["retained"].mean(),
            "retained_not_offered": control["retained"].mean(),
            "effect": {"value": effect.value, "low": effect.low, "high": effect.high},
            "learner": self.settings.offers.uplift_learner,
            "outcome_days": self.settings.offers.outcome_days,
            "first_decision": str(rows["decided_on"].min()),
            "last_decision": str(rows["decided_on"].max()),
        }
        if acceptance is not None:  # saved first: the uplift model's metadata marks a new fit
            save_model(acceptance, self.root / ACCEPTANCE_DIR, {"target": "accepted"})
        else:
            (self.root / ACCEPTANCE_DIR / "metadata.json").unlink(missing_ok=True)
        report["acceptance_model"] = strata or acceptance is not None
        report["strata"] = None
        if strata:  # the model's estimate of who the cancelling customers are, on average
            from tenure.models.uplift_strata import STRATA

            share = model.predict_strata(rows.select(_feature_columns(rows))).mean(axis=0)
            report["strata"] = dict(zip(STRATA, (float(x) for x in share), strict=True))
        save_model(
            model,
            self.root / _MODEL_DIR,
            {"target": "retained", "treatment": "offered a discount", "metrics": report},
        )
        return report

    def offer_uplift_model(self) -> ModelArtifact:
        """The saved discount uplift model; :class:`NotFoundError` before training."""
        from tenure.models import load_model

        folder = self.root / _MODEL_DIR
        if not (folder / "metadata.json").exists():
            raise NotFoundError(
                "there is no discount uplift model yet; train one with 'tenure offers train' "
                "(Workspace.offer_uplift_train)"
            )
        return load_model(folder)

    def offer_uplift(
        self, customer_ids: list[str] | None = None, *, as_of: dt.date | None = None
    ) -> pl.DataFrame:
        """Each customer's predicted retention uplift from the discount on ``as_of``.

        Columns ``customer_id``, ``uplift`` (the chance of staying if offered minus if
        not), ``retained_if_offered``, ``retained_if_not``, ``accept_probability`` (the
        chance of accepting the discount if offered; 1 when no acceptance model could be
        fitted) and ``mrr``; paying customers only (``customer_ids`` restricts them).
        """
        from tenure.workspace._offer_acceptance import (
            accept_probability,
            load_acceptance,
            with_decision_columns,
        )

        artifact = self.offer_uplift_model()
        day = as_of or self.scoring_day()
        frame = self.features(as_of=day).filter(pl.col("mrr") > 0)
        if customer_ids is not None:
            frame = frame.filter(pl.col("customer_id").is_in(customer_ids))
        frame = with_decision_columns(self.warehouse.ibis, frame, day)
        if frame.height == 0:
            return pl.DataFrame(
                schema={
                    "customer_id": pl.Utf8,
                    "uplift": pl.Float64,
                    "retained_if_offered": pl.Float64,
                    "retained_if_not": pl.Float64,
                    "accept_probability": pl.Float64,
                    "mrr": pl.Float64,
                }
            )
        X = frame.select(artifact.features)
        mu0, mu1 = artifact.model.predict_outcomes(X)
        accept = accept_probability(
            load_acceptance(self.root), frame, artifact.features, uplift=artifact.model
        )
        return frame.select("customer_id", "mrr").with_columns(
            uplift=pl.Series(artifact.model.predict(X), dtype=pl.Float64),
            retained_if_offered=pl.Series(mu1, dtype=pl.Float64),
            retained_if_not=pl.Series(mu0, dtype=pl.Float64),
            accept_probability=accept,
        )

    def offer_decision(
        self, customer_id: str, reason: str, *, today: dt.date | None = None
    ) -> OfferDecision:
        """The cancel flow's offers for ``customer_id`` leaving for ``reason``.

        The customer's MRR and last discount come from the warehouse, their segments from
        the latest refresh (none before one); their uplift from the
        discount uplift model when one is trained (``uplift_source: "model"`` in the
        decision's numbers), else ``[offers] default_uplift`` (``"default"``).
        """
        from tenure.decide.offers import OfferContext, decide_offers
        from tenure.workspace._offer_acceptance import (
            accept_probability,
            load_acceptance,
            with_decision_columns,
        )

        day = today or self.scoring_day()
        features = self.features(as_of=day).filter(pl.col("customer_id") == customer_id)
        mrr = float(features["mrr"][0] or 0.0) if features.height else 0.0
        uplift: float | None = None
        accept: float | None = None
        if (self.root / _MODEL_DIR / "metadata.json").exists() and features.height:
            artifact = self.offer_uplift_model()
            features = with_decision_columns(self.warehouse.ibis, features, day)
            uplift = float(artifact.model.predict(features.select(artifact.features))[0])
            model = load_acceptance(self.root)
            if model is not None or hasattr(artifact.model, "predict_strata"):
                accept = float(
                    accept_probability(model, features, artifact.features, uplift=artifact.model)[0]
                )
        subs = self.warehouse.ibis.table("subscriptions_versions")
        last = (
            subs.filter((subs.customer_id == customer_id) & subs.discount_start_at.notnull())
            .discount_start_at.max()
            .to_pyarrow()
            .as_py()
        )
        stored = self.profile_day()  # segments as of the latest refresh
        segments = (
            self.customer_notes([customer_id], as_of=stored)[customer_id]["segments"]
            if stored is not None
            else []
        )
        ctx = OfferContext(
            customer_id=customer_id,
            reason=reason,
            mrr=mrr,
            today=day,
            segments=frozenset(segments),
            uplift=uplift,
            last_discount_on=last.date() if last is not None else None,
            accept_probability=accept,
        )
        return decide_offers(ctx, self.settings.offers)

    # -- the simulation -------------------------------------------------------------------

    def offers_simulate(
        self, *, as_of: dt.date | None = None, protocol: Protocol | None = None
    ) -> dict[str, Any]:
        """Compare the offer policies on past decisions scored by models that never saw them.

        ``protocol`` (default ``[offers] simulate_protocol``, or ``"time"`` when ``as_of``
        is given): ``"crossfit"`` scores every decision with a known outcome by models
        fitted on the other customers' decisions (``[offers] simulate_folds`` folds,
        :mod:`tenure.workspace._offer_crossfit`); ``"time"`` trains on the decisions whose
        outcome was known before ``as_of`` and scores those after it (``as_of`` defaults
        to the first of the month that leaves ``[offers] holdout_months`` months of
        decisions with a known outcome). Returns the report: the protocol and split, the
        model's Qini AUC on the scored decisions, and the policies' outcomes by the logged
        (randomised) offers and, on a demo, by the ground truth.
        """
        from tenure.features.offer_decisions import first_of_month
        from tenure.workspace._offer_crossfit import cross_fitted

        frame = self.offer_decisions().filter(pl.col("observed"))
        if frame.height == 0:
            raise ModelError("no cancel decision has a known outcome yet; ingest more history")
        cfg = self.settings.offers
        protocol = protocol or ("time" if as_of else cfg.simulate_protocol)
        split: dict[str, Any]
        if protocol == "time":
            last = first_of_month(frame["decided_on"].max())  # type: ignore[arg-type]
            cutoff = as_of or _months_before(last, cfg.holdout_months - 1)
            train = frame.filter(pl.col("outcome_as_of") <= cutoff)
            test = self._scored(train, frame.filter(pl.col("decided_on") >= cutoff))
            split = {
                "as_of": cutoff.isoformat(),
                "folds": None,
                "train_decisions": train.height,
                "train_offered": int(train["treated"].sum()),
            }
        else:
            fit = cross_fitted(frame, self._scored, folds=cfg.simulate_folds)
            test = fit.scored
            split = {
                "as_of": None,
                "folds": cfg.simulate_folds,
                "train_decisions": round(sum(fit.train_rows) / len(fit.train_rows)),
                "train_offered": round(sum(fit.train_offered) / len(fit.train_offered)),
            }
        return self._policy_report(test, {"protocol": protocol, **split})

    def _scored(self, train: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
        """``test`` with ``uplift`` and ``accept_probability`` from models fitted on ``train``."""
        from tenure.workspace._offer_acceptance import accept_probability, fit_acceptance

        model = self._fit(train)
        features = _feature_columns(test)
        acceptance = fit_acceptance(train, features, uplift=model)
        return test.with_columns(
            uplift=pl.Series(model.predict(test.select(features)), dtype=pl.Float64),
            accept_probability=accept_probability(acceptance, test, features, uplift=model),
        )

    def _policy_report(self, test: pl.DataFrame, split: dict[str, Any]) -> dict[str, Any]:
        from tenure.measure.offer_policy import policy_report

        cfg = self.settings.offers
        return policy_report(
            test,
            split,
            learner=cfg.uplift_learner,
            outcome_days=cfg.outcome_days,
            value_months=cfg.value_months,
        )


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)
