"""The stored MRR changes: ``mrr_changes``, kept in step with the data by ingestion.

Computing every customer's MRR changes from invoice lines is most of the cost of a series
or a cohort table (docs/benchmarks.md). :class:`ChangesTable` keeps the result, for one
reporting currency and one set of ``[metrics]`` rules, in the warehouse table
:data:`~tenure.metrics.mrr.CHANGES_TABLE`, and :func:`~tenure.metrics.mrr.changes_until`
reads it when a context matches (decision 0007).

It is a :data:`~tenure.store.Maintainer`: inside each load's transaction it finds the
customers whose MRR the load may have changed, from the keys of the versions the load
wrote, and replaces their rows with a recomputation limited to them. When the table was
computed with another fingerprint (other rules, another currency, another Tenure), or
the load touches more than a quarter of the customers, it recomputes the whole table.

Which customers a load touches (a superset is harmless, as the rows are recomputed
exactly):

- the customers of every version of each invoice the load wrote;
- the customers of every invoice holding a line of a touched subscription, where a
  subscription is touched when the load wrote it or a version of one of its lines, or
  a line on a touched invoice, or a line of a touched price, or it carries a touched
  coupon; a subscription's lines are taken whole because the proration lines of a
  billing period borrow the exchange-rate day and discount of its regular line;
- for a written exchange rate, the customers of every invoice or line in either of its
  currencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.config import MetricsSettings
from tenure.metrics._base import MetricsContext
from tenure.metrics.mrr import (
    _STORED,
    CHANGES_TABLE,
    CHANGES_TABLE_STATE,
    _changes_until,
    changes_fingerprint,
    changes_table_expr,
    mrr_segments,
)
from tenure.store import LoadedRows, Warehouse

__all__ = ["CHANGES_SCOPE", "CHANGES_SCOPE_LINES", "FULL_SHARE", "ChangesTable"]

CHANGES_SCOPE = "mrr_changes_scope"
"""The customers being recomputed (empty between loads)."""
CHANGES_SCOPE_LINES = "mrr_changes_scope_lines"
"""The invoice lines their changes are computed from (empty between loads)."""
LINE_COLUMNS = (
    "line_id",
    "invoice_id",
    "subscription_id",
    "price_id",
    "kind",
    "amount_minor",
    "currency",
    "quantity",
    "discount_minor",
    "proration",
    "period_start_at",
    "period_end_at",
)
"""The columns of ``invoice_lines`` that the MRR changes read (a narrower copy is faster)."""
_SCOPE_LINES_SQL = f"""INSERT INTO {CHANGES_SCOPE_LINES} ({", ".join(LINE_COLUMNS)})
    SELECT {", ".join(LINE_COLUMNS)} FROM invoice_lines
    WHERE subscription_id IN (SELECT subscription_id FROM invoice_lines WHERE invoice_id IN (
        SELECT invoice_id FROM invoices
        WHERE customer_id IN (SELECT customer_id FROM {CHANGES_SCOPE})))"""
FULL_SHARE = 0.25
"""A load that touches more than this share of the customers recomputes the whole table."""
READS = ("invoices", "invoice_lines", "subscriptions", "prices", "coupons", "fx_rates")
"""The canonical tables the MRR changes are computed from."""
_COMPILED: dict[tuple[str, str, str], str] = {}
"""INSERT statements by (full or scoped, dialect, fingerprint): compiling takes seconds."""
_ANY_DAY = dt.date(2000, 1, 1)
"""The stored rows do not depend on ``as_of``; a context needs one all the same."""


@dataclass(frozen=True)
class _Scoped(MetricsContext):
    """A context whose invoice lines are the copy in :data:`CHANGES_SCOPE_LINES`.

    That copy holds every line that a scope customer's changes depend on: the lines of
    every subscription billed on their invoices (their own lines, and the other lines of
    the same billing periods, for the proration anchors). Copied once per load, so the
    lines are scanned once and not once per use.
    """

    current_knowledge: ClassVar[bool] = False

    def table(self, name: str) -> ir.Table:
        return self.con.table(CHANGES_SCOPE_LINES if name == "invoice_lines" else name)


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def touched_customers_sql(ingest_id: str, tables: set[str]) -> str:
    """A query of the customers whose changes a load of ``tables`` may have changed.

    ``tables`` are those the load wrote rows to; see the module docstring for the rule.
    """

    def written(table: str, column: str) -> str:
        return f"SELECT {column} FROM {table}_versions WHERE _ingest_id = {_lit(ingest_id)}"

    currencies = (
        f"SELECT upper(currency) FROM ({written('fx_rates', 'currency')}) AS a UNION "
        f"SELECT upper(quote_currency) FROM ({written('fx_rates', 'quote_currency')}) AS b"
    )
    lines: list[str] = []  # conditions on a line version that touch its subscription
    invoices: list[str] = []  # conditions on an invoice version that touch its customer
    subscriptions: list[str] = []
    if "invoice_lines" in tables:
        lines.append(f"line_id IN ({written('invoice_lines', 'line_id')})")
    if "prices" in tables:
        lines.append(f"price_id IN ({written('prices', 'price_id')})")
    if "invoices" in tables:
        touched = written("invoices", "invoice_id")
        lines.append(f"invoice_id IN ({touched})")
        invoices.append(f"invoice_id IN ({touched})")
    if "fx_rates" in tables:
        lines.append(f"upper(currency) IN ({currencies})")
        invoices.append(f"upper(currency) IN ({currencies})")
    if "subscriptions" in tables:
        subscriptions.append(written("subscriptions", "subscription_id"))
    if "coupons" in tables:
        subscriptions.append(
            "SELECT subscription_id FROM subscriptions_versions "
            f"WHERE coupon_id IN ({written('coupons', 'coupon_id')})"
        )
    if lines:
        subscriptions.append(
            f"SELECT subscription_id FROM invoice_lines_versions WHERE {' OR '.join(lines)}"
        )
    if subscriptions:
        invoices.append(
            "invoice_id IN (SELECT invoice_id FROM invoice_lines_versions "
            f"WHERE subscription_id IN ({' UNION '.join(subscriptions)}))"
        )
    if not invoices:
        return "SELECT customer_id FROM invoices_versions WHERE FALSE"
    return (
        "SELECT DISTINCT customer_id FROM invoices_versions "
        f"WHERE customer_id IS NOT NULL AND ({' OR '.join(invoices)})"
    )


@dataclass
class ChangesTable:
    """Keeps ``mrr_changes`` on ``con`` for one reporting currency and one set of rules.

    Parameters
    ----------
    con
        The warehouse's Ibis backend (DuckDB or PostgreSQL).
    currency
        The reporting currency.
    rules
        The ``[metrics]`` rules.

    Examples
    --------
    Register it with the warehouse once; every later load keeps the table::

        table = ChangesTable(wh.ibis, currency="USD", rules=MetricsSettings())
        table.attach(wh)  # creates the tables if needed
        table.build()  # now, for rows written around the loader (optional)
    """

    con: BaseBackend
    currency: str = "USD"
    rules: MetricsSettings | None = None

    def context(self) -> MetricsContext:
        """A context that computes the changes (never reads them back)."""
        return MetricsContext(
            self.con, _ANY_DAY, self.currency, self.rules or MetricsSettings(), stored=False
        )

    def fingerprint(self) -> str:
        return changes_fingerprint(self.context())

    def ensure_tables(self) -> None:
        """Create the table, its state and scope tables when they do not exist yet."""
        existing = set(self.con.list_tables())
        schema = changes_table_expr(self.context()).schema()
        wanted = {
            CHANGES_TABLE: schema,
            # customers: how many the table held at its last full build (for FULL_SHARE)
            CHANGES_TABLE_STATE: {"fingerprint": "string", "customers": "int64"},
            CHANGES_SCOPE: {"customer_id": "string"},
            CHANGES_SCOPE_LINES: self.con.table("invoice_lines").select(*LINE_COLUMNS).schema(),
        }
        for name, columns in wanted.items():
            if name not in existing:
                self.con.create_table(name, schema=ibis.schema(columns))

    def attach(self, warehouse: Warehouse) -> None:
        """Create the tables if needed and keep them with every load of ``warehouse``."""
        self.ensure_tables()
        warehouse.maintain(self)

    # -- computing --------------------------------------------------------------------------

    def _insert(self, kind: str) -> str:
        key = (kind, self.con.name, self.fingerprint())
        if key not in _COMPILED:  # the same for every warehouse of a dialect: compile once
            expr = changes_table_expr(self.context()) if kind == "full" else self._scoped_expr()
            columns = ", ".join(f'"{c}"' for c in _STORED)
            select = self.con.compile(expr)
            _COMPILED[key] = (
                f"INSERT INTO {CHANGES_TABLE} ({columns}) SELECT {columns} FROM ({select}) AS c"
            )
        return _COMPILED[key]

    def _scoped_expr(self) -> ir.Table:
        base = self.context()
        ctx = _Scoped(base.con, base.as_of, base.currency, base.rules, stored=False)
        segs = mrr_segments(ctx).semi_join(self.con.table(CHANGES_SCOPE), "customer_id")
        return _changes_until(ctx, segs, None, every_day=True).select(*_STORED)

    def rebuild(
        self,
        execute: Callable[[str], None],
        fetch: Callable[[str], list[tuple[Any, ...]]],
    ) -> None:
        """Recompute the whole table and record its fingerprint (in the caller's transaction)."""
        if self.con.name == "postgres":
            execute(f"TRUNCATE {CHANGES_TABLE}")
        else:
            execute(f"DELETE FROM {CHANGES_TABLE}")
        execute(self._insert("full"))
        row = fetch(f"SELECT count(DISTINCT customer_id) FROM {CHANGES_TABLE}")
        customers = int(row[0][0]) if row else 0
        execute(f"DELETE FROM {CHANGES_TABLE_STATE}")
        execute(
            f"INSERT INTO {CHANGES_TABLE_STATE} (fingerprint, customers) "
            f"VALUES ({_lit(self.fingerprint())}, {customers})"
        )

    def build(self) -> None:
        """Recompute the whole table now, in one transaction of its own.

        For warehouses whose rows were written around the loader (the benchmark's
        synthetic world); loads through :meth:`~tenure.store.Warehouse.write_batch` keep
        the table without it.
        """
        self.ensure_tables()
        if self.con.name == "postgres":
            pg = self.con.con
            with pg.transaction(), pg.cursor() as cur:

                def fetch(sql: str) -> list[tuple[Any, ...]]:
                    cur.execute(sql)
                    return list(cur.fetchall())

                self.rebuild(cur.execute, fetch)
            return
        duck = self.con.con
        duck.execute("BEGIN TRANSACTION")
        try:
            self.rebuild(duck.execute, lambda sql: duck.execute(sql).fetchall())
            duck.execute("COMMIT")
        except BaseException:
            duck.execute("ROLLBACK")
            raise

    def __call__(self, loaded: LoadedRows) -> None:
        """Bring the table in step with ``loaded`` (inside its transaction)."""
        execute, fetch = loaded.execute, loaded.fetch
        if self.con.name == "postgres":  # concurrent loads take turns from here to commit
            execute(f"LOCK TABLE {CHANGES_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        state = fetch(f"SELECT fingerprint, customers FROM {CHANGES_TABLE_STATE}")
        if len(state) != 1 or state[0][0] != self.fingerprint():
            self.rebuild(execute, fetch)
            return
        tables = {t for t in READS if loaded.rows.get(t)}
        if not tables:
            return
        execute(f"DELETE FROM {CHANGES_SCOPE}")
        execute(f"INSERT INTO {CHANGES_SCOPE} {touched_customers_sql(loaded.ingest_id, tables)}")
        row = fetch(f"SELECT count(*) FROM {CHANGES_SCOPE}")
        touched = int(row[0][0]) if row else 0
        if touched > FULL_SHARE * max(int(state[0][1] or 0), 1):
            execute(f"DELETE FROM {CHANGES_SCOPE}")
            self.rebuild(execute, fetch)
            return
        if touched:
            execute(
                f"DELETE FROM {CHANGES_TABLE} WHERE customer_id IN "
                f"(SELECT customer_id FROM {CHANGES_SCOPE})"
            )
            execute(_SCOPE_LINES_SQL)
            execute(self._insert("scoped"))
            execute(f"DELETE FROM {CHANGES_SCOPE_LINES}")
        execute(f"DELETE FROM {CHANGES_SCOPE}")
