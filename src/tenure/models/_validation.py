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

__all__ = ["EstimatorNotFittedError", "check_fitted", "encode_labels", "validate_X", "validate_y"]


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
