"""Product engagement from events: DAU, WAU, MAU and stickiness."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tenure.metrics._base import (
    Interval,
    MetricsContext,
    check_interval,
    join_left,
    next_period,
    period_label,
    period_spine,
    truncate,
)

__all__ = ["ACTIVE_TYPES", "active_days", "active_users", "activity", "engagement"]

ACTIVE_TYPES = ("track", "page", "screen")
"""Event types that make a user active (identify and group calls do not)."""


def engagement(ctx: MetricsContext, *, interval: Interval = "month") -> ir.Table:
    """Active users per period, with average DAU and WAU and stickiness.

    A user (``user_id``, else ``anonymous_id``) is active on a day with any track, page
    or screen event. Per period: ``active_users`` (distinct users: MAU for months),
    ``dau`` = mean daily active users over the period's days up to ``as_of``, ``wau`` =
    mean weekly active users over the weeks that start in the period, ``stickiness`` =
    dau / active_users (DAU/MAU for months), and ``active_accounts``.
    """
    check_interval(interval)
    ev = active_days(ctx)
    first = ev.day.min().to_pyarrow().as_py()
    if not isinstance(first, dt.date):
        first = ctx.as_of
    ev = ev.mutate(period=truncate(ev.day, interval), week=truncate(ev.day, "week"))
    days = ev.group_by("period", "day").agg(n=ev.user.nunique())
    days = days.group_by("period").agg(user_days=days.n.sum())
    weeks = ev.mutate(period=truncate(ev.week, interval))
    weeks = weeks.group_by("period", "week").agg(n=weeks.user.nunique())
    weeks = weeks.group_by("period").agg(user_weeks=weeks.n.sum())
    totals = ev.group_by("period").agg(
        active_users=ev.user.nunique(), active_accounts=ev.customer_id.nunique()
    )
    cal = _calendar(first, ctx.as_of, interval)
    t = join_left(join_left(join_left(cal, totals, "period"), days, "period"), weeks, "period")
    active = t.active_users.fill_null(0)
    dau = t.user_days.fill_null(0).cast("float64") / t.n_days
    wau = ibis.ifelse(t.n_weeks > 0, t.user_weeks.fill_null(0).cast("float64") / t.n_weeks, None)
    return t.select(
        period=t.label,
        active_users=active,
        active_accounts=t.active_accounts.fill_null(0),
        dau=dau,
        wau=wau,
        stickiness=ibis.ifelse(active > 0, dau / active.cast("float64"), None),
    ).order_by("period")


def activity(ev: ir.Table, ctx: MetricsContext) -> ir.Table:
    """Track, page and screen events with their ``user`` (may be null) and UTC ``day``."""
    ev = ev.filter(ev.type.isin(ACTIVE_TYPES))
    return ev.mutate(user=ev.user_id.fill_null(ev.anonymous_id), day=ctx.utc_date(ev.occurred_at))


def active_users(ev: ir.Table, ctx: MetricsContext, *, until: dt.date | None = None) -> ir.Table:
    """Track, page and screen events with their ``user`` and UTC ``day``, up to ``until``.

    A user is ``user_id``, else ``anonymous_id``; events of neither are dropped. The
    definition of "active" that :func:`engagement` and the stored daily activity share.
    """
    ev = activity(ev, ctx)
    keep = ev.user.notnull()
    if until is not None:
        keep = keep & (ev.day <= until)
    return ev.filter(keep)


def active_days(ctx: MetricsContext) -> ir.Table:
    """Who was active on which day up to ``as_of``: ``day``, ``user``, ``customer_id``.

    Read from the stored daily activity (``daily_activity``, kept by each load) when it
    serves ``ctx`` (:func:`~tenure.metrics._activity_table.stored_activity`), else from the
    events. The stored rows are the distinct ``(day, user, customer_id)`` of the events,
    so every distinct count over them is the same.
    """
    from tenure.metrics._activity_table import stored_activity

    stored = stored_activity(ctx)
    if stored is not None:
        t = stored.daily
        t = t.filter(t.user_key.notnull() & (t.day <= ctx.as_of))
        return t.select("day", user=t.user_key, customer_id=t.customer_id)
    return active_users(ctx.table("events"), ctx, until=ctx.as_of)


def _calendar(first: dt.date, as_of: dt.date, interval: Interval) -> ir.Table:
    periods = period_spine(first, as_of, interval)
    n_days, n_weeks = [], []
    for p in periods:
        end = min(next_period(p, interval), as_of + dt.timedelta(days=1))
        n_days.append((end - p).days)
        n_weeks.append(
            sum(1 for k in range((end - p).days) if (p + dt.timedelta(k)).weekday() == 0)
        )
    return ibis.memtable(
        {
            "period": periods,
            "label": [period_label(p, interval) for p in periods],
            "n_days": n_days,
            "n_weeks": n_weeks,
        },
        schema={"period": "date", "label": "string", "n_days": "int64", "n_weeks": "int64"},
    )
