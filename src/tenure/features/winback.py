"""Churned customers on a day: what we knew of them then, and whether they came back.

A customer is *churned* at ``as_of`` when their latest MRR change before it is a
``churn`` movement (their MRR fell to zero and has not come back). For each, from the data
known before ``as_of`` (a :class:`~tenure.features.PointInTimeContext`):

- ``churned_on``, ``days_since_churn`` and ``mrr_before_churn`` (MRR on the day before the
  churn, reporting currency), and ``plan``: the product of their largest subscription
  line on that day, by its name (``Business``), for messages;
- ``churns`` and ``reactivations`` before, ``paid_months`` (months with MRR above zero),
  ``revenue`` (MRR × months paid, summed over the customer's history: the value realised)
  and ``avg_mrr`` (``revenue / paid_months``: the average order value of a subscription);
- ``churn_type``: ``involuntary`` when their latest ended subscription was ended for
  non-payment, else ``voluntary``;
- ``cancel_reason``, why they left, and ``reason_source``, where that comes from:
  ``payment_failed`` for an involuntary churn (``payment``); else their latest cancel
  survey answer (``survey``); else the Stripe ``cancellation_details.feedback`` of their
  latest ended subscription in the survey's codes (``stripe``,
  :data:`tenure.schema.STRIPE_FEEDBACK_REASONS`);
  else null;
- ``cancel_comment``: the comment of their latest cancel survey answer;
- ``events_90d_before_churn``: product events in the 90 days before the churn.

*Reactivated within the horizon* (:func:`reactivation_labels`) means a ``reactivation``
movement (MRR above zero again) on a day in ``[as_of, as_of + horizon)``.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.features.labels import INVOLUNTARY_REASONS
from tenure.metrics import MetricsContext, mrr_changes, mrr_segments
from tenure.metrics.mrr import changes_until
from tenure.schema import STRIPE_FEEDBACK_REASONS

__all__ = [
    "WINBACK_COLUMNS",
    "churn_reasons",
    "churned_customers",
    "plans_before",
    "reactivation_labels",
    "tickets_solved_since",
]

WINBACK_COLUMNS = (
    "customer_id",
    "churned_on",
    "days_since_churn",
    "mrr_before_churn",
    "plan",
    "churns",
    "reactivations",
    "paid_months",
    "revenue",
    "avg_mrr",
    "churn_type",
    "cancel_reason",
    "reason_source",
    "cancel_comment",
    "events_90d_before_churn",
)
"""The columns of :func:`churned_customers`."""

PAYMENT_FAILED = "payment_failed"
"""The reason of an involuntary churn (a subscription ended for non-payment)."""

_DAYS_PER_MONTH = 30.4375


def churned_customers(ctx: MetricsContext, as_of: dt.date) -> ir.Table:
    """One row per customer churned at ``as_of`` (columns: :data:`WINBACK_COLUMNS`).

    ``ctx`` should know only what was known before ``as_of`` (a point-in-time context);
    only changes on days before ``as_of`` are read.
    """
    ch = changes_until(ctx)
    ch = ch.filter(ch.day < as_of)
    latest = ch.mutate(_n=ibis.row_number().over(group_by="customer_id", order_by=ibis.desc("day")))
    churned = latest.filter((latest._n == 0) & (latest.movement == "churn")).select(
        "customer_id",
        churned_on=latest.day,
        mrr_before_churn=ctx.major(-latest.delta),
    )
    end = ibis.coalesce(ch.until, ibis.literal(as_of, "date"))
    months = (end.delta(ch.day, unit="day").cast("float64") / _DAYS_PER_MONTH).clip(lower=0)
    paid = ch.after > 0
    history = ch.group_by("customer_id").agg(
        churns=(ch.movement == "churn").sum(),
        reactivations=(ch.movement == "reactivation").sum(),
        paid_months=months.sum(where=paid),
        revenue=ctx.major((ch.after * months).sum(where=paid)),
    )
    out = churned.join(history, "customer_id").mutate(
        days_since_churn=ibis.literal(as_of, "date").delta(churned.churned_on, unit="day")
    )
    out = out.mutate(
        paid_months=out.paid_months.fill_null(0.0),
        revenue=out.revenue.fill_null(0.0),
        avg_mrr=ibis.ifelse(out.paid_months > 0, out.revenue / out.paid_months, None),
    )
    reasons = churn_reasons(ctx.table("subscriptions"), ctx.table("feedback"), before=as_of)
    out = _left(out, reasons)
    out = _left(out, plans_before(ctx, churned))
    out = _left(out, _events_before(ctx, churned))
    return out.mutate(
        churn_type=out.churn_type.fill_null("voluntary"),
        events_90d_before_churn=out.events_90d_before_churn.fill_null(0),
    ).select(*WINBACK_COLUMNS)


def churn_reasons(subscriptions: ir.Table, feedback: ir.Table, *, before: dt.date) -> ir.Table:
    """Why each customer with an ended subscription or a cancel answer left, as of ``before``.

    Columns ``customer_id``, ``churn_type`` (``involuntary`` when their latest subscription
    ended before ``before`` ended for non-payment; null when none ended), ``cancel_reason``,
    ``reason_source`` and ``cancel_comment``, from what was known on days before
    ``before`` (the module's docstring gives the order of the reasons).
    """
    s = subscriptions
    ended = s.filter(s.ended_at.notnull() & (s.ended_at.date() < before))
    ended = ended.mutate(
        _n=ibis.row_number().over(group_by="customer_id", order_by=ibis.desc("ended_at"))
    )
    last = ended.filter(ended._n == 0)
    kinds = last.select(
        "customer_id",
        churn_type=ibis.ifelse(
            last.cancellation_reason.isin(INVOLUNTARY_REASONS), "involuntary", "voluntary"
        ),
        stripe=last.cancellation_feedback.substitute(
            STRIPE_FEEDBACK_REASONS, else_=ibis.null("string")
        ),
    )
    f = feedback
    f = f.filter((f.kind == "cancel_reason") & (f.submitted_at.date() < before))
    f = f.mutate(
        _n=ibis.row_number().over(group_by="customer_id", order_by=ibis.desc("submitted_at"))
    )
    answers = f.filter(f._n == 0).select(
        _a="customer_id", survey=f.cancel_reason, cancel_comment=f.comment
    )
    both = kinds.outer_join(answers, kinds.customer_id == answers._a)
    both = both.mutate(customer_id=ibis.coalesce(both.customer_id, both._a))
    involuntary = both.churn_type == "involuntary"
    return both.select(
        "customer_id",
        "churn_type",
        cancel_reason=ibis.cases(
            (involuntary, PAYMENT_FAILED),
            (both.survey.notnull(), both.survey),
            else_=both.stripe,
        ),
        reason_source=ibis.cases(
            (involuntary, "payment"),
            (both.survey.notnull(), "survey"),
            (both.stripe.notnull(), "stripe"),
            else_=ibis.null("string"),
        ),
        cancel_comment=both.cancel_comment,
    )


def plans_before(ctx: MetricsContext, churned: ir.Table) -> ir.Table:
    """Each churned customer's plan: the product of their largest MRR line, by name.

    ``churned`` has ``customer_id`` and ``churned_on``; the line is the one of the day
    before ``churned_on``. Columns ``customer_id`` and ``plan``.
    """
    segs = mrr_segments(ctx)
    c = churned.select(_c="customer_id", _day=churned.churned_on - ibis.interval(days=1))
    on = segs.join(c, segs.customer_id == c._c)
    on = on.filter((on.start_on <= on._day) & (on.end_on > on._day) & (on.units > 0))
    p = ctx.table("products")
    products = p.select(_p="product_id", _plan=p.name.fill_null(p.plan))
    on = on.left_join(products, on.product_id == products._p)
    on = on.mutate(_n=ibis.row_number().over(group_by="customer_id", order_by=ibis.desc("units")))
    return on.filter(on._n == 0).select("customer_id", plan=on._plan)


def _left(t: ir.Table, other: ir.Table) -> ir.Table:
    other = other.rename(_cid="customer_id")
    return t.left_join(other, t.customer_id == other._cid).drop("_cid")


def _events_before(ctx: MetricsContext, churned: ir.Table) -> ir.Table:
    e = ctx.table("events")
    c = churned.select(_c="customer_id", _on="churned_on")
    joined = e.join(c, e.customer_id == c._c).filter(
        (e.occurred_at.date() < c._on) & (e.occurred_at.date() >= c._on - ibis.interval(days=90))
    )
    return joined.group_by(customer_id=joined.customer_id).agg(
        events_90d_before_churn=joined.count()
    )


def reactivation_labels(
    ctx: MetricsContext, as_of: dt.date, horizon_days: int, *, data_through: dt.date
) -> ir.Table:
    """``customer_id``, ``reactivated_on`` of customers whose MRR came back in the window.

    ``ctx`` is a context over all the data (labels look ahead). Customers absent did not
    come back in ``[as_of, as_of + horizon)``; the window is observed when it ends on or
    before ``data_through`` (the caller checks).
    """
    end = as_of + dt.timedelta(days=horizon_days)
    ch = mrr_changes(ctx)
    back = ch.filter((ch.movement == "reactivation") & (ch.day >= as_of) & (ch.day < end))
    return back.group_by("customer_id").agg(reactivated_on=back.day.min())


def tickets_solved_since(con: BaseBackend, churned: ir.Table) -> ir.Table:
    """``customer_id``, ``fixed``: each churned customer's tickets closed since they left.

    ``churned`` has ``customer_id`` and ``churned_on``; a ticket counts when it was closed
    on or after ``churned_on``. Customers without such a ticket are absent.
    """
    t = con.table("support_tickets")
    solved = t.join(churned, t.customer_id == churned.customer_id).filter(
        t.closed_at.notnull() & (t.closed_at.date() >= churned.churned_on)
    )
    return solved.group_by(customer_id=t.customer_id).agg(fixed=solved.count())
