"""Input checks shared by Tenure's estimators, worded as scikit-learn words them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sklearn.exceptions
from sklearn.utils import assert_all_finite, check_consistent_length, column_or_1d
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from tenure.errors import NotFittedError
from tenure.models._frame import as_frame

__all__ = [
    "EstimatorNotFittedError",
    "TableInputMixin",
    "check_fitted",
    "encode_labels",
    "validate_X",
    "validate_outcome",
    "validate_treatment",
    "validate_y",
]


class TableInputMixin:
    """Tags of an estimator that takes a table: missing values and string columns allowed."""

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()  # type: ignore[misc]
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags


class EstimatorNotFittedError(NotFittedError, sklearn.exceptions.NotFittedError):  # type: ignore[misc]
    """Tenure's :class:`~tenure.errors.NotFittedError` that scikit-learn's tools also know.

    Catch :class:`tenure.errors.NotFittedError`; this class only exists so that
    ``sklearn.exceptions.NotFittedError`` catches it too.
    """


def check_fitted(estimator: Any) -> None:
    """Raise :class:`~tenure.errors.NotFittedError` when ``estimator`` is not fitted."""
    try:
        check_is_fitted(estimator)
    except sklearn.exceptions.NotFittedError as exc:
        name = type(estimator).__name__
        raise EstimatorNotFittedError(
            f"This {name} is not fitted yet: call fit (or load a saved model) before predicting"
        ) from exc


def validate_X(estimator: Any, X: Any, *, reset: bool) -> pd.DataFrame:
    """``X`` as a pandas frame; sets (``reset``) or checks ``n_features_in_`` and names."""
    frame, seen = as_frame(X)
    validate_data(estimator, X=seen, reset=reset, skip_check_array=True)
    return frame


def validate_y(
    estimator: Any, y: Any, n_rows: int, *, binary: bool
) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, codes)`` of the target: sorted class labels and each row's class index."""
    name = type(estimator).__name__
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    if type(y).__module__.split(".")[0] == "polars":
        y = y.to_numpy()
    y = column_or_1d(y, warn=True)
    check_consistent_length(np.empty(n_rows), y)
    if y.dtype.kind in "fc":
        assert_all_finite(y, input_name="y")
    check_classification_targets(y)
    classes, codes = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(
            f"{name} needs two classes in y to learn from; it got one class ({classes[0]!r})."
        )
    if binary and len(classes) > 2:
        raise ValueError(
            "Only binary classification is supported. The type of the target is multiclass "
            f"({len(classes)} classes); {name} predicts one outcome, such as churned or not."
        )
    return classes, codes.astype(np.int64)


def encode_labels(estimator: Any, y: Any, classes: np.ndarray, *, what: str) -> np.ndarray:
    """Class indices of ``y`` against the ``classes`` learned at fit (unknown ones rejected)."""
    y = column_or_1d(y.to_numpy() if hasattr(y, "to_numpy") else y)
    known = np.isin(y, classes)
    if not known.all():
        unknown = sorted({str(v) for v in y[~known]})[:5]
        raise ValueError(
            f"{what} of {type(estimator).__name__} has labels that are not in y: "
            f"{', '.join(unknown)} (y has {', '.join(map(str, classes))})"
        )
    codes: np.ndarray = np.searchsorted(classes, y).astype(np.int64)
    return codes


def validate_treatment(estimator: Any, treatment: Any, n_rows: int) -> np.ndarray:
    """``treatment`` as 0/1 integers, one per row, with at least two rows in each arm."""
    name = type(estimator).__name__
    if treatment is None:
        raise ValueError(f"{name} requires treatment to be passed, but it is None.")
    values = column_or_1d(
        treatment.to_numpy() if hasattr(treatment, "to_numpy") else treatment, warn=True
    )
    if len(values) != n_rows:
        raise ValueError(
            f"treatment must have one value per row of X: X has {n_rows} rows, treatment "
            f"{len(values)}."
        )
    if values.dtype.kind not in "biuf" or not np.isin(values, (0, 1)).all():
        raise ValueError(
            f"treatment of {name} must hold 0 (control) and 1 (treated) only, or False and "
            "True; map the arms first (tenure.models.prepare_uplift_table does)."
        )
    t: np.ndarray = values.astype(np.int64)
    counts = np.bincount(t, minlength=2)
    if counts.min() < 2:
        raise ValueError(
            f"{name} needs treated and control rows to learn from; got {counts[1]} treated "
            f"and {counts[0]} control rows."
        )
    return t


def validate_outcome(estimator: Any, y: Any, n_rows: int) -> np.ndarray:
    """``y`` as finite floats, one per row (0/1 for a response)."""
    name = type(estimator).__name__
    if y is None:
        raise ValueError(f"{name} requires y to be passed, but the target y is None.")
    values = column_or_1d(y.to_numpy() if hasattr(y, "to_numpy") else y, warn=True)
    if len(values) != n_rows:
        raise ValueError(
            f"y must have one value per row of X: X has {n_rows} rows, y {len(values)}."
        )
    try:
        outcome = pd.to_numeric(pd.Series(values), errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"y of {name} must be numbers (0/1 for a response); encode labels first."
        ) from exc
    if not np.isfinite(outcome).all():
        raise ValueError(f"y of {name} must be finite numbers: it holds NaN or infinity.")
    checked: np.ndarray = outcome
    return checked
