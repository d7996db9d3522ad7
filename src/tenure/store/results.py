"""Derived results kept in the warehouse: churn scores and health scores per day.

Each result table holds one slice per ``as_of`` day. :func:`replace_slice` swaps a day's
slice in one transaction on DuckDB (a crash leaves the old slice or the new one, never
half of it); other backends delete then insert through Ibis.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from tenure.errors import StoreError

__all__ = ["read_slice", "replace_slice", "slice_days"]


def replace_slice(con: BaseBackend, name: str, day: dt.date, rows: pa.Table) -> int:
    """Replace the rows of table ``name`` whose ``as_of`` is ``day`` by ``rows``.

    The table is created from ``rows``' schema when missing. Returns the rows written.
    """
    if "as_of" not in rows.column_names:
        raise StoreError(f"rows for {name} need an as_of column")
    try:
        if name not in con.list_tables():
            con.create_table(name, schema=ibis.Schema.from_pyarrow(rows.schema))
        if con.name == "duckdb":
            raw: Any = con.con
            view = f"_rows_{uuid.uuid4().hex[:8]}"
            raw.register(view, rows)
            try:
                raw.execute("BEGIN TRANSACTION")
                raw.execute(f'DELETE FROM "{name}" WHERE as_of = ?', [day])
                raw.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM {view}')
                raw.execute("COMMIT")
            except Exception:
                raw.execute("ROLLBACK")
                raise
            finally:
                raw.unregister(view)
        else:
            con.raw_sql(f"DELETE FROM {name} WHERE as_of = '{day.isoformat()}'")
            con.insert(name, rows)
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"writing {name} for {day.isoformat()} failed: {exc}") from exc
    return int(rows.num_rows)


def slice_days(con: BaseBackend, name: str) -> list[dt.date]:
    """The ``as_of`` days stored in ``name``, oldest first (empty when it does not exist)."""
    if name not in con.list_tables():
        return []
    t = con.table(name)
    days = t.select("as_of").distinct().order_by("as_of").to_pyarrow().column(0).to_pylist()
    return [d for d in days if d is not None]


def read_slice(con: BaseBackend, name: str, day: dt.date | None = None) -> pa.Table | None:
    """The rows of ``name`` for ``day`` (default: the latest day); None when there are none."""
    days = slice_days(con, name)
    if not days:
        return None
    day = day or days[-1]
    t = con.table(name)
    return t.filter(t.as_of == day).to_pyarrow()
