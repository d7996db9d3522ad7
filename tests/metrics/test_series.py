"""Hand-worked MRR series (``mrr_series``): movements per period, customers and rates.

Money is in dollars. Formulas (docs/metrics.md, ChartMogul's definitions):

- customer churn rate = churned customers / customers at the start of the period;
- gross MRR churn rate = (churn + contraction) / MRR at the start;
- net MRR churn rate = (churn + contraction - expansion - reactivation) / MRR at start;
- NRR = 1 - net MRR churn rate; GRR = 1 - gross MRR churn rate;
- ARPA = MRR / customers; retention rate = (customers - new - reactivated) / customers
  at the start; LTV = ARPA x gross margin / the mean monthly customer churn rate of the
  last six months.
"""

from __future__ import annotations

import pytest

from tests.metrics.builders import World, period_end, pick, series

RATES = (
    "customer_churn_rate",
    "gross_mrr_churn_rate",
    "net_mrr_churn_rate",
    "nrr",
    "grr",
    "arpa",
    "retention_rate",
    "ltv",
)


def _four_customers(w: World) -> None:
    """Four customers from 2026-01-01 ($10, $20, $30, $40); in February one of each move.

    A ($10) is cancelled immediately on Feb 10 (churn -$10); B goes from 1 to 2 seats
    of $20 on Feb 1 (expansion +$20); C from 2 to 1 seat of $15 on Feb 1 (contraction
    -$15); D stays at $40; E is new at $50 on Feb 20. Everyone else renews in March.
    """
    p10, p20, p15, p40, p50 = (w.price(amount=a) for a in (1_000, 2_000, 1_500, 4_000, 5_000))
    a, b, c, d, e = (w.customer() for _ in range(5))
    sa = w.subscription(a, start="2026-01-01")
    w.monthly_invoices(sa, p10, start="2026-01-01", months=2)
    w.cancel(sa, at="2026-02-10")
    sb = w.subscription(b, start="2026-01-01")
    w.bill(sb, p20, start="2026-01-01")
    w.monthly_invoices(sb, p20, start="2026-02-01", months=2, quantity=2)
    sc = w.subscription(c, start="2026-01-01")
    w.bill(sc, p15, start="2026-01-01", quantity=2)
    w.monthly_invoices(sc, p15, start="2026-02-01", months=2)
    sd = w.subscription(d, start="2026-01-01")
    w.monthly_invoices(sd, p40, start="2026-01-01", months=3)
    se = w.subscription(e, start="2026-02-20")
    w.monthly_invoices(se, p50, start="2026-02-20", months=2)


def test_movements_and_customers_match_the_hand_calculation_when_one_of_each_moves(
    any_world: World,
) -> None:
    """January: +$100 new from four customers. February, from $100 and 4 customers:

    new $50 (E), expansion $20 (B), contraction $15 (C), churn $10 (A), so MRR =
    100 + 50 + 20 - 15 - 10 = $145 (ARR $1,740); customers 4 - 1 + 1 = 4.
    """
    w = any_world
    _four_customers(w)
    rows = series(w.ctx("2026-02-28"))
    assert pick(rows, "group", "mrr_start", "new", "expansion", "contraction", "churn") == {
        "2026-01": ("all", 0.0, 100.0, 0.0, 0.0, 0.0),
        "2026-02": ("all", 100.0, 50.0, 20.0, 15.0, 10.0),
    }
    assert pick(rows, "mrr", "arr", "net_new_mrr", "reactivation") == {
        "2026-01": (100.0, 1200.0, 100.0, 0.0),
        "2026-02": (145.0, 1740.0, 45.0, 0.0),
    }
    assert pick(
        rows,
        "customers_start",
        "customers",
        "new_customers",
        "reactivated_customers",
        "churned_customers",
    ) == {"2026-01": (0, 4, 4, 0, 0), "2026-02": (4, 4, 1, 0, 1)}


def test_rates_match_the_hand_calculation_when_one_of_each_moves(world: World) -> None:
    """February of the same world, with a gross margin of 80%.

    customer churn 1/4 = 0.25; gross MRR churn (10 + 15) / 100 = 0.25; net MRR churn
    (25 - 20) / 100 = 0.05; NRR 0.95; GRR 0.75; ARPA 145 / 4 = $36.25; retention
    (4 - 1 - 0) / 4 = 0.75; LTV = 36.25 x 0.8 / mean(0.25) = $116. January starts from
    nothing, so every rate with the start in its denominator is null; ARPA is 100/4 =
    $25; January has no churn rate, so LTV is null too.
    """
    w = world
    _four_customers(w)
    rows = series(w.ctx("2026-02-28", gross_margin=0.8))
    assert pick(rows, *RATES) == {
        "2026-01": (None, None, None, None, None, 25.0, None, None),
        "2026-02": (0.25, 0.25, 0.05, 0.95, 0.75, 36.25, 0.75, 116.0),
    }


