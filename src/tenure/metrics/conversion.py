"""Conversion and activation: trial to paid, freemium to paid, and time to the key action.

Each table has one row per period (of the trial start, the first free day or the
sign-up) and counts only outcomes already knowable at ``as_of``.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tenure.errors import ConfigError
from tenure.metrics._activity_table import stored_activity
from tenure.metrics._base import Interval, MetricsContext, check_interval, labelled, truncate
from tenure.metrics.mrr import mrr_segments

__all__ = ["activation", "freemium_conversion", "trial_conversion"]


def _rate(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(den > 0, num.cast("float64") / den.cast("float64"), None)


def _days(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / 86400


def _paid_starts(ctx: MetricsContext, key: str) -> ir.Table:
    segs = mrr_segments(ctx)
    segs = segs.filter((segs.units > 0) & (segs.start_on <= ctx.as_of))
    return segs.group_by(key).agg(first_paid_on=segs.start_on.min())


def trial_conversion(ctx: MetricsContext, *, interval: Interval = "month") -> ir.Table:
    """Trial-to-paid conversion by the period the trial started.

    A trial converts when its subscription later carries MRR. ``conversion_rate`` =
    converted / decided, where *decided* trials have converted or ended by ``as_of``.
    ``median_days_to_convert`` runs from trial start to the first paid day.
    """
    check_interval(interval)
    s = ctx.table("subscriptions")
    s = s.filter(s.trial_start_at.notnull() & (s.trial_start_at.date() <= ctx.as_of))
    t = s.left_join(_paid_starts(ctx, "subscription_id"), "subscription_id")
    start_on = t.trial_start_at.date()
    converted = t.first_paid_on.notnull() & (t.first_paid_on >= start_on)
    ended = t.trial_end_at.notnull() & (t.trial_end_at.date() <= ctx.as_of)
    days = t.first_paid_on.delta(start_on, unit="day").cast("float64")
    t = t.mutate(
        period=truncate(start_on, interval), converted=converted, decided=converted | ended
    )
    t = t.mutate(days=ibis.ifelse(t.converted, days, None))
    agg = t.group_by("period").agg(
        trials=t.count(),
        decided=t.decided.sum().cast("int64"),
        converted=t.converted.sum().cast("int64"),
        median_days_to_convert=t.days.median(),
    )
    agg = agg.mutate(conversion_rate=_rate(agg.converted, agg.decided))
    return labelled(agg, interval)


def freemium_conversion(ctx: MetricsContext, *, interval: Interval = "month") -> ir.Table:
    """Free-to-paid conversion by the period of the customer's first day on a free plan.

    Customers count as freemium when a free price's invoice line starts before any paid
    MRR of theirs. ``conversion_rate`` = converted / free customers.
    """
    check_interval(interval)
    segs = mrr_segments(ctx)
    free = segs.filter(segs.is_free & (segs.start_on <= ctx.as_of))
    free = free.group_by("customer_id").agg(first_free_on=free.start_on.min())
    t = free.left_join(_paid_starts(ctx, "customer_id"), "customer_id")
    t = t.filter(t.first_paid_on.isnull() | (t.first_paid_on > t.first_free_on))
    t = t.mutate(period=truncate(t.first_free_on, interval), converted=t.first_paid_on.notnull())
    t = t.mutate(
        days=ibis.ifelse(
            t.converted, t.first_paid_on.delta(t.first_free_on, unit="day").cast("float64"), None
        )
    )
    agg = t.group_by("period").agg(
        free_customers=t.count(),
        converted=t.converted.sum().cast("int64"),
        median_days_to_convert=t.days.median(),
    )
    agg = agg.mutate(conversion_rate=_rate(agg.converted, agg.free_customers))
    return labelled(agg, interval)


def activation(ctx: MetricsContext, *, interval: Interval = "month") -> ir.Table:
    """Activation rate and time to the first key action, by sign-up period.

    The key action is the track event ``rules.activation_event``. A customer activates
    when it first happens within ``rules.activation_days`` of sign-up (``created_at``).
    ``activation_rate`` = activated / eligible, where *eligible* customers have activated
    or had their whole window by the end of ``as_of``. ``median_days_to_activate`` is the
    median time from sign-up to the key action among activated customers.

    Raises
    ------
    ConfigError
        When no ``activation_event`` is set.
    """
    check_interval(interval)
    key = ctx.rules.activation_event
    if not key:
        raise ConfigError(
            "activation needs a key action: set activation_event under [metrics] in "
            'tenure.toml (e.g. activation_event = "Report Created")'
        )
    stored = stored_activity(ctx)
    if stored is not None:  # each account's first event of each name, kept by every load
        f = stored.firsts
        f = f.filter((f.event == key) & (f.first_at.date() <= ctx.as_of))
        firsts = f.select("customer_id", first_key_at=f.first_at)
    else:
        ev = ctx.table("events")
        ev = ev.filter((ev.type == "track") & (ev.event == key) & ev.customer_id.notnull())
        ev = ev.filter(ev.occurred_at.date() <= ctx.as_of)
        firsts = ev.group_by("customer_id").agg(first_key_at=ev.occurred_at.min())
    c = ctx.table("customers")
    c = c.filter(c.created_at.date() <= ctx.as_of)
    t = c.select("customer_id", "created_at").left_join(firsts, "customer_id")
    days = _days(t.first_key_at, t.created_at)
    window = ctx.rules.activation_days
    activated = t.first_key_at.notnull() & (days <= window)
    # The window has closed when its end falls within as_of (whose events all count).
    end_of_as_of = ibis.literal(ctx.as_of + dt.timedelta(days=1)).cast("timestamp")
    closed = _days(end_of_as_of, t.created_at.cast("timestamp"))
    t = t.mutate(
        period=truncate(t.created_at.date(), interval),
        activated=activated,
        eligible=activated | (closed >= window),
        days=ibis.ifelse(activated, days, None),
    )
    agg = t.group_by("period").agg(
        signups=t.count(),
        eligible=t.eligible.sum().cast("int64"),
        activated=t.activated.sum().cast("int64"),
        median_days_to_activate=t.days.median(),
    )
    agg = agg.mutate(activation_rate=_rate(agg.activated, agg.eligible))
    return labelled(agg, interval)
