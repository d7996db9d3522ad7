"""The stored daily activity: who was active on which day, and each account's first events.

Engagement (DAU, WAU, MAU, stickiness), the activation funnel and activation read every
product event; on a 10k-customer demo that is millions of rows scanned, grouped and
counted per page. Two small tables hold what they need, and every load keeps them:

- :data:`DAILY_TABLE` (``daily_activity``): the distinct ``(day, user_key,
  customer_id)`` of the track, page and screen events, where ``day`` is the UTC day and
  ``user_key`` is ``user_id``, else ``anonymous_id`` (null when neither);
  grain ``(day, user_key, customer_id)``;
- :data:`FIRSTS_TABLE` (``first_track_events``): per ``(customer_id, event)`` the
  earliest ``occurred_at`` (``first_at``) of a track event with an account; grain
  ``(customer_id, event)``.

Neither depends on ``as_of``: a reader keeps the days up to ``as_of``, and a first event
whose day is after ``as_of`` stands for "not yet" (the earliest event of a set is after
``as_of`` exactly when all of them are), so every count equals the one computed from the
events. :class:`ActivityTable` is a :data:`~tenure.store.Maintainer`: events are only
ever added (one row per ``message_id``), so a load inserts the activity of its own new
rows (``_ingest_id``) that is not there yet, and lowers ``first_at`` where it found an
earlier event. When the tables were built by another definition (their fingerprint, a
hash of this module's and ``engagement.py``'s code) the whole of them is recomputed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.metrics._base import MetricsContext
from tenure.store import LoadedRows, Warehouse

__all__ = ["ACTIVITY_STATE", "DAILY_TABLE", "FIRSTS_TABLE", "ActivityTable", "stored_activity"]

DAILY_TABLE = "daily_activity"
"""Distinct ``(day, user_key, customer_id)`` of the track, page and screen events."""
FIRSTS_TABLE = "first_track_events"
"""``(customer_id, event, first_at)``: each account's earliest event of each track name."""
ACTIVITY_STATE = "daily_activity_state"
"""One row: the fingerprint of the definition both tables were computed with."""
_SOURCES = (Path(__file__), Path(__file__).with_name("engagement.py"))
_INGEST = "__tenure_ingest_id__"
"""Stands for the load's ``_ingest_id`` in the compiled statements."""
_COMPILED: dict[tuple[str, str], str] = {}


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def activity_fingerprint(con: BaseBackend) -> str:
    """The dialect and the code of the definition, hashed (nothing is read)."""
    h = hashlib.sha256(con.name.encode())
    for source in _SOURCES:
        h.update(source.read_bytes())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class StoredActivity:
    """The two stored tables, as a context reads them."""

    daily: ir.Table
    firsts: ir.Table


def stored_activity(ctx: MetricsContext) -> StoredActivity | None:
    """The stored activity tables when they serve ``ctx``, else ``None``.

    They serve a context of current knowledge with ``stored`` on, once they were
    computed with this code's fingerprint (:func:`activity_fingerprint`).
    """
    if not (ctx.stored and ctx.current_knowledge):
        return None
    if "activity" not in ctx.memo:
        ok = False
        if ACTIVITY_STATE in ctx.con.list_tables():
            state = ctx.con.table(ACTIVITY_STATE).fingerprint.to_pyarrow().to_pylist()
            ok = state == [activity_fingerprint(ctx.con)]
        ctx.memo["activity"] = ok
    if not ctx.memo["activity"]:
        return None
    return StoredActivity(ctx.con.table(DAILY_TABLE), ctx.con.table(FIRSTS_TABLE))


def daily_expr(ctx: MetricsContext, events: ir.Table) -> ir.Table:
    """The rows of :data:`DAILY_TABLE` that ``events`` give."""
    from tenure.metrics.engagement import activity

    ev = activity(events, ctx)
    return ev.select("day", user_key=ev.user, customer_id=ev.customer_id).distinct()


def firsts_expr(events: ir.Table) -> ir.Table:
    """The rows of :data:`FIRSTS_TABLE` that ``events`` give."""
    ev = events.filter(
        (events.type == "track") & events.event.notnull() & events.customer_id.notnull()
    )
    return ev.group_by("customer_id", "event").agg(first_at=ev.occurred_at.min())