def test_worked_month_of_the_docs_matches_when_rebuilt_from_invoices(world: World) -> None:
    """docs/metrics.md, "A worked month": A, B, C, D pay $100 from 2026-01-01; F pays $80
    in January and churns on Feb 1. In March: A upgrades to $150 on Mar 16 (+$50), B's
    cancellation at period end takes effect on Mar 1 (-$100), C's March invoice has a $20
    discount (-$20), E is new at $200 on Mar 10 and F returns at $80 on Mar 20.

    mrr 400 + 200 + 50 + 80 - 20 - 100 = 610; customers 4 -> 5; ARPA 122; churn 1/4;
    gross MRR churn 120/400 = 0.3; net (120 - 130)/400 = -0.025; NRR 1.025; GRR 0.7;
    retention (5 - 1 - 1)/4 = 0.75; LTV = 122 / mean(Feb 1/5, Mar 1/4) = $542.222222.
    """
    w = world
    p100, p150, p200, p80 = (w.price(amount=a) for a in (10_000, 15_000, 20_000, 8_000))
    a, b, c, d, e, f = (w.customer(name) for name in "ABCDEF")
    sa = w.subscription(a, start="2026-01-01")
    w.monthly_invoices(sa, p100, start="2026-01-01", months=3)
    w.change(sa, at="2026-03-16", period=("2026-03-01", "2026-04-01"), old=(p100, 1), new=(p150, 1))
    sb = w.subscription(b, start="2026-01-01")
    w.monthly_invoices(sb, p100, start="2026-01-01", months=2)
    w.cancel(sb, at="2026-02-15", ended_at="2026-03-01", at_period_end=True)
    sc = w.subscription(c, start="2026-01-01")
    w.monthly_invoices(sc, p100, start="2026-01-01", months=2)
    w.bill(sc, p100, start="2026-03-01", discount=2_000)
    sd = w.subscription(d, start="2026-01-01")
    w.monthly_invoices(sd, p100, start="2026-01-01", months=3)
    se = w.subscription(e, start="2026-03-10")
    w.monthly_invoices(se, p200, start="2026-03-10", months=1)
    sf = w.subscription(f, start="2026-01-01")
    w.monthly_invoices(sf, p80, start="2026-01-01", months=1)
    w.cancel(sf, at="2026-01-20", ended_at="2026-02-01", at_period_end=True)
    sf2 = w.subscription(f, start="2026-03-20")
    w.monthly_invoices(sf2, p80, start="2026-03-20", months=1)
    march = next(r for r in series(w.ctx("2026-03-31")) if r["period"] == "2026-03")
    assert {k: _round(v) for k, v in march.items()} == {
        "period": "2026-03",
        "group": "all",
        "mrr": 610.0,
        "arr": 7320.0,
        "mrr_start": 400.0,
        "new": 200.0,
        "expansion": 50.0,
        "contraction": 20.0,
        "churn": 100.0,
        "reactivation": 80.0,
        "net_new_mrr": 210.0,
        "customers": 5,
        "customers_start": 4,
        "new_customers": 1,
        "reactivated_customers": 1,
        "churned_customers": 1,
        "arpa": 122.0,
        "customer_churn_rate": 0.25,
        "gross_mrr_churn_rate": 0.3,
        "net_mrr_churn_rate": -0.025,
        "nrr": 1.025,
        "grr": 0.7,
        "nrr_ttm": None,
        "grr_ttm": None,
        "retention_rate": 0.75,
        "ltv": 542.222222,
    }


def _round(value: object) -> object:
    return round(value, 6) if isinstance(value, float) else value


def test_ltv_is_null_when_no_customer_churns(world: World) -> None:
    """One customer at $10 for three months: churn rate 0 every month, so LTV is null."""
    w = world
    cus, price = w.customer(), w.price(amount=1_000)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=3)
    rows = series(w.ctx("2026-03-31"))
    assert pick(rows, "customer_churn_rate", "arpa", "ltv") == {
        "2026-01": (None, 10.0, None),
        "2026-02": (0.0, 10.0, None),
        "2026-03": (0.0, 10.0, None),
    }


