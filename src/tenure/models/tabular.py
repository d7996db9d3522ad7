"""Tabular mode: churn models on any snapshot table (one row per customer, one target column).

The table needs no preprocessing: column types are inferred (``tenure.models._frame``), the
target's positive value is inferred from Yes/No, True/False or 1/0 (or given), and rows
without a target are left out. :func:`cross_validate_table` scores Tenure's
:class:`~tenure.models.ChurnModel`, the :class:`~tenure.models.LogisticBaseline` and a
default ``lightgbm.LGBMClassifier`` on the same stratified folds; :func:`fit_table` fits
the churn model on every row and :func:`score_table` applies it to another table.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from tenure.errors import DataError, Location
from tenure.models._frame import TableEncoder, scoring_rows
from tenure.models.baseline import LogisticBaseline
from tenure.models.churn import ChurnModel
from tenure.progress import NullProgress, Progress

__all__ = [
    "ModelScores",
    "TabularData",
    "TabularReport",
    "cross_validate_table",
    "fit_table",
    "prepare_table",
    "read_table",
    "score_table",
]

_POSITIVE_PAIRS = ({"yes", "no"}, {"true", "false"}, {"1", "0"})
_POSITIVE_WORDS = {"yes", "true", "1"}
_SHOWN_VALUES = 10


def read_table(path: Path | str, *, id_column: str | None = None) -> pd.DataFrame:
    """Read a CSV (also ``.csv.gz``, ``.tsv``) or Parquet file into a pandas frame.

    The ``id_column`` of a CSV file is read as text, so identifiers such as ``0042``
    keep their leading zeros.

    Raises
    ------
    DataError
        When the file is missing, empty, of another type or cannot be parsed.
    """
    file = Path(path)
    name = file.name.lower()
    if not file.is_file():
        raise DataError(f"no such file: {file}", location=Location(file=file))
    try:
        if name.endswith((".parquet", ".pq")):
            return pd.read_parquet(file)
        if name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")):
            sep = "\t" if ".tsv" in name else ","
            dtype = {id_column: str} if id_column else None
            return pd.read_csv(file, sep=sep, dtype=dtype, low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the table: {exc}", location=Location(file=file)) from exc
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise DataError(f"cannot read the table: {exc}", location=Location(file=file)) from exc
    raise DataError(
        f"cannot tell the type of {file.name}: use a .csv, .tsv or .parquet file",
        location=Location(file=file),
    )


@dataclass(frozen=True)
class TabularData:
    """A table split into features, a 0/1 target (1 = ``positive``) and optional ids."""

    X: pd.DataFrame
    y: np.ndarray
    ids: pd.Series | None
    target: str
    positive: str
    negative: str
    id_column: str | None
    rows_without_target: int


def _label(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _listed(values: list[str]) -> str:
    shown = ", ".join(repr(v) for v in values[:_SHOWN_VALUES])
    more = len(values) - _SHOWN_VALUES
    return shown + (f" and {more} more" if more > 0 else "")


def prepare_table(
    frame: pd.DataFrame,
    *,
    target: str,
    id_column: str | None = None,
    positive: str | None = None,
    source: Path | str | None = None,
    meaning: str = "churned",
) -> TabularData:
    """Split ``frame`` into features, a 0/1 target and ids.

    Parameters
    ----------
    target
        The column to predict; it must hold two values (blank rows are left out).
    id_column
        A column that identifies rows; it is not used as a feature.
    positive
        The target value that means churned. By default it is inferred from Yes/No,
        True/False or 1/0 (in any case).
    source
        Where ``frame`` came from, named in errors.
    meaning
        What the positive value means, in errors (the uplift mode says "a response").

    Raises
    ------
    DataError
        When a column is missing, or the target does not have exactly two values, or
        its positive value cannot be told.
    """
    columns = [str(c) for c in frame.columns]
    for role, name in (("target", target), ("id", id_column)):
        if name is not None and name not in frame.columns:
            raise DataError(
                f"the {role} column {name!r} is not in the table; its columns are: "
                f"{', '.join(columns)}",
                location=Location(file=source, field=name),
            )
    present = frame[target].notna() & (frame[target].astype("string").str.strip() != "")
    kept = frame.loc[present.fillna(False).to_numpy(dtype=bool)]
    labels = kept[target].map(_label)
    values = sorted(labels.unique())
    where = Location(file=source, field=target)
    if len(values) != 2:
        raise DataError(
            f"the target column {target!r} must hold two values ({meaning} or not); it holds "
            f"{len(values)}: {_listed(values)}",
            location=where,
        )
    if positive is None:
        lowered = {v.lower() for v in values}
        if lowered not in _POSITIVE_PAIRS:
            raise DataError(
                f"cannot tell which value of {target!r} means {meaning} ({_listed(values)}); "
                "pass positive (--positive on the command line)",
                location=where,
            )
        chosen = next(v for v in values if v.lower() in _POSITIVE_WORDS)
    else:
        matches = [v for v in values if v == positive.strip()] or [
            v for v in values if v.lower() == positive.strip().lower()
        ]
        if len(matches) != 1:
            raise DataError(
                f"the positive value {positive!r} is not in the target column {target!r}; "
                f"its values are {_listed(values)}",
                location=where,
            )
        chosen = matches[0]
    y = (labels == chosen).to_numpy(dtype=np.int64)
    drop = [target] + ([id_column] if id_column else [])
    X = kept.drop(columns=drop).reset_index(drop=True)
    if X.shape[1] == 0:
        raise DataError(
            "the table has no feature columns besides the target and the id",
            location=Location(file=source),
        )
    ids = kept[id_column].reset_index(drop=True) if id_column else None
    return TabularData(
        X=X,
        y=y,
        ids=ids,
        target=target,
        positive=chosen,
        negative=next(v for v in values if v != chosen),
        id_column=id_column,
        rows_without_target=len(frame) - len(kept),
    )


@dataclass(frozen=True)
class ModelScores:
    """Cross-validated scores of one model: means over the folds, and each fold's ROC-AUC."""

    name: str
    label: str
    fold_aucs: tuple[float, ...]
    pr_auc: float
    brier: float
    seconds: float

    @property
    def auc(self) -> float:
        return float(np.mean(self.fold_aucs))

    @property
    def auc_std(self) -> float:
        return float(np.std(self.fold_aucs))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "cv_auc": _round(self.auc),
            "cv_auc_std": _round(self.auc_std),
            "pr_auc": _round(self.pr_auc),
            "brier": _round(self.brier),
            "fold_aucs": [_round(a) for a in self.fold_aucs],
            "seconds": round(self.seconds, 3),
        }


