"""Segments: the rule language, value segments, RFM, stored memberships and their history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest
from ibis.backends import BaseBackend

from tenure.config import SegmentSettings
from tenure.decide import (
    CUSTOMER_PROFILES,
    RFM_SEGMENTS,
    Segment,
    builtin_segments,
    check_segment,
    invoice_purchases,
    profile_schema,
    rfm_scores,
    segment_history,
    segment_members,
    write_members,
)
from tenure.decide._rules import compile_rule
from tenure.errors import ConfigError, SegmentError
from tenure.store.results import replace_slice
from tenure.workspace import Workspace

D1, D2, D3 = dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)


def profiles(day: dt.date, rows: list[dict[str, Any]]) -> pa.Table:
    """A ``customer_profiles`` slice: the given columns, every other column null."""
    schema = profile_schema().to_pyarrow()
    full = [{name: row.get(name) for name in schema.names} | {"as_of": day} for row in rows]
    return pa.Table.from_pylist(full, schema=schema)


TINY: list[dict[str, Any]] = [
    {"customer_id": "a", "plan": "pro", "health": 30.0, "mrr": 200.0, "seats": 2.0},
    {"customer_id": "b", "plan": "pro", "health": 55.0, "mrr": 300.0, "seats": 0.0},
    {"customer_id": "c", "plan": "free", "health": 20.0, "mrr": 0.0, "cancel_pending": True},
    {"customer_id": "d", "plan": None, "health": None, "mrr": 120.0, "seats": 1.0},
]


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=[pytest.mark.postgres])])
def con(request: pytest.FixtureRequest) -> Iterator[BaseBackend]:
    """An empty warehouse connection: in-memory DuckDB, then a fresh PostgreSQL database."""
    if request.param == "duckdb":
        backend = ibis.duckdb.connect()
    else:
        backend = ibis.connect(request.getfixturevalue("postgres_url"))
    yield backend
    backend.disconnect()


def members(con: BaseBackend, rule: str, day: dt.date = D1) -> list[str]:
    t = con.table(CUSTOMER_PROFILES)
    out = segment_members(t, [Segment("s", rule)], day)
    return sorted(out.customer_id.to_pyarrow().to_pylist())


# -- the rule language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ('plan == "pro" and health < 40 and mrr > 100', ["a"]),
        ("not cancel_pending", ["a", "b", "d"]),
        ("health is None", ["d"]),
        ("plan is not None and 20 <= health < 55", ["a", "c"]),
        ('plan in ["pro", "team"] or mrr >= 120 and mrr < 150', ["a", "b", "d"]),
        ('plan not in ["pro"]', ["c"]),
        ("mrr / seats > 100", ["d"]),
        ("mrr * 12 - 100 > 2000", ["a", "b"]),
        ("(health < 25 or health > 50) and not (mrr == 0)", ["b"]),
        ("cancel_pending == True", ["c"]),
        ("-mrr < -250", ["b"]),
    ],
)
def test_rule_selects_exact_members_when_compiled_on_each_engine(
    con: BaseBackend, rule: str, expected: list[str]
) -> None:
    rows = [r | {"cancel_pending": r.get("cancel_pending", False)} for r in TINY]
    replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, rows))
    assert members(con, rule) == expected


def test_comparison_with_missing_value_is_not_true_when_negated(con: BaseBackend) -> None:
    """SQL's three-valued logic: d has no health, so neither rule selects it."""
    replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, TINY))
    assert members(con, "health < 40") == ["a", "c"]
    assert members(con, "not (health < 40)") == ["b"]


def error_for(rule: str) -> SegmentError:
    with pytest.raises(SegmentError) as info:
        check_segment(Segment("pro_risk", rule))
    return info.value


def test_unknown_field_suggests_closest_names_when_misspelt() -> None:
    err = error_for('plan == "pro" and helth < 40')
    assert err.column == 19 and err.segment == "pro_risk"
    assert "unknown field 'helth' at column 19" in str(err)
    assert "Did you mean 'health'" in str(err) and "pro_risk" in str(err)
    assert isinstance(err, ConfigError)


