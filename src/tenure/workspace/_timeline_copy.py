"""A copy of every customer's timeline and billing items, clustered by customer.

DuckDB has no index on ``customer_id`` that its plans use, and the canonical tables are
stored in arrival order, so one customer's rows are spread over every row group and a
profile scans the whole ``events`` table. :func:`rebuild` (called by the daily refresh)
writes the items of :func:`~tenure.workspace._profile_queries.timeline_parts` and
:func:`~tenure.workspace._profile_queries.details_parts` of all customers into
``customer_items``, sorted by ``customer_id``, so that DuckDB's zone maps skip all but
one or two row groups. Rows ingested since are read from the *tails*: a view per source
over the rows of its table whose ``rowid`` is at or above the table's row count when the
copy was made (rows are only appended, and ``_current`` flags are updated in place, so
row ids stay put); zone maps skip the row groups below.

:func:`items_sql` merges the two: the copy's items of the customer, without those of keys
that have a newer current version in a tail, plus the tails' items, which
:func:`sync_tail` keeps in temporary tables of the connection until a load changes a
source's row count (:func:`token`). It is hand-written and reads two tables, because
planning the compiled union of every part over the tails cost more than running it. The
result is the same as the live queries' (``tests/workspace/test_profiles.py`` compares
them).

Every step of :func:`rebuild` runs in one transaction: the new copy is built beside the
old one and swapped in with the tail views, so a crash leaves the previous copy and its
views, which stay correct.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir

from tenure.schema import table_spec
from tenure.workspace._profile_queries import (
    DETAIL_LIMITS,
    DETAIL_PARTS,
    PLACEHOLDER,
    TIMELINE_PARTS,
    Part,
    details_parts,
    timeline_parts,
)

if TYPE_CHECKING:
    import duckdb
    from ibis.backends import BaseBackend

__all__ = [
    "APPEND_ONLY",
    "COPY",
    "MARKS",
    "REPLACED",
    "SOURCES",
    "TAIL",
    "TailState",
    "appended_expr",
    "current_expr",
    "delta_name",
    "delta_views",
    "has_copy",
    "items_sql",
    "rebuild",
    "replaced_expr",
    "sync_tail",
    "tail_name",
    "token",
]

COPY = "customer_items"
"""The clustered copy's table."""
MARKS = f"{COPY}_marks"
"""Where each source's tail starts (its row count when the copy was made)."""
SOURCES = (
    "events",
    "stripe_events",
    "subscriptions_versions",
    "subscriptions",
    "invoices",
    "payments",
    "support_tickets",
    "feedback",
)
"""The sources the items are read from; the last five are current-version views."""
APPEND_ONLY = ("events", "stripe_events", "subscriptions_versions")
"""The sources whose rows are only ever appended (their tails only grow)."""
_APPEND_ONLY = APPEND_ONLY
_STAGING = f"{COPY}__new"
_CHUNK_ROWS = 2_000_000


def tail_name(source: str) -> str:
    """The view of a source's rows ingested after the copy was made."""
    return f"_{COPY}_tail_{source}"


def has_copy(tables: set[str]) -> bool:
    return COPY in tables and MARKS in tables and all(tail_name(s) in tables for s in SOURCES)


def _parts(source: Any) -> list[Part]:
    return timeline_parts(source) + details_parts(source)


def _copy_expr(con: BaseBackend) -> ir.Table:
    """Every customer's items, with the part, the customer and the replaceable key."""
    return _items_of(con.table)


def _items_of(source: Any, *, appended: bool | None = None) -> ir.Table:
    """Items of every part, or with ``appended`` only some of them.

    ``appended=True``: the parts of append-only sources; ``False``: current-version views.
    """
    selections = []
    for part in _parts(source):
        if appended is not None and (part.source is None) != appended:
            continue
        t = part.table
        if part.timeline:
            t = t.filter(t[part.at].notnull())
        selections.append(part.items(t, **_extra(part, t)))
    return ibis.union(*selections)


