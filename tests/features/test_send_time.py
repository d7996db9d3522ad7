"""Send-time optimisation: each customer's most active UTC hour, with fallbacks."""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
import pytest

from tenure.config import MetricsSettings
from tenure.features.send_time import SEND_HOUR_COLUMNS, active_hours, send_hours
from tenure.metrics import MetricsContext

AS_OF = dt.date(2026, 6, 30)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=dt.UTC)


def _context() -> MetricsContext:
    rows: list[tuple[str, str, dt.datetime]] = []
    # "owl": 6 events at 23:xx UTC, 2 at 09:xx; "lark": 3 events only (too few of its own);
    # "tie": 3 at 08:xx and 3 at 07:xx (the earlier hour wins); "quiet": no events.
    rows += [("owl", "track", _at(d, 23, 59)) for d in range(1, 7)]
    rows += [("owl", "page", _at(d, 9)) for d in (1, 2)]
    rows += [("lark", "track", _at(d, 6)) for d in (1, 2, 3)]
    rows += [("tie", "track", _at(d, 8)) for d in (1, 2, 3)]
    rows += [("tie", "screen", _at(d, 7)) for d in (4, 5, 6)]
    # Not counted: an identify call, an event after as_of and one older than the window.
    rows += [("lark", "identify", _at(5, 6)) for _ in range(10)]
    rows += [("lark", "track", dt.datetime(2026, 7, 1, 6, tzinfo=dt.UTC)) for _ in range(10)]
    rows += [("lark", "track", dt.datetime(2026, 1, 1, 6, tzinfo=dt.UTC)) for _ in range(10)]
    events = pa.table(
        {
            "message_id": [f"m{i}" for i in range(len(rows))],
            "customer_id": [r[0] for r in rows],
            "type": [r[1] for r in rows],
            "occurred_at": pa.array([r[2] for r in rows], pa.timestamp("us", tz="UTC")),
        }
    )
    customers = pa.table({"customer_id": ["owl", "lark", "tie", "quiet"]})
    con = ibis.duckdb.connect()
    con.create_table("events", ibis.memtable(events))
    con.create_table("customers", ibis.memtable(customers))
    return MetricsContext(con, AS_OF, rules=MetricsSettings())


def _by_customer(table: ibis.Table) -> dict[str, dict[str, object]]:
    return {r["customer_id"]: r for r in table.to_pyarrow().to_pylist()}


def test_active_hours_counts_active_events_in_the_window_by_utc_hour() -> None:
    counts = active_hours(_context(), days=90).to_pyarrow().to_pylist()
    got = {(r["customer_id"], r["hour_utc"]): r["events"] for r in counts}
    assert got == {("owl", 23): 6, ("owl", 9): 2, ("lark", 6): 3, ("tie", 8): 3, ("tie", 7): 3}


def test_own_hour_then_default_without_groups() -> None:
    hours = _by_customer(send_hours(_context(), min_events=5, default_hour=15))
    assert tuple(next(iter(hours.values()))) == SEND_HOUR_COLUMNS
    assert (hours["owl"]["hour_utc"], hours["owl"]["source"], hours["owl"]["events"]) == (
        23,
        "own",
        8,
    )
    assert (hours["lark"]["hour_utc"], hours["lark"]["source"]) == (15, "default")
    assert (hours["tie"]["hour_utc"], hours["tie"]["source"]) == (7, "own")
    assert (hours["quiet"]["hour_utc"], hours["quiet"]["source"], hours["quiet"]["events"]) == (
        15,
        "default",
        0,
    )


def test_group_hour_is_the_fallback_for_customers_with_few_events() -> None:
    ctx = _context()
    groups = ibis.memtable(
        {"customer_id": ["owl", "lark", "quiet", "tie"], "group": ["a", "a", "a", "b"]}
    )
    hours = _by_customer(send_hours(ctx, groups, min_events=5, default_hour=15))
    # Group a: owl's 6 at 23h beat lark's 3 at 6h and owl's 2 at 9h.
    assert (hours["lark"]["hour_utc"], hours["lark"]["source"]) == (23, "group")
    assert (hours["quiet"]["hour_utc"], hours["quiet"]["source"]) == (23, "group")
    assert (hours["owl"]["hour_utc"], hours["owl"]["source"]) == (23, "own")
    assert len(hours) == 4


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="default_hour"):
        send_hours(_context(), default_hour=24)
    with pytest.raises(ValueError, match="days"):
        active_hours(_context(), days=0)