def test_type_mismatch_names_field_and_fix_when_text_is_compared_with_number() -> None:
    err = error_for("plan == 3")
    assert err.column == 9
    assert "'plan' is text but is compared with 3 (number)" in str(err)
    assert 'Quote the value: `plan == "..."`' in str(err)


def test_type_mismatch_is_reported_when_number_is_compared_with_text() -> None:
    err = error_for('mrr > "100"')
    assert "'mrr' is number" in str(err) and "without quotes" in str(err)


@pytest.mark.parametrize(
    ("rule", "column", "words"),
    [
        ("len(plan) > 3", 1, "a function call is not supported"),
        ("plan.lower() == 'pro'", 1, "a function call is not supported"),
        ("mrr > 1 & health < 2", 7, "Join conditions with `and` / `or`"),
        ("mrr ** 2 > 4", 1, "Only + - * / are supported"),
        ('plan > "a"', 1, "only compares numbers and dates"),
        ("health == None", 11, "Test missing values with `is None`"),
        ("mrr", 1, "the rule is a number, not a condition"),
        ("plan == null", 9, "Write None"),
        ("plan in 'pro'", 9, "`in` needs a list literal"),
        ("mrr is 3", 8, "`is` only tests for None"),
        ('plan = "pro"', 6, "does not parse"),
        ("cancel_pending and mrr", 20, "'mrr' is a number, not a condition"),
        ('as_of > "yesterday"', 9, "is not a date"),
    ],
)
def test_unsupported_or_wrong_syntax_says_where_and_how_to_fix_when_checked(
    rule: str, column: int, words: str
) -> None:
    err = error_for(rule)
    assert words in str(err)
    assert err.column == column, str(err)
    assert f"column {column}" in str(err)


def test_segment_name_is_rejected_when_not_an_identifier() -> None:
    with pytest.raises(SegmentError, match="not valid: use lowercase"):
        check_segment(Segment("Pro Risk", "mrr > 0"))


def test_rule_never_evaluates_python_when_given_code() -> None:
    with pytest.raises(SegmentError, match="not supported"):
        check_segment(Segment("evil", "__import__('os').system('true')"))


def test_date_field_compares_with_iso_text_when_rule_names_as_of() -> None:
    t = ibis.memtable({"customer_id": ["a"], "as_of": [D2]})
    assert t.filter(compile_rule('as_of >= "2026-01-02"', t)).count().execute() == 1


# -- value segments and RFM --------------------------------------------------------------------


def test_value_segments_take_top_share_with_ties_when_evaluated(con: BaseBackend) -> None:
    """Ten paying customers, ltv 10..100: top 20% = ceil(0.2 * 10) = 2 (ltv 100 and 90).

    Engagement: 6 active customers (active_days > 0), ceil(0.2 * 6) = 2 slots; c1 (20 days)
    first, then c2 and c3 tie at 15 days and equal breadth, so both are in (ties share the
    rank). at_risk: mrr > 0 and health < 40.
    """
    rows = [
        {
            "customer_id": f"c{i}",
            "mrr": 50.0,
            "ltv": float(100 - 10 * i),
            "active_days_30d": float([20, 15, 15, 3, 2, 1, 0, 0, 0, 0][i]),
            "feature_breadth_30d": 2.0,
            "health": float(10 * i),
        }
        for i in range(10)
    ] + [{"customer_id": "free", "mrr": 0.0, "ltv": 1000.0, "health": 5.0}]
    replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, rows))
    value = [s for s in builtin_segments() if s.kind == "value"]
    out = segment_members(con.table(CUSTOMER_PROFILES), value, D1).to_pyarrow().to_pylist()
    got: dict[str, list[str]] = {}
    for r in out:
        got.setdefault(r["segment"], []).append(r["customer_id"])
    assert sorted(got["high_ltv"]) == ["c0", "c1"]
    assert sorted(got["high_engagement"]) == ["c0", "c1", "c2"]
    assert sorted(got["at_risk"]) == ["c0", "c1", "c2", "c3"]
    assert "high_aov" not in got  # no purchases given


