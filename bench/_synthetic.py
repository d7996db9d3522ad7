"""A synthetic subscription world, written straight into a DuckDB warehouse.

``ensure_world(n, seed, workdir)`` returns a warehouse holding ``n`` subscriptions over
24 months (2024-11-01 to 2026-11-01), generated with numpy and pyarrow (no Python loop
per row) and bulk-inserted into the canonical ``<name>_versions`` tables with their
metadata columns filled, so that Tenure reads it through its usual current-version views.
Worlds are cached in ``workdir`` as ``synthetic-<n>-s<seed>.duckdb``.

The mix, per subscription:

- one customer each for 90% of the subscriptions; the other 10% are a second
  subscription of a random customer (overlaps give expansion, later ones reactivation);
- two currencies, USD (70%) and EUR (30%, with 20% VAT), by customer; EUR converts at a
  monthly ``fx_rates`` row (EUR -> USD);
- three plans: Starter (flat), Pro and Business (per seat, 1 to 200 seats), each monthly
  (80%) or yearly (20%, ten times the monthly price); 30% of the monthly ones have an
  add-on item, a second line on every invoice;
- 25% start with a 14-day trial: a $0 line on the plan's price;
- lifetimes are geometric (mean ~22 months for monthly, ~3 years for yearly); those that
  end inside the world cancel at period end (70%) or immediately (30%);
- 30% of the seat plans change seats once, mid-period: two proration lines ("unused time"
  at the old quantity, "remaining time" at the new one) on an invoice of their own, and
  the new quantity on every later invoice;
- coupons: 10% "20% off for 3 months", 5% "15% off forever" (line ``discount_minor``);
- invoices: 0.3% void, 0.4% uncollectible, 0.3% open (the subscription is past due);
- subscriptions have a first version and, when they changed (seats, cancellation, past
  due), a second one, as webhook events would leave them.

That comes to about ten invoice lines per subscription. Subscription items, payments,
events and the other tables stay empty: no MRR metric reads them.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tenure.schema import table_spec
from tenure.store import Warehouse
from tenure.store.warehouse import storage_columns

__all__ = ["AS_OF", "MONTHS", "START", "ensure_world", "world_path"]

START = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
MONTHS = 24
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
AS_OF = dt.date(2026, 10, 31)
"""The last day of the world: metrics cover 24 whole months."""

CHUNK = 100_000
"""Subscriptions generated and inserted at a time (fixed, so a seed gives one world)."""

_ARROW = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMPTZ": pa.timestamp("s", tz="UTC"),
    "DATE": pa.date32(),
    "JSON": pa.string(),
}
_DAY = 86_400
_START_S = int(START.timestamp())
_END_S = int(END.timestamp())

# Catalogue: (plan, monthly unit price in cents, priced per seat).
PLANS = (("starter", 2900, False), ("pro", 1500, True), ("business", 3500, True))
CURRENCIES = ("USD", "EUR")
ADDON_PRICE = 900
COUPONS = (("WELCOME20", 20.0, "repeating", 3), ("PARTNER15", 15.0, "forever", None))


@dataclass(frozen=True)
class Catalog:
    """The small tables, and lookups by price index (plan * 4 + yearly * 2 + eur)."""

    tables: dict[str, pa.Table]
    price_ids: pa.Array
    unit: np.ndarray
    nickname: pa.Array
    addon_ids: pa.Array
    addon_nickname: pa.Array


def world_path(workdir: Path, n: int, seed: int) -> Path:
    return workdir / f"synthetic-{n}-s{seed}.duckdb"


def _arrow(name: str, columns: dict[str, Any], n: int) -> pa.Table:
    """A table in the storage column order of ``name``; missing columns are null."""
    spec = table_spec(name)
    arrays, fields = [], []
    for col, type_ in storage_columns(spec):
        typ = _ARROW[type_]
        value = columns.get(col)
        if value is None:
            arr = pa.nulls(n, typ)
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            arr = value.cast(typ)
        else:
            arr = pa.array(value).cast(typ)
        arrays.append(arr)
        fields.append(pa.field(col, typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _meta(
    name: str, n: int, version_at: Any, line0: int, seed: int, current: Any = None
) -> dict[str, Any]:
    """Version metadata as an ingest would leave it (one source file per table).

    ``current`` flags each key's latest version; by default every row is the only
    version of its key.
    """
    line = np.arange(line0, line0 + n, dtype=np.int64)
    return {
        "_version_at": version_at,
        "_hash": _ids("h", line * 2_654_435_761 % (1 << 61), 31),
        "_source": pa.repeat(pa.scalar(f"synthetic/{name}.jsonl"), n),
        "_line": line + 1,
        "_ingest_id": pa.repeat(pa.scalar(f"synthetic-s{seed}"), n),
        "_current": np.ones(n, bool) if current is None else current,
    }


def _ids(prefix: str, idx: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + the zero-padded number: Stripe-length ids without a Python loop."""
    digits = pc.utf8_lpad(pc.cast(pa.array(idx, pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _ts(seconds: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pa.array(seconds, pa.timestamp("s", tz="UTC"), mask=None if valid is None else ~valid)


def _mix(x: np.ndarray) -> np.ndarray:
    """A deterministic integer hash (splitmix64), for attributes that follow the customer."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def customer_is_eur(cust: np.ndarray) -> np.ndarray:
    return (_mix(cust) % np.uint64(1000)) < np.uint64(300)


def _month_starts() -> np.ndarray:
    """Unix seconds of the first of each month from START on (enough for yearly plans)."""
    first = np.datetime64(START.strftime("%Y-%m"), "M")
    months = first + np.arange(MONTHS + 40)
    return months.astype("datetime64[s]").astype(np.int64)


def catalog(rng: np.random.Generator, seed: int) -> Catalog:
    plans, price_rows, units, nicks = [], [], [], []
    for p, (plan, cents, per_seat) in enumerate(PLANS):
        plans.append(plan)
        for yearly in (0, 1):
            for eur in (0, 1):
                interval = "year" if yearly else "month"
                cur = CURRENCIES[eur]
                price_rows.append(
                    {
                        "price_id": f"price_{plan}_{interval}ly_{cur.lower()}",
                        "product_id": f"prod_{plan}",
                        "currency": cur,
                        "amount_minor": cents * (10 if yearly else 1),
                        "interval": interval,
                        "interval_count": 1,
                        "nickname": f"{plan.title()} {interval}ly ({cur})"
                        + (" per seat" if per_seat else ""),
                    }
                )
                units.append(price_rows[-1]["amount_minor"])
                nicks.append(price_rows[-1]["nickname"])
                assert len(price_rows) - 1 == p * 4 + yearly * 2 + eur
    addon_ids, addon_nicks = [], []
    for cur in CURRENCIES:
        addon_ids.append(f"price_storage_monthly_{cur.lower()}")
        addon_nicks.append(f"Extra storage monthly ({cur})")
        price_rows.append(
            {
                "price_id": addon_ids[-1],
                "product_id": "prod_storage",
                "currency": cur,
                "amount_minor": ADDON_PRICE,
                "interval": "month",
                "interval_count": 1,
                "nickname": addon_nicks[-1],
            }
        )
    n_prices = len(price_rows)
    prices = {k: [r[k] for r in price_rows] for k in price_rows[0]}
    created = np.full(n_prices, _START_S)
    prices |= {
        "type": ["recurring"] * n_prices,
        "usage_type": ["licensed"] * n_prices,
        "billing_scheme": ["per_unit"] * n_prices,
        "is_free": [False] * n_prices,
        "active": [True] * n_prices,
        "created_at": _ts(created),
    }
    products = {
        "product_id": [f"prod_{p}" for p in (*plans, "storage")],
        "name": [p.title() for p in plans] + ["Extra storage"],
        "plan": [*plans, None],
        "active": [True] * 4,
        "created_at": _ts(np.full(4, _START_S)),
    }
    coupons = {
        "coupon_id": [c[0] for c in COUPONS],
        "name": [c[0] for c in COUPONS],
        "percent_off": [c[1] for c in COUPONS],
        "duration": [c[2] for c in COUPONS],
        "duration_in_months": [c[3] for c in COUPONS],
        "created_at": _ts(np.full(2, _START_S)),
    }
    # EUR -> USD, one rate per month, a random walk around 1.08.
    steps = rng.normal(0, 0.01, MONTHS + 1)
    rate_on = np.datetime64(START.strftime("%Y-%m"), "M") - 1 + np.arange(MONTHS + 1)
    fx = {
        "currency": ["EUR"] * (MONTHS + 1),
        "quote_currency": ["USD"] * (MONTHS + 1),
        "rate_on": pa.array(rate_on.astype("datetime64[D]"), pa.date32()),
        "rate": np.round(1.08 * np.exp(np.cumsum(steps)), 6),
    }
    small = {"prices": prices, "products": products, "coupons": coupons, "fx_rates": fx}
    tables = {}
    for name, cols in small.items():
        n = len(next(iter(cols.values())))
        tables[name] = _arrow(name, cols | _meta(name, n, _ts(np.full(n, _START_S)), 0, seed), n)
    p = tables["prices"]
    return Catalog(
        tables=tables,
        price_ids=p.column("price_id").combine_chunks().slice(0, 12),
        unit=np.asarray(units, dtype=np.int64),
        nickname=pa.array(nicks),
        addon_ids=pa.array(addon_ids),
        addon_nickname=pa.array(addon_nicks),
    )


def _within(n: np.ndarray) -> np.ndarray:
    """0, 1, ..., n[i]-1 for each i, concatenated (the position inside each repeat)."""
    starts = np.repeat(np.cumsum(n) - n, n)
    return np.arange(int(n.sum()), dtype=np.int64) - starts


@dataclass
class Counters:
    """Global row counters, carried from chunk to chunk so ids stay unique."""

    invoices: int = 0
    lines: int = 0
    sub_versions: int = 0


def chunk(
    rng: np.random.Generator,
    lo: int,
    hi: int,
    n_customers: int,
    cat: Catalog,
    counters: Counters,
    seed: int,
) -> tuple[dict[str, pa.Table], np.ndarray, np.ndarray]:
    """Subscriptions ``lo``..``hi-1`` with their invoices and lines.

    Returns the three storage tables and, per subscription, its customer index and
    creation time (for the customers table).
    """
    n = hi - lo
    sub = np.arange(lo, hi, dtype=np.int64)
    cust = np.where(sub < n_customers, sub, rng.integers(0, n_customers, n))
    eur = customer_is_eur(cust)
    plan = rng.choice(3, n, p=[0.5, 0.35, 0.15])
    yearly = rng.random(n) < 0.2
    seats = np.where(plan == 0, 1, np.minimum(rng.geometric(0.25, n), 200))
    price = plan * 4 + yearly * 2 + eur
    m0 = rng.integers(0, MONTHS, n)
    offset = rng.integers(0, 28, n) * _DAY + rng.integers(0, _DAY, n)
    step = np.where(yearly, 12, 1)
    available = np.where(yearly, (MONTHS - m0 + 11) // 12, MONTHS - m0)
    life = np.where(yearly, rng.geometric(0.3, n), rng.geometric(0.045, n))
    churned = life < available
    nper = np.minimum(life, available)
    immediate = churned & (rng.random(n) < 0.3)
    trial = rng.random(n) < 0.25
    addon = ~yearly & (rng.random(n) < 0.3)
    coupon = rng.choice(3, n, p=[0.85, 0.10, 0.05])  # none, 20% x 3 months, 15% forever

    months = _month_starts()

    def at(month: np.ndarray, off: np.ndarray) -> np.ndarray:
        return months[month] + off

    anchor = at(m0, offset)
    created = np.where(trial, anchor - 14 * _DAY, anchor)
    last_start = at(m0 + (nper - 1) * step, offset)
    last_end = at(m0 + nper * step, offset)
    last_len = last_end - last_start
    u = rng.random(n)
    ended = np.where(immediate, last_start + (u * last_len).astype(np.int64), last_end)
    ended = np.minimum(ended, _END_S - 3600)
    canceled = np.where(immediate, ended, last_start + (u * 0.9 * last_len).astype(np.int64))

    # One seat change for 30% of the seat plans that live at least two periods.
    change = (plan > 0) & (nper >= 2) & (rng.random(n) < 0.3)
    j = (rng.random(n) * (nper - 1)).astype(np.int64)  # the period it happens in
    delta = rng.choice(np.array([-2, -1, 1, 2, 3]), n, p=[0.15, 0.25, 0.3, 0.2, 0.1])
    seats2 = np.maximum(seats + delta, 1)
    seats2 = np.where(seats2 == seats, seats + np.abs(delta), seats2)
    j_start, j_end = at(m0 + j * step, offset), at(m0 + (j + 1) * step, offset)
    t_change = j_start + ((0.1 + 0.8 * rng.random(n)) * (j_end - j_start)).astype(np.int64)

    # Regular invoices: one per billing period.
    rs = np.repeat(np.arange(n), nper)
    k = _within(nper)
    ps = at(m0[rs] + k * step[rs], offset[rs])
    pe = at(m0[rs] + (k + 1) * step[rs], offset[rs])
    qty = np.where(change[rs] & (k > j[rs]), seats2[rs], seats[rs])
    unit = cat.unit[price[rs]]
    amount = unit * qty
    pct = np.select([(coupon[rs] == 1) & (k * step[rs] < 3), coupon[rs] == 2], [0.20, 0.15], 0.0)
    discount = np.round(amount * pct).astype(np.int64)
    n_reg = len(rs)
    status_u = rng.random(n_reg)
    last = k == nper[rs] - 1
    reg_status = np.select(
        [status_u < 0.003, status_u < 0.007, last & (status_u < 0.01) & ~churned[rs]],
        [3, 2, 1],  # void, uncollectible, open (index into STATUSES)
        0,
    )
    past_due = np.zeros(n, dtype=bool)
    past_due[rs[reg_status == 1]] = True

    # Invoices: regular, then trial, then seat changes; lines point at them by index.
    ts_, tc_ = np.flatnonzero(trial), np.flatnonzero(change)
    inv_sub = np.concatenate([rs, ts_, tc_])
    inv_start = np.concatenate([ps, created[ts_], t_change[tc_]])
    inv_end = np.concatenate([pe, anchor[ts_], j_end[tc_]])
    inv_status = np.concatenate([reg_status, np.zeros(len(ts_) + len(tc_), dtype=np.int64)])
    first_paid = (k == 0) & ~trial[rs]
    reason = np.concatenate(
        [np.where(first_paid, 0, 1), np.zeros(len(ts_), np.int64), np.full(len(tc_), 2)]
    )
    n_inv = len(inv_sub)
    inv0 = counters.invoices

    # Lines: the plan line of every regular invoice, add-ons, trials, two prorations.
    ra = np.flatnonzero(addon[rs])
    rem = (j_end[tc_] - t_change[tc_]) / (j_end[tc_] - j_start[tc_])
    old = -np.round(cat.unit[price[tc_]] * seats[tc_] * rem).astype(np.int64)
    new = np.round(cat.unit[price[tc_]] * seats2[tc_] * rem).astype(np.int64)
    pro_inv = n_reg + len(ts_) + np.arange(len(tc_))
    line_inv = np.concatenate([np.arange(n_reg), ra, n_reg + np.arange(len(ts_)), pro_inv, pro_inv])
    line_sub = inv_sub[line_inv]
    line_amount = np.concatenate(
        [amount, np.full(len(ra), ADDON_PRICE), np.zeros(len(ts_), np.int64), old, new]
    )
    line_qty = np.concatenate(
        [qty, np.ones(len(ra), np.int64), seats[ts_], seats[tc_], seats2[tc_]]
    )
    line_discount = np.concatenate([discount, np.zeros(len(line_inv) - n_reg, np.int64)])
    line_start = np.concatenate([ps, ps[ra], created[ts_], t_change[tc_], t_change[tc_]])
    line_end = np.concatenate([pe, pe[ra], anchor[ts_], j_end[tc_], j_end[tc_]])
    is_addon = np.concatenate([np.zeros(n_reg, bool), np.ones(len(ra), bool)])
    is_addon = np.concatenate([is_addon, np.zeros(len(line_inv) - len(is_addon), bool)])
    proration = np.zeros(len(line_inv), bool)
    proration[n_reg + len(ra) + len(ts_) :] = True
    line_eur = eur[line_sub]
    tax = np.where(line_eur, np.round(line_amount * 0.2), 0).astype(np.int64)

    # Time order within the chunk, as an export or a webhook stream would deliver them.
    order = np.argsort(line_start, kind="stable")
    n_lines = len(order)
    line_price = pc.take(cat.price_ids, pa.array(price[line_sub]))
    addon_price = pc.take(cat.addon_ids, pa.array(line_eur.astype(np.int64)))
    line_price = pc.if_else(pa.array(is_addon), addon_price, line_price)
    nick = pc.if_else(
        pa.array(is_addon),
        pc.take(cat.addon_nickname, pa.array(line_eur.astype(np.int64))),
        pc.take(cat.nickname, pa.array(price[line_sub])),
    )
    item = np.where(is_addon, 2 * (lo + line_sub) + 1, 2 * (lo + line_sub))
    idx = pa.array(order)
    currency = pc.take(pa.array(["USD", "EUR"]), pa.array(line_eur.astype(np.int64)))
    lines = _arrow(
        "invoice_lines",
        {
            "line_id": _ids("il_", counters.lines + np.arange(n_lines), 24),
            "invoice_id": _ids("in_", inv0 + line_inv[order], 24),
            "subscription_id": _ids("sub_", lo + line_sub[order], 24),
            "subscription_item_id": pc.take(
                pc.if_else(
                    pa.array(proration), pa.nulls(n_lines, pa.string()), _ids("si_", item, 14)
                ),
                idx,
            ),
            "price_id": pc.take(line_price, idx),
            "kind": pc.take(
                pc.if_else(
                    pa.array(proration), pa.scalar("invoiceitem"), pa.scalar("subscription")
                ),
                idx,
            ),
            "amount_minor": line_amount[order],
            "currency": pc.take(currency, idx),
            "quantity": line_qty[order],
            "discount_minor": line_discount[order],
            "tax_minor": tax[order],
            "proration": proration[order],
            "period_start_at": _ts(line_start[order]),
            "period_end_at": _ts(line_end[order]),
            "description": pc.take(nick, idx),
        }
        | _meta("invoice_lines", n_lines, _ts(inv_start[line_inv[order]]), counters.lines, seed),
        n_lines,
    )

    # Invoice totals from their lines.
    subtotal = np.bincount(line_inv, weights=line_amount, minlength=n_inv).astype(np.int64)
    inv_disc = np.bincount(line_inv, weights=line_discount, minlength=n_inv).astype(np.int64)
    inv_tax = np.bincount(line_inv, weights=tax, minlength=n_inv).astype(np.int64)
    total = subtotal - inv_disc + inv_tax
    paid = inv_status == 0
    inv_eur = eur[inv_sub].astype(np.int64)
    statuses = pa.array(["paid", "open", "uncollectible", "void"])
    reasons = pa.array(["subscription_create", "subscription_cycle", "subscription_update"])
    invoices = _arrow(
        "invoices",
        {
            "invoice_id": _ids("in_", inv0 + np.arange(n_inv), 24),
            "customer_id": _ids("cus_", cust[inv_sub], 14),
            "subscription_id": _ids("sub_", lo + inv_sub, 24),
            "status": pc.take(statuses, pa.array(inv_status)),
            "currency": pc.take(pa.array(["USD", "EUR"]), pa.array(inv_eur)),
            "billing_reason": pc.take(reasons, pa.array(reason)),
            "subtotal_minor": subtotal,
            "discount_minor": inv_disc,
            "tax_minor": inv_tax,
            "total_minor": total,
            "amount_due_minor": total,
            "amount_paid_minor": np.where(paid, total, 0),
            "attempt_count": np.where(paid, 1, 3),
            "period_start_at": _ts(inv_start),
            "period_end_at": _ts(inv_end),
            "paid_at": _ts(inv_start + 3600, paid),
            "voided_at": _ts(inv_start + _DAY, inv_status == 3),
            "created_at": _ts(inv_start),
        }
        | _meta("invoices", n_inv, _ts(inv_start), inv0, seed),
        n_inv,
    )

    subs = _subscription_versions(
        lo=lo,
        cust=cust,
        eur=eur,
        created=created,
        anchor=anchor,
        trial=trial,
        coupon=coupon,
        nper=nper,
        step=step,
        m0=m0,
        offset=offset,
        churned=churned,
        immediate=immediate,
        ended=ended,
        canceled=canceled,
        change=change,
        t_change=t_change,
        past_due=past_due,
        months=months,
        line0=counters.sub_versions,
        seed=seed,
    )
    counters.invoices += n_inv
    counters.lines += n_lines
    counters.sub_versions += subs.num_rows
    tables = {"subscriptions": subs, "invoices": invoices, "invoice_lines": lines}
    return tables, cust, created


def _subscription_versions(
    *,
    lo: int,
    cust: np.ndarray,
    eur: np.ndarray,
    created: np.ndarray,
    anchor: np.ndarray,
    trial: np.ndarray,
    coupon: np.ndarray,
    nper: np.ndarray,
    step: np.ndarray,
    m0: np.ndarray,
    offset: np.ndarray,
    churned: np.ndarray,
    immediate: np.ndarray,
    ended: np.ndarray,
    canceled: np.ndarray,
    change: np.ndarray,
    t_change: np.ndarray,
    past_due: np.ndarray,
    months: np.ndarray,
    line0: int,
    seed: int,
) -> pa.Table:
    """The first version of every subscription, and a later one for those that changed."""
    n = len(cust)
    two = np.flatnonzero(churned | change | past_due)
    v = np.concatenate([np.arange(n), two])  # subscription of each version
    later = np.zeros(len(v), bool)
    later[n:] = True
    end_state = later & churned[v]
    status = np.where(
        end_state,
        "canceled",
        np.where(
            later & past_due[v], "past_due", np.where(~later & trial[v], "trialing", "active")
        ),
    )
    cur = np.where(later, m0[v] + (nper[v] - 1) * step[v], m0[v])
    period_start = months[cur] + offset[v]
    period_end = months[cur + step[v]] + offset[v]
    version_at = np.where(
        later, np.maximum(t_change[v] * change[v], ended[v] * churned[v]), created[v]
    )
    version_at = np.where(
        later & past_due[v] & ~churned[v], np.maximum(version_at, period_start + _DAY), version_at
    )
    # The later version comes on a later line, so it is current unless it is older.
    later_wins = version_at[n:] >= version_at[two]
    current = np.concatenate([np.ones(n, bool), later_wins])
    current[two] = ~later_wins
    at_period_end = end_state & ~immediate[v]
    coupon_ids = pa.array([None, COUPONS[0][0], COUPONS[1][0]], pa.string())
    has_coupon = coupon[v] > 0
    return _arrow(
        "subscriptions",
        {
            "subscription_id": _ids("sub_", lo + v, 24),
            "customer_id": _ids("cus_", cust[v], 14),
            "status": pa.array(status),
            "currency": pc.take(pa.array(["USD", "EUR"]), pa.array(eur[v].astype(np.int64))),
            "created_at": _ts(created[v]),
            "started_at": _ts(created[v]),
            "trial_start_at": _ts(created[v], trial[v]),
            "trial_end_at": _ts(anchor[v], trial[v]),
            "current_period_start_at": _ts(period_start),
            "current_period_end_at": _ts(period_end),
            "cancel_at_period_end": at_period_end,
            "cancel_at": _ts(ended[v], at_period_end),
            "canceled_at": _ts(canceled[v], end_state),
            "ended_at": _ts(ended[v], end_state),
            "cancellation_reason": pc.if_else(
                pa.array(end_state),
                pa.scalar("cancellation_requested"),
                pa.scalar(None, pa.string()),
            ),
            "coupon_id": pc.take(coupon_ids, pa.array(coupon[v])),
            "discount_start_at": _ts(anchor[v], has_coupon),
            "collection_method": pa.repeat(pa.scalar("charge_automatically"), len(v)),
        }
        | _meta("subscriptions", len(v), _ts(version_at), line0, seed, current),
        len(v),
    )


def _customers(created: np.ndarray, seed: int) -> pa.Table:
    n = len(created)
    cust = np.arange(n, dtype=np.int64)
    eur = customer_is_eur(cust)
    countries = pa.array(["US", "CA", "GB", "DE", "FR", "NL", "ES"])
    country = np.where(eur, 3 + (_mix(cust + 7) % np.uint64(4)).astype(np.int64), 0)
    country = np.where(~eur & (_mix(cust + 3) % np.uint64(5) == 0), 1 + (cust % 2), country)
    return _arrow(
        "customers",
        {
            "customer_id": _ids("cus_", cust, 14),
            "country": pc.take(countries, pa.array(country)),
            "currency": pc.take(pa.array(["USD", "EUR"]), pa.array(eur.astype(np.int64))),
            "delinquent": np.zeros(n, bool),
            "created_at": _ts(created),
        }
        | _meta("customers", n, _ts(created), 0, seed),
        n,
    )


def _insert(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register("_arrow_in", table)
    con.execute(f"INSERT INTO {table_spec(name).storage_name} SELECT * FROM _arrow_in")
    con.unregister("_arrow_in")


def build(path: Path, n: int, seed: int) -> dict[str, int]:
    """Generate the world into a new warehouse at ``path``; return rows per table."""
    root = np.random.SeedSequence([seed, n])
    seeds = root.spawn(1 + (n + CHUNK - 1) // CHUNK)
    cat = catalog(np.random.default_rng(seeds[0]), seed)
    n_customers = max(1, int(n * 0.9))
    customer_created = np.full(n_customers, np.iinfo(np.int64).max)
    counts: dict[str, int] = {}
    counters = Counters()
    wh = Warehouse(f"duckdb://{path}")
    con = wh.con
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute("BEGIN TRANSACTION")
        for name, table in cat.tables.items():
            _insert(con, name, table)
            counts[name] = table.num_rows
        for i, lo in enumerate(range(0, n, CHUNK)):
            rng = np.random.default_rng(seeds[1 + i])
            tables, cust, created = chunk(
                rng, lo, min(n, lo + CHUNK), n_customers, cat, counters, seed
            )
            np.minimum.at(customer_created, cust, created)
            for name, table in tables.items():
                _insert(con, name, table)
                counts[name] = counts.get(name, 0) + table.num_rows
        _insert(con, "customers", _customers(customer_created, seed))
        counts["customers"] = n_customers
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        wh.close()
    return counts


def ensure_world(n: int, seed: int, workdir: Path) -> Path:
    """The warehouse of the world (``n``, ``seed``), generated only when missing."""
    path = world_path(workdir, n, seed)
    if path.exists():
        return path
    tmp = path.with_suffix(".partial")
    for stale in (tmp, Path(f"{tmp}.wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = build(tmp, n, seed)
    tmp.rename(path)
    rows = ", ".join(f"{v:,} {k}" for k, v in counts.items() if k not in ("products", "coupons"))
    print(f"generated {path.name} in {time.perf_counter() - started:.1f}s: {rows}")
    return path
