"""A tiny builder for hand-made subscription histories in Tenure's canonical tables.

A :class:`World` collects rows (customers, prices, subscriptions, invoices and their
lines, ...) and loads them into a warehouse the fast way: one Arrow table per storage
table (``<name>_versions``), with the version metadata filled in. :meth:`World.files`
writes the same rows as one JSON Lines file per table, for ingestion the real way.

Money given to the builder is in minor units (cents), like the canonical tables; the
metrics answer in major units. Days may be ``"2026-01-15"`` strings, dates or datetimes
(all UTC midnight unless a datetime says otherwise).

Examples
--------
>>> w = World()
>>> cus = w.customer(country="DE")
>>> pro = w.price(amount=1000)
>>> sub = w.subscription(cus, start="2026-01-01")
>>> invoices = w.monthly_invoices(sub, pro, start="2026-01-01", months=3)
>>> len(invoices), len(w.rows["invoice_lines"])
(3, 3)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa

from tenure.config import MetricsSettings
from tenure.metrics import MetricsContext, SeriesQuery, mrr_changes, mrr_series
from tenure.metrics._base import add_months
from tenure.schema import TABLES, TableSpec
from tenure.store import Warehouse
from tenure.store.warehouse import storage_columns

__all__ = ["Day", "World", "changes", "day", "empty", "pick", "series", "ts"]

Day = str | dt.date | dt.datetime
_ARROW = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "DATE": pa.date32(),
    "JSON": pa.string(),
}
_INTERVAL_DAYS = {"day": 1, "week": 7}
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def ts(value: Day | None) -> dt.datetime | None:
    """``value`` as an aware UTC datetime (a bare day is its midnight)."""
    if value is None or isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value is not None and value.tzinfo else value
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


def day(value: Day) -> dt.date:
    """``value`` as a date."""
    stamp = ts(value)
    assert stamp is not None
    return stamp.date()


def period_end(start: Day, interval: str, count: int = 1) -> dt.datetime:
    """The end of the billing period of ``interval`` x ``count`` that starts at ``start``."""
    begin = ts(start)
    assert begin is not None
    if interval in _INTERVAL_DAYS:
        return begin + dt.timedelta(days=_INTERVAL_DAYS[interval] * count)
    months = count * (12 if interval == "year" else 1)
    return ts(add_months(begin.date(), months)) or begin


class World:
    """Rows of the canonical tables for one tiny, hand-made subscription history.

    Parameters
    ----------
    currency
        The default currency of prices, invoices and subscriptions.
    """

    def __init__(self, currency: str = "USD", *, warehouse: Warehouse | None = None) -> None:
        self.currency = currency
        self.warehouse = warehouse
        self._owned = warehouse is None
        self._loaded = False
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._ids: dict[str, int] = defaultdict(int)
        self._subs: dict[str, dict[str, Any]] = {}
        self._prices: dict[str, dict[str, Any]] = {}

    # -- ids and rows -----------------------------------------------------------------------

    def _id(self, prefix: str, given: str | None = None) -> str:
        if given is not None:
            return given
        self._ids[prefix] += 1
        return f"{prefix}_{self._ids[prefix]}"

    def _add(self, table: str, row: dict[str, Any], version_at: Day | None = None) -> None:
        spec = TABLES[table]
        unknown = set(row) - set(spec.column_names)
        assert not unknown, f"{table} has no columns {sorted(unknown)}"
        stamp = ts(version_at) or ts(row.get("created_at")) or EPOCH
        self.rows[table].append({**row, "_version_at": stamp})

    # -- reference data ---------------------------------------------------------------------

    def customer(
        self,
        customer_id: str | None = None,
        *,
        country: str | None = "US",
        created_at: Day = "2025-01-01",
        **columns: Any,
    ) -> str:
        """Add a customer; return its id."""
        cid = self._id("cus", customer_id)
        self._add(
            "customers",
            {"customer_id": cid, "country": country, "created_at": ts(created_at), **columns},
        )
        return cid

    def product(
        self, product_id: str | None = None, *, name: str | None = None, plan: str | None = None
    ) -> str:
        """Add a product (a plan family ``plan``, else known by ``name``); return its id."""
        pid = self._id("prod", product_id)
        self._add(
            "products",
            {"product_id": pid, "name": name or pid, "plan": plan, "created_at": EPOCH},
        )
        return pid

    def price(
        self,
        price_id: str | None = None,
        *,
        amount: int = 1000,
        interval: str | None = "month",
        interval_count: int = 1,
        currency: str | None = None,
        product: str | None = None,
        is_free: bool | None = None,
        type: str | None = None,
    ) -> str:
        """Add a price of ``amount`` minor units per ``interval`` x ``interval_count``.

        A product named after the price is made when ``product`` is not given.
        """
        pid = self._id("price", price_id)
        product = product or self.product(name=pid)
        row = {
            "price_id": pid,
            "product_id": product,
            "currency": currency or self.currency,
            "amount_minor": amount,
            "interval": interval,
            "interval_count": interval_count if interval else None,
            "type": type or ("recurring" if interval else "one_time"),
            "is_free": amount == 0 if is_free is None else is_free,
            "created_at": EPOCH,
        }
        self._prices[pid] = row
        self._add("prices", row)
        return pid

    def coupon(
        self,
        coupon_id: str | None = None,
        *,
        percent_off: float | None = None,
        amount_off: int | None = None,
        duration: str = "forever",
        months: int | None = None,
    ) -> str:
        """Add a coupon (``duration`` once, repeating for ``months`` or forever)."""
        cid = self._id("coupon", coupon_id)
        self._add(
            "coupons",
            {
                "coupon_id": cid,
                "percent_off": percent_off,
                "amount_off_minor": amount_off,
                "currency": self.currency if amount_off is not None else None,
                "duration": duration,
                "duration_in_months": months,
                "created_at": EPOCH,
            },
        )
        return cid

    def fx_rate(self, currency: str, quote_currency: str, rate_on: Day, rate: float) -> None:
        """1 ``currency`` = ``rate`` ``quote_currency`` from ``rate_on``."""
        self._add(
            "fx_rates",
            {
                "currency": currency,
                "quote_currency": quote_currency,
                "rate_on": day(rate_on),
                "rate": rate,
            },
            version_at=rate_on,
        )

    # -- subscriptions ----------------------------------------------------------------------

    def subscription(
        self,
        customer: str,
        *,
        start: Day,
        subscription_id: str | None = None,
        status: str = "active",
        currency: str | None = None,
        **columns: Any,
    ) -> str:
        """Add a subscription that starts at ``start``; return its id.

        ``columns`` are any other subscription columns (``ended_at``, ``canceled_at``,
        ``trial_end_at``, ``coupon_id``, ...); days are converted to timestamps.
        """
        sid = self._id("sub", subscription_id)
        row = {
            "subscription_id": sid,
            "customer_id": customer,
            "status": status,
            "currency": currency or self.currency,
            "created_at": ts(start),
            "started_at": ts(start),
            **{k: _cell(k, v) for k, v in columns.items()},
        }
        self._subs[sid] = row
        self._add("subscriptions", row, version_at=start)
        return sid

    def update_subscription(self, subscription: str, *, at: Day, **changes: Any) -> None:
        """Record a new version of ``subscription`` at ``at`` with ``changes``."""
        row = {**self._subs[subscription], **{k: _cell(k, v) for k, v in changes.items()}}
        self._subs[subscription] = row
        self._add("subscriptions", row, version_at=at)

    def cancel(
        self,
        subscription: str,
        *,
        at: Day,
        ended_at: Day | None = None,
        at_period_end: bool = False,
    ) -> None:
        """Cancel ``subscription``: asked at ``at``, ending at ``ended_at`` (or ``at``).

        With ``at_period_end`` and no ``ended_at`` the subscription stays active with
        ``cancel_at_period_end`` set (a cancellation not yet effective).
        """
        if at_period_end and ended_at is None:
            self.update_subscription(subscription, at=at, canceled_at=at, cancel_at_period_end=True)
            return
        self.update_subscription(
            subscription,
            at=ended_at or at,
            status="canceled",
            canceled_at=at,
            ended_at=ended_at or at,
            cancel_at_period_end=at_period_end,
        )

    # -- invoices ---------------------------------------------------------------------------

    def invoice(
        self,
        subscription: str,
        *,
        at: Day,
        status: str = "paid",
        currency: str | None = None,
        invoice_id: str | None = None,
        **columns: Any,
    ) -> str:
        """Add an invoice of ``subscription`` created at ``at`` (add lines with :meth:`line`)."""
        sub = self._subs[subscription]
        iid = self._id("in", invoice_id)
        self._add(
            "invoices",
            {
                "invoice_id": iid,
                "customer_id": sub["customer_id"],
                "subscription_id": subscription,
                "status": status,
                "currency": currency or sub["currency"],
                "created_at": ts(at),
                "paid_at": ts(at) if status == "paid" else None,
                "voided_at": ts(at) if status == "void" else None,
                **{k: _cell(k, v) for k, v in columns.items()},
            },
        )
        return iid

    def line(
        self,
        invoice: str,
        *,
        subscription: str | None,
        price: str | None,
        amount: int | None = None,
        start: Day,
        end: Day | None = None,
        quantity: int | None = 1,
        kind: str = "subscription",
        proration: bool = False,
        discount: int = 0,
        tax: int = 0,
        currency: str | None = None,
        description: str | None = None,
    ) -> str:
        """Add an invoice line for the service period ``[start, end)``.

        ``amount`` defaults to the price's unit amount times ``quantity``; ``end`` to the
        end of the price's billing period from ``start``.
        """
        p = self._prices.get(price or "", {})
        if amount is None:
            amount = int(p["amount_minor"]) * (quantity or 1)
        if end is None:
            end = period_end(start, p["interval"], p["interval_count"])
        lid = self._id("il", None)
        self._add(
            "invoice_lines",
            {
                "line_id": lid,
                "invoice_id": invoice,
                "subscription_id": subscription,
                "price_id": price,
                "kind": kind,
                "amount_minor": amount,
                "currency": currency or p.get("currency") or self.currency,
                "quantity": quantity,
                "discount_minor": discount,
                "tax_minor": tax,
                "proration": proration,
                "period_start_at": ts(start),
                "period_end_at": ts(end),
                "description": description,
            },
            version_at=start,
        )
        return lid

    def bill(
        self,
        subscription: str,
        price: str,
        *,
        start: Day,
        quantity: int = 1,
        discount: int = 0,
        tax: int = 0,
        status: str = "paid",
        amount: int | None = None,
        end: Day | None = None,
    ) -> str:
        """One invoice with one line for the billing period of ``price`` from ``start``."""
        inv = self.invoice(subscription, at=start, status=status)
        self.line(
            inv,
            subscription=subscription,
            price=price,
            amount=amount,
            start=start,
            end=end,
            quantity=quantity,
            discount=discount,
            tax=tax,
        )
        return inv

    def monthly_invoices(
        self,
        subscription: str,
        price: str,
        *,
        start: Day,
        months: int,
        quantity: int = 1,
        percent_off: float = 0,
        discounted: int | None = None,
        tax_percent: float = 0,
        status: str = "paid",
    ) -> list[str]:
        """One invoice + line per billing period of ``price``, ``months`` periods from ``start``.

        ``percent_off`` is a discount on the first ``discounted`` periods (all when None);
        ``tax_percent`` adds tax to every line. Despite the name, the period is the price's
        own (a yearly price gives one invoice per year).
        """
        p = self._prices[price]
        at = ts(start)
        assert at is not None
        out = []
        for k in range(months):
            amount = int(p["amount_minor"]) * quantity
            off = percent_off if discounted is None or k < discounted else 0
            out.append(
                self.bill(
                    subscription,
                    price,
                    start=at,
                    quantity=quantity,
                    discount=round(amount * off / 100),
                    tax=round(amount * tax_percent / 100),
                    status=status,
                )
            )
            at = period_end(at, p["interval"], p["interval_count"])
        return out

    def change(
        self,
        subscription: str,
        *,
        at: Day,
        period: tuple[Day, Day],
        old: tuple[str, int],
        new: tuple[str, int],
        status: str = "paid",
        percent_off: float = 0,
    ) -> str:
        """A mid-period change from ``old`` to ``new`` (each ``(price, quantity)``) at ``at``.

        Bills Stripe's two proration lines for the rest of ``period``: "Unused time on
        old" (negative) and "Remaining time on new" (positive), each the unit amount x
        quantity x the share of the period left, less ``percent_off`` (rounded to the
        cent, as Stripe rounds each line's discount).
        """
        begin, end, when = ts(period[0]), ts(period[1]), ts(at)
        assert begin is not None and end is not None and when is not None
        share = (end - when) / (end - begin)
        inv = self.invoice(subscription, at=at, status=status, billing_reason="subscription_update")
        for (price, quantity), sign, text in ((old, -1, "Unused time"), (new, 1, "Remaining time")):
            unit = int(self._prices[price]["amount_minor"])
            amount = round(unit * quantity * share)
            self.line(
                inv,
                subscription=subscription,
                price=price,
                amount=sign * amount,
                discount=round(amount * percent_off / 100),
                start=when,
                end=end,
                quantity=quantity,
                kind="invoiceitem",
                proration=True,
                description=f"{text} on {quantity} x {price}",
            )
        return inv

    # -- other tables -----------------------------------------------------------------------

    def payment(self, invoice: str, *, at: Day, amount: int, status: str = "succeeded") -> str:
        inv = next(r for r in self.rows["invoices"] if r["invoice_id"] == invoice)
        cid = self._id("ch", None)
        self._add(
            "payments",
            {
                "charge_id": cid,
                "customer_id": inv["customer_id"],
                "invoice_id": invoice,
                "amount_minor": amount,
                "currency": inv["currency"],
                "status": status,
                "created_at": ts(at),
            },
        )
        return cid

    def feedback(self, customer: str, *, at: Day, kind: str = "nps", **columns: Any) -> str:
        fid = self._id("fb", None)
        self._add(
            "feedback",
            {
                "feedback_id": fid,
                "customer_id": customer,
                "kind": kind,
                "submitted_at": ts(at),
                **columns,
            },
        )
        return fid

    def event(self, customer: str, event: str, *, at: Day, **columns: Any) -> str:
        mid = self._id("msg", None)
        self._add(
            "events",
            {
                "message_id": mid,
                "type": "track",
                "event": event,
                "customer_id": customer,
                "occurred_at": ts(at),
                **columns,
            },
        )
        return mid

    # -- loading ----------------------------------------------------------------------------

    def arrow(self, table: str) -> pa.Table:
        """The rows of ``table`` as its storage table (``<name>_versions``) holds them."""
        spec = TABLES[table]
        fields = [pa.field(name, _ARROW[type_]) for name, type_ in storage_columns(spec)]
        given = self.rows.get(table, [])
        latest: dict[tuple[Any, ...], int] = {}  # the current version: latest time, then line
        for i, row in enumerate(given):
            key = tuple(row.get(k) for k in spec.key)
            if key not in latest or given[latest[key]]["_version_at"] <= row["_version_at"]:
                latest[key] = i
        current = set(latest.values())
        rows = [
            {
                **row,
                "_hash": f"{table}:{i}",
                "_source": "builder",
                "_line": i,
                "_ingest_id": "builder",
                "_event_id": None,
                **({"_current": i in current} if spec.versioned else {}),
            }
            for i, row in enumerate(given)
        ]
        return pa.Table.from_pylist(rows, schema=pa.schema(fields))

    def load(self, warehouse: Warehouse) -> Warehouse:
        """Insert every row into ``warehouse`` (whose tables must be empty)."""
        for table, rows in self.rows.items():
            if rows:
                insert(warehouse, TABLES[table], self.arrow(table))
        self.warehouse, self._loaded = warehouse, True
        return warehouse

    def ctx(self, as_of: Day, *, currency: str | None = None, **rules: Any) -> MetricsContext:
        """A :class:`MetricsContext` at ``as_of`` with ``rules`` (``MetricsSettings`` fields).

        The rows are loaded on first use, into a fresh in-memory DuckDB unless the world
        was given a warehouse; rows added afterwards are not seen.
        """
        if not self._loaded:
            self.load(self.warehouse or Warehouse("duckdb://:memory:", threads=1))
        assert self.warehouse is not None
        return MetricsContext(
            self.warehouse.ibis, day(as_of), currency or self.currency, MetricsSettings(**rules)
        )

    def files(self, folder: Path) -> list[Path]:
        """Write one ``<table>.jsonl`` per table into ``folder`` (for ``format="table"``).

        A file holds one version per object (an ingested snapshot), so only the latest
        version of each object is written.
        """
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for table, rows in self.rows.items():
            key = TABLES[table].key
            latest = {tuple(r[k] for k in key): r for r in rows}
            path = folder / f"{table}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for row in latest.values():
                    clean = {k: _json(v) for k, v in row.items() if not k.startswith("_")}
                    f.write(json.dumps(clean) + "\n")
            out.append(path)
        return out

    def close(self) -> None:
        """Close the warehouse the world made for itself."""
        if self.warehouse is not None and self._owned:
            self.warehouse.close()
            self.warehouse = None


def changes(ctx: MetricsContext, *, by: str | None = None) -> list[tuple[Any, ...]]:
    """``mrr_changes`` as sorted ``(customer, group, day, movement, delta)`` in major units.

    The group is left out without a breakdown.
    """
    t = mrr_changes(ctx, by=by).to_pyarrow().to_pylist()
    rows = [
        (
            r["customer_id"],
            *((r["group"],) if by else ()),
            _iso(r["day"]),
            r["movement"],
            round(r["delta"] / ctx.units_per_major, 6),
        )
        for r in t
    ]
    return sorted(rows)


def series(
    ctx: MetricsContext,
    interval: str = "month",
    *,
    by: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[dict[str, Any]]:
    """``mrr_series`` rows as dicts, ordered by group and period."""
    q = SeriesQuery(
        interval=interval,  # type: ignore[arg-type]
        by=by,
        start=dt.date.fromisoformat(start) if start else None,
        end=dt.date.fromisoformat(end) if end else None,
    )
    rows: list[dict[str, Any]] = mrr_series(ctx, q).to_pyarrow().to_pylist()
    return rows


def pick(rows: list[dict[str, Any]], *columns: str) -> dict[str, tuple[Any, ...]]:
    """``{period: (column values...)}`` of one group's series, money rounded to 6 places."""
    return {r["period"]: tuple(_round(r[c]) for c in columns) for r in rows}


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def empty(warehouse: Warehouse) -> Warehouse:
    """Delete every row of every canonical table of ``warehouse``; return it."""
    for spec in TABLES.values():
        if warehouse.embedded:
            warehouse.con.execute(f"DELETE FROM {spec.storage_name}")
        else:
            warehouse.ibis.raw_sql(f"TRUNCATE {spec.storage_name}").close()
    return warehouse


def insert(warehouse: Warehouse, spec: TableSpec, rows: pa.Table) -> None:
    """Append Arrow ``rows`` to the storage table of ``spec``."""
    if warehouse.embedded:
        warehouse.con.register("_builder_rows", rows)
        try:
            warehouse.con.execute(
                f"INSERT INTO {spec.storage_name} BY NAME SELECT * FROM _builder_rows"
            )
        finally:
            warehouse.con.unregister("_builder_rows")
    else:
        # Ibis sends JSON as text, which PostgreSQL refuses; the builder leaves JSON empty.
        empty = [f.name for f in rows.schema if f.type == pa.string() and _is_json(spec, f.name)]
        warehouse.ibis.insert(spec.storage_name, rows.drop_columns(empty))


def _is_json(spec: TableSpec, name: str) -> bool:
    return any(c.name == name and c.type == "JSON" for c in spec.columns)


def _cell(column: str, value: Any) -> Any:
    if column.endswith("_at") and isinstance(value, str | dt.date):
        return ts(value)
    return value


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
