"""Uplift models: how much a treatment (an e-mail, a discount) changes each customer's outcome.

Both estimators are meta-learners on LightGBM (Künzel et al., 2019, "Metalearners for
estimating heterogeneous treatment effects using machine learning", PNAS 116(10)) and are
fitted on a randomised experiment: ``X`` the customers' features, ``treatment`` 1 for
treated and 0 for control rows, ``y`` the outcome (0/1, or a number).

- :class:`TLearner` fits one outcome model per arm, ``mu0(x)`` on the control rows and
  ``mu1(x)`` on the treated rows, and predicts ``tau(x) = mu1(x) - mu0(x)``.
- :class:`XLearner` starts from the same two models, imputes each row's effect with the
  other arm's model (``D1 = y - mu0(x)`` for treated rows, ``D0 = mu1(x) - y`` for control
  rows), regresses those on ``x`` (``tau1``, ``tau0``) and predicts
  ``tau(x) = g * tau0(x) + (1 - g) * tau1(x)``, where ``g`` is the propensity (the treated
  share of a randomised experiment, unless given).

For a 0/1 outcome the outcome models are LightGBM classifiers and ``mu`` a probability, so
the uplift is a difference of probabilities; for other outcomes they are regressors.
Columns are typed by :class:`~tenure.models._frame.TableEncoder`, as for the churn model,
so tables need no preprocessing. ``docs/uplift.md`` explains the choices.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, Literal, Self

import joblib  # type: ignore[import-untyped]
import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from tenure.models._frame import TableEncoder
from tenure.models._validation import (
    TableInputMixin,
    check_fitted,
    validate_outcome,
    validate_treatment,
    validate_X,
)

__all__ = ["TLearner", "UpliftModel", "XLearner"]

OutcomeKind = Literal["binary", "continuous"]

_MIN_VALIDATION_ROWS = 10
"""An early-stopping holdout is drawn only when each of its classes gets this many rows."""


class UpliftModel(TableInputMixin, ABC, BaseEstimator):  # type: ignore[misc]
    """What every Tenure uplift estimator shares: LightGBM settings, ``fit`` and ``predict``.

    Parameters
    ----------
    n_estimators
        Most boosting rounds of each LightGBM model; early stopping usually stops sooner.
    learning_rate
        Shrinkage of each tree's contribution.
    num_leaves
        Leaves per tree.
    min_child_samples
        Fewest rows in a leaf. Effects are small differences of noisy outcomes, so the
        default is larger than the churn model's.
    subsample
        Share of rows each tree sees.
    colsample_bytree
        Share of columns each tree sees.
    reg_lambda
        L2 penalty on leaf values.
    early_stopping_rounds
        Stop a model when its validation loss has not improved for this many rounds, then
        grow it again on all its rows; ``None`` grows all ``n_estimators`` trees.
    validation_fraction
        Share of each model's rows held out for early stopping.
    random_state
        Seed of the holdouts and of LightGBM's sampling.
    n_jobs
        LightGBM threads; ``None`` means 1.
    """

    _parameter_constraints: dict[str, list[Any]] = {  # noqa: RUF012 (scikit-learn's API)
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "num_leaves": [Interval(Integral, 2, 131072, closed="both")],
        "min_child_samples": [Interval(Integral, 1, None, closed="left")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "colsample_bytree": [Interval(Real, 0, 1, closed="right")],
        "reg_lambda": [Interval(Real, 0, None, closed="left")],
        "early_stopping_rounds": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        n_estimators: int = 1000,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 100,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        early_stopping_rounds: int | None = 50,
        validation_fraction: float = 0.2,
        random_state: int | np.random.RandomState | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- fit ---------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
    def fit(self, X: Any, treatment: Any, y: Any) -> Self:
        """Learn the effect of ``treatment`` on ``y`` from a randomised experiment.

        Parameters
        ----------
        X
            A pandas or polars DataFrame, or a 2-D array: one row per customer.
        treatment
            1 (or True) for treated rows, 0 (or False) for control rows; both must occur.
        y
            The outcome: 0/1 (or False/True) for a response, or any finite number.

        Returns
        -------
        UpliftModel
            ``self``, fitted.
        """
        frame = validate_X(self, X, reset=True)
        t = validate_treatment(self, treatment, len(frame))
        outcome = validate_outcome(self, y, len(frame))
        self.outcome_kind_: OutcomeKind = (
            "binary" if np.isin(outcome, (0.0, 1.0)).all() else "continuous"
        )
        self.encoder_ = TableEncoder().fit(frame)
        matrix = self.encoder_.matrix(frame)
        seeds = iter(_seeds(self.random_state, 8))
        treated = t == 1
        self.treated_share_ = float(treated.mean())
        self.model_control_ = self._grow(
            matrix[~treated], outcome[~treated], self.outcome_kind_, next(seeds)
        )
        self.model_treated_ = self._grow(
            matrix[treated], outcome[treated], self.outcome_kind_, next(seeds)
        )
        self._fit_effect(matrix, t, outcome, seeds)
        return self

    @abstractmethod
    def _fit_effect(self, matrix: np.ndarray, t: np.ndarray, y: np.ndarray, seeds: Any) -> None:
        """Fit what the learner needs beyond the two outcome models (T: nothing)."""

    def _grow(self, matrix: np.ndarray, y: np.ndarray, kind: OutcomeKind, seed: int) -> Any:
        """A LightGBM booster: early stopping on a holdout, then grown again on every row."""
        valid_rows: np.ndarray | None = None
        if self.early_stopping_rounds is not None:
            valid_rows = self._holdout(y, kind, seed)
        if valid_rows is None:
            return self._train(matrix, y, kind, seed, None, self.n_estimators)
        keep = np.ones(len(y), dtype=bool)
        keep[valid_rows] = False
        first = self._train(
            matrix[keep], y[keep], kind, seed, (matrix[valid_rows], y[valid_rows]), None
        )
        rounds = max(1, round(first.current_iteration() * len(y) / keep.sum()))
        return self._train(matrix, y, kind, seed, None, rounds)

    def _holdout(self, y: np.ndarray, kind: OutcomeKind, seed: int) -> np.ndarray | None:
        rows = np.arange(len(y))
        if kind == "binary":
            counts = np.bincount(y.astype(np.int64), minlength=2)
            if counts.min() * self.validation_fraction < _MIN_VALIDATION_ROWS:
                return None
            stratify: np.ndarray | None = y
        else:
            if len(y) * self.validation_fraction < 2 * _MIN_VALIDATION_ROWS:
                return None
            stratify = None
        _, valid = train_test_split(
            rows, test_size=self.validation_fraction, stratify=stratify, random_state=seed
        )
        chosen: np.ndarray = np.sort(valid)
        return chosen

    def _train(
        self,
        matrix: np.ndarray,
        y: np.ndarray,
        kind: OutcomeKind,
        seed: int,
        valid: tuple[np.ndarray, np.ndarray] | None,
        rounds: int | None,
    ) -> Any:
        import lightgbm as lgb

        params = {
            "objective": "binary" if kind == "binary" else "regression",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1 else 0,
            "feature_fraction": self.colsample_bytree,
            "lambda_l2": self.reg_lambda,
            "seed": seed,
            "num_threads": joblib.effective_n_jobs(self.n_jobs),
            "deterministic": True,
            "force_row_wise": True,
            "verbosity": -1,
        }
        names = [f"f{i}" for i in range(matrix.shape[1])]
        dataset = lgb.Dataset(
            matrix,
            y,
            feature_name=names,
            categorical_feature=self.encoder_.categorical_columns,
            params={"verbosity": -1},
        )
        valid_sets: list[Any] = []
        callbacks: list[Callable[..., Any]] = []
        if valid is not None and self.early_stopping_rounds is not None:
            valid_sets = [lgb.Dataset(valid[0], valid[1], reference=dataset)]
            callbacks = [lgb.early_stopping(self.early_stopping_rounds, verbose=False)]
        booster = lgb.train(
            params,
            dataset,
            num_boost_round=rounds or self.n_estimators,
            valid_sets=valid_sets,
            callbacks=callbacks,
        )
        if booster.best_iteration > 0:
            booster = lgb.Booster(
                model_str=booster.model_to_string(num_iteration=booster.best_iteration)
            )
        return booster

    # -- predict -----------------------------------------------------------------------------

    def _matrix(self, X: Any) -> np.ndarray:
        check_fitted(self)
        return self.encoder_.matrix(validate_X(self, X, reset=False))

    def predict_outcomes(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(mu0, mu1)``: each row's expected outcome without and with the treatment.

        For a 0/1 outcome these are probabilities (of retention, of a visit, ...).
        """
        matrix = self._matrix(X)
        threads = int(joblib.effective_n_jobs(self.n_jobs))
        mu0 = np.asarray(self.model_control_.predict(matrix, num_threads=threads), dtype=float)
        mu1 = np.asarray(self.model_treated_.predict(matrix, num_threads=threads), dtype=float)
        return mu0, mu1

    @abstractmethod
    def predict(self, X: Any) -> np.ndarray:
        """Each row's uplift: the expected outcome with the treatment minus without it."""