def _round(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


@dataclass(frozen=True)
class TabularReport:
    """What :func:`cross_validate_table` measured (definitions in ``docs/churn.md``).

    ``cv_auc`` is the mean ROC-AUC of Tenure's churn model over the folds and
    ``cv_auc_std`` its standard deviation; ``pr_auc`` and ``brier`` are means over the
    same folds. ``baseline_*`` are the logistic regression's and ``lightgbm_default_*``
    a default ``lightgbm.LGBMClassifier``'s, on the same folds.
    """

    target: str
    positive: str
    id_column: str | None
    n_rows: int
    positive_rate: float
    folds: int
    random_state: int
    model: ModelScores
    baseline: ModelScores
    lightgbm_default: ModelScores
    features: tuple[str, ...]
    dropped_columns: dict[str, str] = field(default_factory=dict)
    rows_without_target: int = 0

    @property
    def n_features(self) -> int:
        return len(self.features)

    @property
    def cv_auc(self) -> float:
        return self.model.auc

    @property
    def cv_auc_std(self) -> float:
        return self.model.auc_std

    @property
    def pr_auc(self) -> float:
        return self.model.pr_auc

    @property
    def brier(self) -> float:
        return self.model.brier

    @property
    def fold_aucs(self) -> tuple[float, ...]:
        return self.model.fold_aucs

    @property
    def baseline_auc(self) -> float:
        return self.baseline.auc

    @property
    def baseline_auc_std(self) -> float:
        return self.baseline.auc_std

    @property
    def lightgbm_default_auc(self) -> float:
        return self.lightgbm_default.auc

    @property
    def lightgbm_default_auc_std(self) -> float:
        return self.lightgbm_default.auc_std

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the headline numbers flat, then every model's scores."""
        return {
            "target": self.target,
            "positive": self.positive,
            "id_column": self.id_column,
            "n_rows": self.n_rows,
            "n_features": self.n_features,
            "positive_rate": _round(self.positive_rate),
            "folds": self.folds,
            "random_state": self.random_state,
            "cv_auc": _round(self.cv_auc),
            "cv_auc_std": _round(self.cv_auc_std),
            "pr_auc": _round(self.pr_auc),
            "brier": _round(self.brier),
            "fold_aucs": [_round(a) for a in self.fold_aucs],
            "baseline_auc": _round(self.baseline_auc),
            "baseline_auc_std": _round(self.baseline_auc_std),
            "baseline_pr_auc": _round(self.baseline.pr_auc),
            "baseline_brier": _round(self.baseline.brier),
            "lightgbm_default_auc": _round(self.lightgbm_default_auc),
            "lightgbm_default_auc_std": _round(self.lightgbm_default_auc_std),
            "models": [m.to_dict() for m in (self.model, self.baseline, self.lightgbm_default)],
            "features": list(self.features),
            "dropped_columns": dict(self.dropped_columns),
            "rows_without_target": self.rows_without_target,
        }


class _DefaultLightGBM:
    """``lightgbm.LGBMClassifier()`` with its defaults, on the same encoded columns."""

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> _DefaultLightGBM:
        import lightgbm as lgb

        self.encoder = TableEncoder().fit(X)
        # one thread (results do not depend on it; shared machines are much faster so)
        self.model = lgb.LGBMClassifier(verbose=-1, n_jobs=1)
        self.model.fit(self._encode(X), y)
        return self

    def _encode(self, X: pd.DataFrame) -> pd.DataFrame:
        encoded = self.encoder.transform(X)
        encoded.columns = [f"f{i}" for i in range(encoded.shape[1])]  # LightGBM-safe names
        return encoded

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        proba: np.ndarray = np.asarray(self.model.predict_proba(self._encode(X)))
        return proba


_MODELS: tuple[tuple[str, str], ...] = (
    ("tenure", "Tenure ChurnModel"),
    ("logistic", "logistic regression (baseline)"),
    ("lightgbm_default", "LightGBM, default settings"),
)


def _make(name: str, random_state: int) -> Any:
    if name == "tenure":
        return ChurnModel(random_state=random_state)
    if name == "logistic":
        return LogisticBaseline()
    return _DefaultLightGBM()


def cross_validate_table(
    frame: pd.DataFrame,
    *,
    target: str,
    id_column: str | None = None,
    positive: str | None = None,
    folds: int = 5,
    random_state: int = 0,
    progress: Progress | None = None,
    source: Path | str | None = None,
) -> TabularReport:
    """Score the churn model, the logistic baseline and default LightGBM on the same folds.

    Stratified ``folds``-fold cross-validation, shuffled with ``random_state``: each model
    is fitted on the other folds and scored on the held-out one. See :func:`prepare_table`
    for ``target``, ``id_column``, ``positive`` and ``source``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> months = rng.integers(1, 60, 600)
    >>> churned = np.where(rng.random(600) < np.where(months < 12, 0.6, 0.1), "Yes", "No")
    >>> table = pd.DataFrame({"months": months, "Churn": churned})
    >>> report = cross_validate_table(table, target="Churn", folds=3)
    >>> report.positive, report.n_rows, report.cv_auc > 0.7
    ('Yes', 600, True)
    """
    data = prepare_table(
        frame, target=target, id_column=id_column, positive=positive, source=source
    )
    smallest = int(np.bincount(data.y, minlength=2).min())
    if smallest < folds:
        raise DataError(
            f"{folds}-fold cross-validation needs at least {folds} rows of each target value; "
            f"{target!r} has {smallest} of the rarer one",
            location=Location(file=source, field=target),
        )
    progress = progress or NullProgress()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    results: dict[str, dict[str, list[float]]] = {
        name: {"auc": [], "pr_auc": [], "brier": [], "seconds": []} for name, _ in _MODELS
    }
    with progress.task("Cross-validating", total=folds * len(_MODELS)) as task:
        for train, test in splitter.split(data.X, data.y):
            X_train, X_test = data.X.iloc[train], data.X.iloc[test]
            y_train, y_test = data.y[train], data.y[test]
            for name, _ in _MODELS:
                started = time.perf_counter()
                proba = _make(name, random_state).fit(X_train, y_train).predict_proba(X_test)
                scores = results[name]
                scores["seconds"].append(time.perf_counter() - started)
                scores["auc"].append(float(roc_auc_score(y_test, proba[:, 1])))
                scores["pr_auc"].append(float(average_precision_score(y_test, proba[:, 1])))
                scores["brier"].append(float(brier_score_loss(y_test, proba[:, 1])))
                task.advance()
    summary = {
        name: ModelScores(
            name=name,
            label=label,
            fold_aucs=tuple(results[name]["auc"]),
            pr_auc=float(np.mean(results[name]["pr_auc"])),
            brier=float(np.mean(results[name]["brier"])),
            seconds=float(np.sum(results[name]["seconds"])),
        )
        for name, label in _MODELS
    }
    encoder = TableEncoder().fit(data.X)
    return TabularReport(
        target=data.target,
        positive=data.positive,
        id_column=data.id_column,
        n_rows=len(data.y),
        positive_rate=float(data.y.mean()),
        folds=folds,
        random_state=random_state,
        model=summary["tenure"],
        baseline=summary["logistic"],
        lightgbm_default=summary["lightgbm_default"],
        features=tuple(spec.name for spec in encoder.columns_),
        dropped_columns=dict(encoder.dropped_),
        rows_without_target=data.rows_without_target,
    )


def fit_table(
    frame: pd.DataFrame,
    *,
    target: str,
    id_column: str | None = None,
    positive: str | None = None,
    random_state: int = 0,
    source: Path | str | None = None,
) -> ChurnModel:
    """:class:`~tenure.models.ChurnModel` fitted on every row (see :func:`prepare_table`).

    Its ``classes_`` are ``[0, 1]``: the probability of column 1 is that of the positive
    value.
    """
    data = prepare_table(
        frame, target=target, id_column=id_column, positive=positive, source=source
    )
    model = ChurnModel(random_state=random_state)
    model.fit(data.X, data.y)
    return model


def score_table(
    model: Any,
    frame: pd.DataFrame,
    *,
    id_column: str | None = None,
    source: Path | str | None = None,
) -> pd.DataFrame:
    """Each row's ``churn_probability``, beside its ``id_column`` or its ``row`` number.

    Rows are numbered from 1 in file order. The table must have the columns the model
    was fitted on; other columns (the target, for instance) are ignored.

    Raises
    ------
    DataError
        When a column the model needs, or ``id_column``, is missing.
    """
    rows, ids = scoring_rows(model, frame, id_column=id_column, source=source)
    return pd.DataFrame({**ids, "churn_probability": model.predict_proba(rows)[:, 1]})