def purchases_table(rows: list[tuple[str, str, float]]) -> ir.Table:
    return ibis.memtable(
        {
            "customer_id": [r[0] for r in rows],
            "purchased_at": [dt.date.fromisoformat(r[1]) for r in rows],
            "amount": [r[2] for r in rows],
        }
    )


def test_rfm_scores_are_quintiles_when_worked_by_hand(con: BaseBackend) -> None:
    """Five customers, as_of 2026-02-01; each ntile(5) bucket holds one customer.

    ======  ==========  =======  =====  ==========  =  =  =  ===================
    who     last        recency  freq.  monetary    R  F  M  segment (R x F map)
    ======  ==========  =======  =====  ==========  =  =  =  ===================
    a       2026-01-31  1        5      500         5  5  5  champions
    b       2026-01-20  12       4      80          4  4  2  loyal
    c       2026-01-10  22       1      300         3  1  3  about_to_sleep
    d       2025-12-01  62       3      400         2  3  4  at_risk
    e       2025-10-01  123      2      10          1  2  1  hibernating
    ======  ==========  =======  =====  ==========  =  =  =  ===================

    The purchase on 2026-02-01 (as_of itself) is not known yet and is left out.
    """
    rows = [("a", f"2026-01-{d:02d}", 100.0) for d in (1, 5, 10, 20, 31)]
    rows += [("a", "2026-02-01", 9999.0)]
    rows += [("b", f"2026-01-{d:02d}", 20.0) for d in (2, 4, 6, 20)]
    rows += [("c", "2026-01-10", 300.0)]
    rows += [("d", "2025-11-01", 100.0), ("d", "2025-11-15", 100.0), ("d", "2025-12-01", 200.0)]
    rows += [("e", "2025-09-01", 5.0), ("e", "2025-10-01", 5.0)]
    table = purchases_table(rows)
    con.create_table("purchases", schema=table.schema())
    con.insert("purchases", table.to_pyarrow())
    t = rfm_scores(con, con.table("purchases"), dt.date(2026, 2, 1))
    got = {r["customer_id"]: r for r in t.to_pyarrow().to_pylist()}
    assert {k: (r["recency_days"], r["frequency"], r["monetary"]) for k, r in got.items()} == {
        "a": (1, 5, 500.0),
        "b": (12, 4, 80.0),
        "c": (22, 1, 300.0),
        "d": (62, 3, 400.0),
        "e": (123, 2, 10.0),
    }
    assert {k: r["rfm"] for k, r in got.items()} == {
        "a": "555",
        "b": "442",
        "c": "313",
        "d": "234",
        "e": "121",
    }
    assert {k: r["rfm_segment"] for k, r in got.items()} == {
        "a": "champions",
        "b": "loyal",
        "c": "about_to_sleep",
        "d": "at_risk",
        "e": "hibernating",
    }


def test_rfm_segments_become_members_when_purchases_are_given(con: BaseBackend) -> None:
    replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, TINY))
    p = purchases_table([("a", "2025-12-30", 10.0), ("z", "2025-06-01", 5.0)])
    rfm = [s for s in builtin_segments() if s.kind == "rfm"]
    out = segment_members(con.table(CUSTOMER_PROFILES), rfm, D1, purchases=p)
    got = {(r["segment"], r["customer_id"]) for r in out.to_pyarrow().to_pylist()}
    # two customers: ntile(5) puts them in buckets 1 and 2 (R and F): both hibernating
    assert got == {("rfm_hibernating", "a"), ("rfm_hibernating", "z")}


def test_builtins_leave_out_rfm_when_turned_off() -> None:
    names = [s.name for s in builtin_segments(SegmentSettings(rfm=False))]
    assert names == ["high_ltv", "high_engagement", "high_aov", "at_risk"]


# -- stored memberships and history ------------------------------------------------------------


def store_day(con: BaseBackend, day: dt.date, rows: list[dict[str, Any]]) -> None:
    replace_slice(con, CUSTOMER_PROFILES, day, profiles(day, rows))
    seg = [Segment("cheap", "mrr < 100")]
    write_members(con, day, segment_members(con.table(CUSTOMER_PROFILES), seg, day))


