"""Uplift on any table of a randomised experiment: one row per customer, an arm, an outcome.

The table needs no preprocessing, as in the churn model's tabular mode
(:mod:`tenure.models.tabular`, whose reading, column typing and outcome parsing this module
shares): the treatment column holds arm labels, ``control`` names the control arm, and
every other arm counts as treated (or only the arms in ``treated``). The outcome must hold
two values; its positive value is inferred from Yes/No, True/False or 1/0, or given.

:func:`cross_validate_uplift_table` scores Tenure's :class:`~tenure.models.TLearner` and
:class:`~tenure.models.XLearner`, a response model and a random ranking on the same
folds; :func:`fit_uplift_table` fits one learner on every row and :func:`score_uplift_table`
applies it to another table. Reading the table, fitting and scoring live in
:mod:`tenure.models._experiment_table` and are re-exported here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from tenure.errors import DataError, Location
from tenure.models._experiment_table import (
    LEARNERS,
    UpliftData,
    fit_uplift_table,
    make_uplift_model,
    prepare_uplift_table,
    score_uplift_table,
)
from tenure.models._experiment_table import Learner as Learner
from tenure.models._frame import TableEncoder
from tenure.models.churn import ChurnModel
from tenure.models.uplift_metrics import qini_auc_score, qini_curve, uplift_at_k, uplift_auc_score
from tenure.progress import NullProgress, Progress

__all__ = [
    "UpliftData",
    "UpliftReport",
    "UpliftScores",
    "cross_validate_uplift_table",
    "fit_uplift_table",
    "make_uplift_model",
    "prepare_uplift_table",
    "score_uplift_table",
]

CURVE_POINTS = 11
"""The Qini curve is reported at 0%, 10%, ..., 100% of the rows, ranked by uplift."""


@dataclass(frozen=True)
class UpliftScores:
    """One ranking's scores on each fold (definitions in :mod:`tenure.models.uplift_metrics`)."""

    name: str
    label: str
    fold_qini_aucs: tuple[float, ...]
    fold_uplift_aucs: tuple[float, ...]
    fold_uplift_at_k: tuple[float, ...]
    qini_curve: tuple[float, ...]
    seconds: float

    @property
    def qini_auc(self) -> float:
        return float(np.mean(self.fold_qini_aucs))

    @property
    def qini_auc_std(self) -> float:
        return float(np.std(self.fold_qini_aucs))

    @property
    def uplift_auc(self) -> float:
        return float(np.mean(self.fold_uplift_aucs))

    @property
    def uplift_at_k(self) -> float:
        return float(np.nanmean(self.fold_uplift_at_k))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "qini_auc": _round(self.qini_auc),
            "qini_auc_std": _round(self.qini_auc_std),
            "uplift_auc": _round(self.uplift_auc),
            "uplift_at_30": _round(self.uplift_at_k),
            "fold_qini_aucs": [_round(v) for v in self.fold_qini_aucs],
            "fold_uplift_at_30": [_round(v) for v in self.fold_uplift_at_k],
            "qini_curve": [_round(v) for v in self.qini_curve],
            "seconds": round(self.seconds, 3),
        }


