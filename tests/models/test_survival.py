"""Paying spells from a tiny warehouse, and Kaplan-Meier curves worked by hand."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tenure.errors import ConfigError
from tenure.models.survival import (
    CURVE_COLUMNS,
    DAYS_PER_MONTH,
    kaplan_meier,
    spell_frame,
    survival_summary,
)
from tenure.store import Warehouse
from tests.metrics.builders import World, empty
from tests.metrics.conftest import _duckdb_warehouse

__all__ = ["_duckdb_warehouse"]

AS_OF = dt.date(2026, 7, 1)
Z = 1.959963984540054  # the 97.5% normal quantile (95% interval)


@pytest.fixture
def world(_duckdb_warehouse: Warehouse) -> World:
    return World(warehouse=empty(_duckdb_warehouse))


@pytest.fixture
def history(world: World) -> World:
    """Two customers, known before 2026-07-01.

    - ``cus_a`` pays 50/month (pro) from 2026-01-01 for three months, cancels, and its MRR
      falls to zero on 2026-04-01 (churn after 90 days); it comes back on the basic plan
      (10/month) on 2026-05-01 and still pays on 2026-06-30 (censored: 61 days).
    - ``cus_b`` (channel partner) pays 50/month from 2026-02-15 (censored: 136 days).
    """
    a = world.customer("cus_a")
    b = world.customer("cus_b", channel="partner")
    pro = world.price(amount=5000, product=world.product(plan="pro"))
    basic = world.price(amount=1000, product=world.product(plan="basic"))
    first = world.subscription(a, start="2026-01-01")
    world.monthly_invoices(first, pro, start="2026-01-01", months=3)
    world.cancel(first, at="2026-03-20", ended_at="2026-04-01")
    again = world.subscription(a, start="2026-05-01")
    world.monthly_invoices(again, basic, start="2026-05-01", months=3)  # July's: at as_of
    sub = world.subscription(b, start="2026-02-15")
    world.monthly_invoices(sub, pro, start="2026-02-15", months=5)
    world.ctx(AS_OF)  # loads the rows
    return world


def _spells(world: World, as_of: dt.date = AS_OF, **kwargs: object) -> pl.DataFrame:
    assert world.warehouse is not None
    return spell_frame(world.warehouse.ibis, as_of, **kwargs)  # type: ignore[arg-type]


def test_spells_are_paying_stretches_when_a_customer_churns_and_comes_back(
    history: World,
) -> None:
    """Days: 2026-01-01 -> 2026-04-01 = 90; 2026-05-01 -> 2026-07-01 = 61; 02-15 -> 07-01 = 136."""
    s = _spells(history, by="plan")
    assert s.select("customer_id", "spell", "group", "churned", "duration_days").rows() == [
        ("cus_a", 1, "pro", True, 90),
        ("cus_a", 2, "basic", False, 61),
        ("cus_b", 1, "pro", False, 136),
    ]
    assert s["end_on"].to_list() == [dt.date(2026, 4, 1), None, None]
    assert s["months"].to_list() == pytest.approx([90 / 30.4375, 61 / 30.4375, 136 / 30.4375])
    assert s["start_mrr"].to_list() == [50.0, 10.0, 50.0]


def test_first_only_keeps_one_spell_per_customer_when_grouped_by_a_customer_column(
    history: World,
) -> None:
    s = _spells(history, by="channel", first_only=True)
    assert s.select("customer_id", "spell", "group").rows() == [
        ("cus_a", 1, "(none)"),
        ("cus_b", 1, "partner"),
    ]


def test_spells_are_censored_at_as_of_when_the_churn_comes_later(history: World) -> None:
    """At 2026-03-01 cus_a has paid 59 days and not yet churned; cus_b 14 days."""
    s = _spells(history, dt.date(2026, 3, 1))
    assert s.select("customer_id", "churned", "duration_days").rows() == [
        ("cus_a", False, 59),
        ("cus_b", False, 14),
    ]


def test_spells_ignore_data_after_as_of_when_it_is_added_later(history: World) -> None:
    before = _spells(history, by="plan")
    assert history.warehouse is not None
    late = history.customer("cus_late", created_at="2026-07-02")
    sub = history.subscription(late, start="2026-07-02")
    price = history.price(amount=700, product=history.product(plan="pro"))
    history.monthly_invoices(sub, price, start="2026-07-02", months=2)
    history.cancel("sub_3", at="2026-07-05", ended_at="2026-07-15")
    empty(history.warehouse)
    history.load(history.warehouse)
    assert_frame_equal(_spells(history, by="plan"), before)
    later = _spells(history, dt.date(2026, 9, 1), by="plan")
    assert "cus_late" in later["customer_id"].to_list()


def test_unknown_breakdown_is_rejected_when_grouping_spells(history: World) -> None:
    with pytest.raises(ConfigError, match="The 'by' parameter must be one of"):
        _spells(history, by="shoe_size")


TINY = pl.DataFrame(
    {
        "group": ["x"] * 6,
        "months": [1.0, 2.0, 2.0, 3.0, 4.0, 5.0],
        "churned": [True, True, False, True, False, True],
    }
)


def test_kaplan_meier_matches_the_hand_calculation_when_some_spells_are_censored() -> None:
    """Six spells: churns at 1, 2, 3, 5 months; censored at 2 and 4.

    =====  ====  ===  ===  ==========================
    t      n     d    c    S(t)
    =====  ====  ===  ===  ==========================
    0      6     0    0    1
    1      6     1    0    5/6
    2      5     1    1    5/6 * 4/5 = 2/3
    3      3     1    0    2/3 * 2/3 = 4/9
    4      2     0    1    4/9
    5      1     1    0    0
    =====  ====  ===  ===  ==========================

    Exponential Greenwood interval at t = 1: V = sum d / (n (n - d)) / log(S)^2 =
    (1/30) / log(5/6)^2; bounds S ** exp(+- z sqrt(V)).
    """
    curve = kaplan_meier(TINY)
    assert curve.columns == list(CURVE_COLUMNS)
    assert curve["months"].to_list() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert curve["at_risk"].to_list() == [6, 6, 5, 3, 2, 1]
    assert curve["churned"].to_list() == [0, 1, 1, 1, 0, 1]
    assert curve["censored"].to_list() == [0, 0, 1, 0, 1, 0]
    assert curve["survival"].to_list() == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 4 / 9, 0])
    s = 5 / 6
    v = (1 / 30) / math.log(s) ** 2
    lower, upper = s ** math.exp(Z * math.sqrt(v)), s ** math.exp(-Z * math.sqrt(v))
    assert (curve["ci_lower"][1], curve["ci_upper"][1]) == pytest.approx((lower, upper))


def test_summary_reads_the_step_function_when_months_fall_between_durations() -> None:
    """S(1) = 5/6, S(3) = 4/9 (and S(4.5) = 4/9); 6 months is past the longest spell; the
    median is the first t with S(t) <= 1/2: 3 months."""
    summary = survival_summary(kaplan_meier(TINY), at=(1, 3, 4.5, 6))
    row = summary.row(0, named=True)
    assert row["group"] == "x" and row["spells"] == 6 and row["churned"] == 4
    assert row["survival_1m"] == pytest.approx(5 / 6)
    assert row["survival_3m"] == pytest.approx(4 / 9)
    assert row["survival_4_5m"] == pytest.approx(4 / 9)
    assert row["survival_6m"] is None
    assert row["median_months"] == 3.0


def test_kaplan_meier_gives_one_curve_per_group_when_grouped(history: World) -> None:
    """pro: spells of 90 (churned) and 136 days (censored): S = 1/2 after 90 days."""
    curves = kaplan_meier(_spells(history, by="plan"))
    assert sorted(set(curves["group"])) == ["basic", "pro"]
    pro = curves.filter(pl.col("group") == "pro")
    assert pro["survival"].to_list() == pytest.approx([1.0, 0.5, 0.5])
    assert pro["months"][1] == pytest.approx(90 / DAYS_PER_MONTH)
    median = survival_summary(curves)["median_months"].to_list()
    assert median == [None, pytest.approx(90 / DAYS_PER_MONTH)]
