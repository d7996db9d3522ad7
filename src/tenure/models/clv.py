r"""Expected remaining lifetime and lifetime value (LTV) per customer.

:class:`LifetimeValueModel` is a parametric accelerated-failure-time model (lifelines'
Weibull AFT by default, with an L2 penalty) of how long a paying spell lasts, given
covariates such as plan, billing interval, MRR, seats and channel. For a customer who
has paid for ``t0`` months it predicts the **restricted mean remaining lifetime**

.. math::

    E[\min(T - t_0, H) \mid T > t_0, x] = \int_0^H \frac{S(t_0 + u \mid x)}{S(t_0 \mid x)}\,du

with ``H = horizon_months`` (the horizon keeps the mean finite: a fitted Weibull tail can
hold decades). With a monthly discount rate ``d`` each month is weighted by
``(1 + d) ** -u``. LTV is then ``MRR x gross margin x`` those months.

:func:`training_frame` builds the data the workspace fits on: the paying customers at
monthly origins, each with their features at the origin, the months they had paid by then
(``entry``, left truncation) and the months when they churned or the next origin came
(``months``, ``churned``). :func:`customer_lifetime_values` fits and predicts at one
``as_of``; :func:`ltv_summary` sums LTV by group. ``docs/survival.md`` has the formulas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping, Sequence
from numbers import Integral, Real
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import polars as pl
from ibis.backends import BaseBackend
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from tenure.config import FeatureSettings, LtvSettings, MetricsSettings
from tenure.errors import ModelError
from tenure.features import feature_frame, monthly_origins
from tenure.models._validation import check_fitted
from tenure.models.survival import DAYS_PER_MONTH, spell_frame
from tenure.progress import NullProgress, Progress

__all__ = [
    "VALUE_COLUMNS",
    "LifetimeValueModel",
    "customer_lifetime_values",
    "fit_lifetime_model",
    "ltv_summary",
    "training_frame",
]

VALUE_COLUMNS = (
    "customer_id",
    "as_of",
    "expected_remaining_months",
    "ltv",
    "mrr",
    "plan",
    "tenure_months",
    "cancel_pending",
)
"""The columns of :func:`customer_lifetime_values`; grain ``(customer_id, as_of)``."""

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


# -- on a warehouse ------------------------------------------------------------------------


def _months(days: pl.Expr) -> pl.Expr:
    return days.cast(pl.Float64) / DAYS_PER_MONTH


def _open_spells(spells: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """The spell each customer was in on the day before ``day`` (paying then)."""
    return spells.filter(
        (pl.col("start_on") < day) & (pl.col("end_on").is_null() | (pl.col("end_on") >= day))
    ).select("customer_id", "start_on", "end_on")


def training_frame(
    con: BaseBackend,
    as_of: dt.date,
    *,
    ltv: LtvSettings,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    features: FeatureSettings | None = None,
    progress: Progress | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Rows to fit :class:`LifetimeValueModel` on, from data known before ``as_of`` only.

    For each of ``ltv.origins`` monthly origins before ``as_of``: the customers paying
    on the day before the origin with no cancellation scheduled, their covariates
    (``ltv.covariates``) at the origin, ``entry`` (months paid in the current spell by
    the origin) and, up to the next origin (``as_of`` for the last), ``months`` (months
    paid when the spell churned or the interval ended) and ``churned``.
    """
    progress = progress or NullProgress()
    spells = spell_frame(con, as_of, currency=currency, rules=rules)
    origins = monthly_origins(as_of - dt.timedelta(days=1), ltv.origins)
    ends = [*origins[1:], as_of]
    parts = []
    with progress.task("Building lifetime training rows", total=len(origins)) as task:
        for origin, end in zip(origins, ends, strict=True):
            frame = feature_frame(
                con, origin, currency=currency, rules=rules, settings=features, cache=cache
            )
            frame = frame.filter((pl.col("mrr") > 0) & ~pl.col("cancel_pending"))
            rows = frame.select("customer_id", *ltv.covariates).join(
                _open_spells(spells, origin), on="customer_id", how="inner"
            )
            churned = pl.col("end_on").is_not_null() & (pl.col("end_on") < end)
            stop = pl.when(churned).then(pl.col("end_on")).otherwise(pl.lit(end))
            entry = _months((pl.lit(origin) - pl.col("start_on")).dt.total_days())
            exit_ = _months((stop - pl.col("start_on")).dt.total_days())
            rows = rows.with_columns(
                entry=entry,
                months=pl.max_horizontal(exit_, entry + 1 / DAYS_PER_MONTH),
                churned=churned,
                origin=pl.lit(origin),
            ).drop("start_on", "end_on")
            parts.append(rows)
            task.advance()
    return pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame()


