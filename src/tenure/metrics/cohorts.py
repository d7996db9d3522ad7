"""Cohort tables: logo retention and net MRR retention by month of first payment.

A customer's cohort is the month of their first MRR (their ``new`` movement); a customer
who churns and comes back stays in that first cohort. Month ``k`` of a cohort is the
k-th month after it, and a customer counts in it when their MRR is above zero at the
end of that month (at ``as_of`` for the current month).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from tenure.metrics._attributes import check_by
from tenure.metrics._base import MetricsContext, join_left, period_spine, spine_table, truncate
from tenure.metrics.mrr import changes_until, first_billed_on, mrr_changes

__all__ = ["COHORT_COLUMNS", "CohortQuery", "cohort_tables", "month_end_mrr"]

COHORT_COLUMNS = (
    "cohort",
    "group",
    "period_index",
    "period",
    "cohort_customers",
    "customers",
    "logo_retention",
    "cohort_mrr",
    "mrr",
    "mrr_retention",
)


@dataclass(frozen=True)
class CohortQuery:
    """Which cohorts: first-payment months in ``[start, end]``, optionally split by ``by``."""

    start: dt.date | None = None
    end: dt.date | None = None
    by: str | None = None

    def __post_init__(self) -> None:
        check_by(self.by)


def _months(ctx: MetricsContext) -> ir.Table:
    first = min(first_billed_on(ctx) or ctx.as_of, ctx.as_of)
    return spine_table(period_spine(first, ctx.as_of, "month"), as_of=ctx.as_of, interval="month")


def month_end_mrr(
    ctx: MetricsContext, *, by: str | None = None, changes: ir.Table | None = None
) -> ir.Table:
    """Each paying customer's MRR (units) at the end of every month; grain (customer, group, month).

    ``month`` is the first day of the month; the MRR is the one at its last day (or at
    ``as_of`` for the current month). ``first_on`` is the customer's first MRR day.
    """
    ch = changes if changes is not None else changes_until(ctx, by=by)
    if "until" not in ch.columns:
        w = ibis.window(group_by=["customer_id", "group"], order_by="day")
        ch = ch.mutate(until=ch.day.lead().over(w))
    iv = ch.select("customer_id", "group", "day", "after", "first_on", "until")
    iv = iv.filter(iv.after > 0)
    months = _months(ctx)
    j = iv.join(
        months,
        [iv.day <= months.period_end, iv.until.isnull() | (months.period_end < iv.until)],
    )
    return j.select("customer_id", "group", "first_on", month=j.period, mrr=j.after)


def cohort_tables(ctx: MetricsContext, query: CohortQuery | None = None) -> ir.Table:
    """Logo and net MRR retention per cohort and month index.

    Grain: ``(cohort, group, period_index)``. With ``by``, a customer's group is the
    attribute's value at their first payment, and stays so. ``logo_retention`` =
    customers paying at the end of month k / customers in the cohort; ``mrr_retention`` =
    the cohort's MRR in month k / its MRR at the end of month 0 (re-subscribers count in
    their first cohort, so it can exceed 1). Money is in major units.
    """
    q = query or CohortQuery()
    ch = changes_until(ctx)
    grid = month_end_mrr(ctx, changes=ch)
    if q.by is None:
        # One group, and each customer's one "new" change is on their first MRR day, which
        # every month-end row carries: the cohort needs no join.
        firsts = ch.filter(ch.movement == "new")
        firsts = firsts.select("customer_id", "group", cohort_on=truncate(firsts.day, "month"))
        grid = grid.mutate(cohort_on=truncate(grid.first_on, "month")).drop("first_on")
    else:
        # A customer belongs to one cohort and one group for life: the month and the value
        # of ``by`` at their first payment (the largest first-day group if several).
        starts = mrr_changes(ctx, by=q.by)
        starts = starts.filter(starts.movement == "new")
        pick = ibis.row_number().over(
            group_by="customer_id", order_by=[ibis.desc("delta"), "group"]
        )
        firsts = starts.mutate(_pick=pick).filter(ibis._._pick == 0)
        firsts = firsts.select("customer_id", "group", cohort_on=truncate(firsts.day, "month"))
        grid = grid.drop("group", "first_on").join(firsts, "customer_id")
    if q.start is not None:
        first = truncate(ibis.literal(q.start), "month")
        firsts = firsts.filter(firsts.cohort_on >= first)
        grid = grid.filter(grid.cohort_on >= first)
    if q.end is not None:
        firsts = firsts.filter(firsts.cohort_on <= q.end)
        grid = grid.filter(grid.cohort_on <= q.end)
    sizes = firsts.group_by("cohort_on", "group").agg(cohort_customers=firsts.customer_id.nunique())
    # One row per customer and month (month_end_mrr's grain, one group): count the rows.
    cells = grid.group_by("cohort_on", "group", "month").agg(
        customers=grid.count(), mrr_u=grid.mrr.sum()
    )
    months = _months(ctx).select(month=ibis._.period)
    t = sizes.cross_join(months)
    t = t.filter(t.month >= t.cohort_on)
    t = join_left(t, cells, ["cohort_on", "group", "month"])
    start = cells.filter(cells.month == cells.cohort_on).select(
        "cohort_on", "group", cohort_mrr_u=cells.mrr_u
    )
    t = join_left(t, start, ["cohort_on", "group"])
    index = (t.month.year() - t.cohort_on.year()) * 12 + t.month.month() - t.cohort_on.month()
    customers = t.customers.fill_null(0).cast("int64")
    mrr_u = t.mrr_u.fill_null(0)
    cohort_mrr = t.cohort_mrr_u.fill_null(0)
    return t.select(
        cohort=t.cohort_on.strftime("%Y-%m"),
        group=t.group,
        period_index=index.cast("int64"),
        period=t.month.strftime("%Y-%m"),
        cohort_customers=t.cohort_customers.cast("int64"),
        customers=customers,
        logo_retention=customers.cast("float64") / t.cohort_customers.cast("float64"),
        cohort_mrr=ctx.major(cohort_mrr),
        mrr=ctx.major(mrr_u),
        mrr_retention=ibis.ifelse(
            cohort_mrr > 0, mrr_u.cast("float64") / cohort_mrr.cast("float64"), None
        ),
    ).order_by(["group", "cohort", "period_index"])