class TLearner(UpliftModel):
    """Two outcome models, one per arm; the uplift is their difference.

    Parameters are those of :class:`UpliftModel`.

    Attributes
    ----------
    model_control_, model_treated_ : lightgbm.Booster
        ``mu0`` fitted on the control rows and ``mu1`` on the treated rows.
    encoder_ : TableEncoder
        The column types and categories fixed at ``fit``.
    outcome_kind_ : str
        ``"binary"`` (classifiers; uplift is a difference of probabilities) or
        ``"continuous"`` (regressors).
    treated_share_ : float
        The share of treated rows in the training data.
    n_features_in_ : int
    feature_names_in_ : ndarray
        Only when ``X`` has column names.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"age": rng.integers(18, 80, 2000)})
    >>> t = rng.integers(0, 2, 2000)
    >>> y = (rng.random(2000) < 0.2 + 0.3 * t * (X.age < 40)).astype(int)
    >>> model = TLearner().fit(X, t, y)
    >>> young, old = model.predict(pd.DataFrame({"age": [25, 70]}))
    >>> bool(young > 0.15 > old)
    True
    """

    def _fit_effect(self, matrix: np.ndarray, t: np.ndarray, y: np.ndarray, seeds: Any) -> None:
        return None

    def predict(self, X: Any) -> np.ndarray:
        """Each row's uplift ``mu1(x) - mu0(x)``."""
        mu0, mu1 = self.predict_outcomes(X)
        uplift: np.ndarray = mu1 - mu0
        return uplift