def test_history_lists_who_entered_and_left_when_three_days_are_stored(con: BaseBackend) -> None:
    """Day 1: a, b cheap. Day 2: b, c (a left, c entered). Day 3: a, c (a back, b left)."""
    store_day(con, D1, [{"customer_id": "a", "mrr": 50.0}, {"customer_id": "b", "mrr": 60.0}])
    store_day(con, D2, [{"customer_id": k, "mrr": v} for k, v in [("a", 150), ("b", 1), ("c", 2)]])
    store_day(con, D3, [{"customer_id": k, "mrr": v} for k, v in [("a", 5), ("b", 500), ("c", 2)]])
    history = segment_history(con, "cheap")
    assert history is not None
    got = [(r["customer_id"], r["on"], r["change"]) for r in history.to_pyarrow().to_pylist()]
    assert got == [
        ("a", D1, "entered"),
        ("b", D1, "entered"),
        ("c", D2, "entered"),
        ("a", D2, "left"),
        ("a", D3, "entered"),
        ("b", D3, "left"),
    ]
    store_day(con, D2, [{"customer_id": k, "mrr": v} for k, v in [("a", 150), ("b", 1), ("c", 2)]])
    assert [tuple(r.values()) for r in history.to_pyarrow().to_pylist()] == got
    assert con.table("segment_members").count().execute() == 6


# -- the workspace -----------------------------------------------------------------------------


def test_workspace_creates_evaluates_and_explains_segment_when_profiles_exist(
    ws: Workspace,
) -> None:
    con = ws.warehouse.ibis
    replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, TINY))
    ws.refresh_segments(D1)
    seg = ws.segment_create("pro_risk", 'plan == "pro" and health < 40', description="call")
    assert seg.kind == "rule"
    assert ws.segment_members("pro_risk")["customer_id"].to_list() == ["a"]
    rows = [r | ({"health": 35.0} if r["customer_id"] == "b" else {}) for r in TINY]
    replace_slice(con, CUSTOMER_PROFILES, D2, profiles(D2, rows))
    sizes = ws.refresh_segments(D2)
    assert sizes["pro_risk"] == 2 and sizes["at_risk"] == 2
    show = ws.segment("pro_risk")
    assert show["members"] == 2 and show["as_of"] == D2
    assert show["trend"] == [{"as_of": D1, "members": 1}, {"as_of": D2, "members": 2}]
    assert show["mean_health"] == pytest.approx(32.5) and show["mean_mrr"] == 250.0
    members = ws.segment_members("pro_risk", as_of=D2)
    assert members["customer_id"].to_list() == ["b", "a"]  # largest MRR first
    assert ws.segment_history("pro_risk").rows() == [("a", D1, "entered"), ("b", D2, "entered")]
    listed = {s["name"]: s for s in ws.segments()}
    assert listed["pro_risk"]["members"] == 2 and listed["high_ltv"]["kind"] == "value"
    assert "rfm_champions" in listed


def test_workspace_refuses_duplicate_and_builtin_names_when_creating(ws: Workspace) -> None:
    ws.segment_create("big", "mrr > 1000")
    with pytest.raises(SegmentError, match="exists already"):
        ws.segment_create("big", "mrr > 2000")
    ws.segment_create("big", "mrr > 2000", replace=True)
    assert [s.rule for s in ws.segment_definitions() if s.name == "big"] == ["mrr > 2000"]
    with pytest.raises(SegmentError, match="built-in"):
        ws.segment_create("high_ltv", "mrr > 0")
    with pytest.raises(SegmentError, match="cannot be deleted"):
        ws.segment_delete("high_ltv")
    ws.segment_delete("big")
    with pytest.raises(SegmentError, match="no segment named 'big'"):
        ws.segment("big")


def test_refresh_fails_clearly_when_day_has_no_profiles(ws: Workspace) -> None:
    with pytest.raises(SegmentError, match="no customer profiles for 2026-01-01"):
        ws.refresh_segments(D1)


