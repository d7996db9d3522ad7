"""The warehouse: canonical tables in DuckDB (the embedded default) or a server, via Ibis.

:meth:`Warehouse.write_batch` loads one :class:`~tenure.ingest.Batch` so that the file
lands whole or not at all. Rows are idempotent: an identical version of an object
is skipped; a changed object is kept as a new version in ``<table>_versions``, and
the view ``<table>`` shows the latest version by its event or object time. The loader
keeps that version flagged (``_current``), so on DuckDB and PostgreSQL the view is a
plain filter. Every rejected record is kept in ``rejects`` with file, line, field and
reason.

The work is done by DuckDB in every case. For the embedded warehouse that is the
warehouse itself, inside one transaction. For a server (``postgres://...`` or any
other Ibis URL) an in-memory DuckDB stages the file, fetches the stored versions of
the batch's keys, and the new rows are copied to the server; on PostgreSQL in one
transaction, on other backends table by table through Ibis.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.datatypes as dt_ibis
import sqlglot as sg

from tenure.errors import MissingDependencyError, StoreError
from tenure.ingest import Batch, ts_literal
from tenure.schema import TABLES, TableSpec
from tenure.store._loader import (
    CURRENT_COLUMN,
    INGEST_COLUMNS,
    META_COLUMNS,
    REJECT_COLUMNS,
    VERSION_ORDER,
    IngestResult,
    Loader,
)
from tenure.store._maintain import LoadedRows, Maintainer

__all__ = ["IngestResult", "LoadedRows", "Maintainer", "Warehouse"]

_IBIS_TYPES: dict[str, dt_ibis.DataType] = {
    "VARCHAR": dt_ibis.string,
    "BIGINT": dt_ibis.int64,
    "INTEGER": dt_ibis.int32,
    "DOUBLE": dt_ibis.float64,
    "BOOLEAN": dt_ibis.boolean,
    "TIMESTAMPTZ": dt_ibis.Timestamp(timezone="UTC"),
    "DATE": dt_ibis.date,
    "JSON": dt_ibis.JSON(),
}
_EXTRAS = {"postgres": "postgres", "postgresql": "postgres", "pyspark": "spark"}
_ROW_ID = {"duckdb": "rowid", "postgres": "ctid"}
"""Backends whose warehouses keep ``_current`` up to date, and how a row is named there."""


def _schema(columns: tuple[tuple[str, str], ...]) -> ibis.Schema:
    return ibis.schema({name: _IBIS_TYPES[type_] for name, type_ in columns})


def storage_columns(spec: TableSpec) -> tuple[tuple[str, str], ...]:
    """Columns of a table as stored: the canonical ones plus the version metadata.

    Versioned tables end with ``_current``, the flag of each key's latest version.
    """
    current = (CURRENT_COLUMN,) if spec.versioned else ()
    return (*((c.name, c.type) for c in spec.columns), *META_COLUMNS, *current)


def _keys_match(spec: TableSpec, left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in spec.key)


class Warehouse:
    """A connection to the warehouse.

    Parameters
    ----------
    url
        ``duckdb:///abs/path.duckdb``, ``duckdb://:memory:``, or any Ibis URL such as
        ``postgres://user@host:5432/db``.
    memory_limit
        DuckDB memory limit for ingestion work; larger work spills to disk.
    query_memory_limit
        DuckDB memory limit for queries on an embedded warehouse (metrics); by default
        ``memory_limit``. Large metric queries spill less with more.
    threads
        DuckDB threads (default: all cores).
    """

    def __init__(
        self,
        url: str,
        *,
        memory_limit: str = "1GB",
        query_memory_limit: str | None = None,
        threads: int | None = None,
    ) -> None:
        self.url = url
        self.memory_limit = memory_limit
        self.query_memory_limit = query_memory_limit or memory_limit
        self.embedded = url.startswith("duckdb://")
        self._pending: dict[str, str] = {}  # server warehouses: new rows held until the end
        self._retired: dict[str, str] = {}  # and the keys whose stored versions they replace
        self.maintainers: list[Maintainer] = []
        """Called inside each load's transaction (see :meth:`maintain`)."""
        try:
            if self.embedded:
                self.ibis = ibis.duckdb.connect(url.removeprefix("duckdb://") or ":memory:")
                self.con: duckdb.DuckDBPyConnection = self.ibis.con
            else:
                self.ibis = ibis.connect(url)
                self.con = duckdb.connect()
        except ImportError as exc:
            scheme = url.split("://", 1)[0]
            extra = _EXTRAS.get(scheme, scheme)
            raise MissingDependencyError(
                f"the warehouse URL needs the {scheme} backend; install it with "
                f"pip install 'tenure[{extra}]'"
            ) from exc
        except Exception as exc:
            raise StoreError(f"cannot open the warehouse {url}: {exc}") from exc
        self.con.execute("SET TimeZone = 'UTC'")
        self._set_memory_limit(self.query_memory_limit if self.embedded else memory_limit)
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if self.ibis.name == "postgres":
            # Metric queries are deep and Ibis's memtables have no statistics, so PostgreSQL
            # JIT-compiles for seconds what runs in milliseconds (docs/engines.md).
            self._server_sql("SET jit = off")
        self.flags = self.ibis.name in _ROW_ID
        """Whether ``_current`` is kept up to date here (DuckDB, PostgreSQL)."""
        self.ensure_schema()

    def _set_memory_limit(self, limit: str) -> None:
        # a quoted literal, not a bound parameter: binding one makes DuckDB import pandas
        # (0.6 s), which a server's first page would pay
        literal = limit.replace("'", "''")
        self.con.execute(f"SET memory_limit = '{literal}'")

    def close(self) -> None:
        """Close the connections."""
        if not self.embedded:
            self.con.close()
        self.ibis.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_schema(self) -> None:
        """Create every canonical table and current-version view that does not exist yet.

        A warehouse made before versions were flagged gets its ``_current`` column, filled
        from the versions it holds, and its views replaced (see :meth:`_add_current_flags`).
        """
        existing = set(self.ibis.list_tables())
        wanted: dict[str, tuple[tuple[str, str], ...]] = {
            "rejects": REJECT_COLUMNS,
            "ingests": INGEST_COLUMNS,
        }
        for spec in TABLES.values():
            wanted[spec.storage_name] = storage_columns(spec)
        for name, columns in wanted.items():
            if name not in existing:
                self.ibis.create_table(name, schema=_schema(columns))
        for spec in TABLES.values():
            if not spec.versioned:
                continue
            if (
                self.flags
                and spec.storage_name in existing
                and CURRENT_COLUMN[0] not in self.ibis.get_schema(spec.storage_name)
            ):
                self._add_current_flags(spec)
            elif spec.name not in existing:
                self.ibis.create_view(spec.name, self._current(spec), overwrite=True)

    def _current(self, spec: TableSpec) -> ibis.Table:
        """The view ``<table>``: each key's latest version."""
        t = self.ibis.table(spec.storage_name)
        if self.flags:
            return t.filter(t._current).select(*spec.column_names, "_version_at")
        rank = ibis.row_number().over(
            group_by=list(spec.key), order_by=[ibis.desc(c) for c in VERSION_ORDER]
        )
        return (
            t.mutate(_rank=rank)
            .filter(lambda x: x._rank == 0)
            .select(*spec.column_names, "_version_at")
        )

    def _add_current_flags(self, spec: TableSpec) -> None:
        """Add ``_current`` to a table made by an older Tenure, set it, and replace the view.

        One transaction: the column, the flags (one window over the table's versions, as
        the old view computed) and the new view land together or not at all.
        """
        table, row = spec.storage_name, _ROW_ID[self.ibis.name]
        keys = ", ".join(f'"{k}"' for k in spec.key)
        order = ", ".join(f"{c} DESC" for c in VERSION_ORDER)
        statements = [
            f"ALTER TABLE {table} ADD COLUMN {' '.join(CURRENT_COLUMN)}",
            f"""UPDATE {table} SET _current = (r._rank = 1) FROM (
                SELECT {row} AS _row,
                    row_number() OVER (PARTITION BY {keys} ORDER BY {order}) AS _rank
                FROM {table}) AS r
            WHERE {table}.{row} = r._row""",
        ]
        if self.embedded:
            try:
                self.con.execute("BEGIN TRANSACTION")
                for sql in statements:
                    self.con.execute(sql)
                for sql in self._view_sql(spec):
                    self.con.execute(sql)
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            return
        pg = self.ibis.con
        with pg.transaction(), pg.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
            for sql in self._view_sql(spec):
                cur.execute(sql)

    def _view_sql(self, spec: TableSpec) -> list[str]:
        name = sg.to_identifier(spec.name, quoted=True).sql(self.ibis.dialect)
        select = self.ibis.compile(self._current(spec))
        return [f"DROP VIEW IF EXISTS {name}", f"CREATE VIEW {name} AS {select}"]

    def _server_sql(self, sql: str) -> None:
        cur = self.ibis.raw_sql(sql)
        if hasattr(cur, "close"):
            cur.close()

    # -- reading ---------------------------------------------------------------------------

    def table(self, name: str) -> ibis.Table:
        """The Ibis table (or current-version view) ``name``."""
        return self.ibis.table(name)

    def counts(self) -> dict[str, int]:
        """Rows per canonical table (current versions), plus ``rejects``."""
        return {name: int(self.table(name).count().execute()) for name in [*TABLES, "rejects"]}

    def rejects(self, *, limit: int = 50, source: str | None = None) -> list[dict[str, Any]]:
        """The most recent rejected records, newest first."""
        t = self.table("rejects")
        if source is not None:
            t = t.filter(t.source == source)
        t = t.order_by([ibis.desc("rejected_at"), "source", "line"]).limit(limit)
        cols = ["source", "line", "path", "field", "reason", "record", "rejected_at"]
        rows: list[dict[str, Any]] = t.select(*cols).to_pyarrow().to_pylist()
        return rows

    # -- writing ---------------------------------------------------------------------------

    def maintain(self, maintainer: Maintainer) -> None:
        """Call ``maintainer`` inside the transaction of every later load.

        It runs after the new rows are written and before the commit, on DuckDB and on
        PostgreSQL; an error it raises rolls the load back. Other server backends load
        table by table, without a transaction, and do not call maintainers.
        """
        self.maintainers.append(maintainer)

    def _execute(self, sql: str) -> None:
        self.con.execute(sql)

    def _fetchall(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def _run_maintainers(
        self,
        result: IngestResult,
        ingest_id: str,
        execute: Callable[[str], None],
        fetch: Callable[[str], list[tuple[Any, ...]]],
    ) -> None:
        loaded = LoadedRows(ingest_id, dict(result.rows), execute, fetch)
        for maintainer in self.maintainers:
            maintainer(loaded)

    def write_batch(self, batch: Batch, *, now: dt.datetime) -> IngestResult:
        """Load ``batch`` atomically and idempotently; return what it added.

        Raises
        ------
        StoreError
            When the load fails; the warehouse is left unchanged.
        """
        ingest_id = f"{now.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        if self.embedded:
            return self._write_embedded(batch, ingest_id, now)
        return self._write_remote(batch, ingest_id, now)

    def _append(self, spec: TableSpec, select: str) -> int:
        row = self.con.execute(f"INSERT INTO {spec.storage_name} BY NAME {select}").fetchone()
        return int(row[0]) if row else 0

    def _retire_local(self, table: str, spec: TableSpec, select: str) -> None:
        """Clear ``_current`` in the DuckDB table ``table`` for the keys ``select`` returns."""
        self.con.execute(f"""UPDATE {table} AS v SET _current = FALSE
            WHERE v._current AND EXISTS (
                SELECT 1 FROM ({select}) AS r WHERE {_keys_match(spec, "r", "v")})""")

    def _write_embedded(self, batch: Batch, ingest_id: str, now: dt.datetime) -> IngestResult:
        loader = Loader(
            self.con,
            ingest_id,
            ts_literal(now),
            existing=lambda spec: spec.storage_name,
            sink=self._append,
            retire=lambda spec, select: self._retire_local(spec.storage_name, spec, select),
            existing_rejects="rejects",
        )
        try:
            self._set_memory_limit(self.memory_limit)
            self.con.execute("BEGIN TRANSACTION")
            result = loader.run(batch)
            for storage in ("rejects", "ingests"):
                self.con.execute(f"INSERT INTO {storage} BY NAME SELECT * FROM _new__{storage}")
                self.con.execute(f"DROP TABLE _new__{storage}")
            self._run_maintainers(result, ingest_id, self._execute, self._fetchall)
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"loading {batch.source} failed and was rolled back: {exc}") from exc
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            self._set_memory_limit(self.query_memory_limit)
        return result

    def _write_remote(self, batch: Batch, ingest_id: str, now: dt.datetime) -> IngestResult:
        self._fetch(
            "_stored_rejects",
            self.table("rejects")
            .filter(lambda t: t.source == str(batch.source))
            .select("source", "line", "path", "reason"),
        )
        self._pending, self._retired = {}, {}
        loader = Loader(
            self.con,
            ingest_id,
            ts_literal(now),
            existing=self._stored,
            sink=self._stash,
            retire=self._stash_retired if self.flags else None,
            existing_rejects="_stored_rejects",
        )
        try:
            result = loader.run(batch)
        except duckdb.Error as exc:
            raise StoreError(f"loading {batch.source} failed; nothing was written: {exc}") from exc
        tables = {**self._pending, "rejects": "_new__rejects", "ingests": "_new__ingests"}
        self._push(tables, self._retired, result, ingest_id)
        for new in [*tables.values(), *self._retired.values()]:
            self.con.execute(f"DROP TABLE IF EXISTS {new}")
        return result

    def _stash(self, spec: TableSpec, select: str) -> int:
        """Keep new rows locally until the whole file is read (see ``_push``)."""
        new = f"_new__{spec.storage_name}"
        if spec.storage_name not in self._pending:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {new} AS {select} LIMIT 0")
            self._pending[spec.storage_name] = new
        row = self.con.execute(f"INSERT INTO {new} {select}").fetchone()
        return int(row[0]) if row else 0

    def _stash_retired(self, spec: TableSpec, select: str) -> None:
        """Retire keys among this file's rows so far, and keep them for the server."""
        new = self._pending.get(spec.storage_name)
        if new is not None:
            self._retire_local(new, spec, select)
        keys = f"_retire__{spec.storage_name}"
        if spec.storage_name not in self._retired:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {keys} AS {select} LIMIT 0")
            self._retired[spec.storage_name] = keys
        self.con.execute(f"INSERT INTO {keys} {select}")

    def _fetch(self, name: str, expr: ibis.Table) -> None:
        """Materialise a server-side expression as a local DuckDB temp table."""
        arrow = expr.to_pyarrow()
        self.con.register("_arrow_in", arrow)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _arrow_in")
        self.con.unregister("_arrow_in")

    def _stored(self, spec: TableSpec) -> str:
        """Stored versions of the keys being loaded: fetched ones plus this file's so far."""
        cols = ", ".join(f'"{c}"' for c in self._stored_columns(spec))
        self._fetch_stored(spec)
        new = self._pending.get(spec.storage_name)
        if new is None:
            return "_stored"
        return f"(SELECT {cols} FROM _stored UNION ALL SELECT {cols} FROM {new})"

    @staticmethod
    def _stored_columns(spec: TableSpec) -> list[str]:
        cols = [*spec.key, "_hash", "_version_at", "_event_id", "_source", "_line"]
        return [*cols, "_ingest_id", "_current"] if spec.versioned else cols

    def _fetch_stored(self, spec: TableSpec) -> None:
        keys = list(spec.key)
        arrow = self.con.execute(f"SELECT DISTINCT {', '.join(keys)} FROM _keys").to_arrow_table()
        stored = self.table(spec.storage_name)
        cols = self._stored_columns(spec)
        if arrow.num_rows == 0:
            self._fetch("_stored", stored.select(*cols).limit(0))
            return
        name = f"_tenure_keys_{uuid.uuid4().hex[:8]}"
        self.ibis.create_table(name, obj=arrow, temp=True)
        try:
            self._fetch("_stored", stored.join(self.ibis.table(name), keys).select(*cols))
        finally:
            cur = self.ibis.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
            if hasattr(cur, "close"):
                cur.close()

    def _push(
        self, tables: dict[str, str], retired: dict[str, str], result: IngestResult, ingest_id: str
    ) -> None:
        """Append local temp tables to the server: one transaction on PostgreSQL.

        ``retired`` names, per storage table, the keys whose stored versions are no
        longer current; they are retired before the new rows go in. On PostgreSQL the
        maintainers run last in the same transaction.
        """
        if self.ibis.name == "postgres":
            self._push_postgres(tables, retired, result, ingest_id)
            return
        for storage, new in tables.items():
            self.ibis.insert(storage, self.con.execute(f"SELECT * FROM {new}").to_arrow_table())

    def _push_postgres(
        self, tables: dict[str, str], retired: dict[str, str], result: IngestResult, ingest_id: str
    ) -> None:
        pg = self.ibis.con
        with tempfile.TemporaryDirectory(prefix="tenure-") as tmp:

            def copy_in(cur: Any, local: str, target: str) -> None:
                path = Path(tmp) / f"{local}.csv"
                self.con.execute(f"COPY {local} TO '{path}' (FORMAT csv, HEADER)")
                desc = self.con.execute(f"SELECT * FROM {local} LIMIT 0").description
                names = ", ".join(f'"{d[0]}"' for d in desc)
                sql = f"COPY {target} ({names}) FROM STDIN WITH (FORMAT csv, HEADER)"
                with cur.copy(sql) as copy, path.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)

            try:
                with pg.transaction(), pg.cursor() as cur:
                    for storage, keys in retired.items():
                        spec = next(t for t in TABLES.values() if t.storage_name == storage)
                        columns = ", ".join(f'"{k}"' for k in spec.key)
                        cur.execute(
                            "CREATE TEMP TABLE _tenure_retire ON COMMIT DROP AS "
                            f"SELECT {columns} FROM {storage} LIMIT 0"
                        )
                        copy_in(cur, keys, "_tenure_retire")
                        cur.execute(
                            f"UPDATE {storage} AS v SET _current = FALSE FROM _tenure_retire AS r "
                            f"WHERE v._current AND {_keys_match(spec, 'r', 'v')}"
                        )
                        cur.execute("DROP TABLE _tenure_retire")
                    for storage, new in tables.items():
                        copy_in(cur, new, storage)

                    def fetch(sql: str) -> list[tuple[Any, ...]]:
                        cur.execute(sql)
                        return list(cur.fetchall())

                    self._run_maintainers(result, ingest_id, cur.execute, fetch)
            except Exception as exc:
                raise StoreError(
                    f"copying the new rows to {self.url} failed and was rolled back: {exc}"
                ) from exc
