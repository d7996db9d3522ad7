"""The warehouse: canonical tables in DuckDB (the embedded default), read through Ibis.

:meth:`Warehouse.write_batch` loads one :class:`~tenure.ingest.Batch` inside a
single transaction, so a file lands whole or not at all (a crash or Ctrl-C
leaves the warehouse as it was). Rows are idempotent: an identical version of
an object is skipped; a changed object is kept as a new version in
``<table>_versions``, and the view ``<table>`` shows the latest version by its
event or object time. Every rejected record is kept in ``rejects`` with file,
line, field and reason.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis

from tenure.errors import StoreError
from tenure.ingest import Batch
from tenure.schema import TABLES, TableSpec

__all__ = ["IngestResult", "Warehouse"]

_META = (
    ("_version_at", "TIMESTAMPTZ"),
    ("_hash", "VARCHAR"),
    ("_source", "VARCHAR"),
    ("_line", "BIGINT"),
    ("_ingest_id", "VARCHAR"),
)
_REJECTS = """CREATE TABLE IF NOT EXISTS rejects (
    ingest_id VARCHAR, source VARCHAR, line BIGINT, path VARCHAR, field VARCHAR,
    reason VARCHAR, record VARCHAR, rejected_at TIMESTAMPTZ)"""
_INGESTS = """CREATE TABLE IF NOT EXISTS ingests (
    ingest_id VARCHAR PRIMARY KEY, source VARCHAR, format VARCHAR, encoding VARCHAR,
    started_at TIMESTAMPTZ, rows JSON, duplicates BIGINT, rejects BIGINT, skipped BIGINT)"""


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

    @property
    def inserted(self) -> int:
        return sum(self.rows.values())


def _sql_value(value: dt.datetime) -> str:
    return "TIMESTAMPTZ '" + value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00") + "'"


class Warehouse:
    """A connection to the warehouse.

    Parameters
    ----------
    url
        ``duckdb:///abs/path.duckdb`` or ``duckdb://:memory:``.
    memory_limit
        DuckDB memory limit; larger work spills to disk.
    threads
        DuckDB threads (default: all cores).
    """

    def __init__(self, url: str, *, memory_limit: str = "1GB", threads: int | None = None) -> None:
        if not url.startswith("duckdb://"):
            raise StoreError(
                f"the warehouse URL {url!r} names a backend Tenure cannot ingest into yet; "
                "ingestion writes to DuckDB (warehouse.url = 'duckdb://warehouse.duckdb'). "
                "Metrics read any Ibis backend."
            )
        path = url.removeprefix("duckdb://") or ":memory:"
        self.url = url
        self.path = None if path == ":memory:" else Path(path)
        try:
            self.ibis = ibis.duckdb.connect(path)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the warehouse {path}: {exc}") from exc
        self.con: duckdb.DuckDBPyConnection = self.ibis.con
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute("SET preserve_insertion_order = true")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.ensure_schema()

    def close(self) -> None:
        """Close the connection."""
        self.ibis.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_schema(self) -> None:
        """Create every canonical table and view that does not exist yet."""
        statements = [_REJECTS, _INGESTS]
        for spec in TABLES.values():
            cols = [f'"{c.name}" {c.type}' for c in spec.columns]
            cols += [f"{n} {t}" for n, t in _META]
            statements.append(f"CREATE TABLE IF NOT EXISTS {spec.storage_name} ({', '.join(cols)})")
            if spec.versioned:
                names = ", ".join(f'"{c}"' for c in spec.column_names)
                keys = ", ".join(spec.key)
                statements.append(
                    f"CREATE OR REPLACE VIEW {spec.name} AS SELECT {names}, _version_at "
                    f"FROM {spec.storage_name} QUALIFY row_number() OVER (PARTITION BY {keys} "
                    "ORDER BY _version_at DESC, _ingest_id DESC, _line DESC) = 1"
                )
        for stmt in statements:
            self.con.execute(stmt)

    # -- reading ---------------------------------------------------------------------------

    def table(self, name: str) -> ibis.Table:
        """The Ibis table (or current-version view) ``name``."""
        return self.ibis.table(name)

    def counts(self) -> dict[str, int]:
        """Rows per canonical table (current versions), plus ``rejects``."""
        out = {}
        for name in [*TABLES, "rejects"]:
            row = self.con.execute(f"SELECT count(*) FROM {name}").fetchone()
            out[name] = int(row[0]) if row else 0
        return out

    def rejects(self, *, limit: int = 50, source: str | None = None) -> list[dict[str, Any]]:
        """The most recent rejected records, newest first."""
        where = "WHERE source = ?" if source else ""
        params = [source] if source else []
        cur = self.con.execute(
            f"SELECT source, line, path, field, reason, record, rejected_at FROM rejects {where} "
            f"ORDER BY rejected_at DESC, source, line LIMIT {int(limit)}",
            params,
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    # -- writing ---------------------------------------------------------------------------

    def write_batch(self, batch: Batch, *, now: dt.datetime) -> IngestResult:
        """Load ``batch`` atomically and idempotently; return what it added.

        Raises
        ------
        StoreError
            When DuckDB fails; the warehouse is left unchanged.
        """
        ingest_id = f"{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        result = IngestResult(batch.source, batch.format)
        ctx = _Ctx(self.con, str(batch.source), ingest_id, _sql_value(now), result)
        try:
            self.con.execute("BEGIN TRANSACTION")
            for fr in batch.file_rejects:
                ctx.reject_rows(
                    "SELECT NULL::BIGINT AS _line, NULL::VARCHAR AS _path, "
                    f"{_lit(fr.field)} AS _field, {_lit(fr.reason)} AS _reason, NULL AS _record"
                )
            for stmt in batch.setup:
                self.con.execute(stmt)
            if batch.setup:
                ctx.reject_rows("SELECT * FROM _bad")
            for load in batch.loads:
                if load.kind == "skipped":
                    row = self.con.execute(load.select).fetchone()
                    result.skipped += int(row[0]) if row else 0
                elif load.table is None:
                    ctx.reject_rows(load.select)
                else:
                    ctx.load(load.table, load.select)
            self.con.execute(
                "INSERT INTO ingests VALUES (?, ?, ?, ?, " + ctx.now + ", ?, ?, ?, ?)",
                [
                    ingest_id,
                    str(batch.source),
                    batch.format,
                    batch.encoding,
                    json.dumps(result.rows),
                    result.duplicates,
                    result.rejects,
                    result.skipped,
                ],
            )
            for stmt in (
                *batch.teardown,
                "DROP TABLE IF EXISTS _good",
                "DROP TABLE IF EXISTS _fresh",
            ):
                self.con.execute(stmt)
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"loading {batch.source} failed and was rolled back: {exc}") from exc
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        if result.rejects:
            cur = self.con.execute(
                "SELECT coalesce('line ' || line || ': ', '') || coalesce(field || ': ', '') || "
                "reason FROM rejects WHERE ingest_id = ? ORDER BY line NULLS FIRST LIMIT 5",
                [ingest_id],
            )
            result.reasons = [r[0] for r in cur.fetchall()]
        return result


def _lit(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


@dataclass
class _Ctx:
    con: duckdb.DuckDBPyConnection
    source: str
    ingest_id: str
    now: str
    result: IngestResult

    def reject_rows(self, select: str) -> None:
        """Insert rejects from ``select`` (columns _line, _path, _field, _reason, _record)."""
        cur = self.con.execute(
            f"""INSERT INTO rejects
            SELECT ?, ?, r._line, r._path, r._field, r._reason, r._record, {self.now}
            FROM ({select}) AS r(_line, _path, _field, _reason, _record)
            WHERE NOT EXISTS (SELECT 1 FROM rejects x WHERE x.source = ?
                AND x.line IS NOT DISTINCT FROM r._line AND x.path IS NOT DISTINCT FROM r._path
                AND x.reason = r._reason)""",
            [self.ingest_id, self.source, self.source],
        )
        self.result.rejects += _count(cur)

    def load(self, spec: TableSpec, select: str) -> None:
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        packed = ", ".join(f'"{c}" := "{c}"' for c in spec.column_names)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        on = " AND ".join(f'e."{k}" = g."{k}"' for k in spec.key)
        key_text = " || '/' || ".join(f'CAST(g."{k}" AS VARCHAR)' for k in spec.key)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _load AS {select}")
        self.reject_rows(
            "SELECT _line, _path, _field, _reason, _record FROM _load WHERE _reason IS NOT NULL"
        )
        self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _good AS
            SELECT *, _hash = first_value(_hash) OVER w AS _same_as_first,
                first_value(_line) OVER w AS _first_line,
                row_number() OVER (PARTITION BY {keys}, _hash ORDER BY _line, _path) AS _dup
            FROM (SELECT {cols}, _version_at, _line, _path, _record,
                    md5(CAST(to_json(struct_pack({packed})) AS VARCHAR)) AS _hash
                  FROM _load WHERE _reason IS NULL)
            WINDOW w AS (PARTITION BY {keys}, _version_at ORDER BY _line, _path)""")
        self.reject_rows(f"""SELECT _line, _path, '{spec.key[0]}' AS _field,
            'duplicate id ' || {key_text} || ' with different content at the same time as line '
            || coalesce(CAST(_first_line AS VARCHAR), '?') || '; the first one was kept' AS _reason,
            _record FROM _good g WHERE NOT _same_as_first""")
        self.con.execute(f"""CREATE OR REPLACE TEMP TABLE _fresh AS
            SELECT g.* FROM _good g WHERE _same_as_first AND _dup = 1
            AND NOT EXISTS (
                SELECT 1 FROM {spec.storage_name} e WHERE {on} AND e._hash = g._hash)""")
        before = self.result.rejects
        self.reject_rows(f"""SELECT g._line, g._path, '{spec.key[0]}' AS _field,
            'duplicate id ' || {key_text} || ' with different content than the version '
            || 'ingested from ' || e._source || coalesce(' line ' || e._line, '')
            || '; the first one was kept', g._record
            FROM _fresh g JOIN {spec.storage_name} e ON {on} AND e._version_at = g._version_at""")
        total = self.con.execute("SELECT count(*) FROM _good WHERE _same_as_first").fetchone()
        cur = self.con.execute(
            f"""INSERT INTO {spec.storage_name}
            SELECT {cols}, g._version_at, g._hash, ?, g._line, ?
            FROM _fresh g WHERE NOT EXISTS (
                SELECT 1 FROM {spec.storage_name} e
                WHERE {on} AND e._version_at = g._version_at)""",
            [self.source, self.ingest_id],
        )
        added = _count(cur)
        self.result.rows[spec.name] = self.result.rows.get(spec.name, 0) + added
        conflicts = self.result.rejects - before
        self.result.duplicates += (int(total[0]) if total else 0) - added - conflicts


def _count(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.fetchone()
    return int(row[0]) if row else 0
