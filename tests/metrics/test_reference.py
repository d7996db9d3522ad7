"""The warehouse MRR engine against the plain-Python reference, on generated demo worlds.

``reference.py`` recomputes segments, change rows and the monthly series from the
definitions with loops and dicts. Here both run on demo worlds of each Stripe shape
(300 customers x 18 months) and must agree exactly, money to 1e-9:

- segments (customer, currency, dates and units per line) and every change row (customer,
  group, day, delta, before/after, customer totals, movement) under the default rules and
  each non-default one (same_period_churn only affects the series and is left out);
- the plan and country breakdowns, and the monthly series with and without them;
- all non-default rules at once, and an ``as_of`` in the middle of a month;
- a world perturbed to reach what the demo never produces: inverse and missing early
  exchange rates, a zero-decimal currency, missing prices, weekly, daily, multi-month and
  interval-less prices, a price without a unit amount, null statuses, currencies,
  amounts and countries, odd discounts, cancellations without dates, forever coupons.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from tenure.config import MetricsSettings
from tenure.demo import generate
from tenure.metrics import MetricsContext, SeriesQuery, mrr_changes, mrr_segments, mrr_series
from tenure.workspace import Workspace

from .reference import TABLES, Reference

AS_OF = dt.date(2026, 11, 1)
SEEDS = {"current": 7, "legacy": 8}
RULES = [
    pytest.param({}, id="default"),
    pytest.param({"churn_recognition": "cancellation"}, id="cancellation"),
    pytest.param({"past_due": "exclude"}, id="past_due_exclude"),
    pytest.param({"discounts": "forever"}, id="discounts_forever"),
    pytest.param({"discounts": "none"}, id="discounts_none"),
]
SEGMENT_COLUMNS = ("customer_id", "currency", "start_on", "end_on", "units")
CHANGE_COLUMNS = (
    "customer_id",
    "group",
    "day",
    "delta",
    "before",
    "after",
    "total_before",
    "total_after",
    "movement",
)


@dataclass
class Demo:
    """A connection holding the canonical tables, and the same tables as Arrow."""

    con: Any
    arrow: dict[str, pa.Table]

    @cached_property
    def tables(self) -> dict[str, list[dict[str, Any]]]:
        return {name: t.to_pylist() for name, t in self.arrow.items()}

    def ctx(self, rules: dict[str, str], as_of: dt.date = AS_OF) -> MetricsContext:
        return MetricsContext(self.con, as_of, "USD", MetricsSettings(**rules))

    def ref(self, rules: dict[str, str], as_of: dt.date = AS_OF) -> Reference:
        return Reference(self.tables, as_of, "USD", MetricsSettings(**rules))


Demos = Callable[[str], Demo]


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demos]:
    """Demo worlds by Stripe shape, each generated and ingested once (a few seconds)."""
    made: dict[str, Demo] = {}
    opened: list[Workspace] = []

    def get(shape: str) -> Demo:
        if shape not in made:
            root: Path = tmp_path_factory.mktemp(f"reference-{shape}")
            generate(
                root / "world", customers=300, months=18, seed=SEEDS[shape], stripe_shape=shape
            )
            ws = Workspace.init(root / "ws")
            opened.append(ws)
            results = ws.ingest([root / "world"])
            assert sum(r.rejects for r in results) == 0
            con = ws.warehouse.ibis
            made[shape] = Demo(con, {name: con.table(name).to_pyarrow() for name in TABLES})
        return made[shape]

    yield get
    for ws in opened:
        ws.close()


@pytest.fixture(scope="module", params=["current", "legacy"])
def demo(request: pytest.FixtureRequest, demos: Demos) -> Demo:
    return demos(request.param)


# ---------------------------------------------------------------------------- comparing


def _diff(warehouse: dict[Any, Any], reference: dict[Any, Any], limit: int = 8) -> list[Any]:
    """Up to ``limit`` keys whose rows differ, each as (key, warehouse row, reference row)."""
    keys = sorted(set(warehouse) | set(reference), key=repr)
    return [
        (k, warehouse.get(k), reference.get(k))
        for k in keys
        if warehouse.get(k) != reference.get(k)
    ][:limit]


def assert_segments_match(ctx: MetricsContext, ref: Reference) -> None:
    rows = mrr_segments(ctx).select("line_id", *SEGMENT_COLUMNS).to_pyarrow().to_pylist()
    warehouse = {r["line_id"]: tuple(r[c] for c in SEGMENT_COLUMNS) for r in rows}
    assert len(warehouse) == len(rows), "duplicate line_id rows"
    reference = {
        k: tuple(getattr(s, c) for c in SEGMENT_COLUMNS) for k, s in ref.segments().items()
    }
    assert len(reference) > 100
    assert _diff(warehouse, reference) == []


def assert_changes_match(ctx: MetricsContext, ref: Reference, by: str | None) -> None:
    rows = mrr_changes(ctx, by=by).select(*CHANGE_COLUMNS).to_pyarrow().to_pylist()
    warehouse = {(r["customer_id"], r["group"], r["day"]): tuple(r.values()) for r in rows}
    assert len(warehouse) == len(rows), "duplicate (customer, group, day) rows"
    reference = {
        (c.customer_id, c.group, c.day): tuple(getattr(c, k) for k in CHANGE_COLUMNS)
        for c in ref.changes(by)
    }
    assert len(reference) > 100
    assert _diff(warehouse, reference) == []


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def assert_series_match(ctx: MetricsContext, ref: Reference, by: str | None) -> None:
    expected = ref.series(by)
    assert len(expected) >= 12
    cols = [c for c in expected[0] if c not in ("period", "group")]
    table = mrr_series(ctx, SeriesQuery(interval="month", by=by))
    got = {(r["group"], r["period"]): r for r in table.to_pyarrow().to_pylist()}
    want = {(r["group"], r["period"]): r for r in expected}
    assert sorted(got) == sorted(want)
    bad = [
        (key, c, got[key][c], want[key][c])
        for key in sorted(want)
        for c in cols
        if not _close(got[key][c], want[key][c])
    ]
    assert bad[:8] == []


# ---------------------------------------------------------------------------- demo worlds


@pytest.mark.parametrize("rules", RULES)
def test_segments_and_changes_match_reference_under_each_rule(
    demo: Demo, rules: dict[str, str]
) -> None:
    ctx, ref = demo.ctx(rules), demo.ref(rules)
    assert_segments_match(ctx, ref)
    assert_changes_match(ctx, ref, None)


@pytest.mark.parametrize("by", ["plan", "country"])
def test_changes_match_reference_by_breakdown(demo: Demo, by: str) -> None:
    assert_changes_match(demo.ctx({}), demo.ref({}), by)


@pytest.mark.parametrize("by", [None, "plan", "country"])
def test_monthly_series_matches_reference(demos: Demos, by: str | None) -> None:
    # The legacy world's series are compared in the two tests below (a series costs ~2 s).
    current = demos("current")
    assert_series_match(current.ctx({}), current.ref({}), by)


def test_all_non_default_rules_at_once_match_reference(demos: Demos) -> None:
    legacy = demos("legacy")
    rules = {"churn_recognition": "cancellation", "past_due": "exclude", "discounts": "forever"}
    ctx, ref = legacy.ctx(rules), legacy.ref(rules)
    assert_segments_match(ctx, ref)
    assert_series_match(ctx, ref, None)


def test_mid_month_as_of_matches_reference(demos: Demos) -> None:
    legacy, as_of = demos("legacy"), dt.date(2026, 6, 17)
    ctx, ref = legacy.ctx({}, as_of), legacy.ref({}, as_of)
    assert_changes_match(ctx, ref, "plan")
    assert_series_match(ctx, ref, None)


# ---------------------------------------------------------------------------- perturbed world


def _every(rows: list[dict[str, Any]], n: int, offset: int = 0) -> list[dict[str, Any]]:
    return rows[offset::n]


def _perturb(arrow: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The world with edge cases the demo never produces, changed deterministically."""
    t = {name: a.to_pylist() for name, a in arrow.items()}
    lines, prices = t["invoice_lines"], t["prices"]
    price_by_id = {p["price_id"]: p for p in prices}
    by_interval: dict[str | None, list[str]] = {}
    for p in sorted(prices, key=lambda p: p["price_id"]):
        if p["amount_minor"]:
            by_interval.setdefault(p["interval"], []).append(p["price_id"])
    monthly, yearly = by_interval["month"], by_interval["year"]

    # Prices: 3-monthly, 2-weekly, 30-daily, 2-yearly, a null interval_count, and an
    # interval-less recurring price (type null: only its "subscription" lines count).
    price_by_id[monthly[0]]["interval_count"] = 3
    price_by_id[monthly[1]].update(interval="week", interval_count=2)
    price_by_id[monthly[2]].update(interval="day", interval_count=30)
    price_by_id[yearly[0]]["interval_count"] = None
    price_by_id[yearly[1]]["interval_count"] = 2
    price_by_id[monthly[3]].update(interval=None, interval_count=None, type=None)
    # The most prorated remaining price loses its unit amount (a tiered price): its
    # proration lines are scaled up from their amount.
    prorated: dict[str, int] = {}
    for line in lines:
        if line["proration"] and line["price_id"] in monthly[4:]:
            prorated[line["price_id"]] = prorated.get(line["price_id"], 0) + 1
    price_by_id[max(sorted(prorated), key=lambda k: prorated[k])]["amount_minor"] = None

    # Lines: missing prices, null, lower-case and zero-decimal currencies, odd discounts,
    # null amounts and quantities.
    for line in _every(lines, 17, 3):
        line["price_id"] = "price_missing"
    for line in _every(lines, 13, 5):
        line["currency"] = None
    for line in _every(lines, 11, 7):
        if line["currency"]:
            line["currency"] = line["currency"].lower()
    for line in _every(lines, 53, 9):
        line["currency"] = "jpy"
    for line in _every(lines, 19, 2):
        line["discount_minor"] = abs(line["amount_minor"] or 0) * 2 + 1
    for line in _every(lines, 23, 4):
        line["discount_minor"] = -50
    for line in _every(lines, 41, 6):
        line["amount_minor"] = None
    for line in _every(lines, 43, 8):
        line["discount_minor"] = None
    for line in _every(lines, 7, 1):
        line["quantity"] = None

    # Invoices: null status, drafts, open and uncollectible ones.
    statuses = [None, "draft", "open", "uncollectible"]
    for i, inv in enumerate(_every(t["invoices"], 29, 1)):
        inv["status"] = statuses[i % len(statuses)]

    # Subscriptions: canceled without ended_at, cancel-at-period-end without canceled_at,
    # a null cancel_at_period_end.
    subs = sorted(t["subscriptions"], key=lambda s: s["subscription_id"])
    active = [s for s in subs if s["status"] == "active"]
    for s in _every(active, 9, 0):
        s.update(status="canceled", ended_at=None)
        s["canceled_at"] = s["created_at"] + dt.timedelta(days=200, hours=5)
    for s in _every(active, 9, 4):
        s.update(cancel_at_period_end=True, canceled_at=None)
    for s in _every(active, 9, 6):
        s["cancel_at_period_end"] = None
    # Forever coupons on more subscriptions, some from the version's time.
    forever = next(c["coupon_id"] for c in t["coupons"] if c["duration"] == "forever")
    versions = sorted(t["subscriptions_versions"], key=lambda v: (v["subscription_id"], v["_line"]))
    for i, v in enumerate(_every(versions, 11, 3)):
        v["coupon_id"] = forever
        v["discount_start_at"] = None if i % 2 else v["created_at"] + dt.timedelta(days=40)

    # Exchange rates: EUR only as the inverse pair; GBP's first months missing (the first
    # rate covers earlier days); JPY, a currency without minor units.
    fx = []
    for r in t["fx_rates"]:
        if r["currency"] == "EUR" and r["quote_currency"] == "USD":
            fx.append({**r, "currency": "USD", "quote_currency": "EUR", "rate": 1 / r["rate"]})
        elif not (r["currency"] == "GBP" and r["rate_on"] < dt.date(2025, 11, 1)):
            fx.append(r)
            if r["currency"] == "GBP":
                fx.append({**r, "currency": "JPY", "rate": r["rate"] / 190})
    t["fx_rates"] = fx

    # Customers without a country, and one missing; a product without a plan.
    for c in _every(t["customers"], 5, 2):
        c["country"] = None
    t["customers"] = t["customers"][1:]
    products = sorted(t["products"], key=lambda p: p["product_id"])
    next(p for p in products if p["plan"])["plan"] = None

    return {name: pa.Table.from_pylist(rows, schema=arrow[name].schema) for name, rows in t.items()}


