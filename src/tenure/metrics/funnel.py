"""The activation funnel and the time to the first key action, by sign-up day.

Both read the customers who signed up (``customers.created_at``) between ``start`` and
``end`` (inclusive; open when None) and what they did by the end of ``as_of``. The key
action is the track event ``rules.activation_event`` (``docs/metrics.md``).
"""

from __future__ import annotations

import datetime as dt
import itertools

import ibis
import ibis.expr.types as ir

from tenure.errors import ConfigError
from tenure.metrics._activity_table import stored_activity
from tenure.metrics._base import MetricsContext
from tenure.metrics.engagement import ACTIVE_TYPES
from tenure.metrics.mrr import mrr_segments

__all__ = ["FUNNEL_STEPS", "KEY_ACTION_BUCKETS", "activation_funnel", "key_action_days"]

FUNNEL_STEPS: tuple[tuple[str, str], ...] = (
    ("signed_up", "Signed up"),
    ("used_product", "Used the product"),
    ("key_action", "Did the key action"),
    ("activated", "Activated in the window"),
    ("paid", "Became a paying customer"),
)
"""The steps of :func:`activation_funnel` (column, label): each is a subset of the one before."""

KEY_ACTION_BUCKETS: tuple[tuple[int, str], ...] = (
    (0, "same day"),
    (1, "1 day"),
    (2, "2 days"),
    (3, "3 days"),
    (4, "4-7 days"),
    (8, "8-14 days"),
    (15, "15-30 days"),
    (31, "31-90 days"),
    (91, "over 90 days"),
)
"""The buckets of :func:`key_action_days`: (first whole day, label)."""


def _key_event(ctx: MetricsContext) -> str:
    key = ctx.rules.activation_event
    if not key:
        raise ConfigError(
            "the activation funnel needs a key action: set activation_event under [metrics] "
            'in tenure.toml (e.g. activation_event = "Report Created")'
        )
    return key


def _signups(ctx: MetricsContext, start: dt.date | None, end: dt.date | None) -> ir.Table:
    c = ctx.table("customers")
    day = ctx.utc_date(c.created_at)
    last = min(end, ctx.as_of) if end is not None else ctx.as_of
    c = c.filter(day <= last)
    if start is not None:
        c = c.filter(day >= start)
    return c.select("customer_id", "created_at")


def _first_key_actions(ctx: MetricsContext) -> ir.Table:
    key = _key_event(ctx)
    stored = stored_activity(ctx)
    if stored is not None:  # each account's first event of each name, kept by every load
        f = stored.firsts
        f = f.filter((f.event == key) & (ctx.utc_date(f.first_at) <= ctx.as_of))
        return f.select("customer_id", first_key_at=f.first_at)
    ev = ctx.table("events")
    ev = ev.filter((ev.type == "track") & (ev.event == key) & ev.customer_id.notnull())
    ev = ev.filter(ctx.utc_date(ev.occurred_at) <= ctx.as_of)
    return ev.group_by("customer_id").agg(first_key_at=ev.occurred_at.min())


def _days(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / 86400


def activation_funnel(
    ctx: MetricsContext, *, start: dt.date | None = None, end: dt.date | None = None
) -> ir.Table:
    """One row: how many customers who signed up reached each step of the funnel.

    ``signed_up`` counts the sign-ups; ``used_product`` those of them with a track,
    page or screen event; ``key_action`` those who did the key action (a track event,
    so they used the product); ``activated`` those whose first key action came within
    ``rules.activation_days`` of sign-up; ``paid`` the activated customers who have
    paid MRR by ``as_of``. ``median_days_to_key_action`` is the median time from
    sign-up to the first key action among those who did it.

    Raises
    ------
    ConfigError
        When no ``activation_event`` is set.
    """
    signups = _signups(ctx, start, end)
    stored = stored_activity(ctx)
    if stored is not None:  # the daily activity, kept by every load
        ev = stored.daily
        ev = ev.filter(ev.customer_id.notnull() & (ev.day <= ctx.as_of))
    else:
        ev = ctx.table("events")
        ev = ev.filter(
            ev.type.isin(ACTIVE_TYPES)
            & ev.customer_id.notnull()
            & (ctx.utc_date(ev.occurred_at) <= ctx.as_of)
        )
    used = ev.select("customer_id").distinct().mutate(used=ibis.literal(True))
    segs = mrr_segments(ctx)
    segs = segs.filter((segs.units > 0) & (segs.start_on <= ctx.as_of))
    paid = segs.select("customer_id").distinct().mutate(paid=ibis.literal(True))
    t = signups.left_join(_first_key_actions(ctx), "customer_id").drop("customer_id_right")
    t = t.left_join(used, "customer_id").drop("customer_id_right")
    t = t.left_join(paid, "customer_id").drop("customer_id_right")
    days = _days(t.first_key_at, t.created_at)
    did = t.first_key_at.notnull()
    activated = did & (days <= ctx.rules.activation_days)
    t = t.mutate(
        _used=t.used.fill_null(False) | did,
        _did=did,
        _activated=activated,
        _paid=activated & t.paid.fill_null(False),
        _days=ibis.ifelse(did, days, None),
    )
    return t.aggregate(
        signed_up=t.count(),
        used_product=t._used.sum().cast("int64"),
        key_action=t._did.sum().cast("int64"),
        activated=t._activated.sum().cast("int64"),
        paid=t._paid.sum().cast("int64"),
        median_days_to_key_action=t._days.median(),
    )


def key_action_days(
    ctx: MetricsContext, *, start: dt.date | None = None, end: dt.date | None = None
) -> ir.Table:
    """How long sign-ups took to do the key action: ``(bucket, label, customers)``.

    Whole days from sign-up to the first key action, in :data:`KEY_ACTION_BUCKETS`
    (``bucket`` is the bucket's first day); customers who never did it are left out.
    Only buckets with customers are returned.
    """
    t = _signups(ctx, start, end).join(_first_key_actions(ctx), "customer_id")
    whole = _days(t.first_key_at, t.created_at).floor().cast("int64")
    whole = ibis.greatest(whole, 0)
    firsts = [first for first, _ in KEY_ACTION_BUCKETS]
    bucket = ibis.cases(
        *((whole < nxt, first) for first, nxt in itertools.pairwise(firsts)),
        else_=firsts[-1],
    )
    label = ibis.cases(*((bucket == first, name) for first, name in KEY_ACTION_BUCKETS))
    t = t.mutate(bucket=bucket, label=label)
    return t.group_by("bucket", "label").agg(customers=t.count()).order_by("bucket")