def _churn_in_march(w: World) -> None:
    """X ($10) and Y ($30) from 2026-01-01; Y ends on 2026-03-15."""
    price = w.price(amount=1_000)
    x, y = w.customer(), w.customer()
    sx = w.subscription(x, start="2026-01-01")
    w.monthly_invoices(sx, price, start="2026-01-01", months=3)
    sy = w.subscription(y, start="2026-01-01")
    w.monthly_invoices(sy, price, start="2026-01-01", months=3, quantity=3)
    w.cancel(sy, at="2026-03-15")


def test_ltv_uses_the_churn_of_past_periods_when_the_period_has_churn(world: World) -> None:
    """March: ARPA $10; churn rates Jan null, Feb 0, Mar 1/2: mean 0.25, LTV = 10/0.25 = $40."""
    w = world
    _churn_in_march(w)
    rows = series(w.ctx("2026-03-31"))
    assert pick(rows, "customer_churn_rate", "arpa", "ltv")["2026-03"] == (0.5, 10.0, 40.0)


def test_ltv_ignores_later_periods_when_churn_happens_after_the_period(world: World) -> None:
    """February of the same world: ARPA $20, churn rates Jan null, Feb 0: LTV is null.

    The six months that end in February hold no churn, so LTV has no churn rate to divide
    by, whether the series ends in February or in March (a window that looked ahead would
    give 20 / mean(0, 0.5) = $80).
    """
    w = world
    _churn_in_march(w)
    upto_feb = pick(series(w.ctx("2026-03-31"), end="2026-02-28"), "ltv")
    upto_mar = pick(series(w.ctx("2026-03-31")), "ltv")
    assert upto_feb == {"2026-01": (None,), "2026-02": (None,)}
    assert upto_mar == {"2026-01": (None,), "2026-02": (None,), "2026-03": (40.0,)}


def test_ttm_rates_compare_last_years_customers_when_the_interval_is_a_month(
    world: World,
) -> None:
    """A and B pay $10 each from 2025-01-01; B ends on 2025-06-01; C pays $30 from then on;
    A goes to 2 seats ($20) on 2026-01-01.

    January 2026 against 2025-01-31: last year's customers A and B paid $20; today A pays
    $20 and B nothing (C is new since, so left out). NRR(TTM) = 20 / 20 = 1.0; GRR(TTM)
    caps each at last year's MRR: (min(20, 10) + min(0, 10)) / 20 = 0.5.
    """
    w = world
    price = w.price(amount=1_000)
    a, b, c = w.customer(), w.customer(), w.customer()
    sa = w.subscription(a, start="2025-01-01")
    w.monthly_invoices(sa, price, start="2025-01-01", months=12)
    w.bill(sa, price, start="2026-01-01", quantity=2)
    sb = w.subscription(b, start="2025-01-01")
    w.monthly_invoices(sb, price, start="2025-01-01", months=5)
    w.cancel(sb, at="2025-05-20", ended_at="2025-06-01", at_period_end=True)
    sc = w.subscription(c, start="2025-06-01")
    w.monthly_invoices(sc, price, start="2025-06-01", months=8, quantity=3)
    rows = series(w.ctx("2026-01-31"), start="2025-12-01")
    assert pick(rows, "mrr", "nrr_ttm", "grr_ttm") == {
        "2025-12": (40.0, None, None),
        "2026-01": (50.0, 1.0, 0.5),
    }
    assert {r["nrr_ttm"] for r in series(w.ctx("2026-01-31"), "week")} == {None}


@pytest.mark.parametrize(
    ("interval", "first", "last", "count"),
    [
        ("day", "2026-01-01", "2026-04-02", 92),
        ("week", "2025-12-29", "2026-03-30", 14),
        ("month", "2026-01", "2026-04", 4),
        ("quarter", "2026-Q1", "2026-Q2", 2),
    ],
)
def test_periods_are_labelled_by_their_start_when_the_interval_varies(
    world: World, interval: str, first: str, last: str, count: int
) -> None:
    """$10/month from Thursday 2026-01-01, as_of Thursday 2026-04-02.

    Days are ISO dates (Jan 1 to Apr 2: 31 + 28 + 31 + 2 = 92); weeks start on Monday
    (Dec 29 to Mar 30: 14 weeks); months are ``YYYY-MM``; quarters ``YYYY-Qn``. MRR is
    $10 in every period, new only in the first.
    """
    w = world
    cus, price = w.customer(), w.price(amount=1_000)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=4)
    rows = series(w.ctx("2026-04-02"), interval)
    labels = [r["period"] for r in rows]
    assert (labels[0], labels[-1], len(labels)) == (first, last, count)
    assert labels == sorted(set(labels))
    assert {r["mrr"] for r in rows} == {10.0}
    assert [r["new"] for r in rows] == [10.0] + [0.0] * (count - 1)


