"""Tables in, model matrices out: each column's type is inferred once, at ``fit``, then fixed.

:class:`TableEncoder` is what lets the models take a snapshot table as it comes, with no
manual preprocessing:

- numbers and booleans stay numbers (booleans as 0/1; infinite values count as missing);
- text that holds only numbers and blanks (Telco's ``TotalCharges``) becomes a number,
  with the blanks missing;
- dates and durations become days (since 1970-01-01, or in length);
- other text, and pandas categoricals, become a category whose values are fixed at
  ``fit`` (the ``max_categories`` most frequent); a value not seen then is missing later;
- constant columns (one value, missing counted as a value) and identifier-like text
  columns (every value different) are dropped, with the reason kept in ``dropped_``.

Pandas and polars frames keep their column names; a numpy array or a list of rows gets
``x0``, ``x1``, ... Columns are matched by position after ``fit``, since the estimators
check names and order first (``sklearn.utils.validation.validate_data``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from tenure.errors import DataError, Location

__all__ = ["ColumnSpec", "TableEncoder", "as_frame", "scoring_rows"]

ColumnKind = Literal["numeric", "category"]
ColumnSource = Literal["number", "boolean", "numeric text", "date", "duration", "text"]

_EPOCH = pd.Timestamp("1970-01-01")
_DAY = pd.Timedelta(days=1)


def as_frame(X: Any) -> tuple[pd.DataFrame, Any]:
    """``X`` as a pandas DataFrame, and the object whose feature names sklearn should see.

    Pandas frames pass through; polars frames are converted. Anything else goes through
    ``sklearn.utils.check_array`` (so sparse, complex, empty and 1-D input are rejected with
    scikit-learn's messages) and gets the column names ``x0``, ``x1``, ...
    """
    if isinstance(X, pd.DataFrame):
        _check_shape(X.shape)
        return X, X
    if type(X).__module__.split(".")[0] == "polars" and hasattr(X, "to_pandas"):
        frame = X.to_pandas()
        _check_shape(frame.shape)
        return frame, X
    array = check_array(
        X,
        dtype=None,
        accept_sparse=False,
        ensure_all_finite="allow-nan",
        ensure_min_samples=1,
        ensure_min_features=1,
        input_name="X",
    )
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])]), array


def scoring_rows(
    model: Any, frame: pd.DataFrame, *, id_column: str | None, source: Path | str | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The columns of ``frame`` a fitted ``model`` reads, and each row's id to print beside.

    The id is ``{id_column: values}``, or ``{"row": 1, 2, ...}`` in file order. Raises
    :class:`~tenure.errors.DataError` naming the columns the model was fitted with (or
    ``id_column``) that ``frame`` lacks.
    """
    names = getattr(model, "feature_names_in_", None)
    features = [str(n) for n in names] if names is not None else list(model.encoder_.names_)
    missing = [c for c in features if c not in frame.columns]
    if id_column is not None and id_column not in frame.columns:
        missing.append(id_column)
    if missing:
        raise DataError(
            f"the table lacks columns the model was fitted with: {', '.join(missing)}",
            location=Location(file=source, field=missing[0]),
        )
    ids: Any = frame[id_column].to_numpy() if id_column else np.arange(1, len(frame) + 1)
    return frame[features], {id_column or "row": ids}


def _check_shape(shape: tuple[int, int]) -> None:
    if shape[0] < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={shape}) while a minimum of 1 is required."
        )
    if shape[1] < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 is required."
        )


@dataclass(frozen=True)
class ColumnSpec:
    """How one input column is encoded: its name, position, kind and (for categories) values."""

    name: str
    position: int
    kind: ColumnKind
    source: ColumnSource
    categories: tuple[str, ...] = ()


