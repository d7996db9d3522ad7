"""The warehouse: canonical tables in DuckDB (the embedded default) or a server, via Ibis.

:meth:`Warehouse.write_batch` loads one :class:`~tenure.ingest.Batch` so that the file
lands whole or not at all. Rows are idempotent: an identical version of an object
is skipped; a changed object is kept as a new version in ``<table>_versions``, and
the view ``<table>`` shows the latest version by its event or object time. Every
rejected record is kept in ``rejects`` with file, line, field and reason.

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
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.datatypes as dt_ibis

from tenure.errors import MissingDependencyError, StoreError
from tenure.ingest import Batch, ts_literal
from tenure.schema import TABLES, TableSpec
from tenure.store._loader import (
    INGEST_COLUMNS,
    META_COLUMNS,
    REJECT_COLUMNS,
    IngestResult,
    Loader,
)

__all__ = ["IngestResult", "Warehouse"]

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


def _schema(columns: tuple[tuple[str, str], ...]) -> ibis.Schema:
    return ibis.schema({name: _IBIS_TYPES[type_] for name, type_ in columns})


def storage_columns(spec: TableSpec) -> tuple[tuple[str, str], ...]:
    """Columns of a table as stored: the canonical ones plus the version metadata."""
    return (*((c.name, c.type) for c in spec.columns), *META_COLUMNS)


class Warehouse:
    """A connection to the warehouse.

    Parameters
    ----------
    url
        ``duckdb:///abs/path.duckdb``, ``duckdb://:memory:``, or any Ibis URL such as
        ``postgres://user@host:5432/db``.
    memory_limit
        DuckDB memory limit for ingestion work; larger work spills to disk.
    threads
        DuckDB threads (default: all cores).
    """

    def __init__(self, url: str, *, memory_limit: str = "1GB", threads: int | None = None) -> None:
        self.url = url
        self.embedded = url.startswith("duckdb://")
        self._pending: dict[str, str] = {}  # server warehouses: new rows held until the end
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
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.ensure_schema()

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
        """Create every canonical table and current-version view that does not exist yet."""
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
            if spec.versioned and spec.name not in existing:
                self.ibis.create_view(spec.name, self._current(spec), overwrite=True)

    def _current(self, spec: TableSpec) -> ibis.Table:
        t = self.ibis.table(spec.storage_name)
        rank = ibis.row_number().over(
            group_by=list(spec.key),
            order_by=[ibis.desc("_version_at"), ibis.desc("_ingest_id"), ibis.desc("_line")],
        )
        return (
            t.mutate(_rank=rank)
            .filter(lambda x: x._rank == 0)
            .select(*spec.column_names, "_version_at")
        )

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

    def _write_embedded(self, batch: Batch, ingest_id: str, now: dt.datetime) -> IngestResult:
        loader = Loader(
            self.con,
            ingest_id,
            ts_literal(now),
            existing=lambda spec: spec.storage_name,
            sink=self._append,
            existing_rejects="rejects",
        )
        try:
            self.con.execute("BEGIN TRANSACTION")
            result = loader.run(batch)
            for storage in ("rejects", "ingests"):
                self.con.execute(f"INSERT INTO {storage} BY NAME SELECT * FROM _new__{storage}")
                self.con.execute(f"DROP TABLE _new__{storage}")
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"loading {batch.source} failed and was rolled back: {exc}") from exc
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return result

    def _write_remote(self, batch: Batch, ingest_id: str, now: dt.datetime) -> IngestResult:
        self._fetch(
            "_stored_rejects",
            self.table("rejects")
            .filter(lambda t: t.source == str(batch.source))
            .select("source", "line", "path", "reason"),
        )
        self._pending = {}
        loader = Loader(
            self.con,
            ingest_id,
            ts_literal(now),
            existing=self._stored,
            sink=self._stash,
            existing_rejects="_stored_rejects",
        )
        try:
            result = loader.run(batch)
        except duckdb.Error as exc:
            raise StoreError(f"loading {batch.source} failed; nothing was written: {exc}") from exc
        tables = {**self._pending, "rejects": "_new__rejects", "ingests": "_new__ingests"}
        self._push(tables)
        for new in tables.values():
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

    def _fetch(self, name: str, expr: ibis.Table) -> None:
        """Materialise a server-side expression as a local DuckDB temp table."""
        arrow = expr.to_pyarrow()
        self.con.register("_arrow_in", arrow)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _arrow_in")
        self.con.unregister("_arrow_in")

    def _stored(self, spec: TableSpec) -> str:
        """Stored versions of the keys being loaded: fetched ones plus this file's so far."""
        cols = ", ".join(
            [*(f'"{k}"' for k in spec.key), "_hash", "_version_at", "_event_id", "_source", "_line"]
        )
        self._fetch_stored(spec)
        new = self._pending.get(spec.storage_name)
        if new is None:
            return "_stored"
        return f"(SELECT {cols} FROM _stored UNION ALL SELECT {cols} FROM {new})"

    def _fetch_stored(self, spec: TableSpec) -> None:
        keys = list(spec.key)
        arrow = self.con.execute(f"SELECT DISTINCT {', '.join(keys)} FROM _keys").to_arrow_table()
        stored = self.table(spec.storage_name)
        cols = [*keys, "_hash", "_version_at", "_event_id", "_source", "_line"]
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

    def _push(self, tables: dict[str, str]) -> None:
        """Append local temp tables to the server: one transaction on PostgreSQL."""
        if self.ibis.name == "postgres":
            self._push_postgres(tables)
            return
        for storage, new in tables.items():
            self.ibis.insert(storage, self.con.execute(f"SELECT * FROM {new}").to_arrow_table())

    def _push_postgres(self, tables: dict[str, str]) -> None:
        pg = self.ibis.con
        with tempfile.TemporaryDirectory(prefix="tenure-") as tmp:
            try:
                with pg.transaction(), pg.cursor() as cur:
                    for storage, new in tables.items():
                        path = Path(tmp) / f"{new}.csv"
                        self.con.execute(f"COPY {new} TO '{path}' (FORMAT csv, HEADER)")
                        cols = [
                            d[0]
                            for d in self.con.execute(f"SELECT * FROM {new} LIMIT 0").description
                        ]
                        names = ", ".join(f'"{c}"' for c in cols)
                        sql = f"COPY {storage} ({names}) FROM STDIN WITH (FORMAT csv, HEADER)"
                        with cur.copy(sql) as copy, path.open("rb") as fh:
                            while chunk := fh.read(1 << 20):
                                copy.write(chunk)
            except Exception as exc:
                raise StoreError(
                    f"copying the new rows to {self.url} failed and was rolled back: {exc}"
                ) from exc