def test_quarter_sums_its_months_when_the_interval_is_a_quarter(world: World) -> None:
    """Q1 2026 of the four-customer world: new $150, expansion $20, contraction $15, churn
    $10; MRR $145; one churned of four customers."""
    w = world
    _four_customers(w)
    rows = series(w.ctx("2026-03-31"), "quarter")
    assert pick(rows, "mrr_start", "new", "expansion", "contraction", "churn", "mrr") == {
        "2026-Q1": (0.0, 150.0, 20.0, 15.0, 10.0, 145.0)
    }
    assert pick(rows, "customers_start", "customers", "new_customers", "churned_customers") == {
        "2026-Q1": (0, 4, 5, 1)
    }


def test_start_and_end_limit_the_periods_when_given(world: World) -> None:
    """$10 from 2026-01-01, 3 seats ($30) from Feb 15, churn on Apr 1; February-March only.

    February starts from January's $10 (history before ``start`` still counts) and
    expands by $20; March holds at $30. April is past ``end``.
    """
    w = world
    cus, price = w.customer(), w.price(amount=1_000)
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, price, start="2026-01-01")
    w.bill(sub, price, start="2026-02-01")
    w.change(
        sub, at="2026-02-15", period=("2026-02-01", "2026-03-01"), old=(price, 1), new=(price, 3)
    )
    w.bill(sub, price, start="2026-03-01", quantity=3)
    w.cancel(sub, at="2026-03-10", ended_at="2026-04-01", at_period_end=True)
    rows = series(w.ctx("2026-06-30"), start="2026-02-01", end="2026-03-31")
    assert pick(rows, "mrr_start", "expansion", "mrr", "customers_start", "customers") == {
        "2026-02": (10.0, 20.0, 30.0, 1, 1),
        "2026-03": (30.0, 0.0, 30.0, 1, 1),
    }


def test_series_is_flat_at_zero_when_there_is_no_mrr(world: World) -> None:
    """No invoices at all: one period (the one of as_of) with zero MRR and null rates."""
    w = world
    w.customer()
    rows = series(w.ctx("2026-03-15"))
    assert pick(rows, "mrr", "new", "customers", "arpa", "nrr", "ltv") == {
        "2026-03": (0.0, 0.0, 0, None, None, None)
    }


@pytest.mark.parametrize("by", ["plan", "country"])
def test_breakdown_has_no_rows_when_there_is_no_mrr(world: World, by: str) -> None:
    """A customer but no invoice: by day the breakdown has no group and so no row; by month
    it must be the same (or one row per period of zeros), not an error."""
    w = world
    w.customer()
    ctx = w.ctx("2026-03-15")
    assert series(ctx, "day", by=by) == []
    rows = series(ctx, "month", by=by)
    assert all(r["mrr"] == 0.0 and r["new"] == 0.0 for r in rows)


# -- breakdowns ---------------------------------------------------------------------------------


def _plan_switch(w: World, *, start: str = "2026-01-01", switch: str = "2026-01-15") -> str:
    """Basic $10 from ``start``, switched to Pro $25 on ``switch`` (prorated)."""
    cus = w.customer()
    basic = w.price(amount=1_000, product=w.product(name="Basic monthly", plan="basic"))
    pro = w.price(amount=2_500, product=w.product(name="Pro monthly", plan="pro"))
    sub = w.subscription(cus, start=start)
    w.bill(sub, basic, start=start)
    end = period_end(start, "month")
    w.change(sub, at=switch, period=(start, end), old=(basic, 1), new=(pro, 1))
    w.monthly_invoices(sub, pro, start=end, months=1)
    return cus


def test_plan_switch_moves_mrr_between_plans_when_by_plan(world: World) -> None:
    """Basic $10 from Jan 1, Pro $25 from Jan 15 (ChartMogul's plan breakdown).

    Basic: new $10 then contraction $10 (not churn: the customer still pays), MRR $0,
    no churned customer. Pro: expansion $25 (not new: the customer already paid), MRR
    $25, one customer who is not a new customer.
    """
    w = world
    _plan_switch(w)
    rows = series(w.ctx("2026-02-15"), by="plan")
    got = {
        (r["group"], r["period"]): (
            r["new"],
            r["expansion"],
            r["contraction"],
            r["churn"],
            r["mrr"],
            r["customers"],
            r["new_customers"],
            r["churned_customers"],
        )
        for r in rows
    }
    assert got == {
        ("basic", "2026-01"): (10.0, 0.0, 10.0, 0.0, 0.0, 0, 1, 0),
        ("basic", "2026-02"): (0.0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0),
        ("pro", "2026-01"): (0.0, 25.0, 0.0, 0.0, 25.0, 1, 0, 0),
        ("pro", "2026-02"): (0.0, 0.0, 0.0, 0.0, 25.0, 1, 0, 0),
    }


