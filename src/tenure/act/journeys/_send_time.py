"""Send-time optimisation for send steps with ``at: best_hour`` (docs/journeys.md).

:func:`best_hours` asks the warehouse once per worker tick, for every customer: each one's own most
active UTC hour over ``[journeys] send_time_days`` of product events, else their group's
(``[journeys] send_time_group``: time zone, country, plan or segment), else none
(:func:`tenure.features.send_hours`, one Ibis expression). :func:`send_time` turns that
into the moment to send: the next start of that UTC hour (now, when inside it), or for a
customer with neither, ``[journeys] send_time_default`` in their own time zone. ``at:
"HH:MM"`` is that local time. Quiet hours and caps are checked when the step then runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.act.journeys.definition import BEST_HOUR
from tenure.config import Settings
from tenure.decide import CUSTOMER_PROFILES, SEGMENT_MEMBERS
from tenure.features import send_hours
from tenure.metrics import MetricsContext

__all__ = ["best_hours", "send_time"]


def _groups(con: BaseBackend, kind: str) -> ir.Table | None:
    """``customer_id`` and ``group`` for the fallback of ``[journeys] send_time_group``."""
    tables = set(con.list_tables())
    if kind in ("timezone", "country"):
        c = con.table("customers")
        c = c.filter(c[kind].notnull())
        return c.select("customer_id", group=c[kind])
    if kind == "plan" and CUSTOMER_PROFILES in tables:
        p = con.table(CUSTOMER_PROFILES)
        p = p.filter((p.as_of == p.as_of.max()) & p.plan.notnull())
        return p.select("customer_id", group=p.plan)
    if kind == "segment" and SEGMENT_MEMBERS in tables:
        m = con.table(SEGMENT_MEMBERS)
        m = m.filter(m.as_of == m.as_of.max())
        return m.select("customer_id", group=m.segment)
    return None


def best_hours(
    con: BaseBackend, ids: Sequence[str] | None, settings: Settings, *, now: dt.datetime
) -> dict[str, tuple[int, str]]:
    """``{customer_id: (hour_utc, source)}`` of ``ids`` (None: everyone), ``own`` or ``group``.

    One query: the hours of the product events of the ``send_time_days`` days up to
    ``now``'s day. Customers with neither an own nor a group hour are left out.
    """
    if ids is not None and not ids:
        return {}
    if "events" not in con.list_tables():
        return {}
    j = settings.journeys
    ctx = MetricsContext(
        con, now.astimezone(dt.UTC).date(), currency=settings.reporting_currency,
        rules=settings.metrics,
    )  # fmt: skip
    hours = send_hours(
        ctx,
        _groups(con, j.send_time_group),
        days=j.send_time_days,
        min_events=j.send_time_min_events,
        default_hour=0,
    )
    hours = hours.filter(hours.source != "default")
    if ids is not None:
        hours = hours.filter(hours.customer_id.isin(list(ids)))
    rows = hours.select("customer_id", "hour_utc", "source").to_pyarrow().to_pylist()
    return {r["customer_id"]: (int(r["hour_utc"]), str(r["source"])) for r in rows}


def _local(now: dt.datetime, hhmm: str, zone: str | None) -> dt.datetime:
    from tenure.act.journeys._context import local_time

    return local_time(now, hhmm, zone)


def send_time(
    at: str,
    now: dt.datetime,
    *,
    hour: tuple[int, str] | None,
    zone: str | None,
    default: str,
) -> tuple[dt.datetime, str]:
    """When to send a step with ``at``, and why (``own``, ``group``, ``default``, ``fixed``).

    ``hour`` is the customer's entry of :func:`best_hours` (None: unknown); ``zone`` their
    time zone; ``default`` the local ``HH:MM`` for ``best_hour`` without an hour.

    Examples
    --------
    >>> now = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    >>> send_time("best_hour", now, hour=(14, "own"), zone=None, default="10:00")[0].hour
    14
    >>> send_time("best_hour", now, hour=(9, "own"), zone=None, default="10:00")[0] == now
    True
    """
    if at != BEST_HOUR:
        return _local(now, at, zone), "fixed"
    if hour is None:
        return _local(now, default, zone), "default"
    utc = now.astimezone(dt.UTC)
    if utc.hour == hour[0]:
        return now, hour[1]
    start = utc.replace(hour=hour[0], minute=0, second=0, microsecond=0)
    if start < utc:
        start += dt.timedelta(days=1)
    return start, hour[1]