@pytest.fixture(scope="module")
def perturbed(demos: Demos) -> Demo:
    arrow = _perturb(demos("current").arrow)
    con = ibis.duckdb.connect()
    for name, table in arrow.items():
        con.create_table(name, ibis.memtable(table))
    return Demo(con, arrow)


@pytest.mark.parametrize("rules", RULES)
def test_perturbed_world_segments_and_changes_match_reference(
    perturbed: Demo, rules: dict[str, str]
) -> None:
    ctx, ref = perturbed.ctx(rules), perturbed.ref(rules)
    assert_segments_match(ctx, ref)
    assert_changes_match(ctx, ref, None)


def test_perturbed_world_breakdowns_and_series_match_reference(perturbed: Demo) -> None:
    ctx, ref = perturbed.ctx({}), perturbed.ref({})
    assert_changes_match(ctx, ref, "plan")
    assert_changes_match(ctx, ref, "country")
    assert_series_match(ctx, ref, None)


def test_each_rule_changes_some_segments_in_the_worlds_compared(
    demos: Demos, perturbed: Demo
) -> None:
    """Otherwise a rule's comparison would prove nothing."""
    for world in (demos("current"), demos("legacy"), perturbed):
        default = {k: (s.end_on, s.units) for k, s in world.ref({}).segments().items()}
        for p in RULES[1:]:
            other = {k: (s.end_on, s.units) for k, s in world.ref(p.values[0]).segments().items()}
            assert other != default, p.id


def test_reference_rounds_half_away_from_zero() -> None:
    from .reference import round_half_away

    assert [round_half_away(x) for x in (2.5, -2.5, 0.49999999999999994, 1.5, -0.5)] == [
        3,
        -3,
        0,
        2,
        -1,
    ]