def test_groups_are_countries_when_by_country(world: World) -> None:
    """US $10 and DE $20 from Jan 1; DE ends Feb 1. February: DE churns $20 (rate 1.0),
    US holds (rate 0.0)."""
    w = world
    price = w.price(amount=1_000)
    us, de = w.customer(country="US"), w.customer(country="DE")
    su = w.subscription(us, start="2026-01-01")
    w.monthly_invoices(su, price, start="2026-01-01", months=2)
    sd = w.subscription(de, start="2026-01-01")
    w.monthly_invoices(sd, price, start="2026-01-01", months=1, quantity=2)
    w.cancel(sd, at="2026-01-20", ended_at="2026-02-01", at_period_end=True)
    rows = series(w.ctx("2026-02-28"), by="country")
    got = {
        (r["group"], r["period"]): (r["new"], r["churn"], r["mrr"], r["customer_churn_rate"])
        for r in rows
    }
    assert got == {
        ("DE", "2026-01"): (20.0, 0.0, 20.0, None),
        ("DE", "2026-02"): (0.0, 20.0, 0.0, 1.0),
        ("US", "2026-01"): (10.0, 0.0, 10.0, None),
        ("US", "2026-02"): (0.0, 0.0, 10.0, 0.0),
    }


# -- same-period churn --------------------------------------------------------------------------


def _flash_customer(w: World) -> None:
    """A: $10 from Jan 1. B: $20 from Jan 5, ended Jan 20. C: $5 from Jan 25, ended Feb 10."""
    price = w.price(amount=500)
    a, b, c = w.customer(), w.customer(), w.customer()
    for cus, start, seats, end in (
        (a, "2026-01-01", 2, None),
        (b, "2026-01-05", 4, "2026-01-20"),
        (c, "2026-01-25", 1, "2026-02-10"),
    ):
        sub = w.subscription(cus, start=start)
        w.monthly_invoices(sub, price, start=start, months=2, quantity=seats)
        if end:
            w.cancel(sub, at=end)


@pytest.mark.parametrize(
    ("rule", "january", "february"),
    [
        pytest.param("count", (35.0, 20.0, 15.0, 3, 1), (0.0, 5.0, 10.0, 0, 1), id="count"),
        pytest.param("exclude", (15.0, 0.0, 15.0, 2, 0), (0.0, 5.0, 10.0, 0, 1), id="exclude"),
    ],
)
def test_same_period_churn_rule_decides_whether_flash_customers_count_when_they_start_and_end_in_one_month(  # noqa: E501
    world: World,
    rule: str,
    january: tuple[object, ...],
    february: tuple[object, ...],
) -> None:
    """B is new ($20) and churns within January; C is new in January and churns in February.

    ``count`` (ChartMogul): January new 10 + 20 + 5 = $35, churn $20, 3 new customers, 1
    churned. ``exclude``: B is left out of both, new $15, churn $0, 2 new, 0 churned.
    C crosses a month end, so both rules count its February churn of $5. MRR is the same.
    """
    w = world
    _flash_customer(w)
    rows = series(w.ctx("2026-02-28", same_period_churn=rule))
    columns = ("new", "churn", "mrr", "new_customers", "churned_customers")
    assert pick(rows, *columns) == {"2026-01": january, "2026-02": february}


def test_new_mrr_by_plan_adds_up_to_the_total_when_same_period_churn_is_exclude(
    world: World,
) -> None:
    """Basic $10 from Jan 5, Pro $25 from Jan 20: the customer never churns.

    Total: new $10, expansion $15. By plan the new $10 must stay in Basic (followed by a
    contraction of $10) and Pro expands by $25. (Got: Basic's rows are dropped as if the
    customer had started and churned in January, so new by plan is $0.)
    """
    w = world
    _plan_switch(w, start="2026-01-05", switch="2026-01-20")
    ctx = w.ctx("2026-01-31", same_period_churn="exclude")
    total = series(ctx)
    by_plan = series(ctx, by="plan")
    assert pick(total, "new", "expansion") == {"2026-01": (10.0, 15.0)}
    assert sum(r["new"] for r in by_plan) == 10.0
    assert {r["group"]: r["contraction"] for r in by_plan} == {"basic": 10.0, "pro": 0.0}