def _round(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


@dataclass(frozen=True)
class UpliftReport:
    """What :func:`cross_validate_uplift_table` measured (definitions in ``docs/uplift.md``).

    The headline ``qini_auc``, ``uplift_auc`` and ``uplift_at_30`` are the chosen
    ``learner``'s means over the folds; ``models`` holds every ranking's scores, and
    ``random_*`` and ``response_*`` those of a random ranking and of a response model.
    """

    treatment_column: str
    control: str
    treated: tuple[str, ...]
    outcome: str
    positive: str
    id_column: str | None
    learner: str
    n_rows: int
    treated_rows: int
    control_rows: int
    treated_rate: float
    control_rate: float
    folds: int
    random_state: int
    k: float
    models: tuple[UpliftScores, ...]
    features: tuple[str, ...]
    dropped_columns: dict[str, str] = field(default_factory=dict)
    rows_left_out: int = 0

    def model(self, name: str) -> UpliftScores:
        return next(m for m in self.models if m.name == name)

    @property
    def ate(self) -> float:
        """The average effect: treated minus control outcome rate (what uplift@k of random is)."""
        return self.treated_rate - self.control_rate

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the headline numbers flat, then every ranking's scores."""
        main = self.model(f"{self.learner}_learner")
        response, random = self.model("response"), self.model("random")
        return {
            "treatment": self.treatment_column,
            "control": self.control,
            "treated": list(self.treated),
            "outcome": self.outcome,
            "positive": self.positive,
            "id_column": self.id_column,
            "learner": self.learner,
            "n_rows": self.n_rows,
            "treated_rows": self.treated_rows,
            "control_rows": self.control_rows,
            "treated_rate": _round(self.treated_rate),
            "control_rate": _round(self.control_rate),
            "ate": _round(self.ate),
            "folds": self.folds,
            "random_state": self.random_state,
            "k": self.k,
            "qini_auc": _round(main.qini_auc),
            "qini_auc_std": _round(main.qini_auc_std),
            "uplift_auc": _round(main.uplift_auc),
            "uplift_at_30": _round(main.uplift_at_k),
            "response_qini_auc": _round(response.qini_auc),
            "response_uplift_auc": _round(response.uplift_auc),
            "response_uplift_at_30": _round(response.uplift_at_k),
            "random_qini_auc": _round(random.qini_auc),
            "random_uplift_auc": _round(random.uplift_auc),
            "random_uplift_at_30": _round(random.uplift_at_k),
            "models": [m.to_dict() for m in self.models],
            "qini_curve_at": [i / (CURVE_POINTS - 1) for i in range(CURVE_POINTS)],
            "features": list(self.features),
            "dropped_columns": dict(self.dropped_columns),
            "rows_left_out": self.rows_left_out,
        }


class _ResponseModel:
    """Rank by the chance of a response when treated: Tenure's classifier on treated rows."""

    def __init__(self, random_state: int) -> None:
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, treatment: np.ndarray, y: np.ndarray) -> _ResponseModel:
        rows = treatment == 1
        self.model = ChurnModel(random_state=self.random_state).fit(X[rows], y[rows])
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        proba: np.ndarray = self.model.predict_proba(X)[:, 1]
        return proba


class _RandomRanking:
    """Uniform random scores, seeded: what any ranking should beat."""

    def __init__(self, random_state: int) -> None:
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, treatment: np.ndarray, y: np.ndarray) -> _RandomRanking:
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.random.default_rng(self.random_state).random(len(X))


RANKINGS: tuple[tuple[str, str], ...] = (
    ("t_learner", "Tenure T-learner (LightGBM)"),
    ("x_learner", "Tenure X-learner (LightGBM)"),
    ("response", "response model (treated rows only)"),
    ("random", "random ranking"),
)


def _make_ranking(name: str, random_state: int) -> Any:
    if name == "response":
        return _ResponseModel(random_state)
    if name == "random":
        return _RandomRanking(random_state)
    return make_uplift_model(name[0], random_state=random_state)


