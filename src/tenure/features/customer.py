"""One row per customer at ``as_of``: billing, usage, support, sentiment and payment features.

:func:`customer_features` builds an Ibis expression over a :class:`PointInTimeContext`,
so every input was known before ``as_of`` (00:00 UTC); the columns are the ones in
:data:`tenure.features.spec.FEATURES`. Windows ("last 30 days") end at ``as_of``.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tenure.config import FeatureSettings
from tenure.features.point_in_time import PointInTimeContext
from tenure.features.spec import FEATURES
from tenure.metrics import ACTIVE_TYPES, mrr_changes, mrr_segments

__all__ = ["customer_features"]

_DAY = 86400.0


def _days(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / _DAY


def _ago(cutoff: dt.datetime, days: int) -> ir.TimestampValue:
    return ibis.literal(cutoff - dt.timedelta(days=days), type="timestamp('UTC')")


def _billing(ctx: PointInTimeContext) -> ir.Table:
    """MRR, plan, interval, seats and discount on the last day before ``as_of``."""
    last = ctx.as_of
    segs = mrr_segments(ctx)
    now = segs.filter((segs.start_on <= last) & (segs.end_on > last) & (segs.units != 0))
    lines = ctx.table("invoice_lines").select(
        "line_id", "quantity", "discount_minor", "amount_minor", "proration"
    )
    now = now.left_join(lines, "line_id").drop("line_id_right")
    p = ctx.table("products")
    prices = ctx.table("prices").select("price_id", "interval")
    products = p.select("product_id", _plan=p.plan.fill_null(p.name))
    now = now.left_join(prices, "price_id").drop("price_id_right")
    now = now.left_join(products, "product_id").drop("product_id_right")
    top = ibis.row_number().over(group_by="customer_id", order_by=ibis.desc(now.units))
    now = now.mutate(_top=top)
    regular = ~now.proration.fill_null(False)
    agg = now.group_by("customer_id").agg(
        _units=now.units.sum(),
        seats=now.quantity.fill_null(1).sum(where=regular).cast("float64"),
        _amount=now.amount_minor.sum(where=regular & (now.amount_minor > 0)),
        _discount=now.discount_minor.fill_null(0).sum(where=regular),
        plan=now._plan.max(where=now._top == 0),
        billing_interval=now.interval.max(where=now._top == 0),
        _ends=now.end_on.min(),
    )
    before = segs.filter(
        (segs.start_on <= last - dt.timedelta(days=90))
        & (segs.end_on > last - dt.timedelta(days=90))
    )
    before = before.group_by("customer_id").agg(_units_90=before.units.sum())
    t = agg.left_join(before, "customer_id").drop("customer_id_right")
    mrr = ctx.major(t._units)
    old = ctx.major(t._units_90.fill_null(0))
    change = ibis.ifelse(old > 0, (mrr - old) / old * 100.0, None)
    discount = ibis.ifelse(
        t._amount > 0, t._discount.cast("float64") / t._amount.cast("float64") * 100.0, 0.0
    )
    day = ibis.literal(last + dt.timedelta(days=1))  # the as_of day
    renewal = (t._ends.epoch_seconds() - day.epoch_seconds()) / _DAY
    return t.select(
        "customer_id",
        "plan",
        "billing_interval",
        "seats",
        mrr=mrr,
        discount_pct=discount,
        mrr_change_pct_90d=change,
        renewal_in_days=renewal.cast("float64"),
    )


def _changes(ctx: PointInTimeContext) -> ir.Table:
    ch = mrr_changes(ctx)
    recent = ch.day > ctx.as_of - dt.timedelta(days=180)
    return ch.group_by("customer_id").agg(
        _first_on=ch.first_on.min(),
        upgrades_180d=(recent & (ch.movement == "expansion")).sum().cast("float64"),
        downgrades_180d=(recent & (ch.movement == "contraction")).sum().cast("float64"),
    )


def _subscriptions(ctx: PointInTimeContext) -> ir.Table:
    s = ctx.table("subscriptions")
    live = s.filter(s.status != "canceled")
    return live.group_by("customer_id").agg(
        on_trial=(live.status == "trialing").any(),
        cancel_pending=(
            live.cancel_at_period_end.fill_null(False) | live.cancel_at.notnull()
        ).any(),
        subscriptions=live.count().cast("float64"),
    )


def _usage(ctx: PointInTimeContext, settings: FeatureSettings, key_action: str | None) -> ir.Table:
    """Product-usage features, from three aggregates of the events.

    The windowed counts read only the last 90 days, and the onboarding steps only the
    onboarding events (their JSON property is parsed for those rows alone); only the
    last-seen and last-key-action times read all of a customer's events. On a 24-month
    history that is a tenth of the work of one aggregate over every event.
    """
    cut = ctx.cutoff
    e = ctx.table("events")
    e = e.filter(e.customer_id.notnull() & e.type.isin(ACTIVE_TYPES))
    d7, d30, d60, d90 = (_ago(cut, n) for n in (7, 30, 60, 90))
    key = e.event == key_action if key_action else ibis.literal(False)
    seen = e.group_by("customer_id").agg(
        _last_seen=e.occurred_at.max(), _last_key=e.occurred_at.max(where=key)
    )
    r = e.filter(e.occurred_at >= d90)
    in30 = r.occurred_at >= d30
    track = r.type == "track"
    rkey = r.event == key_action if key_action else ibis.literal(False)
    recent = r.group_by("customer_id").agg(
        events_7d=r.count(where=r.occurred_at >= d7).cast("float64"),
        events_30d=r.count(where=in30).cast("float64"),
        events_90d=r.count().cast("float64"),
        events_prev_30d=r.count(where=(r.occurred_at >= d60) & ~in30).cast("float64"),
        active_days_30d=ctx.utc_date(r.occurred_at).nunique(where=in30).cast("float64"),
        feature_breadth_30d=r.event.nunique(where=in30 & track).cast("float64"),
        logins_30d=r.count(where=in30 & (r.event == settings.login_event)).cast("float64"),
        limit_hits_30d=r.count(where=in30 & (r.event == settings.usage_limit_event)).cast(
            "float64"
        ),
        invites_90d=r.count(where=r.event == settings.invite_event).cast("float64"),
        key_actions_30d=r.count(where=in30 & rkey).cast("float64"),
        email_opens_30d=r.count(where=in30 & (r.event == "Email Opened")).cast("float64"),
        email_clicks_30d=r.count(where=in30 & (r.event == "Email Link Clicked")).cast("float64"),
    )
    o = e.filter(e.event == settings.onboarding_event)
    steps = o.group_by("customer_id").agg(
        onboarding_steps=o.properties[settings.onboarding_step_property]
        .str.nunique()
        .cast("float64")
    )
    out = seen.left_join(recent, "customer_id").drop("customer_id_right")
    return out.left_join(steps, "customer_id").drop("customer_id_right")


def _support(ctx: PointInTimeContext) -> ir.Table:
    cut = ctx.cutoff
    t = ctx.table("support_tickets")
    d90, d180 = _ago(cut, 90), _ago(cut, 180)
    recent = t.opened_at >= d90
    urgent = t.priority.isin(["high", "urgent"])
    return t.group_by("customer_id").agg(
        tickets_90d=recent.sum().cast("float64"),
        open_tickets=(t.status != "closed").sum().cast("float64"),
        urgent_tickets_90d=(recent & urgent).sum().cast("float64"),
        csat_180d=t.csat.cast("float64").mean(where=t.closed_at >= d180),
    )


def _nps(ctx: PointInTimeContext) -> ir.Table:
    f = ctx.table("feedback")
    f = f.filter((f.kind == "nps") & f.score.notnull())
    w = ibis.window(group_by="customer_id", order_by=ibis.desc(f.submitted_at))
    f = f.mutate(_n=ibis.row_number().over(w))
    f = f.filter(f._n <= 1)
    return f.group_by("customer_id").agg(
        nps_last=f.score.cast("float64").max(where=f._n == 0),
        _nps_prev=f.score.cast("float64").max(where=f._n == 1),
        _nps_at=f.submitted_at.max(),
    )


def _payments(ctx: PointInTimeContext, settings: FeatureSettings) -> ir.Table:
    cut = ctx.cutoff
    p = ctx.table("payments")
    d30, d90 = _ago(cut, 30), _ago(cut, 90)
    w = ibis.window(group_by="customer_id", order_by=ibis.desc(p.created_at))
    p = p.mutate(_n=ibis.row_number().over(w))
    failed = p.status == "failed"
    # A card is valid through the end of its expiry month.
    soon = cut + dt.timedelta(days=settings.card_expiry_days)
    month = p.card_exp_year * 12 + p.card_exp_month
    expiring = month.notnull() & (month < soon.year * 12 + soon.month)
    agg = p.group_by("customer_id").agg(
        failed_payments_30d=(failed & (p.created_at >= d30)).sum().cast("float64"),
        failed_payments_90d=(failed & (p.created_at >= d90)).sum().cast("float64"),
        last_payment_failed=(failed & (p._n == 0)).any(),
        card_expiring_soon=(expiring & (p._n == 0)).any(),
    )
    inv = ctx.table("invoices")
    unpaid = inv.filter(inv.status.isin(["open", "uncollectible"]))
    unpaid = unpaid.group_by("customer_id").agg(open_invoices=unpaid.count().cast("float64"))
    return agg.outer_join(unpaid, "customer_id").select(
        customer_id=ibis.coalesce(agg.customer_id, unpaid.customer_id),
        failed_payments_30d=agg.failed_payments_30d,
        failed_payments_90d=agg.failed_payments_90d,
        last_payment_failed=agg.last_payment_failed,
        card_expiring_soon=agg.card_expiring_soon,
        open_invoices=unpaid.open_invoices,
    )


def customer_features(
    ctx: PointInTimeContext,
    settings: FeatureSettings | None = None,
    *,
    key_action: str | None = None,
) -> ir.Table:
    """The feature frame at ``ctx.cutoff``: one row per customer created before it.

    Parameters
    ----------
    ctx
        A point-in-time context (``as_of`` is the last day whose data is used).
    settings
        Which events mean login, onboarding, plan limit and invite (``[features]``).
    key_action
        The track event of the key action (``features.key_action_event``, else
        ``metrics.activation_event``); without one the key-action features are zero.

    Returns
    -------
    ibis.Table
        ``customer_id``, ``as_of`` (the day features are for: the cutoff's date) and
        the columns of :data:`FEATURES`. Counts are 0 where nothing happened; values
        that cannot be known (an NPS never answered) are null.
    """
    settings = settings or FeatureSettings()
    key_action = key_action or settings.key_action_event or ctx.rules.activation_event
    cut = ibis.literal(ctx.cutoff, type="timestamp('UTC')")
    c = ctx.table("customers")
    base = c.select(
        "customer_id",
        "country",
        "channel",
        _created=c.created_at,
        company_size=c.traits["company_size"].str,
        industry=c.traits["industry"].str,
    )
    parts = [
        _billing(ctx),
        _changes(ctx),
        _subscriptions(ctx),
        _usage(ctx, settings, key_action),
        _support(ctx),
        _nps(ctx),
        _payments(ctx, settings),
    ]
    t = base
    for part in parts:
        t = t.left_join(part, "customer_id").drop("customer_id_right")
    first_paid = t._first_on.cast("timestamp('UTC')")
    derived = {
        "account_age_days": _days(cut, t._created),
        "paying_days": ibis.ifelse(t.mrr.fill_null(0) > 0, _days(cut, first_paid), 0.0),
        "usage_ratio_30d": ibis.ifelse(
            t.events_prev_30d > 0, t.events_30d / t.events_prev_30d, None
        ),
        "days_since_seen": _days(cut, t._last_seen),
        "key_action_done": t._last_key.notnull(),
        "days_since_key_action": _days(cut, t._last_key),
        "nps_change": t.nps_last - t._nps_prev,
        "days_since_nps": _days(cut, t._nps_at),
    }
    t = t.mutate(**derived)
    filled = {
        f.name: t[f.name] if f.fill is None else t[f.name].fill_null(f.fill) for f in FEATURES
    }
    as_of = ibis.literal(ctx.as_of + dt.timedelta(days=1))
    return t.select("customer_id", as_of=as_of, **filled)
