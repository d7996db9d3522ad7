r"""Expected remaining lifetime and lifetime value (LTV) per customer.

``LifetimeValueModel`` (in :mod:`tenure.models.lifetime_model`) is a parametric
accelerated-failure-time model (lifelines' Weibull AFT by default, with an L2 penalty) of
how long a paying spell lasts, given
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
from collections.abc import MutableMapping

import numpy as np
import polars as pl
from ibis.backends import BaseBackend

from tenure.config import FeatureSettings, LtvSettings, MetricsSettings
from tenure.errors import ModelError
from tenure.features import feature_frame, monthly_origins
from tenure.models.lifetime_model import LifetimeValueModel
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