def qini_points(y: np.ndarray, score: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The Qini curve per row at 0%, 10%, ..., 100% of the rows (linear between points)."""
    n, q = qini_curve(y, score, t)
    at = np.linspace(0, len(y), CURVE_POINTS)
    points: np.ndarray = np.interp(at, n, q) / len(y)
    return points


def cross_validate_uplift_table(
    frame: pd.DataFrame,
    *,
    treatment: str,
    control: str,
    outcome: str,
    treated: Sequence[str] | None = None,
    positive: str | None = None,
    id_column: str | None = None,
    drop: Sequence[str] = (),
    learner: str = "x",
    folds: int = 5,
    k: float = 0.3,
    random_state: int = 0,
    rankings: Sequence[str] | None = None,
    progress: Progress | None = None,
    source: Path | str | None = None,
) -> UpliftReport:
    """Score the T- and X-learner, a response model and a random ranking on the same folds.

    ``folds``-fold cross-validation, stratified by treatment and outcome together and
    shuffled with ``random_state``: each ranking is fitted on the other folds and scored
    on the held-out one with :func:`~tenure.models.qini_auc_score`,
    :func:`~tenure.models.uplift_auc_score` and :func:`~tenure.models.uplift_at_k`
    (``strategy="by_group"``, top ``k``). ``learner`` (``"t"`` or ``"x"``) picks the
    headline numbers. ``rankings`` limits the rankings scored to these names (among
    ``"t_learner"``, ``"x_learner"``, ``"response"``, ``"random"``); the ``learner``'s,
    the response model and random are always scored. See :func:`prepare_uplift_table`
    for the other parameters.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> age = rng.integers(18, 80, 4000)
    >>> arm = rng.choice(["mail", "none"], 4000)
    >>> p = 0.1 + 0.3 * (arm == "mail") * (age < 40)
    >>> table = pd.DataFrame({"age": age, "arm": arm, "bought": rng.random(4000) < p})
    >>> report = cross_validate_uplift_table(
    ...     table, treatment="arm", control="none", outcome="bought", folds=3
    ... )
    >>> report.model("x_learner").qini_auc > report.model("random").qini_auc
    True
    """
    if learner not in LEARNERS:
        raise DataError(
            f"The 'learner' parameter must be a str among {{'t', 'x'}}. Got {learner!r} instead."
        )
    data = prepare_uplift_table(
        frame,
        treatment=treatment,
        control=control,
        outcome=outcome,
        treated=treated,
        positive=positive,
        id_column=id_column,
        drop=drop,
        source=source,
    )
    strata = 2 * data.treatment + data.y
    smallest = int(np.bincount(strata, minlength=4).min())
    if smallest < folds:
        raise DataError(
            f"{folds}-fold cross-validation needs at least {folds} rows of each arm and "
            f"outcome; the rarest pair has {smallest}",
            location=Location(file=source, field=outcome),
        )
    names = [n for n, _ in RANKINGS if rankings is None or n in rankings]
    names = list(dict.fromkeys([*names, f"{learner}_learner", "response", "random"]))
    progress = progress or NullProgress()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    scores: dict[str, dict[str, list[Any]]] = {
        n: {"qini": [], "auuc": [], "at_k": [], "curve": [], "seconds": []} for n in names
    }
    with progress.task("Cross-validating", total=folds * len(names)) as task:
        for train, test in splitter.split(data.X, strata):
            X_train, X_test = data.X.iloc[train], data.X.iloc[test]
            t_train, t_test = data.treatment[train], data.treatment[test]
            y_train, y_test = data.y[train], data.y[test]
            for name in names:
                started = time.perf_counter()
                ranking = _make_ranking(name, random_state).fit(X_train, t_train, y_train)
                score = ranking.predict(X_test)
                got = scores[name]
                got["seconds"].append(time.perf_counter() - started)
                got["qini"].append(qini_auc_score(y_test, score, t_test))
                got["auuc"].append(uplift_auc_score(y_test, score, t_test))
                got["at_k"].append(uplift_at_k(y_test, score, t_test, k=k, strategy="by_group"))
                got["curve"].append(qini_points(y_test, score, t_test))
                task.advance()
    labels = dict(RANKINGS)
    summary = tuple(
        UpliftScores(
            name=n,
            label=labels[n],
            fold_qini_aucs=tuple(float(v) for v in scores[n]["qini"]),
            fold_uplift_aucs=tuple(float(v) for v in scores[n]["auuc"]),
            fold_uplift_at_k=tuple(float(v) for v in scores[n]["at_k"]),
            qini_curve=tuple(float(v) for v in np.mean(scores[n]["curve"], axis=0)),
            seconds=float(np.sum(scores[n]["seconds"])),
        )
        for n in names
    )
    encoder = TableEncoder().fit(data.X)
    treated_rows = data.treatment == 1
    return UpliftReport(
        treatment_column=data.treatment_column,
        control=data.control,
        treated=data.treated,
        outcome=data.outcome,
        positive=data.positive,
        id_column=data.id_column,
        learner=learner,
        n_rows=len(data.y),
        treated_rows=int(treated_rows.sum()),
        control_rows=int((~treated_rows).sum()),
        treated_rate=float(data.y[treated_rows].mean()),
        control_rate=float(data.y[~treated_rows].mean()),
        folds=folds,
        random_state=random_state,
        k=k,
        models=summary,
        features=tuple(spec.name for spec in encoder.columns_),
        dropped_columns=dict(encoder.dropped_),
        rows_left_out=data.rows_left_out,
    )
