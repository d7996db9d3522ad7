"""What happened after ``as_of``: churn within a horizon, voluntary or involuntary.

A customer is in the population at ``as_of`` when they pay on the day before it (MRR
above zero, as known then: the ``mrr`` feature). They *churn within the horizon* when
their MRR falls to zero (the metrics engine's ``churn`` movement) on a day in
``[as_of, as_of + horizon)``. The churn is *involuntary* when a subscription of theirs
that ended in that window was ended for non-payment (Stripe's cancellation reason
``payment_failed`` or ``payment_disputed``), else *voluntary*. A label is *observed* when
the data reaches the end of its window; backtests use observed labels only.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tenure.metrics import MetricsContext, mrr_changes

__all__ = ["INVOLUNTARY_REASONS", "churn_labels"]

INVOLUNTARY_REASONS = ("payment_failed", "payment_disputed")


def churn_labels(
    ctx: MetricsContext, as_of: dt.date, horizon_days: int, *, data_through: dt.date
) -> ir.Table:
    """Churn labels for every customer with a churn or not in ``[as_of, as_of + horizon)``.

    Parameters
    ----------
    ctx
        A context over all the data (not point-in-time: labels look ahead).
    as_of
        The first day of the window (features use the days before it).
    horizon_days
        The window's length in days.
    data_through
        The last day the data covers; windows ending later are not ``observed``.

    Returns
    -------
    ibis.Table
        ``customer_id``, ``churned`` (bool), ``churn_on`` (date or null),
        ``churn_type`` (``voluntary`` / ``involuntary`` / null), ``observed`` (bool),
        one row per customer that had any MRR change; join it to the feature frame on
        ``customer_id`` (customers absent here did not churn).
    """
    end = as_of + dt.timedelta(days=horizon_days)
    ch = mrr_changes(ctx)
    churns = ch.filter((ch.movement == "churn") & (ch.day >= as_of) & (ch.day < end))
    first = churns.group_by("customer_id").agg(churn_on=churns.day.min())
    s = ctx.table("subscriptions")
    ended = s.filter(
        s.cancellation_reason.isin(INVOLUNTARY_REASONS)
        & (s.ended_at.date() >= as_of)
        & (s.ended_at.date() < end)
    )
    unpaid = ended.select("customer_id").distinct().mutate(_unpaid=ibis.literal(True))
    t = first.left_join(unpaid, "customer_id").drop("customer_id_right")
    everyone = ch.select("customer_id").distinct()
    t = everyone.left_join(t, "customer_id").drop("customer_id_right")
    churned = t.churn_on.notnull()
    kind = ibis.cases(
        (churned & t._unpaid.fill_null(False), "involuntary"), (churned, "voluntary"), else_=None
    )
    return t.select(
        "customer_id",
        "churn_on",
        churned=churned,
        churn_type=kind,
        observed=ibis.literal(end <= data_through + dt.timedelta(days=1)),
    )
