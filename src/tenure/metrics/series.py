"""MRR series by day, week, month or quarter: movements, customers and the rates built on them.

Every row obeys ``mrr = mrr_start + new + expansion + reactivation - contraction - churn``
(the movements are positive amounts). Formulas are in ``docs/metrics.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from tenure.metrics._attributes import check_by
from tenure.metrics._base import (
    MONTHS_PER_PERIOD,
    PERIODS_PER_HALF_YEAR,
    Interval,
    MetricsContext,
    add_months,
    check_interval,
    join_left,
    next_period,
    period_spine,
    spine_table,
    truncate,
)
from tenure.metrics.mrr import MOVEMENTS, changes_until, first_billed_on

__all__ = ["SERIES_COLUMNS", "SeriesQuery", "mrr_series"]

_NEVER = ibis.date(9999, 12, 31)
"""The end of an interval that has not ended: a plain range join instead of an OR."""

SERIES_COLUMNS = (
    "period",
    "group",
    "mrr",
    "arr",
    "mrr_start",
    "new",
    "expansion",
    "contraction",
    "churn",
    "reactivation",
    "net_new_mrr",
    "customers",
    "customers_start",
    "new_customers",
    "reactivated_customers",
    "churned_customers",
    "arpa",
    "customer_churn_rate",
    "gross_mrr_churn_rate",
    "net_mrr_churn_rate",
    "nrr",
    "grr",
    "nrr_ttm",
    "grr_ttm",
    "retention_rate",
    "ltv",
)
"""Columns of :func:`mrr_series`, in order (money in major units)."""


@dataclass(frozen=True)
class SeriesQuery:
    """What series to compute: the period, the range and an optional breakdown.

    ``start`` and ``end`` are days; every period that overlaps ``[start, end]`` is
    returned. ``end`` defaults to ``as_of``; ``start`` to the first MRR change.
    """

    interval: Interval = "month"
    start: dt.date | None = None
    end: dt.date | None = None
    by: str | None = None

    def __post_init__(self) -> None:
        check_interval(self.interval)
        check_by(self.by)


def _changes_by_period(ch: ir.Table, ctx: MetricsContext, q: SeriesQuery) -> ir.Table:
    ch = ch.mutate(period=truncate(ch.day, q.interval))
    if ctx.rules.same_period_churn == "exclude":
        # Leave out customers who start from zero and are back at zero within one period
        # (judged on the customer's total MRR, whatever the breakdown): their new
        # business and churn cancel, and so does every movement between them.
        w = ibis.window(group_by=["customer_id", "period"], order_by="day")
        ch = ch.mutate(
            _first_before=ch.total_before.first().over(w),
            _last_after=ch.total_after.last().over(w),
            _has_new=(ch.movement == "new").any().over(w),
        )
        flash = (ch._first_before <= 0) & (ch._last_after <= 0) & ch._has_new
        ch = ch.filter(~flash).drop("_first_before", "_last_after", "_has_new")
    return ch


def _aggregate(ch: ir.Table) -> ir.Table:
    amounts: dict[str, ir.Value] = {
        m: ch.delta.abs().sum(where=ch.movement == m).fill_null(0) for m in MOVEMENTS
    }
    return ch.group_by("group", "period").agg(
        **amounts,
        net=ch.delta.sum(),
        logo_change=(
            ibis.cases(
                ((ch.before <= 0) & (ch.after > 0), 1),
                ((ch.before > 0) & (ch.after <= 0), -1),
                else_=0,
            ).sum()
        ),
        new_customers=ch.customer_id.nunique(where=ch.movement == "new"),
        reactivated_customers=ch.customer_id.nunique(where=ch.movement == "reactivation"),
        churned_customers=ch.customer_id.nunique(where=ch.movement == "churn"),
    )


def mrr_series(ctx: MetricsContext, query: SeriesQuery | None = None) -> ir.Table:
    """The MRR series for ``query``; grain ``(group, period)``.

    Columns are :data:`SERIES_COLUMNS`. Money is in major units of the reporting
    currency; rates are fractions (0.05 = 5%). Rates whose denominator is zero are null.
    ``nrr_ttm``/``grr_ttm`` are null unless the interval is a month or a quarter.
    """
    q = query or SeriesQuery()
    changes = changes_until(ctx, by=q.by)
    ch = _changes_by_period(changes, ctx, q)
    end = min(q.end or ctx.as_of, ctx.as_of)
    first = min(first_billed_on(ctx) or end, q.start or end, end)
    periods = period_spine(first, end, q.interval)
    spine = spine_table(periods, as_of=ctx.as_of, interval=q.interval)
    agg = _aggregate(ch)
    groups = agg.select("group").distinct()
    if q.by is None:
        groups = ibis.memtable({"group": ["all"]}, schema={"group": "string"})
    grid = groups.cross_join(spine)
    t = join_left(grid, agg, ["group", "period"])
    zero = {c: t[c].fill_null(0) for c in (*MOVEMENTS, "net", "logo_change")}
    zero |= {
        c: t[c].fill_null(0)
        for c in ("new_customers", "reactivated_customers", "churned_customers")
    }
    t = t.mutate(**zero)
    cum = ibis.cumulative_window(group_by="group", order_by="period")
    t = t.mutate(mrr_u=t.net.sum().over(cum), customers=t.logo_change.sum().over(cum))
    t = t.mutate(mrr_start_u=t.mrr_u - t.net, customers_start=t.customers - t.logo_change)
    t = _rates(ctx, t, q.interval)
    t = _ttm(ctx, t, q, changes, periods)
    if q.start is not None:
        t = t.filter(t.period_end >= q.start)
    else:  # start at the first movement (the calendar began at the first invoice line)
        moved = (t.net != 0) | (t.logo_change != 0)
        # A column, not a window in the filter: Ibis 12 compiles that wrongly off DuckDB.
        t = t.mutate(_first=ibis.ifelse(moved, t.period, None).min().over(ibis.window()))
        t = t.filter(t.period >= t._first.fill_null(periods[-1]))
    return t.select(
        period=t.period_label,
        group=t.group,
        **_money(ctx, t),
        **{c: t[c] for c in SERIES_COLUMNS[11:]},
    ).order_by(["group", "period"])


def _money(ctx: MetricsContext, t: ir.Table) -> dict[str, Any]:
    m = ctx.major
    return {
        "mrr": m(t.mrr_u),
        "arr": m(t.mrr_u * 12),
        "mrr_start": m(t.mrr_start_u),
        **{k: m(t[k]) for k in MOVEMENTS},
        "net_new_mrr": m(t.net),
    }


def _ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(den > 0, num.cast("float64") / den.cast("float64"), None)


def _rates(ctx: MetricsContext, t: ir.Table, interval: Interval) -> ir.Table:
    start = t.mrr_start_u
    gross = t.churn + t.contraction
    net = gross - t.expansion - t.reactivation
    t = t.mutate(
        arpa=ibis.ifelse(t.customers > 0, ctx.major(t.mrr_u) / t.customers, None),
        customer_churn_rate=_ratio(t.churned_customers, t.customers_start),
        gross_mrr_churn_rate=_ratio(gross, start),
        net_mrr_churn_rate=_ratio(net, start),
        nrr=_ratio(start - net, start),
        grr=_ratio(start - gross, start),
        retention_rate=_ratio(
            t.customers - t.new_customers - t.reactivated_customers, t.customers_start
        ),
    )
    # LTV = ARPA x gross margin / (six-month trailing mean of the monthly churn rate).
    trailing = ibis.window(
        group_by="group",
        order_by="period",
        preceding=PERIODS_PER_HALF_YEAR[interval] - 1,
        following=0,
    )
    monthly_churn = t.customer_churn_rate.mean().over(trailing) / MONTHS_PER_PERIOD[interval]
    return t.mutate(
        ltv=ibis.ifelse(monthly_churn > 0, t.arpa * ctx.rules.gross_margin / monthly_churn, None)
    )


def _ttm(
    ctx: MetricsContext, t: ir.Table, q: SeriesQuery, ch: ir.Table, periods: list[dt.date]
) -> ir.Table:
    """Trailing-twelve-month NRR and GRR: this period's MRR from last year's customers."""
    if q.interval not in ("month", "quarter"):
        return t.mutate(nrr_ttm=ibis.null("float64"), grr_ttm=ibis.null("float64"))
    ends = [min(next_period(p, q.interval) - dt.timedelta(days=1), ctx.as_of) for p in periods]
    points = ibis.memtable(
        {
            "period": periods,
            "at": ends,
            "year_ago": [add_months(e, -12) for e in ends],
        },
        schema={"period": "date", "at": "date", "year_ago": "date"},
    )
    ttm = _ttm_table(ch, points)
    return join_left(t, ttm, ["group", "period"])


def _ttm_table(ch: ir.Table, points: ir.Table) -> ir.Table:
    # Each customer's paying intervals [day, until); at most one holds a given day.
    iv = ch.select("customer_id", "group", "day", "after", until=ch.until.fill_null(_NEVER))
    iv = iv.filter(iv.after > 0)
    then = iv.join(points, [iv.day <= points.year_ago, points.year_ago < iv.until])
    then = then.select("customer_id", "group", "period", "at", then=then.after)
    # The same customers' MRR a year later: looked up among their own intervals.
    now = iv.select(_c=iv.customer_id, _g=iv.group, _from=iv.day, _until=iv.until, now=iv.after)
    j = then.left_join(
        now,
        [
            then.customer_id == now._c,
            then.group == now._g,
            now._from <= then.at,
            then.at < now._until,
        ],
    )
    kept = j.now.fill_null(0)
    agg = j.group_by("group", "period").agg(
        _then=j.then.sum(),
        _now=kept.sum(),
        _floor=ibis.least(kept, j.then).sum(),
    )
    return agg.select(
        "group",
        "period",
        nrr_ttm=_ratio(agg._now, agg._then),
        grr_ttm=_ratio(agg._floor, agg._then),
    )