def fit_lifetime_model(
    con: BaseBackend,
    as_of: dt.date,
    *,
    ltv: LtvSettings,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    features: FeatureSettings | None = None,
    progress: Progress | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> LifetimeValueModel:
    """:class:`LifetimeValueModel` fitted on :func:`training_frame` (data before ``as_of``).

    Raises
    ------
    ModelError
        No spell ended in churn before ``as_of``.
    """
    progress = progress or NullProgress()
    train = training_frame(
        con,
        as_of,
        ltv=ltv,
        currency=currency,
        rules=rules,
        features=features,
        progress=progress,
        cache=cache,
    )
    if train.is_empty() or not train["churned"].any():
        raise ModelError(
            f"no churned spells before {as_of.isoformat()} to learn lifetimes from; "
            "lifetime values need some history of churn (ingest more billing data)"
        )
    model = LifetimeValueModel(
        distribution=ltv.distribution,
        penalizer=ltv.penalizer,
        horizon_months=ltv.horizon_months,
    )
    with progress.task("Fitting the lifetime model", total=None):
        model.fit(
            train.drop("customer_id", "origin"),
            duration_col="months",
            event_col="churned",
            entry_col="entry",
        )
    return model


def customer_lifetime_values(
    con: BaseBackend,
    as_of: dt.date,
    *,
    ltv: LtvSettings,
    gross_margin: float = 1.0,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    features: FeatureSettings | None = None,
    model: LifetimeValueModel | None = None,
    frame: pl.DataFrame | None = None,
    progress: Progress | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> tuple[pl.DataFrame, LifetimeValueModel]:
    """Every paying customer's expected remaining months and LTV at ``as_of``.

    Fits :class:`LifetimeValueModel` on :func:`training_frame` (unless a fitted
    ``model`` is given: one fitted at an earlier day is still point-in-time correct)
    and predicts for the customers paying on the day before ``as_of``, conditional on
    the months they have paid in their current spell. A customer with a cancellation
    scheduled is not predicted: they pay until their period ends (``renewal_in_days``),
    then leave. ``frame``: the features at ``as_of``, when the caller has them; ``cache``:
    feature frames by day shared with other training (:func:`tenure.features.feature_frame`).

    Returns
    -------
    (polars.DataFrame, LifetimeValueModel)
        :data:`VALUE_COLUMNS` (``ltv = mrr x gross_margin x`` the discounted remaining
        months, in the reporting currency), highest LTV first; and the fitted model.
    """
    progress = progress or NullProgress()
    if model is None:
        model = fit_lifetime_model(
            con,
            as_of,
            ltv=ltv,
            currency=currency,
            rules=rules,
            features=features,
            progress=progress,
            cache=cache,
        )
    spells = spell_frame(con, as_of, currency=currency, rules=rules)
    now = (
        frame
        if frame is not None
        else feature_frame(
            con, as_of, currency=currency, rules=rules, settings=features, cache=cache
        )
    )
    cols = dict.fromkeys(["customer_id", "mrr", "plan", "cancel_pending", "renewal_in_days"])
    now = now.filter(pl.col("mrr") > 0).select(*cols, *(c for c in ltv.covariates if c not in cols))
    now = now.join(_open_spells(spells, as_of), on="customer_id", how="left").with_columns(
        tenure_months=_months((pl.lit(as_of) - pl.col("start_on")).dt.total_days()).fill_null(0.0)
    )
    remaining = model.expected_remaining_months(
        now, conditional_after=now["tenure_months"].to_numpy()
    )
    discounted = (
        model.expected_remaining_months(
            now,
            conditional_after=now["tenure_months"].to_numpy(),
            discount_rate=ltv.discount_rate_monthly,
        )
        if ltv.discount_rate_monthly > 0
        else remaining
    )
    pending_months = _months(pl.col("renewal_in_days").fill_null(0.0).clip(0.0))
    rate = ltv.discount_rate_monthly
    out = now.with_columns(
        _remaining=pl.Series(remaining), _discounted=pl.Series(discounted)
    ).with_columns(
        expected_remaining_months=pl.when(pl.col("cancel_pending"))
        .then(pending_months.clip(upper_bound=ltv.horizon_months))
        .otherwise(pl.col("_remaining")),
        _months_value=pl.when(pl.col("cancel_pending"))
        .then(_discounted_flat(pending_months.clip(upper_bound=ltv.horizon_months), rate))
        .otherwise(pl.col("_discounted")),
    )
    out = out.with_columns(
        as_of=pl.lit(as_of),
        ltv=pl.col("mrr") * gross_margin * pl.col("_months_value"),
    )
    return out.select(*VALUE_COLUMNS).sort("ltv", "customer_id", descending=[True, False]), model


def _discounted_flat(months: pl.Expr, rate: float) -> pl.Expr:
    """``integral_0^m (1 + d) ** -u du``: a flat stream of ``m`` months, discounted."""
    if rate <= 0:
        return months
    log = float(np.log1p(rate))
    return (1 - (-(months * log)).exp()) / log


def ltv_summary(values: pl.DataFrame, *, by: str = "plan") -> pl.DataFrame:
    """LTV summed and averaged per value of the column ``by`` (and a total row ``all``).

    Returns
    -------
    polars.DataFrame
        ``group``, ``customers``, ``mrr``, ``ltv_sum``, ``ltv_mean``,
        ``expected_remaining_months_mean``; largest ``ltv_sum`` first, ``all`` last.
    """
    if by not in values.columns:
        raise ModelError(f"the lifetime values have no column {by!r} to group by")

    def agg(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.group_by("group").agg(
            customers=pl.len().cast(pl.Int64),
            mrr=pl.col("mrr").sum(),
            ltv_sum=pl.col("ltv").sum(),
            ltv_mean=pl.col("ltv").mean(),
            expected_remaining_months_mean=pl.col("expected_remaining_months").mean(),
        )

    grouped = agg(values.with_columns(group=pl.col(by).cast(pl.String).fill_null("(none)")))
    grouped = grouped.sort(["ltv_sum", "group"], descending=[True, False])
    total = agg(values.with_columns(group=pl.lit("all")))
    return pl.concat([grouped, total], how="vertical_relaxed")
