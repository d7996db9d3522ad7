r"""The lifetime model behind LTV: lifelines' AFT fit on paying spells, scikit-learn style.

:class:`LifetimeValueModel` predicts each spell's restricted mean remaining lifetime
(``docs/survival.md``); :mod:`tenure.models.clv` builds its training data from a warehouse
and turns its predictions into lifetime values.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import polars as pl
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from tenure.errors import ModelError
from tenure.models._validation import check_fitted

__all__ = ["Distribution", "LifetimeValueModel"]

Distribution = Literal["weibull", "lognormal", "loglogistic"]
_CHUNK = 5000


class LifetimeValueModel(BaseEstimator):  # type: ignore[misc]
    """Remaining lifetime of paying customers from a table of spells (lifelines AFT).

    Parameters
    ----------
    distribution
        The lifetime distribution: ``"weibull"`` (the default), ``"lognormal"`` or
        ``"loglogistic"``.
    penalizer
        L2 penalty on the coefficients (covariates are standardised first), which keeps
        rare plans or channels from getting extreme effects.
    horizon_months
        ``H``: remaining lifetime is counted up to this many months ahead.
    grid_months
        Step of the numerical integration over ``[0, H]``.
    max_categories
        Most levels kept per categorical column (the rest count as the reference level).

    Attributes
    ----------
    fitter_ : lifelines fitter
        The fitted AFT model (``fitter_.summary`` holds the coefficients).
    columns_ : dict
        How each input column is encoded: ``("numeric", mean, std, has_missing)`` or
        ``("category", levels)``; the first level is the reference.
    design_columns_ : list of str
        The encoded columns the fitter sees.
    feature_names_in_ : ndarray
        The covariate columns (everything but the duration, event and entry columns).
    n_features_in_ : int
    concordance_ : float
        Concordance index on the training rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> plan = rng.choice(["basic", "pro"], 300)
    >>> months = rng.exponential(np.where(plan == "pro", 30, 10))
    >>> df = pd.DataFrame(
    ...     {"plan": plan, "months": np.minimum(months, 24) + 0.01, "churned": months < 24}
    ... )
    >>> model = LifetimeValueModel().fit(df, duration_col="months", event_col="churned")
    >>> remaining = model.expected_remaining_months(
    ...     pd.DataFrame({"plan": ["basic", "pro"]}), conditional_after=[6, 6]
    ... )
    >>> bool(remaining[1] > remaining[0])
    True
    """

    _parameter_constraints: dict[str, list[Any]] = {  # noqa: RUF012 (scikit-learn's API)
        "distribution": [StrOptions({"weibull", "lognormal", "loglogistic"})],
        "penalizer": [Interval(Real, 0, None, closed="left")],
        "horizon_months": [Interval(Real, 0, 1200, closed="right")],
        "grid_months": [Interval(Real, 0, None, closed="neither")],
        "max_categories": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        *,
        distribution: Distribution = "weibull",
        penalizer: float = 0.01,
        horizon_months: float = 60.0,
        grid_months: float = 0.25,
        max_categories: int = 20,
    ) -> None:
        self.distribution = distribution
        self.penalizer = penalizer
        self.horizon_months = horizon_months
        self.grid_months = grid_months
        self.max_categories = max_categories

    # -- encoding ----------------------------------------------------------------------------

    def _learn_columns(self, X: pd.DataFrame) -> dict[str, tuple[Any, ...]]:
        columns: dict[str, tuple[Any, ...]] = {}
        for name in X.columns:
            s = X[name]
            if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
                values = pd.to_numeric(s, errors="coerce").astype(float)
                values = values.where(np.isfinite(values))
                mean = float(values.mean()) if values.notna().any() else 0.0
                std = float(values.std()) if values.notna().sum() > 1 else 0.0
                columns[str(name)] = ("numeric", mean, std or 1.0, bool(values.isna().any()))
            else:
                counts = s.astype("string").fillna("(none)").value_counts()
                levels = [str(v) for v in counts.index[: self.max_categories]]
                columns[str(name)] = ("category", levels)
        return columns

    def _design(self, X: pd.DataFrame) -> pd.DataFrame:
        out: dict[str, Any] = {}
        for name, spec in self.columns_.items():
            s = X[name]
            if spec[0] == "numeric":
                _, mean, std, has_missing = spec
                values = pd.to_numeric(s, errors="coerce").astype(float)
                values = values.where(np.isfinite(values))
                out[name] = ((values - mean) / std).fillna(0.0).to_numpy()
                if has_missing:
                    out[f"{name}=missing"] = values.isna().to_numpy(dtype=float)
            else:
                text = s.astype("string").fillna("(none)")
                for level in spec[1][1:]:
                    out[f"{name}={level}"] = (text == level).to_numpy(dtype=float)
        return pd.DataFrame(out, index=X.index)

    def _covariates(self, X: Any) -> pd.DataFrame:
        frame = X.to_pandas() if isinstance(X, pl.DataFrame) else pd.DataFrame(X)
        missing = [c for c in self.feature_names_in_ if c not in frame.columns]
        if missing:
            raise ValueError(
                f"X is missing the columns {missing} that {type(self).__name__} was fitted with."
            )
        return frame[list(self.feature_names_in_)].reset_index(drop=True)

    # -- fit / predict -----------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
    def fit(
        self,
        df: Any,
        *,
        duration_col: str = "months",
        event_col: str = "churned",
        entry_col: str | None = None,
    ) -> Self:
        """Fit on a table of spells: one row each, with covariate columns.

        Parameters
        ----------
        df
            A pandas or polars frame.
        duration_col
            Months from the spell's start to its churn or censoring (> 0).
        event_col
            True when the spell ended in churn.
        entry_col
            Months the spell had lasted when it entered the data (left truncation), as
            for customers first seen at an origin after they started paying.
        """
        from lifelines import LogLogisticAFTFitter, LogNormalAFTFitter, WeibullAFTFitter
        from lifelines.exceptions import ConvergenceError

        frame = df.to_pandas() if isinstance(df, pl.DataFrame) else pd.DataFrame(df)
        special = [duration_col, event_col, *([entry_col] if entry_col else [])]
        for col in special:
            if col not in frame.columns:
                raise ValueError(f"The table has no column {col!r} (the {col} argument).")
        frame = frame.reset_index(drop=True)
        durations = pd.to_numeric(frame[duration_col], errors="coerce").astype(float)
        if not (np.isfinite(durations) & (durations > 0)).all():
            raise ValueError(f"The {duration_col!r} column must hold finite values above 0.")
        events = frame[event_col].astype(bool)
        if not events.any():
            raise ValueError(f"{type(self).__name__} needs at least one churned spell to fit.")
        X = frame.drop(columns=special)
        self.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.columns_ = self._learn_columns(X)
        design = self._design(X)
        self.design_columns_ = list(design.columns)
        design["_duration"] = durations.to_numpy()
        design["_event"] = events.to_numpy()
        if entry_col:
            entry = pd.to_numeric(frame[entry_col], errors="coerce").astype(float).fillna(0.0)
            design["_entry"] = np.minimum(entry.to_numpy(), durations.to_numpy() * 0.999)
        fitters = {
            "weibull": WeibullAFTFitter,
            "lognormal": LogNormalAFTFitter,
            "loglogistic": LogLogisticAFTFitter,
        }
        fitter = fitters[self.distribution](penalizer=self.penalizer)
        try:
            fitter.fit(
                design,
                duration_col="_duration",
                event_col="_event",
                entry_col="_entry" if entry_col else None,
            )
        except ConvergenceError as exc:
            raise ModelError(
                f"{type(self).__name__} did not converge ({exc}); raise the penalizer or "
                "use fewer covariates"
            ) from exc
        self.fitter_ = fitter
        self.concordance_ = float(fitter.concordance_index_)
        return self

    def _survival(self, X: pd.DataFrame, times: np.ndarray, after: np.ndarray) -> np.ndarray:
        """``S(t0 + u) / S(t0)`` for each row (columns) at each ``u`` in ``times`` (rows)."""
        design = self._design(X)
        values = self.fitter_.predict_survival_function(
            design, times=times, conditional_after=after
        )
        return np.asarray(values.to_numpy(dtype=float))

    def expected_remaining_months(
        self,
        X: Any,
        *,
        conditional_after: Sequence[float] | np.ndarray | None = None,
        discount_rate: float = 0.0,
    ) -> np.ndarray:
        """Restricted mean remaining months of each row, given it has lasted so far.

        Parameters
        ----------
        X
            The covariates (extra columns are ignored).
        conditional_after
            Months each row's spell has lasted already (``t0``); 0 when not given.
        discount_rate
            Monthly discount rate ``d``: month ``u`` ahead counts ``(1 + d) ** -u``.
        """
        check_fitted(self)
        frame = self._covariates(X)
        n = len(frame)
        after = (
            np.zeros(n)
            if conditional_after is None
            else np.asarray(conditional_after, dtype=float).reshape(-1)
        )
        if after.shape[0] != n:
            raise ValueError(f"conditional_after has {after.shape[0]} values for {n} rows.")
        if discount_rate < 0:
            raise ValueError(f"discount_rate must be at least 0. Got {discount_rate!r} instead.")
        steps = max(1, round(self.horizon_months / self.grid_months))
        times = np.linspace(0.0, float(self.horizon_months), steps + 1)
        weights = (1.0 + discount_rate) ** -times
        out = np.empty(n)
        for start in range(0, n, _CHUNK):
            part = slice(start, min(n, start + _CHUNK))
            s = self._survival(frame.iloc[part], times, np.maximum(after[part], 0.0))
            out[part] = np.trapezoid(s * weights[:, None], times, axis=0)
        return out

    def score(self, df: Any, *, duration_col: str = "months", event_col: str = "churned") -> float:
        """Concordance index: how often the spell predicted to last longer did last longer."""
        from lifelines.utils import concordance_index

        check_fitted(self)
        frame = df.to_pandas() if isinstance(df, pl.DataFrame) else pd.DataFrame(df)
        predicted = self.expected_remaining_months(frame)
        return float(
            concordance_index(frame[duration_col], predicted, frame[event_col].astype(bool))
        )
