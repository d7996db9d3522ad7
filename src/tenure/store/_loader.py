"""Turn a staged :class:`~tenure.ingest.Batch` into the rows to add, on a DuckDB connection.

The loader never writes to the warehouse tables: it leaves, per table, a temporary
table ``_new__<storage>`` with the rows to insert (in storage column order), and
``_new__rejects`` and ``_new__ingests``. The warehouse then appends them in one
transaction (DuckDB) or copies them to the server (PostgreSQL and other backends).

``existing(spec)`` names a relation holding the stored versions of the batch's keys
(at least the key columns, ``_hash``, ``_version_at``, ``_event_id``, ``_source``,
``_line``, ``_ingest_id`` and ``_current``), so the same logic serves the embedded
warehouse and a server one.

Versioned tables keep a ``_current`` flag: true on the one version of each key that the
view ``<table>`` shows, the latest by ``(_version_at, _ingest_id, _line)``. Versions may
arrive in any order, so a new version is current only when it beats the stored current
one of its key; when it does, ``retire(spec, select)`` clears the flag of the stored
versions of those keys before the new rows are added. Only the keys a load touches are
looked at, so reading the current versions never needs a window over the whole table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tenure.ingest import Batch
from tenure.schema import TableSpec

__all__ = ["CURRENT_COLUMN", "META_COLUMNS", "VERSION_ORDER", "IngestResult", "Loader"]

META_COLUMNS = (
    ("_version_at", "TIMESTAMPTZ"),
    ("_hash", "VARCHAR"),
    ("_source", "VARCHAR"),
    ("_line", "BIGINT"),
    ("_ingest_id", "VARCHAR"),
    ("_event_id", "VARCHAR"),
)
CURRENT_COLUMN = ("_current", "BOOLEAN")
"""The flag of the latest version of each key; versioned tables only."""
VERSION_ORDER = ("_version_at", "_ingest_id", "_line")
"""Which version of a key is the latest: the greatest of these, compared in order."""
REJECT_COLUMNS = (
    ("ingest_id", "VARCHAR"),
    ("source", "VARCHAR"),
    ("line", "BIGINT"),
    ("path", "VARCHAR"),
    ("field", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("record", "VARCHAR"),
    ("rejected_at", "TIMESTAMPTZ"),
)
INGEST_COLUMNS = (
    ("ingest_id", "VARCHAR"),
    ("source", "VARCHAR"),
    ("format", "VARCHAR"),
    ("encoding", "VARCHAR"),
    ("started_at", "TIMESTAMPTZ"),
    ("rows", "JSON"),
    ("duplicates", "BIGINT"),
    ("rejects", "BIGINT"),
    ("skipped", "BIGINT"),
)


@dataclass
class IngestResult:
    """What one file added: new rows per table, duplicates skipped, rejects, ignored records."""

    source: Path
    format: str
    rows: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    rejects: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)
    note: str | None = None
    """Why a file found in a folder was not read (its format could not be told)."""

    @property
    def inserted(self) -> int:
        """New rows over all tables."""
        return sum(self.rows.values())


def _lit(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _count(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.fetchone()
    return int(row[0]) if row else 0


def _columns_sql(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{n} {t}" for n, t in columns)


@dataclass
class Loader:
    """Compute, on ``con``, what ``batch`` adds; see the module docstring."""

    con: duckdb.DuckDBPyConnection
    ingest_id: str
    now_sql: str
    existing: Callable[[TableSpec], str]
    """Names a relation with the stored versions of the keys in ``_keys``."""
    sink: Callable[[TableSpec, str], int]
    """Appends the rows of a SELECT (storage columns) to a table; returns how many."""
    retire: Callable[[TableSpec, str], None] | None
    """Clears ``_current`` on the stored versions of the keys a SELECT returns. ``None``
    where the warehouse cannot do that; new rows then get a null ``_current``."""
    existing_rejects: str
    slice_lines: int = 500_000
    """Large files are loaded this many lines at a time, which bounds memory."""
    result: IngestResult = field(init=False)
    source: str = field(default="", init=False)

    def run(self, batch: Batch) -> IngestResult:
        """Stage ``batch`` and compute its new rows, rejects and ingest-log row."""
        self.source = str(batch.source)
        self.result = IngestResult(batch.source, batch.format)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _new__rejects ({_columns_sql(REJECT_COLUMNS)})"
        )
        for fr in batch.file_rejects:
            self.reject_rows(
                "SELECT NULL::BIGINT, NULL::VARCHAR, "
                f"{_lit(fr.field)}, {_lit(fr.reason)}, NULL::VARCHAR"
            )
        for stmt in batch.setup:
            self.con.execute(stmt)
        slices: list[tuple[int, int]] = []
        if batch.setup:
            self.reject_rows("SELECT _line, _path, _field, _reason, _record FROM _bad")
            row = self.con.execute("SELECT min(_line), max(_line) FROM _raw").fetchone()
            if row and row[0] is not None:
                first, last = int(row[0]), int(row[1])
                slices = [
                    (a, min(a + self.slice_lines - 1, last))
                    for a in range(first, last + 1, self.slice_lines)
                ]
        present = (
            {row[0] for row in self.con.execute(batch.types_sql).fetchall()}
            if batch.types_sql
            else None
        )
        for load in batch.loads:
            if (
                present is not None
                and load.object_types is not None
                and not present.intersection(load.object_types)
            ):
                continue
            if load.kind == "skipped":
                row = self.con.execute(load.select).fetchone()
                self.result.skipped += int(row[0]) if row else 0
            elif load.table is None:
                self.reject_rows(load.select)
            else:
                for a, b in slices:
                    self._load(
                        load.table, f"SELECT * FROM ({load.select}) WHERE _line BETWEEN {a} AND {b}"
                    )
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _new__ingests ({_columns_sql(INGEST_COLUMNS)})"
        )
        r = self.result
        self.con.execute(
            f"INSERT INTO _new__ingests VALUES (?, ?, ?, ?, {self.now_sql}, ?, ?, ?, ?)",
            [
                self.ingest_id,
                self.source,
                batch.format,
                batch.encoding,
                json.dumps(r.rows),
                r.duplicates,
                r.rejects,
                r.skipped,
            ],
        )
        cur = self.con.execute(
            "SELECT coalesce('line ' || line || ': ', '') || coalesce(field || ': ', '') || "
            "reason FROM _new__rejects ORDER BY line NULLS FIRST, path LIMIT 5"
        )
        r.reasons = [row[0] for row in cur.fetchall()]
        for stmt in batch.teardown:
            self.con.execute(stmt)
        return r

    def reject_rows(self, select: str) -> None:
        """Add rejects from ``select`` (columns: line, path, field, reason, record).

        A reject already recorded for the same file, line, path and reason is not repeated.
        """
        cur = self.con.execute(
            f"""INSERT INTO _new__rejects
            SELECT ?, ?, r._line, r._path, r._field, r._reason, r._record, {self.now_sql}
            FROM ({select}) AS r(_line, _path, _field, _reason, _record)
            WHERE NOT EXISTS (
                SELECT 1 FROM (SELECT source, line, path, reason FROM {self.existing_rejects}
                               UNION ALL SELECT source, line, path, reason FROM _new__rejects) x
                WHERE x.source = ? AND x.line IS NOT DISTINCT FROM r._line
                    AND x.path IS NOT DISTINCT FROM r._path AND x.reason = r._reason)""",
            [self.ingest_id, self.source, self.source],
        )
        self.result.rejects += _count(cur)

    def _load(self, spec: TableSpec, select: str) -> None:
        keys = ", ".join(f'"{k}"' for k in spec.key)
        on = " AND ".join(f'e."{k}" = g."{k}"' for k in spec.key)
        key_text = " || '/' || ".join(f'CAST(g."{k}" AS VARCHAR)' for k in spec.key)
        content = ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), chr(0))' for c in spec.column_names)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE _load AS SELECT *, CASE WHEN _reason IS NULL THEN "
            f"md5(concat_ws(chr(31), {content})) END AS _hash FROM ({select})"
        )
        self.reject_rows(
            "SELECT _line, _path, _field, _reason, _record FROM _load WHERE _reason IS NOT NULL"
        )
        # The rest works on a narrow table: keys, time, event, position and content hash.
        self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _keys AS
            SELECT rowid AS _rid, {keys}, _version_at, _event_id, _line, _path, _hash
            FROM _load WHERE _reason IS NULL""")
        counted = self.con.execute(
            f"SELECT count(*), count(*) - count(DISTINCT ({keys})) FROM _keys"
        ).fetchone()
        valid_rows, repeated = (int(counted[0]), int(counted[1])) if counted else (0, 0)
        if repeated:
            # A key seen twice: the first row of a key, time and event wins over rows with
            # other content at that time, which are rejected.
            self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _keys AS
                SELECT *, _hash = first_value(_hash) OVER w AS _same_as_first,
                    first_value(_line) OVER w AS _first_line
                FROM _keys
                WINDOW w AS (PARTITION BY {keys}, _version_at, _event_id ORDER BY _line, _path)""")
            self.reject_rows(f"""SELECT g._line, g._path, '{spec.key[0]}',
                'duplicate id ' || {key_text} || ' with different content at the same time as '
                || 'line ' || coalesce(CAST(g._first_line AS VARCHAR), '?')
                || '; the first one was kept', l._record
                FROM _keys g JOIN _load l ON l.rowid = g._rid WHERE NOT g._same_as_first""")
            valid = "g._same_as_first"
        else:
            valid = "TRUE"
        total = self.con.execute(f"SELECT count(*) FROM _keys g WHERE {valid}").fetchone()
        # One look-up of the stored versions of this slice's keys serves every check below.
        prior = ", ".join(
            [
                *(f'e."{k}"' for k in spec.key),
                *(f"e.{c}" for c in ("_hash", "_version_at", "_event_id", "_source", "_line")),
                *(("e._ingest_id", "e._current") if spec.versioned else ()),
            ]
        )
        self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _prior AS
            SELECT {prior} FROM {self.existing(spec)} e
            WHERE EXISTS (SELECT 1 FROM _keys g WHERE {on})""")
        same_time = (
            f"{on} AND e._version_at = g._version_at "
            "AND e._event_id IS NOT DISTINCT FROM g._event_id"
        )
        before = self.result.rejects
        self.reject_rows(f"""SELECT g._line, g._path, '{spec.key[0]}',
            'duplicate id ' || {key_text} || ' with different content than the version '
            || 'ingested from ' || e._source || coalesce(' line ' || e._line, '')
            || '; the first one was kept', l._record
            FROM _keys g JOIN _prior e ON {same_time} AND e._hash <> g._hash
            JOIN _load l ON l.rowid = g._rid WHERE {valid}""")
        conflicts = self.result.rejects - before
        stored = self.con.execute("SELECT count(*) FROM _prior").fetchone()
        if not repeated and not (stored and stored[0]):
            # Every key is new (the usual case): append straight from _load.
            added = "_keys"
        else:
            # A version is a duplicate when a stored one has its key, time, event and content
            # (the same file again), or when the version just before it in time, stored or
            # new, has its content (an unchanged snapshot). Content that returns to an
            # earlier one (A, B, A) is a new version. Versions of one time come stored ones
            # of other files first, then this file's, stored or new, by line: so a file
            # ingested again meets the same predecessors as the first time.
            self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _add AS
                WITH candidates AS (
                    SELECT * FROM _keys g WHERE {valid}
                    AND NOT EXISTS (SELECT 1 FROM _prior e WHERE {same_time})),
                chain AS (
                    SELECT {keys}, NULL::BIGINT AS _rid, _hash, _version_at,
                        CASE WHEN _source = {_lit(self.source)} THEN 1 ELSE 0 END AS _file,
                        _line, 0 AS _new, NULL::VARCHAR AS _path
                    FROM _prior
                    UNION ALL
                    SELECT {keys}, _rid, _hash, _version_at, 1, _line, 1, _path
                    FROM candidates)
                SELECT {keys}, _rid, _version_at, _line FROM (
                    SELECT *, lag(_hash) OVER (PARTITION BY {keys}
                        ORDER BY _version_at, _file, _line, _new, _path, _rid) AS _before
                    FROM chain)
                WHERE _rid IS NOT NULL AND _before IS DISTINCT FROM _hash""")
            fresh = self.con.execute("SELECT count(*) FROM _add").fetchone()
            added = "_keys" if fresh and fresh[0] == valid_rows else "_add"
        columns = ", ".join(f'l."{c}"' for c in spec.column_names)
        meta = f"{_lit(self.source)} AS _source, {_lit(self.ingest_id)} AS _ingest_id"
        if spec.versioned:
            meta += f", {self._current_flags(spec, added, repeated=bool(repeated))} AS _current"
        rows = f"""SELECT {columns}, l._version_at, l._hash, {meta}, l._line, l._event_id
            FROM _load l"""
        if added == "_keys":
            select = f"{rows} WHERE l._reason IS NULL"
        else:
            select = f"{rows} WHERE l.rowid IN (SELECT _rid FROM _add)"
        n_added = self.sink(spec, select)
        self.result.rows[spec.name] = self.result.rows.get(spec.name, 0) + n_added
        self.result.duplicates += (int(total[0]) if total else 0) - n_added - conflicts
        for tmp in ("_load", "_keys", "_prior", "_add", "_latest"):
            self.con.execute(f"DROP TABLE IF EXISTS {tmp}")

    def _current_flags(self, spec: TableSpec, added: str, *, repeated: bool) -> str:
        """The ``_current`` of the rows in ``added``, as SQL over ``l.rowid``.

        A new row is current when it is the latest of its key among the new rows and the
        stored current version; the stored versions it beats are retired first.
        """
        if self.retire is None:
            return "NULL::BOOLEAN"
        keys = ", ".join(f'"{k}"' for k in spec.key)
        on = " AND ".join(f'e."{k}" = g."{k}"' for k in spec.key)
        row = self.con.execute(f"SELECT count(*) FROM {added}").fetchone()
        if not (row and row[0]):
            return "FALSE"  # nothing new (a file ingested again)
        prior = f"_prior e WHERE e._current AND EXISTS (SELECT 1 FROM {added} g WHERE {on})"
        row = self.con.execute(f"SELECT count(*) FROM {prior}").fetchone()
        if not repeated and not (row and row[0]):
            return "TRUE"  # each key once, none stored yet: every new row is current
        order = ", ".join(f"{c} DESC" for c in VERSION_ORDER)
        self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _latest AS
            SELECT {keys}, _rid, bool_or(_rid IS NULL) OVER k AS _beats_stored FROM (
                SELECT {keys}, _rid, _version_at, {_lit(self.ingest_id)} AS _ingest_id, _line
                FROM {added}
                UNION ALL
                SELECT {keys}, NULL, _version_at, _ingest_id, _line FROM {prior})
            WINDOW k AS (PARTITION BY {keys})
            QUALIFY row_number() OVER (k ORDER BY {order}, _rid DESC) = 1
                AND _rid IS NOT NULL""")
        retired = self.con.execute("SELECT count(*) FROM _latest WHERE _beats_stored").fetchone()
        if retired and retired[0]:
            self.retire(spec, f"SELECT {keys} FROM _latest WHERE _beats_stored")
        return "l.rowid IN (SELECT _rid FROM _latest)"
