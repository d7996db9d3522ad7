"""Segment definitions and daily memberships in the warehouse, and who entered and left.

Tables (docs/decisions/0006-segments-in-the-warehouse.md):

- ``segments``: user-defined segments, grain ``name`` (name, rule, description, kind,
  created_at);
- ``segment_members``: grain ``(segment, customer_id, as_of)``, one slice per day written
  with :func:`tenure.store.results.replace_slice`, so re-running a day replaces it.

:func:`segment_history` compares each stored day with the previous stored day in one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from tenure.decide._rules import compile_rule
from tenure.decide.segments import Segment
from tenure.errors import SegmentError, StoreError
from tenure.store.results import replace_slice

__all__ = [
    "SEGMENTS",
    "SEGMENT_MEMBERS",
    "backfill_segment",
    "delete_segment",
    "save_segment",
    "segment_history",
    "segment_sizes",
    "stored_segments",
    "write_members",
]

SEGMENTS = "segments"
SEGMENT_MEMBERS = "segment_members"

_DEFINITIONS = ibis.schema(
    {
        "name": "string",
        "rule": "string",
        "description": "string",
        "kind": "string",
        "created_at": "timestamp('UTC')",
    }
)
_MEMBERS = pa.schema(
    [("segment", pa.string()), ("customer_id", pa.string()), ("as_of", pa.date32())]
)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _execute(con: BaseBackend, sql: str) -> None:
    try:
        con.raw_sql(sql)
    except Exception as exc:
        raise StoreError(f"{sql.split()[0]} on the segment tables failed: {exc}") from exc


def stored_segments(con: BaseBackend) -> list[tuple[Segment, dt.datetime]]:
    """The user-defined segments with their creation time, by name."""
    if SEGMENTS not in con.list_tables():
        return []
    t = con.table(SEGMENTS).order_by("name")
    return [
        (Segment(r["name"], r["rule"], r["description"] or "", r["kind"]), r["created_at"])
        for r in t.to_pyarrow().to_pylist()
    ]


def save_segment(
    con: BaseBackend, segment: Segment, *, created_at: dt.datetime, replace: bool = False
) -> None:
    """Store ``segment``'s definition; an existing name is an error unless ``replace``."""
    if SEGMENTS not in con.list_tables():
        con.create_table(SEGMENTS, schema=_DEFINITIONS)
    names = {s.name for s, _ in stored_segments(con)}
    if segment.name in names and not replace:
        raise SegmentError(
            f"A segment named {segment.name!r} exists already. Pick another name, or replace "
            "it (replace=True; tenure segments create --replace).",
            segment=segment.name,
        )
    row = pa.table(
        {
            "name": [segment.name],
            "rule": [segment.rule],
            "description": [segment.description],
            "kind": [segment.kind],
            "created_at": pa.array([created_at], pa.timestamp("us", tz="UTC")),
        }
    )
    _execute(con, f"DELETE FROM {SEGMENTS} WHERE name = {_quote(segment.name)}")
    con.insert(SEGMENTS, row)


def delete_segment(con: BaseBackend, name: str) -> None:
    """Remove a stored segment's definition and every stored membership of it."""
    _execute(con, f"DELETE FROM {SEGMENTS} WHERE name = {_quote(name)}")
    if SEGMENT_MEMBERS in con.list_tables():
        _execute(con, f"DELETE FROM {SEGMENT_MEMBERS} WHERE segment = {_quote(name)}")


def write_members(con: BaseBackend, day: dt.date, members: ir.Table) -> int:
    """Replace the day's memberships (every segment) by ``members``; returns the rows written."""
    rows: Any = members.select("segment", "customer_id", "as_of").to_pyarrow()
    return replace_slice(con, SEGMENT_MEMBERS, day, rows.cast(_MEMBERS))


def backfill_segment(
    con: BaseBackend, segment: Segment, profiles: ir.Table, days: list[dt.date]
) -> int:
    """Evaluate a rule segment on every stored day in one query and store its memberships.

    Replaces what was stored for ``segment`` (a new or replaced definition gets its past
    memberships from the stored profiles, so its history starts with the first stored day).
    """
    t = profiles.filter(profiles.as_of.isin(days))
    t = t.filter(compile_rule(segment.rule, t, segment=segment.name))
    rows: Any = t.select(
        segment=ibis.literal(segment.name, type="string"),
        customer_id=t.customer_id.cast("string"),
        as_of=t.as_of.cast("date"),
    ).to_pyarrow()
    _execute(con, f"DELETE FROM {SEGMENT_MEMBERS} WHERE segment = {_quote(segment.name)}")
    if rows.num_rows:
        try:
            con.insert(SEGMENT_MEMBERS, rows.cast(_MEMBERS))
        except Exception as exc:
            raise StoreError(f"storing the members of {segment.name} failed: {exc}") from exc
    return int(rows.num_rows)


def segment_sizes(con: BaseBackend, name: str | None = None) -> ir.Table | None:
    """Members per segment and stored day: ``(segment, as_of, members)``; None before any day.

    Days when a segment had no members are left out; the caller has the stored days.
    """
    if SEGMENT_MEMBERS not in con.list_tables():
        return None
    m = con.table(SEGMENT_MEMBERS)
    if name is not None:
        m = m.filter(m.segment == name)
    return m.group_by("segment", "as_of").agg(members=m.count()).order_by("segment", "as_of")


def segment_history(con: BaseBackend, name: str) -> ir.Table | None:
    """Who entered and left segment ``name``: ``(customer_id, on, change)``, oldest first.

    Each stored day is compared with the previous stored day (of any segment): a member
    not in the segment the day before ``entered`` on that day; a member of the day before
    who is not a member now ``left`` on that day. Members on the first stored day entered
    on it. None before any day is stored.
    """
    if SEGMENT_MEMBERS not in con.list_tables():
        return None
    stored = con.table(SEGMENT_MEMBERS)
    days = stored.select("as_of").distinct()
    w = ibis.window(order_by=days.as_of)
    days = days.mutate(prev_on=days.as_of.lag().over(w), next_on=days.as_of.lead().over(w))
    m = stored.filter(stored.segment == name).select("customer_id", "as_of")
    cur = m.join(days, "as_of")
    before = m.select(b_customer_id="customer_id", b_as_of="as_of")
    entered = cur.anti_join(
        before,
        [cur.customer_id == before.b_customer_id, cur.prev_on == before.b_as_of],
    ).select("customer_id", on=cur.as_of, change=ibis.literal("entered"))
    gone = cur.filter(cur.next_on.notnull())
    after = m.select(a_customer_id="customer_id", a_as_of="as_of")
    left = gone.anti_join(
        after,
        [gone.customer_id == after.a_customer_id, gone.next_on == after.a_as_of],
    ).select("customer_id", on=gone.next_on, change=ibis.literal("left"))
    out = entered.union(left, distinct=False)
    return out.order_by("on", "change", "customer_id")
