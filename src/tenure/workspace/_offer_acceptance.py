"""Who takes a retention discount when offered, and the decision-time columns of the offer models.

A declined offer costs nothing, so the offer policy weighs the discount's cost by the
chance that the customer accepts it (docs/offers.md, "The decision"): ``uplift × value −
P(accept) × cost > 0``. :func:`fit_acceptance` learns ``P(accept | offered, x)`` from the
offered decisions with a regularised logistic regression
(:class:`~tenure.models.LogisticBaseline`: a few hundred rows, so a simple model), and
:func:`accept_probability` applies it. :func:`with_decision_columns` adds
``cancel_requests_before`` and the use just before the moment to a feature frame scored at
one moment, as
:func:`tenure.features.offer_decisions.cancel_decisions` does for past decisions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from ibis.backends import BaseBackend

__all__ = [
    "ACCEPTANCE_DIR",
    "CalibratedUplift",
    "accept_probability",
    "fit_acceptance",
    "load_acceptance",
    "with_decision_columns",
]

ACCEPTANCE_DIR = Path("models") / "offer_uplift" / "acceptance"
"""Where the acceptance model is saved, beside the uplift model."""
_C = 0.3
"""Inverse L2 strength of the acceptance model (standardised features, few rows)."""
_Z_ONE_SIDED = 1.645
"""The calibration slope used is its one-sided 95% lower bound."""


def fit_acceptance(
    rows: pl.DataFrame, features: list[str], *, uplift: Any | None = None
) -> Any | None:
    """``P(accept | offered, x)`` fitted on the offered ``rows``; None with one class only.

    None too beside a principal-strata ``uplift`` model, which is its own acceptance model
    (:func:`accept_probability`).
    """
    from tenure.models import LogisticBaseline

    if uplift is not None and hasattr(uplift, "predict_strata"):
        return None
    offered = rows.filter(pl.col("treated"))
    accepted = offered["accepted"].cast(pl.Int8)
    if offered.height == 0 or accepted.n_unique() < 2:
        return None
    return LogisticBaseline(C=_C).fit(offered.select(features), accepted.to_numpy())


def accept_probability(
    model: Any | None, frame: pl.DataFrame, features: list[str], *, uplift: Any | None = None
) -> pl.Series:
    """Each row's predicted chance of accepting the offer; 1 (the cautious rule) without a model.

    A principal-strata ``uplift`` model (:class:`~tenure.models.StrataUplift`) answers
    itself: who accepts stays anyway or is saved, ``π_s + π_v``.
    """
    if uplift is not None and hasattr(uplift, "predict_strata"):
        _, stays_if_offered = uplift.predict_outcomes(frame.select(features))
        return pl.Series("accept_probability", stays_if_offered, dtype=pl.Float64)
    if model is None:
        return pl.Series("accept_probability", [1.0] * frame.height, dtype=pl.Float64)
    proba = model.predict_proba(frame.select(features))[:, 1]
    return pl.Series("accept_probability", proba, dtype=pl.Float64)


def load_acceptance(root: Path) -> Any | None:
    """The saved acceptance model of the workspace at ``root``, or None."""
    from tenure.models import load_model

    folder = root / ACCEPTANCE_DIR
    if not (folder / "metadata.json").exists():
        return None
    return load_model(folder).model


def with_decision_columns(con: BaseBackend, frame: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """``frame`` (one row per customer, scored on ``day``) with the decision-time columns.

    ``cancel_requests_before`` and the use just before the moment
    (:func:`~tenure.features.offer_decisions.usage_before`), as
    :func:`~tenure.features.offer_decisions.cancel_decisions` adds them to past decisions.
    """
    from tenure.features.offer_decisions import (
        cancel_requests,
        cancel_requests_before,
        usage_before,
    )

    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    counted = cancel_requests_before(frame, cancel_requests(con), at=moment)
    return usage_before(con, counted, at=moment)


class CalibratedUplift:
    """An uplift model whose predictions are shrunk toward what acceptance alone implies.

    With a few hundred decisions a meta-learner's per-customer uplift is mostly noise, and
    the offer rule acts on it: where a missed save costs seven times what a wasted
    discount does, a noisy ranking loses money against offering to everyone. Only a
    customer who accepts can be saved, so ``uplift(x) = P(accept | x) × q(x)``, with
    ``q`` the share of acceptors who would have left without the offer. The baseline
    ``τ0(x) = q̄ × P(accept | x)`` uses the average ``q̄ = ATE / acceptance rate``; the
    learner's out-of-fold predictions ``τ̂`` are checked against the transformed outcome
    ``y* = y (t − p) / (p (1 − p))`` (``p`` the offered share; ``E[y* | x]`` is the true
    uplift in a randomised experiment), and the slope of the best linear predictor
    ``β = cov(y* − τ0, τ̂ − τ0) / var(τ̂ − τ0)`` says how much of the learner's departure
    from the baseline is signal (Chernozhukov et al., 2018, "Generic machine learning
    inference on heterogeneous treatment effects"). The slope used is its one-sided 95%
    lower bound (heteroscedasticity-robust standard error), clipped to ``[0, 1]``: a slope
    the rows cannot tell from zero is taken as zero, because acting on noise withholds
    saves. The prediction is ``τ0(x) + β × (τ̂(x) − τ0(x))``. With ``β = 0`` the offer
    rule ``uplift × value > P(accept) × cost`` becomes ``q̄ × value > cost`` for everyone:
    the same offer to all, as the data can tell no customer from another.

    Parameters
    ----------
    estimator
        An unfitted uplift model (``fit(X, treatment, y)``, ``predict``,
        ``predict_outcomes``).
    folds
        Folds of the out-of-fold predictions.

    Attributes
    ----------
    slope_ : float
        The lower bound of ``β``, clipped to ``[0, 1]``: the slope the predictions use.
    slope_estimate_ : float
        ``β`` itself.
    """

    def __init__(self, estimator: Any, *, folds: int = 5) -> None:
        self.estimator = estimator
        self.folds = folds

    def fit(self, X: Any, treatment: Any, y: Any, accepted: Any) -> CalibratedUplift:
        import numpy as np
        from sklearn.base import clone
        from sklearn.model_selection import StratifiedKFold

        t = np.asarray(treatment, dtype=int)
        out = np.asarray(y, dtype=float)
        took = np.asarray(accepted, dtype=int)

        def take(idx: Any) -> Any:
            return X.iloc[idx] if hasattr(X, "iloc") else X[idx]

        oof, base = np.zeros(len(out)), np.zeros(len(out))
        strata = t * 2 + (out > 0)
        # as many folds as the smallest arm-and-outcome cell allows (a small history)
        k = min(self.folds, int(np.bincount(strata)[np.unique(strata)].min()))
        if k < 2:
            strata, k = t, min(self.folds, int(np.bincount(t).min()))
        splits = (
            StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(out)), strata)
            if k >= 2
            else []
        )
        for fit_rows, score_rows in splits:
            part = clone(self.estimator).fit(take(fit_rows), t[fit_rows], out[fit_rows])
            oof[score_rows] = part.predict(take(score_rows))
            rate, accept = _acceptance(take(fit_rows), t[fit_rows], out[fit_rows], took[fit_rows])
            base[score_rows] = rate * _accept_of(accept, take(score_rows))
        share = t.mean()
        if k < 2:  # too few rows to check the learner out of fold: trust none of it
            oof = base = np.zeros(len(out))
        transformed = out * (t - share) / (share * (1 - share))
        gap = oof - base
        spread = float(gap @ gap)
        slope = float(gap @ (transformed - base)) / spread if spread else 0.0
        resid = transformed - base - slope * gap
        error = float(np.sqrt((gap**2) @ (resid**2))) / spread if spread else 0.0
        self.slope_estimate_ = slope
        self.slope_ = min(max(slope - _Z_ONE_SIDED * error, 0.0), 1.0)
        self.save_rate_, self.acceptance_ = _acceptance(X, t, out, took)
        self.estimator_ = clone(self.estimator).fit(X, t, out)
        self.n_features_in_ = self.estimator_.n_features_in_
        names = getattr(self.estimator_, "feature_names_in_", None)
        if names is not None:
            self.feature_names_in_ = names
        return self

    def predict(self, X: Any) -> Any:
        """Each row's uplift ``τ0(x) + β × (τ̂(x) − τ0(x))``."""
        base = self.save_rate_ * _accept_of(self.acceptance_, X)
        return base + self.slope_ * (self.estimator_.predict(X) - base)

    def predict_outcomes(self, X: Any) -> Any:
        """The learner's own ``(mu0, mu1)``: retention without and with the offer."""
        return self.estimator_.predict_outcomes(X)


def _acceptance(X: Any, t: Any, y: Any, accepted: Any) -> tuple[float, Any]:
    """``q̄`` (the average effect over the acceptance rate) and ``P(accept | x)``.

    ``P(accept | x)`` is a fitted :class:`~tenure.models.LogisticBaseline`, or the rate
    itself (a float) when every offered row was accepted, or none.
    """
    import numpy as np

    from tenure.models import LogisticBaseline

    offered = t == 1
    rate = float(accepted[offered].mean()) if offered.any() else 0.0
    effect = float(y[offered].mean() - y[~offered].mean())
    save_rate = effect / rate if rate > 0 else 0.0
    if len(np.unique(accepted[offered])) < 2:
        return save_rate, rate
    rows = np.flatnonzero(offered)
    chosen = X.iloc[rows] if hasattr(X, "iloc") else X[rows]
    return save_rate, LogisticBaseline(C=_C).fit(chosen, accepted[offered])


def _accept_of(model: Any, X: Any) -> Any:
    import numpy as np

    if isinstance(model, float):
        return np.full(len(X), model)
    return model.predict_proba(X)[:, 1]
