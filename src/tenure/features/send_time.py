"""Send-time optimisation: the hour of the day each customer is most active.

A message is more likely to be read when it arrives while its reader is around. From the
product events of the ``days`` before ``as_of`` (track, page and screen calls, the same
events that make a user active in :mod:`tenure.metrics.engagement`):

- ``active_hours``: events per customer and UTC hour of the day (0-23);
- ``send_hours``: each customer's *own* hour, the one with most events, when they have at
  least ``min_events`` events; otherwise their *group's* hour (the hour with most events
  among the customers of their group, e.g. their segment or plan) when the group has
  ``min_events``; otherwise ``default_hour``. Ties go to the earlier hour, so the result is
  deterministic.

Hours are UTC: a scheduler sends at the next occurrence of that hour, and time-zone rules
(quiet hours) are applied on top in the customer's own zone. Everything is one Ibis
expression, computed by the warehouse.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tenure.metrics import MetricsContext

__all__ = ["SEND_HOUR_COLUMNS", "active_hours", "send_hours"]

SEND_HOUR_COLUMNS = ("customer_id", "hour_utc", "source", "events")
"""The columns of :func:`send_hours`; ``source`` is ``own``, ``group`` or ``default``."""

_ACTIVE_TYPES = ("track", "page", "screen")


def active_hours(ctx: MetricsContext, *, days: int = 90) -> ir.Table:
    """Events per customer and UTC hour (``customer_id``, ``hour_utc``, ``events``).

    Only events on the ``days`` days up to and including ``ctx.as_of`` are counted, so the
    result is point-in-time correct for ``as_of``.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    ev = ctx.table("events")
    ev = ev.filter(ev.type.isin(_ACTIVE_TYPES) & ev.customer_id.notnull())
    day = ctx.utc_date(ev.occurred_at)
    first = ctx.as_of - dt.timedelta(days=days - 1)
    ev = ev.filter((day >= first) & (day <= ctx.as_of))
    seconds = ctx.epoch_seconds(ev.occurred_at).cast("int64")
    ev = ev.mutate(hour_utc=((seconds % 86400) // 3600).cast("int8"))
    return ev.group_by("customer_id", "hour_utc").agg(events=ev.count())


def _top_hour(counts: ir.Table, key: str) -> ir.Table:
    """Per ``key``: the hour with most events (earlier hour on ties) and the total events."""
    window = ibis.window(group_by=counts[key], order_by=[counts.events.desc(), counts.hour_utc])
    ranked = counts.mutate(
        _rank=ibis.row_number().over(window), total=counts.events.sum().over(group_by=counts[key])
    )
    top = ranked.filter(ranked._rank == 0)
    return top.select(key, "hour_utc", events=top.total)


def send_hours(
    ctx: MetricsContext,
    groups: ir.Table | None = None,
    *,
    days: int = 90,
    min_events: int = 5,
    default_hour: int = 15,
) -> ir.Table:
    """Every customer's best UTC hour to receive a message (columns :data:`SEND_HOUR_COLUMNS`).

    Parameters
    ----------
    ctx
        The warehouse, as of the day to learn from.
    groups
        Optional table of ``customer_id`` and ``group`` (a segment, plan or role): the
        fallback for customers with too few events of their own.
    days
        Days of events to learn from.
    min_events
        Events a customer (or a group) needs for its own hour to be trusted.
    default_hour
        The UTC hour for customers with neither.
    """
    if not 0 <= default_hour <= 23:
        raise ValueError(f"default_hour must be 0-23, got {default_hour}")
    counts = active_hours(ctx, days=days)
    own = _top_hour(counts, "customer_id")
    own = own.filter(own.events >= min_events)
    customers = ctx.table("customers").select("customer_id").distinct()
    result = customers.left_join(own, "customer_id").select(
        "customer_id", own_hour=own.hour_utc, own_events=own.events
    )
    group_hour: ir.IntegerValue | None = None
    if groups is not None:
        member = groups.select("customer_id", "group").distinct()
        by_group = counts.join(member, "customer_id").group_by("group", "hour_utc")
        top = _top_hour(by_group.agg(events=counts.events.sum()), "group")
        top = top.filter(top.events >= min_events).select("group", group_hour=top.hour_utc)
        first_group = member.group_by("customer_id").agg(group=member.group.min())
        fallback = first_group.join(top, "group").select("customer_id", "group_hour")
        result = result.left_join(fallback, "customer_id").drop("customer_id_right")
        group_hour = result.group_hour
    has_own = result.own_hour.notnull()
    if group_hour is not None:
        hour = ibis.coalesce(result.own_hour, group_hour, ibis.literal(default_hour, "int8"))
        source = ibis.cases((has_own, "own"), (group_hour.notnull(), "group"), else_="default")
    else:
        hour = ibis.coalesce(result.own_hour, ibis.literal(default_hour, "int8"))
        source = ibis.ifelse(has_own, "own", "default")
    return result.select(
        "customer_id",
        hour_utc=hour.cast("int8"),
        source=source,
        events=result.own_events.fill_null(0),
    )