@pytest.mark.data
def test_rfm_champions_buy_again_more_than_hibernating_when_scored_on_cdnow() -> None:
    """CDNOW (Fader & Hardie's 2,357 customers), scored at the end of the 39-week calibration.

    Quintiles are balanced (471 or 472 customers per score), and in the 39 weeks after
    ``as_of`` 65.7% of Champions buy again against 11.2% of Hibernating customers
    (``python bench/rfm_cdnow.py``, docs/benchmarks.md).
    """
    from tests.conftest import data_path

    con = ibis.duckdb.connect()
    path = data_path() / "cdnow" / "cdnowElog.csv"
    purchases = con.create_table(
        "purchases",
        con.sql(
            "SELECT CAST(masterid AS VARCHAR) AS customer_id, "
            "CAST(strptime(CAST(date AS VARCHAR), '%Y%m%d') AS DATE) AS purchased_at, "
            f"CAST(sales AS DOUBLE) AS amount FROM read_csv('{path}', header = true)"
        ),
    )
    as_of = dt.date(1997, 10, 1)
    scores = rfm_scores(con, purchases, as_of)
    for col in ("r", "f", "m"):
        counts = scores.group_by(col).agg(n=scores.count()).n.to_pyarrow().to_pylist()
        assert sorted(counts) == [471, 471, 471, 472, 472]
    later = purchases.filter(purchases.purchased_at >= as_of).select("customer_id").distinct()
    j = scores.left_join(later.mutate(again=ibis.literal(1)), "customer_id")
    rates = j.group_by("rfm_segment").agg(rate=j.again.notnull().cast("float64").mean())
    got = {r["rfm_segment"]: r["rate"] for r in rates.to_pyarrow().to_pylist()}
    assert got["champions"] == pytest.approx(0.657, abs=0.001)
    assert got["hibernating"] == pytest.approx(0.112, abs=0.001)
    assert got["champions"] > got["loyal"] > got["at_risk"] > got["hibernating"]


def test_high_aov_and_rfm_read_paid_invoices_when_workspace_has_billing(
    ws: Workspace, tmp_path: Path
) -> None:
    """Paid invoices become purchases in USD: JPY has no minor unit and 1 JPY = 0.01 USD.

    Mean paid invoice: a 100.00 USD (two invoices, 50 and 150), b 30.00 USD (3000 JPY),
    c 10.00 USD. Top 20% of 3 buyers = ceil(0.6) = 1: a. The open invoice of c, the one
    paid on as_of itself and the one older than aov_days are left out.
    """
    inv = tmp_path / "invoices.csv"
    inv.write_text(
        "invoice_id,customer_id,status,currency,amount_paid_minor,paid_at,created_at\n"
        "i1,a,paid,usd,5000,2025-12-01T10:00:00Z,2025-12-01T09:00:00Z\n"
        "i2,a,paid,USD,15000,2025-12-20T10:00:00Z,2025-12-20T09:00:00Z\n"
        "i3,b,paid,JPY,3000,2025-12-10T10:00:00Z,2025-12-10T09:00:00Z\n"
        "i4,c,paid,USD,1000,2025-12-11T10:00:00Z,2025-12-11T09:00:00Z\n"
        "i5,c,open,USD,0,,2025-12-12T09:00:00Z\n"
        "i6,c,paid,USD,900000,2026-01-01T10:00:00Z,2026-01-01T09:00:00Z\n"
        "i7,b,paid,USD,900000,2024-06-01T10:00:00Z,2024-06-01T09:00:00Z\n",
        encoding="utf-8",
    )
    fx = tmp_path / "fx_rates.csv"
    fx.write_text("currency,quote_currency,rate_on,rate\nJPY,USD,2025-01-01,0.01\n")
    ws.ingest([inv], format="table", table="invoices")
    ws.ingest([fx], format="table", table="fx_rates")
    con = ws.warehouse.ibis
    bought = invoice_purchases(con, D1, currency="USD").to_pyarrow().to_pylist()
    assert sorted((r["customer_id"], r["amount"]) for r in bought) == [
        ("a", 50.0),
        ("a", 150.0),
        ("b", 30.0),
        ("b", 9000.0),
        ("c", 10.0),
    ]
    replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, TINY))
    sizes = ws.refresh_segments(D1)
    assert ws.segment_members("high_aov")["customer_id"].to_list() == ["a"]
    assert sum(sizes[f"rfm_{name}"] for name, _ in RFM_SEGMENTS) == 3