def _as_text(values: pd.Series) -> pd.Series:
    """Values as stripped text; blanks, ``None`` and NaN become missing."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _category_codes(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Codes into ``categories`` of each value's text (-1: missing or unknown).

    The distinct values are cleaned once (as :func:`_as_text` does), not every row.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = _as_text(pd.Series(uniques, dtype=object))
    position = {c: i for i, c in enumerate(categories)}
    lookup = np.array(
        [-1 if pd.isna(t) else position.get(str(t), -1) for t in text] + [-1], dtype=np.int64
    )
    out: np.ndarray = lookup[codes]  # code -1 (missing) picks the trailing -1
    return out


def _days(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return (values - _EPOCH) / _DAY


def _numbers(values: pd.Series, source: ColumnSource) -> np.ndarray:
    """A column as float64 (missing as NaN), whatever type it arrives in."""
    if source == "date" or pd.api.types.is_datetime64_any_dtype(values.dtype):
        if not pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = pd.to_datetime(_as_text(values), errors="coerce")
        out = _days(values)
    elif pd.api.types.is_timedelta64_dtype(values.dtype):
        out = values / _DAY
    elif pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_numeric_dtype(values.dtype):
        out = values
        if values.dtype != object:  # numpy or masked numbers: one copy, no element loop
            array = np.array(values.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
            array[np.isinf(array)] = np.nan
            return array
    else:
        out = pd.to_numeric(_as_text(values), errors="coerce")
    array = np.asarray(out.astype("Float64").to_numpy(dtype="float64", na_value=np.nan))
    array[np.isinf(array)] = np.nan
    return array


class TableEncoder:
    """Infer each column's type at :meth:`fit`; encode any later frame the same way.

    Parameters
    ----------
    max_categories
        A text column keeps its most frequent values, at most this many; the rest become
        missing.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame(
    ...     {
    ...         "id": ["a1", "a2", "a3"],
    ...         "plan": ["pro", "basic", "pro"],
    ...         "total": ["10.5", " ", "3"],
    ...     }
    ... )
    >>> enc = TableEncoder().fit(frame)
    >>> [(c.name, c.kind, c.source) for c in enc.columns_]
    [('plan', 'category', 'text'), ('total', 'numeric', 'numeric text')]
    >>> enc.dropped_
    {'id': 'identifier: every value is different'}
    """

    def __init__(self, *, max_categories: int = 100) -> None:
        self.max_categories = max_categories

    def fit(self, frame: pd.DataFrame) -> TableEncoder:
        """Learn each column's kind (and categories) from ``frame``."""
        self.names_: list[str] = [str(c) for c in frame.columns]
        self.columns_: list[ColumnSpec] = []
        self.dropped_: dict[str, str] = {}
        for position, name in enumerate(self.names_):
            spec = self._infer(name, position, frame.iloc[:, position])
            if isinstance(spec, str):
                self.dropped_[name] = spec
            else:
                self.columns_.append(spec)
        if not self.columns_:
            reasons = "; ".join(f"{n}: {r}" for n, r in self.dropped_.items())
            raise DataError(f"no column can be used as a feature ({reasons})")
        return self

    def _infer(self, name: str, position: int, values: pd.Series) -> ColumnSpec | str:
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_datetime64_any_dtype(dtype)
            or pd.api.types.is_timedelta64_dtype(dtype)
        ):
            text = _as_text(values)
            present = text.dropna()
            if present.empty:
                return "empty: every value is missing"
            is_category = isinstance(dtype, pd.CategoricalDtype)
            if not is_category and pd.to_numeric(present, errors="coerce").notna().all():
                return self._numeric(name, position, values, "numeric text")
            counts = present.value_counts(sort=False)
            if len(counts) == len(present) and len(present) > 1 and not is_category:
                return "identifier: every value is different"
            if len(counts) + int(len(present) < len(text)) < 2:
                return "constant: a single value"
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
            categories = tuple(sorted(str(v) for v, _ in ranked[: self.max_categories]))
            return ColumnSpec(name, position, "category", "text", categories)
        if pd.api.types.is_bool_dtype(dtype):
            return self._numeric(name, position, values, "boolean")
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return self._numeric(name, position, values, "date")
        if pd.api.types.is_timedelta64_dtype(dtype):
            return self._numeric(name, position, values, "duration")
        return self._numeric(name, position, values, "number")

    @staticmethod
    def _numeric(
        name: str, position: int, values: pd.Series, source: ColumnSource
    ) -> ColumnSpec | str:
        numbers = pd.Series(_numbers(values, source))
        if numbers.nunique(dropna=False) < 2:
            return "constant: a single value"
        return ColumnSpec(name, position, "numeric", source)

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The used columns: numbers as float64, categories with the values fixed at ``fit``."""
        out: dict[str, Any] = {}
        for spec in self.columns_:
            values = frame.iloc[:, spec.position]
            if spec.kind == "category":
                out[spec.name] = pd.Categorical.from_codes(
                    _category_codes(values, spec.categories), categories=list(spec.categories)
                )
            else:
                out[spec.name] = _numbers(values, spec.source)
        return pd.DataFrame(out, index=frame.index)

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """:meth:`transform` as a float64 matrix: categories as codes, missing as NaN."""
        out = np.empty((len(frame), len(self.columns_)), dtype="float64")
        for i, spec in enumerate(self.columns_):
            values = frame.iloc[:, spec.position]
            if spec.kind == "category":
                codes = _category_codes(values, spec.categories).astype("float64")
                codes[codes < 0] = np.nan
                out[:, i] = codes
            else:
                out[:, i] = _numbers(values, spec.source)
        return out

    @property
    def categorical_columns(self) -> list[int]:
        """Positions, in :meth:`matrix`, of the category columns."""
        return [i for i, spec in enumerate(self.columns_) if spec.kind == "category"]

    def __repr__(self) -> str:
        return f"TableEncoder(max_categories={self.max_categories})"