def _extra(part: Part, t: ir.Table) -> dict[str, ir.Value]:
    return {
        "customer_id": t.customer_id.cast("string"),
        "_part": ibis.literal(part.name),
        "_src": ibis.literal(part.source, "string"),
        "_key": t[part.key].cast("string") if part.key else ibis.null("string"),
    }


def _tail_sql(con: duckdb.DuckDBPyConnection, source: str, start: int) -> str:
    if source in _APPEND_ONLY:
        return f'SELECT * FROM "{source}" WHERE rowid >= {start}'
    columns = [r[0] for r in con.execute(f'DESCRIBE "{source}"').fetchall()]
    names = ", ".join(f'"{c}"' for c in columns)
    storage = table_spec(source).storage_name
    return f'SELECT {names} FROM "{storage}" WHERE _current AND rowid >= {start}'


def _storage(source: str) -> str:
    return source if source in _APPEND_ONLY else table_spec(source).storage_name


def _end(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """One past the largest row id of ``table``: where the rows ingested later start.

    The row count comes from metadata; the largest row id is looked for at or above it
    (one row group, as zone maps prune row ids), in case rows were ever deleted.
    """
    found = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    count = int(found[0]) if found else 0
    found = con.execute(
        f'SELECT coalesce(max(rowid) + 1, 0) FROM "{table}" WHERE rowid >= {count - 1}'
    ).fetchone()
    return max(count, int(found[0]) if found else 0)


def _bounds(con: duckdb.DuckDBPyConnection, rows: int) -> list[str]:
    """Customer ids that cut the copy into ranges of about ``_CHUNK_ROWS`` source rows.

    Each range is sorted and appended on its own, in order, so that sorting never needs
    more memory than one range (one sort of 25M items ran out of DuckDB's 1 GB).
    """
    chunks = -(-rows // _CHUNK_ROWS)
    if chunks <= 1:
        return []
    found = con.execute(
        "SELECT customer_id FROM (SELECT customer_id, row_number() OVER (ORDER BY customer_id)"
        " AS n, count(*) OVER () AS total FROM customers WHERE customer_id IS NOT NULL)"
        " WHERE n % greatest(total // ?, 1) = 0 ORDER BY customer_id",
        [chunks],
    ).fetchall()
    return [str(r[0]) for r in found]


def rebuild(con: duckdb.DuckDBPyConnection, ibis_con: BaseBackend) -> int:
    """Write the clustered copy and its tail views again, in one transaction.

    Returns the number of items copied. DuckDB only (row ids and zone maps).
    """
    sql = str(ibis_con.compile(_copy_expr(ibis_con)))
    con.execute("BEGIN TRANSACTION")
    try:
        starts = {}
        for source in SOURCES:
            starts[source] = _end(con, _storage(source))
        con.execute(f'DROP TABLE IF EXISTS "{_STAGING}"')
        con.execute(f'CREATE TABLE "{_STAGING}" AS SELECT * FROM ({sql}) WHERE FALSE')
        bounds = _bounds(con, sum(starts.values()))
        for lo, hi in zip([None, *bounds], [*bounds, None], strict=True):
            where = ["customer_id IS NOT NULL"]  # an item without a customer is never read
            where += [] if lo is None else ["customer_id >= ?"]
            where += [] if hi is None else ["customer_id < ?"]
            con.execute(
                f'INSERT INTO "{_STAGING}" SELECT * FROM ({sql}) WHERE {" AND ".join(where)} '
                'ORDER BY customer_id, "at" DESC',
                [b for b in (lo, hi) if b is not None],
            )
        _swap(con, starts)
        count = con.execute(f'SELECT count(*) FROM "{COPY}"').fetchone()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(count[0]) if count else 0


def _swap(con: duckdb.DuckDBPyConnection, starts: dict[str, int]) -> None:
    """Put the staged copy in place of the old one and point the tails past it."""
    con.execute(f'DROP TABLE IF EXISTS "{COPY}"')
    con.execute(f'ALTER TABLE "{_STAGING}" RENAME TO "{COPY}"')
    con.execute(f'CREATE OR REPLACE TABLE "{MARKS}" (source VARCHAR, start BIGINT)')
    con.executemany(f'INSERT INTO "{MARKS}" VALUES (?, ?)', list(starts.items()))
    for source, start in starts.items():
        con.execute(
            f'CREATE OR REPLACE VIEW "{tail_name(source)}" AS {_tail_sql(con, source, start)}'
        )


TAIL = f"_{COPY}_tail"
"""The temporary view of the tails' items, made by :func:`sync_tail` on a connection."""
_APPENDED = f"_{COPY}_appended"
_CURRENT = f"_{COPY}_current"
REPLACED = f"_{COPY}_replaced"
"""The temporary table of keys with a current version in a tail."""


def delta_name(source: str) -> str:
    """A connection's temporary view of an append-only source's rows not yet synced."""
    return f"_{COPY}_delta_{source}"


def appended_expr(con: BaseBackend) -> ir.Table:
    """The items of the append-only sources' rows in their delta views."""

    def table(name: str) -> ir.Table:  # parts are built for every source, then filtered
        return con.table(delta_name(name) if name in APPEND_ONLY else tail_name(name))

    return _items_of(table, appended=True)


def current_expr(con: BaseBackend) -> ir.Table:
    """The items of the current-version views' tails (small: rebuilt at every sync)."""
    return _items_of(lambda name: con.table(tail_name(name)), appended=False)


def replaced_expr(con: BaseBackend) -> ir.Table:
    """The keys whose current version was ingested after the copy: their copied items are stale."""
    return ibis.union(
        *(
            t.select(_src=ibis.literal(s, "string"), _key=t[table_spec(s).key[0]].cast("string"))
            for s in SOURCES
            if s not in _APPEND_ONLY
            for t in [con.table(tail_name(s))]
        )
    )


def token(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """Row counts that change whenever a load adds rows (a count is read from metadata)."""
    tables = [COPY, "ingests", *(_storage(s) for s in SOURCES)]
    # one count per UNION branch: DuckDB answers it from metadata (as scalar subqueries
    # it scans the tables)
    sql = " UNION ALL ".join(f'SELECT {i} AS i, count(*) FROM "{t}"' for i, t in enumerate(tables))
    return tuple(sorted(con.execute(sql).fetchall()))


@dataclass(frozen=True)
class TailState:
    """What a connection's temporary tables of the tails hold (see :func:`sync_tail`)."""

    token: tuple[Any, ...]
    copy_rows: int
    ends: dict[str, int]
    has_tail: bool
    has_replaced: bool


def delta_views(con: duckdb.DuckDBPyConnection, bounds: dict[str, tuple[int, int]]) -> None:
    """Point each append-only source's delta view at its rows ``[lo, hi)`` (by row id)."""
    for source, (lo, hi) in bounds.items():
        con.execute(
            f'CREATE OR REPLACE TEMP VIEW "{delta_name(source)}" AS SELECT * FROM "{source}" '
            f"WHERE rowid >= {int(lo)} AND rowid < {int(hi)}"
        )


def sync_tail(
    con: duckdb.DuckDBPyConnection,
    sql: Callable[[str], str],
    state: TailState | None,
) -> TailState:
    """Bring the connection's temporary tables of the tails' items up to date.

    ``sql(name)`` gives the compiled SQL of ``"appended"`` (:func:`appended_expr`),
    ``"current"`` (:func:`current_expr`) or ``"replaced"`` (:func:`replaced_expr`). The
    items of the append-only sources (events above all, which grow while events stream
    in) are kept in one table and only the rows added since the last sync are appended to
    it; the current-version views' items and the replaced keys are made again (they are
    small). A new copy (another row count) starts over. One transaction: every statement
    sees the same state of the sources. Returns the new state; :func:`items_sql` leaves
    out what is empty.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        now = token(con)
        found = con.execute(f'SELECT count(*) FROM "{COPY}"').fetchone()
        copy_rows = int(found[0]) if found else 0
        full = state is None or state.copy_rows != copy_rows
        marks = dict(con.execute(f'SELECT source, start FROM "{MARKS}"').fetchall())
        ends = {s: _end(con, s) for s in _APPEND_ONLY}
        bounds = {
            s: (int(marks.get(s, 0)) if full or state is None else state.ends[s], ends[s])
            for s in _APPEND_ONLY
        }
        delta_views(con, bounds)
        if full:
            con.execute(
                f'CREATE OR REPLACE TEMP TABLE "{_APPENDED}" AS {sql("appended")} '
                "ORDER BY customer_id"
            )
        elif any(hi > lo for lo, hi in bounds.values()):
            con.execute(f'INSERT INTO "{_APPENDED}" {sql("appended")}')
        con.execute(
            f'CREATE OR REPLACE TEMP TABLE "{_CURRENT}" AS {sql("current")} ORDER BY customer_id'
        )
        con.execute(
            f'CREATE OR REPLACE TEMP VIEW "{TAIL}" AS SELECT * FROM "{_APPENDED}" '
            f'UNION ALL SELECT * FROM "{_CURRENT}"'
        )
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{REPLACED}" AS {sql("replaced")}')
        found = con.execute(
            f'SELECT (SELECT count(*) FROM "{_APPENDED}") + (SELECT count(*) FROM "{_CURRENT}"), '
            f'(SELECT count(*) FROM "{REPLACED}")'
        ).fetchone()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    has_tail, has_replaced = (bool(found[0]), bool(found[1])) if found else (True, True)
    return TailState(now, copy_rows, ends, has_tail, has_replaced)


def items_sql(
    before: dt.datetime | None, timeline: int, *, tail: bool = True, replaced: bool = True
) -> str:
    """One customer's timeline and billing items from the copy and the tails' items.

    Each part keeps its own newest ``limit`` items (the timeline's: ``timeline``), as the
    live queries do; rows come ordered by section (timeline first), then newest first,
    kind, id, title, status and detail. The caller takes the first ``timeline`` rows of the
    timeline. Hand-written rather than compiled, because planning a query costs more than
    running it on one customer's rows: this one has two scans. The customer id is the
    placeholder of :func:`~tenure.workspace._profile_queries.bind`. Without ``tail`` or
    ``replaced`` (the temporary tables are empty), the query leaves those tables out.
    """
    cols = '_part, kind, "at", id, title, status, amount_minor, currency, score, detail, ends_at'
    order = '"at" DESC, kind, id, title, status, detail'
    limits = []
    for name, limit in [*((p, timeline) for p in TIMELINE_PARTS), *DETAIL_LIMITS.items()]:
        keep = "TRUE" if limit is None else f"_rank < {int(limit)}"
        limits.append(f"WHEN '{name}' THEN {keep}")
    when = f"AND \"at\" < '{before.isoformat()}'::TIMESTAMPTZ" if before is not None else ""
    details = ", ".join(f"'{p}'" for p in DETAIL_PARTS)
    fresh = (
        f'AND NOT EXISTS (SELECT 1 FROM "{REPLACED}" r WHERE r._src = c._src AND r._key = c._key)'
        if replaced
        else ""
    )
    added = (
        f"UNION ALL SELECT {cols} FROM \"{TAIL}\" WHERE customer_id = '{PLACEHOLDER}' {when}"
        if tail
        else ""
    )
    return f"""WITH items AS (
    SELECT {cols} FROM "{COPY}" c
    WHERE customer_id = '{PLACEHOLDER}' {when} {fresh}
    {added}
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY _part ORDER BY {order}) - 1 AS _rank FROM items
)
SELECT {cols} FROM ranked WHERE CASE _part {" ".join(limits)} ELSE FALSE END
ORDER BY _part IN ({details}), {order}"""