@dataclass
class ActivityTable:
    """Keeps :data:`DAILY_TABLE` and :data:`FIRSTS_TABLE` on ``con`` with every load.

    Examples
    --------
    Register it with the warehouse once; every later load keeps the tables::

        table = ActivityTable(wh.ibis)
        table.attach(wh)  # creates the tables if needed
        table.build()  # now, when they were never computed (optional)
    """

    con: BaseBackend

    def _ctx(self) -> MetricsContext:
        import datetime as dt

        return MetricsContext(self.con, dt.date(2000, 1, 1), stored=False)

    def ensure_tables(self) -> None:
        """Create the tables and their state when they do not exist yet."""
        existing = set(self.con.list_tables())
        events = self.con.table("events")
        wanted = {
            DAILY_TABLE: daily_expr(self._ctx(), events).schema(),
            FIRSTS_TABLE: firsts_expr(events).schema(),
            ACTIVITY_STATE: ibis.schema({"fingerprint": "string"}),
        }
        for name, schema in wanted.items():
            if name not in existing:
                self.con.create_table(name, schema=schema)

    def attach(self, warehouse: Warehouse) -> None:
        """Create the tables if needed and keep them with every load of ``warehouse``."""
        self.ensure_tables()
        warehouse.maintain(self)

    def is_current(self) -> bool:
        """Whether the tables were computed with this code (else readers use the events)."""
        if ACTIVITY_STATE not in self.con.list_tables():
            return False
        state = self.con.table(ACTIVITY_STATE).fingerprint.to_pyarrow().to_pylist()
        return bool(state == [activity_fingerprint(self.con)])

    def _sql(self, kind: str) -> str:
        key = (kind, activity_fingerprint(self.con))
        if key not in _COMPILED:  # compile once per dialect and code
            events = self.con.table("events")
            if kind.endswith("_new"):
                events = events.filter(events._ingest_id == _INGEST)
            expr = (
                daily_expr(self._ctx(), events) if kind.startswith("daily") else firsts_expr(events)
            )
            _COMPILED[key] = str(self.con.compile(expr))
        return _COMPILED[key]

    def rebuild(self, execute: Callable[[str], None]) -> None:
        """Recompute both tables and record their fingerprint (in the caller's transaction)."""
        for table in (DAILY_TABLE, FIRSTS_TABLE, ACTIVITY_STATE):
            execute(f"DELETE FROM {table}")
        execute(
            f"INSERT INTO {DAILY_TABLE} (day, user_key, customer_id) "
            f"SELECT day, user_key, customer_id FROM ({self._sql('daily')}) AS n"
        )
        execute(
            f"INSERT INTO {FIRSTS_TABLE} (customer_id, event, first_at) "
            f"SELECT customer_id, event, first_at FROM ({self._sql('firsts')}) AS n"
        )
        fingerprint = _lit(activity_fingerprint(self.con))
        execute(f"INSERT INTO {ACTIVITY_STATE} (fingerprint) VALUES ({fingerprint})")

    def build(self) -> None:
        """Recompute both tables now, in one transaction of their own.

        For warehouses made before the tables existed, or by another Tenure; loads
        through :meth:`~tenure.store.Warehouse.write_batch` keep them without it.
        """
        self.ensure_tables()
        if self.con.name == "postgres":
            pg = self.con.con
            with pg.transaction(), pg.cursor() as cur:
                self.rebuild(cur.execute)
            return
        duck = self.con.con
        duck.execute("BEGIN TRANSACTION")
        try:
            self.rebuild(duck.execute)
            duck.execute("COMMIT")
        except BaseException:
            duck.execute("ROLLBACK")
            raise

    def __call__(self, loaded: LoadedRows) -> None:
        """Bring both tables in step with ``loaded`` (inside its transaction)."""
        execute, fetch = loaded.execute, loaded.fetch
        if self.con.name == "postgres":  # concurrent loads take turns from here to commit
            execute(f"LOCK TABLE {DAILY_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        state: list[tuple[Any, ...]] = fetch(f"SELECT fingerprint FROM {ACTIVITY_STATE}")
        if [row[0] for row in state] != [activity_fingerprint(self.con)]:
            self.rebuild(execute)
            return
        if not loaded.rows.get("events"):
            return
        ingest = _lit(loaded.ingest_id)
        daily = self._sql("daily_new").replace(_lit(_INGEST), ingest)
        execute(
            f"INSERT INTO {DAILY_TABLE} (day, user_key, customer_id) "
            f"SELECT n.day, n.user_key, n.customer_id FROM ({daily}) AS n WHERE NOT EXISTS ("
            f"SELECT 1 FROM {DAILY_TABLE} AS d WHERE d.day = n.day "
            "AND d.user_key IS NOT DISTINCT FROM n.user_key "
            "AND d.customer_id IS NOT DISTINCT FROM n.customer_id)"
        )
        firsts = self._sql("firsts_new").replace(_lit(_INGEST), ingest)
        execute(
            f"DELETE FROM {FIRSTS_TABLE} AS f WHERE EXISTS (SELECT 1 FROM ({firsts}) AS n "
            "WHERE n.customer_id = f.customer_id AND n.event = f.event "
            "AND n.first_at < f.first_at)"
        )
        execute(
            f"INSERT INTO {FIRSTS_TABLE} (customer_id, event, first_at) "
            f"SELECT n.customer_id, n.event, n.first_at FROM ({firsts}) AS n WHERE NOT EXISTS ("
            f"SELECT 1 FROM {FIRSTS_TABLE} AS f "
            "WHERE f.customer_id = n.customer_id AND f.event = n.event)"
        )
