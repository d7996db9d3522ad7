"""``LogisticBaseline``: the logistic regression every churn model is reported beside.

Columns are typed by the same :class:`~tenure.models._frame.TableEncoder` as
:class:`~tenure.models.ChurnModel`. Numbers then get median imputation with a
missing-value indicator and are standardised; categories are one-hot encoded (missing as
its own value, values unseen at ``fit`` ignored). On many churn tables a linear model is
hard to beat, so a boosted model earns its place only by scoring above this one.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, _fit_context
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils._param_validation import Interval

from tenure.models._frame import TableEncoder
from tenure.models._validation import TableInputMixin, check_fitted, validate_X, validate_y

__all__ = ["LinearDesign", "LogisticBaseline"]

_MISSING = "(missing)"


class LogisticBaseline(TableInputMixin, ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Logistic regression on a table, with the preprocessing it needs built in.

    Parameters
    ----------
    C
        Inverse strength of the L2 penalty (on standardised numbers and one-hot columns).
    max_iter
        Most iterations of the L-BFGS solver.

    Attributes
    ----------
    encoder_ : TableEncoder
        The column types and categories fixed at ``fit``.
    pipeline_ : sklearn.pipeline.Pipeline
        Imputation, scaling, one-hot encoding and the logistic regression.
    classes_ : ndarray
    n_iter_ : int
        Solver iterations.
    n_features_in_ : int
    feature_names_in_ : ndarray
        Only when ``X`` has column names.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"months": [1, 2, 30, 40, 3, 50], "plan": list("aabbab")})
    >>> LogisticBaseline().fit(X, [1, 1, 0, 0, 1, 0]).predict(X.head(2)).tolist()
    [1, 1]
    """

    _parameter_constraints: dict[str, list[Any]] = {  # noqa: RUF012 (scikit-learn's API)
        "C": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, C: float = 1.0, max_iter: int = 1000) -> None:
        self.C = C
        self.max_iter = max_iter

    @_fit_context(prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
    def fit(self, X: Any, y: Any) -> Self:
        """Learn from ``X`` (a DataFrame or 2-D array) and the class labels ``y``."""
        frame = validate_X(self, X, reset=True)
        classes, codes = validate_y(self, y, len(frame), binary=False)
        self.encoder_ = TableEncoder().fit(frame)
        columns = _columns(self.encoder_)
        model = LogisticRegression(C=self.C, max_iter=self.max_iter)
        self.pipeline_ = Pipeline([("columns", columns), ("logistic", model)])
        self.pipeline_.fit(self._encode(frame), codes)
        self.classes_ = classes
        self.n_iter_ = int(np.max(model.n_iter_))
        return self

    def _encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        return _encode(self.encoder_, frame)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class, in the order of ``classes_``."""
        check_fitted(self)
        proba: np.ndarray = self.pipeline_.predict_proba(
            self._encode(validate_X(self, X, reset=False))
        )
        return proba

    def decision_function(self, X: Any) -> np.ndarray:
        """The linear model's log-odds (one column per class for more than two)."""
        check_fitted(self)
        scores: np.ndarray = self.pipeline_.decision_function(
            self._encode(validate_X(self, X, reset=False))
        )
        return scores

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        labels: np.ndarray = self.classes_[np.argmax(proba, axis=1)]
        return labels


class LinearDesign(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """The columns of a linear model on a table, as :class:`LogisticBaseline` builds them.

    Attributes
    ----------
    encoder_ : TableEncoder
    columns_ : sklearn.compose.ColumnTransformer
        Median imputation with a missing-value indicator and standardisation for numbers,
        one-hot categories (missing as its own value, unseen ones ignored).
    """

    def fit(self, X: pd.DataFrame, y: Any = None) -> Self:
        self.encoder_ = TableEncoder().fit(X)
        self.columns_ = _columns(self.encoder_).fit(_encode(self.encoder_, X))
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """The design matrix of ``X`` (dense)."""
        matrix = self.columns_.transform(_encode(self.encoder_, X))
        return np.asarray(matrix.toarray() if hasattr(matrix, "toarray") else matrix)


def _columns(encoder: TableEncoder) -> ColumnTransformer:
    numeric = [c.name for c in encoder.columns_ if c.kind == "numeric"]
    categories = [c.name for c in encoder.columns_ if c.kind == "category"]
    return ColumnTransformer(
        [
            (
                "numbers",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
                ),
                numeric,
            ),
            ("categories", OneHotEncoder(handle_unknown="ignore"), categories),
        ]
    )


def _encode(encoder: TableEncoder, frame: pd.DataFrame) -> pd.DataFrame:
    encoded = encoder.transform(frame)
    for spec in encoder.columns_:
        if spec.kind == "category":
            column = encoded[spec.name].astype(object)
            encoded[spec.name] = column.where(column.notna(), _MISSING)
    return encoded