class XLearner(UpliftModel):
    """Outcome models per arm, then models of the effects they impute, weighted by propensity.

    Parameters
    ----------
    propensity
        The probability of treatment, the same for every row in a randomised experiment;
        ``None`` uses the treated share of the training rows. Other parameters are those
        of :class:`UpliftModel`.

    Attributes
    ----------
    model_control_, model_treated_ : lightgbm.Booster
        The outcome models ``mu0`` and ``mu1``, as in :class:`TLearner`.
    effect_control_, effect_treated_ : lightgbm.Booster
        ``tau0``, fitted on control rows to ``mu1(x) - y``, and ``tau1``, fitted on
        treated rows to ``y - mu0(x)``.
    propensity_ : float
        The weight ``g`` of ``tau0`` in ``g * tau0(x) + (1 - g) * tau1(x)``.
    encoder_, outcome_kind_, treated_share_, n_features_in_, feature_names_in_
        As in :class:`TLearner`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"age": rng.integers(18, 80, 2000)})
    >>> t = rng.integers(0, 2, 2000)
    >>> y = (rng.random(2000) < 0.2 + 0.3 * t * (X.age < 40)).astype(int)
    >>> model = XLearner().fit(X, t, y)
    >>> young, old = model.predict(pd.DataFrame({"age": [25, 70]}))
    >>> bool(young > 0.15 > old)
    True
    """

    _parameter_constraints: dict[str, list[Any]] = {  # noqa: RUF012
        **UpliftModel._parameter_constraints,
        "propensity": [Interval(Real, 0, 1, closed="neither"), None],
    }

    def __init__(
        self,
        *,
        propensity: float | None = None,
        n_estimators: int = 1000,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 100,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        early_stopping_rounds: int | None = 50,
        validation_fraction: float = 0.2,
        random_state: int | np.random.RandomState | None = 0,
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            num_leaves=num_leaves,
            min_child_samples=min_child_samples,
            subsample=subsample,
            colsample_bytree=colsample_bytree,
            reg_lambda=reg_lambda,
            early_stopping_rounds=early_stopping_rounds,
            validation_fraction=validation_fraction,
            random_state=random_state,
            n_jobs=n_jobs,
        )
        self.propensity = propensity

    def _fit_effect(self, matrix: np.ndarray, t: np.ndarray, y: np.ndarray, seeds: Any) -> None:
        treated = t == 1
        threads = int(joblib.effective_n_jobs(self.n_jobs))
        mu0 = self.model_control_.predict(matrix[treated], num_threads=threads)
        mu1 = self.model_treated_.predict(matrix[~treated], num_threads=threads)
        self.effect_treated_ = self._grow(
            matrix[treated], y[treated] - mu0, "continuous", next(seeds)
        )
        self.effect_control_ = self._grow(
            matrix[~treated], mu1 - y[~treated], "continuous", next(seeds)
        )
        self.propensity_ = float(
            self.treated_share_ if self.propensity is None else self.propensity
        )

    def predict(self, X: Any) -> np.ndarray:
        """Each row's uplift ``g * tau0(x) + (1 - g) * tau1(x)``."""
        matrix = self._matrix(X)
        threads = int(joblib.effective_n_jobs(self.n_jobs))
        tau0 = self.effect_control_.predict(matrix, num_threads=threads)
        tau1 = self.effect_treated_.predict(matrix, num_threads=threads)
        g = self.propensity_
        uplift: np.ndarray = np.asarray(g * tau0 + (1 - g) * tau1, dtype=float)
        return uplift


def _seeds(random_state: Any, n: int) -> list[int]:
    rng = check_random_state(random_state)
    return [int(s) for s in rng.randint(np.iinfo(np.int32).max, size=n)]
