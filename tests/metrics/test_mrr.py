"""Hand-worked MRR movements (``mrr_segments`` and ``mrr_changes``) on tiny histories.

Each test names the ChartMogul rule it checks and works the numbers out by hand in its
docstring. Money given to the builder is in cents; the assertions are in dollars.
Rows are ``(customer, day, movement, delta)`` (with the group after the customer when
broken down).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenure.errors import DataError
from tenure.metrics import MetricsContext, check_currencies, mrr_segments
from tenure.workspace import Workspace
from tests.metrics.builders import World, changes

AS_OF = "2026-06-30"


def _basic(w: World, *, customer: str | None = None, amount: int = 1000) -> tuple[str, str]:
    """A customer and a monthly price of ``amount`` cents."""
    return w.customer(customer), w.price(amount=amount)


# -- new business, prices and intervals ---------------------------------------------------------


def test_first_paid_invoice_is_new_business_when_the_customer_never_paid(any_world: World) -> None:
    """$10/month from 2026-01-01, billed three times, still active on 2026-03-20.

    ChartMogul: new business MRR is the first MRR of a customer. Consecutive monthly
    lines meet end to start, so renewals move nothing: one row, +$10 new on Jan 1.
    """
    w = any_world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=3)
    assert changes(w.ctx("2026-03-20")) == [(cus, "2026-01-01", "new", 10.0)]


def test_upgrade_is_expansion_on_the_change_day_when_seats_rise_mid_month(
    any_world: World,
) -> None:
    """1 -> 3 seats of $10 on 2026-01-15; Stripe bills the rest of January as prorations.

    Lines on the change invoice (17 of 31 days left): "Unused time on 1 x Basic"
    -$10 x 17/31 = -$5.48 and "Remaining time on 3 x Basic" +$30 x 17/31 = +$16.45.
    ChartMogul counts a proration line at the full monthly price of what changed:
    -$10 and +$30 from Jan 15, so MRR goes $10 -> $30: expansion +$20 on Jan 15. On
    Feb 1 the January lines end (-$10 +$10 -$30) as the February line at 3 seats
    starts (+$30): no movement.
    """
    w = any_world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.change(
        sub, at="2026-01-15", period=("2026-01-01", "2026-02-01"), old=(price, 1), new=(price, 3)
    )
    w.monthly_invoices(sub, price, start="2026-02-01", months=2, quantity=3)
    assert changes(w.ctx("2026-03-31")) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-01-15", "expansion", 20.0),
    ]


def test_upgrade_is_expansion_by_the_price_difference_when_the_plan_changes_mid_month(
    world: World,
) -> None:
    """Basic $10 -> Pro $25 on 2026-01-10 (22 of 31 days left).

    Prorations: "Unused time on Basic" -$7.10, "Remaining time on Pro" +$17.74; as full
    monthly prices -$10 and +$25, so expansion = 25 - 10 = +$15 on Jan 10.
    """
    w = world
    cus, basic = _basic(w)
    pro = w.price(amount=2500)
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, basic, start="2026-01-01")
    w.change(
        sub, at="2026-01-10", period=("2026-01-01", "2026-02-01"), old=(basic, 1), new=(pro, 1)
    )
    w.monthly_invoices(sub, pro, start="2026-02-01", months=1)
    assert changes(w.ctx("2026-02-20")) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-01-10", "expansion", 15.0),
    ]


def test_seat_removal_is_contraction_when_quantity_falls_mid_period(world: World) -> None:
    """5 seats x $8 from 2026-03-01; down to 2 seats on 2026-03-20.

    MRR $40 -> $16: contraction -$24 on Mar 20 (credit -$40 x 12/31 = -$15.48 as -$40,
    charge +$16 x 12/31 = +$6.19 as +$16). The April line at 2 seats continues $16.
    """
    w = world
    cus, price = _basic(w, amount=800)
    sub = w.subscription(cus, start="2026-03-01")
    w.bill(sub, price, start="2026-03-01", quantity=5)
    w.change(
        sub, at="2026-03-20", period=("2026-03-01", "2026-04-01"), old=(price, 5), new=(price, 2)
    )
    w.bill(sub, price, start="2026-04-01", quantity=2)
    assert changes(w.ctx("2026-04-15")) == [
        (cus, "2026-03-01", "new", 40.0),
        (cus, "2026-03-20", "contraction", -24.0),
    ]


@pytest.mark.parametrize(
    ("interval", "count", "amount", "mrr"),
    [
        pytest.param("year", 1, 120_000, 100.0, id="annual-divided-by-12"),
        pytest.param("year", 1, 99_900, 83.25, id="annual-999-is-83.25"),
        pytest.param("week", 1, 1_200, 52.0, id="weekly-times-52-over-12"),
        pytest.param("month", 3, 9_000, 30.0, id="quarterly-divided-by-3"),
        pytest.param("day", 1, 100, 30.4167, id="daily-times-365-over-12"),
    ],
)
def test_mrr_is_the_monthly_equivalent_when_the_price_is_not_monthly(
    world: World, interval: str, count: int, amount: int, mrr: float
) -> None:
    """ChartMogul normalises every plan to a month.

    Yearly $1,200 / 12 = $100; yearly $999 / 12 = $83.25; weekly $12 x 52 / 12 = $52;
    every 3 months $90 / 3 = $30; daily $1 x 365 / 12 = $30.4167 (MRR is kept in
    hundredths of a cent).
    """
    w = world
    cus = w.customer()
    price = w.price(amount=amount, interval=interval, interval_count=count)
    sub = w.subscription(cus, start="2026-01-05")
    w.monthly_invoices(sub, price, start="2026-01-05", months=3)
    assert changes(w.ctx("2026-01-06")) == [(cus, "2026-01-05", "new", mrr)]


def test_tax_is_left_out_when_lines_carry_tax(world: World) -> None:
    """$100/month with 19% VAT ($19 tax on the line): MRR is $100, tax is never MRR."""
    w = world
    cus, price = _basic(w, amount=10_000)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=2, tax_percent=19)
    assert changes(w.ctx("2026-02-15")) == [(cus, "2026-01-01", "new", 100.0)]


# -- discounts ----------------------------------------------------------------------------------


def test_coupon_end_is_expansion_when_a_repeating_coupon_runs_out(world: World) -> None:
    """$50/month with 20% off for 3 months from 2026-01-01.

    ChartMogul nets discounts: Jan-Mar MRR = $50 x 0.8 = $40 (new +$40 on Jan 1); the
    April invoice is full price, so +$10 expansion on Apr 1.
    """
    w = world
    cus, price = _basic(w, amount=5_000)
    coupon = w.coupon(percent_off=20, duration="repeating", months=3)
    sub = w.subscription(cus, start="2026-01-01", coupon_id=coupon, discount_start_at="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=5, percent_off=20, discounted=3)
    assert changes(w.ctx("2026-05-15")) == [
        (cus, "2026-01-01", "new", 40.0),
        (cus, "2026-04-01", "expansion", 10.0),
    ]


def test_new_forever_coupon_is_contraction_when_applied_mid_life(world: World) -> None:
    """$50/month from 2026-01-01; a 10% forever coupon from the April invoice.

    MRR $50 -> $45 on Apr 1: contraction -$5 (discounts reduce MRR when they apply).
    """
    w = world
    cus, price = _basic(w, amount=5_000)
    coupon = w.coupon(percent_off=10, duration="forever")
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=3)
    w.update_subscription(sub, at="2026-04-01", coupon_id=coupon, discount_start_at="2026-04-01")
    w.monthly_invoices(sub, price, start="2026-04-01", months=2, percent_off=10)
    assert changes(w.ctx("2026-05-15")) == [
        (cus, "2026-01-01", "new", 50.0),
        (cus, "2026-04-01", "contraction", -5.0),
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param(
            "all",
            [
                ("cus_1", "2026-01-01", "new", 40.0),
                ("cus_1", "2026-04-01", "expansion", 10.0),
                ("cus_2", "2026-01-01", "new", 50.0),
                ("cus_2", "2026-02-01", "contraction", -5.0),
            ],
            id="all-chartmogul",
        ),
        pytest.param(
            "forever",
            [
                ("cus_1", "2026-01-01", "new", 50.0),
                ("cus_2", "2026-01-01", "new", 50.0),
                ("cus_2", "2026-02-01", "contraction", -5.0),
            ],
            id="forever-stripe",
        ),
        pytest.param(
            "none",
            [("cus_1", "2026-01-01", "new", 50.0), ("cus_2", "2026-01-01", "new", 50.0)],
            id="none",
        ),
    ],
)
def test_discounts_rule_decides_which_coupons_reduce_mrr_when_coupons_differ(
    world: World, rule: str, expected: list[tuple[object, ...]]
) -> None:
    """Two customers at $50/month from 2026-01-01.

    cus_1: 20% off for 3 months (repeating). cus_2: 10% off forever from Feb 1.
    ``all`` (ChartMogul): cus_1 $40 then +$10 on Apr 1; cus_2 $50 then -$5 on Feb 1.
    ``forever`` (Stripe): only cus_2's coupon counts, and only from Feb 1.
    ``none``: list prices, $50 each throughout.
    """
    w = world
    price = w.price(amount=5_000)
    repeating = w.coupon(percent_off=20, duration="repeating", months=3)
    forever = w.coupon(percent_off=10, duration="forever")
    a, b = w.customer(), w.customer()
    sa = w.subscription(a, start="2026-01-01", coupon_id=repeating, discount_start_at="2026-01-01")
    w.monthly_invoices(sa, price, start="2026-01-01", months=5, percent_off=20, discounted=3)
    sb = w.subscription(b, start="2026-01-01")
    w.update_subscription(sb, at="2026-02-01", coupon_id=forever, discount_start_at="2026-02-01")
    w.bill(sb, price, start="2026-01-01")
    w.monthly_invoices(sb, price, start="2026-02-01", months=4, percent_off=10)
    assert changes(w.ctx("2026-05-15", discounts=rule)) == expected


# -- cancellations and churn --------------------------------------------------------------------


def test_cancel_at_period_end_is_churn_at_period_end_when_churn_is_recognised_then(
    any_world: World,
) -> None:
    """$10/month from 2026-01-01; on Jan 20 the customer cancels at period end.

    The subscription ends on Feb 1 with the paid period, so churn -$10 on Feb 1.
    """
    w = any_world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.cancel(sub, at="2026-01-20", ended_at="2026-02-01", at_period_end=True)
    assert changes(w.ctx(AS_OF)) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-02-01", "churn", -10.0),
    ]


@pytest.mark.parametrize("ended", [True, False], ids=["ended", "not-yet-ended"])
def test_churn_is_dated_at_cancellation_when_churn_recognition_is_cancellation(
    world: World, ended: bool
) -> None:
    """Same history with ``churn_recognition="cancellation"`` (Baremetrics, ProfitWell).

    The customer asked to cancel on Jan 20, so churn -$10 on Jan 20, whether the
    subscription has already ended (Feb 1, as_of Jun 30) or not (as_of Jan 25).
    """
    w = world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.cancel(sub, at="2026-01-20", ended_at="2026-02-01" if ended else None, at_period_end=True)
    as_of = AS_OF if ended else "2026-01-25"
    assert changes(w.ctx(as_of, churn_recognition="cancellation")) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-01-20", "churn", -10.0),
    ]


def test_immediate_cancel_is_churn_that_day_when_it_ends_mid_period(any_world: World) -> None:
    """$10/month from 2026-01-01, cancelled immediately on 2026-01-20 with a credit.

    The subscription's end cuts the January line at Jan 20: churn -$10 that day. The
    proration credit for Jan 20 - Feb 1 (-$3.87) lies after the end and moves nothing.
    """
    w = any_world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.cancel(sub, at="2026-01-20")
    credit = w.invoice(sub, at="2026-01-20")
    w.line(
        credit,
        subscription=sub,
        price=price,
        amount=-387,
        start="2026-01-20",
        end="2026-02-01",
        kind="invoiceitem",
        proration=True,
    )
    assert changes(w.ctx(AS_OF)) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-01-20", "churn", -10.0),
    ]


def test_downgrade_to_free_plan_is_churn_when_the_new_price_is_zero(world: World) -> None:
    """Pro $25/month from 2026-01-01; moved to the free plan on 2026-02-10.

    Prorations: -$25 (as the full monthly price) and +$0. MRR $25 -> $0 is churn even
    though the subscription stays active (ChartMogul). The March $0 invoice moves nothing.
    """
    w = world
    cus, pro = _basic(w, amount=2_500)
    free = w.price(amount=0)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, pro, start="2026-01-01", months=2)
    w.change(sub, at="2026-02-10", period=("2026-02-01", "2026-03-01"), old=(pro, 1), new=(free, 1))
    w.monthly_invoices(sub, free, start="2026-03-01", months=2)
    assert changes(w.ctx("2026-04-15")) == [
        (cus, "2026-01-01", "new", 25.0),
        (cus, "2026-02-10", "churn", -25.0),
    ]


def test_downgrade_to_free_plan_is_churn_when_a_coupon_discounts_the_prorations(
    world: World,
) -> None:
    """As above with Pro $25 and a 15% forever coupon; free plan from 2026-01-11.

    January line: $25 - $3.75 = $21.25 MRR. Prorations for 21 of 31 days: "Unused time"
    -$16.94 with -$2.54 discount (Stripe rounds each line's discount to the cent), and
    +$0. The credit is the full $21.25 of MRR the Pro line carries, so churn -$21.25 on
    Jan 11 and nothing on Feb 1. (Got: churn -$21.2515 from the share 254/1694 =
    14.994% and a "reactivation" of +$0.0015 to MRR $0 on Feb 1.)
    """
    w = world
    cus, pro = _basic(w, amount=2_500)
    free = w.price(amount=0)
    coupon = w.coupon(percent_off=15, duration="forever")
    sub = w.subscription(cus, start="2026-01-01", coupon_id=coupon, discount_start_at="2026-01-01")
    w.monthly_invoices(sub, pro, start="2026-01-01", months=1, percent_off=15)
    w.change(
        sub,
        at="2026-01-11",
        period=("2026-01-01", "2026-02-01"),
        old=(pro, 1),
        new=(free, 1),
        percent_off=15,
    )
    w.monthly_invoices(sub, free, start="2026-02-01", months=1)
    assert changes(w.ctx("2026-02-15")) == [
        (cus, "2026-01-01", "new", 21.25),
        (cus, "2026-01-11", "churn", -21.25),
    ]


def test_cancelling_one_of_two_subscriptions_is_contraction_when_the_other_continues(
    world: World,
) -> None:
    """Two subscriptions of one customer, $10 and $30, both from 2026-01-01.

    The $30 one ends on Mar 1: MRR $40 -> $10 is contraction (the customer still pays).
    The $10 one ends on May 1: MRR $10 -> $0 is churn.
    """
    w = world
    cus, small = _basic(w)
    big = w.price(amount=3_000)
    s1 = w.subscription(cus, start="2026-01-01")
    s2 = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(s1, small, start="2026-01-01", months=4)
    w.monthly_invoices(s2, big, start="2026-01-01", months=2)
    w.cancel(s2, at="2026-02-10", ended_at="2026-03-01", at_period_end=True)
    w.cancel(s1, at="2026-04-10", ended_at="2026-05-01", at_period_end=True)
    assert changes(w.ctx(AS_OF)) == [
        (cus, "2026-01-01", "new", 40.0),
        (cus, "2026-03-01", "contraction", -30.0),
        (cus, "2026-05-01", "churn", -10.0),
    ]


def test_second_subscription_is_expansion_when_the_customer_already_pays(world: World) -> None:
    """$10/month from 2026-01-01; a second subscription at $30 from 2026-02-14: +$30 expansion."""
    w = world
    cus, small = _basic(w)
    big = w.price(amount=3_000)
    s1 = w.subscription(cus, start="2026-01-01")
    s2 = w.subscription(cus, start="2026-02-14")
    w.monthly_invoices(s1, small, start="2026-01-01", months=3)
    w.monthly_invoices(s2, big, start="2026-02-14", months=2)
    assert changes(w.ctx("2026-03-20")) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-02-14", "expansion", 30.0),
    ]


def test_return_is_reactivation_when_the_customer_churned_before(world: World) -> None:
    """$10/month Jan-Feb 2026 (churn on Mar 1), then $25/month from 2026-05-10.

    ChartMogul: MRR from a customer who had churned is reactivation, not new: +$25.
    """
    w = world
    cus, small = _basic(w)
    pro = w.price(amount=2_500)
    s1 = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(s1, small, start="2026-01-01", months=2)
    w.cancel(s1, at="2026-02-20", ended_at="2026-03-01", at_period_end=True)
    s2 = w.subscription(cus, start="2026-05-10")
    w.monthly_invoices(s2, pro, start="2026-05-10", months=2)
    assert changes(w.ctx(AS_OF)) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-03-01", "churn", -10.0),
        (cus, "2026-05-10", "reactivation", 25.0),
    ]


def test_mrr_moves_nothing_when_a_subscription_ends_the_day_another_starts(
    world: World,
) -> None:
    """$10/month ends on 2026-03-01 and a new $10/month starts on 2026-03-01: no churn."""
    w = world
    cus, price = _basic(w)
    s1 = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(s1, price, start="2026-01-01", months=2)
    w.cancel(s1, at="2026-02-20", ended_at="2026-03-01", at_period_end=True)
    s2 = w.subscription(cus, start="2026-03-01")
    w.monthly_invoices(s2, price, start="2026-03-01", months=2)
    assert changes(w.ctx("2026-04-15")) == [(cus, "2026-01-01", "new", 10.0)]


# -- trials -------------------------------------------------------------------------------------


def test_trial_is_new_business_at_trial_end_when_it_converts(world: World) -> None:
    """14-day trial from 2026-01-01 (a $0 line), then $10/month from 2026-01-15.

    A trial carries no MRR (ChartMogul): new +$10 on Jan 15, when the first paid period
    starts.
    """
    w = world
    cus, price = _basic(w)
    sub = w.subscription(
        cus,
        start="2026-01-01",
        trial_start_at="2026-01-01",
        trial_end_at="2026-01-15",
    )
    w.bill(sub, price, start="2026-01-01", end="2026-01-15", amount=0)
    w.monthly_invoices(sub, price, start="2026-01-15", months=2)
    assert changes(w.ctx("2026-03-01")) == [(cus, "2026-01-15", "new", 10.0)]


def test_trial_moves_nothing_when_it_does_not_convert(world: World) -> None:
    """A 14-day trial (a $0 line) that ends unpaid on 2026-01-15: no MRR, no movement."""
    w = world
    cus, price = _basic(w)
    sub = w.subscription(
        cus,
        start="2026-01-01",
        status="trialing",
        trial_start_at="2026-01-01",
        trial_end_at="2026-01-15",
    )
    w.bill(sub, price, start="2026-01-01", end="2026-01-15", amount=0)
    w.cancel(sub, at="2026-01-15")
    assert changes(w.ctx(AS_OF)) == []


# -- currencies ---------------------------------------------------------------------------------


def _euro_customer(w: World) -> tuple[str, str, str]:
    cus = w.customer(country="DE")
    price = w.price(amount=900, currency="EUR")
    sub = w.subscription(cus, start="2026-01-01", currency="EUR")
    return cus, price, sub


def test_foreign_currency_converts_at_the_rate_in_force_when_the_period_starts(
    any_world: World,
) -> None:
    """EUR 9/month from 2026-01-01; EUR->USD 1.10 from 2025-12-01, 1.20 from 2026-02-15.

    Jan and Feb periods start under 1.10: $9.90 (new on Jan 1; nothing on Feb 1). The
    March period starts under 1.20: $10.80, +$0.90 expansion on Mar 1. A USD customer at
    $10 is not converted.
    """
    w = any_world
    usd, price = _basic(w)
    s = w.subscription(usd, start="2026-01-01")
    w.monthly_invoices(s, price, start="2026-01-01", months=3)
    eur, eur_price, sub = _euro_customer(w)
    w.monthly_invoices(sub, eur_price, start="2026-01-01", months=3)
    w.fx_rate("EUR", "USD", "2025-12-01", 1.10)
    w.fx_rate("EUR", "USD", "2026-02-15", 1.20)
    assert changes(w.ctx("2026-03-15")) == [
        (usd, "2026-01-01", "new", 10.0),
        (eur, "2026-01-01", "new", 9.9),
        (eur, "2026-03-01", "expansion", 0.9),
    ]


def test_first_rate_covers_earlier_days_when_no_older_rate_exists(world: World) -> None:
    """EUR 9/month from 2026-01-01; the only rate, EUR->USD 1.10, is dated 2026-03-01.

    The first rate of a pair also covers every earlier day: $9.90 from Jan 1.
    """
    w = world
    eur, price, sub = _euro_customer(w)
    w.monthly_invoices(sub, price, start="2026-01-01", months=2)
    w.fx_rate("EUR", "USD", "2026-03-01", 1.10)
    assert changes(w.ctx("2026-01-15")) == [(eur, "2026-01-01", "new", 9.9)]


def test_inverse_rate_is_used_when_only_the_reporting_currency_is_quoted(world: World) -> None:
    """EUR 9/month; only USD->EUR 0.80 exists, so 1 EUR = 1/0.80 = 1.25 USD: $11.25."""
    w = world
    eur, price, sub = _euro_customer(w)
    w.monthly_invoices(sub, price, start="2026-01-01", months=2)
    w.fx_rate("USD", "EUR", "2025-01-01", 0.80)
    assert changes(w.ctx("2026-01-15")) == [(eur, "2026-01-01", "new", 11.25)]


def test_direct_rate_wins_when_both_directions_are_quoted(world: World) -> None:
    """EUR->USD 1.10 and USD->EUR 0.80 both exist: the direct pair gives $9.90."""
    w = world
    eur, price, sub = _euro_customer(w)
    w.monthly_invoices(sub, price, start="2026-01-01", months=2)
    w.fx_rate("USD", "EUR", "2025-01-01", 0.80)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.10)
    assert changes(w.ctx("2026-01-15")) == [(eur, "2026-01-01", "new", 9.9)]


def test_mrr_is_reported_in_euros_when_the_reporting_currency_is_eur(world: World) -> None:
    """Reporting in EUR with EUR->USD 1.25: the EUR customer is EUR 9, the USD one EUR 8."""
    w = world
    usd, price = _basic(w)
    s = w.subscription(usd, start="2026-01-01")
    w.monthly_invoices(s, price, start="2026-01-01", months=1)
    eur, eur_price, sub = _euro_customer(w)
    w.monthly_invoices(sub, eur_price, start="2026-01-01", months=1)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.25)
    assert changes(w.ctx("2026-01-15", currency="EUR")) == [
        (usd, "2026-01-01", "new", 8.0),
        (eur, "2026-01-01", "new", 9.0),
    ]


def test_zero_decimal_currency_converts_by_its_minor_unit_when_billed_in_yen(
    world: World,
) -> None:
    """JPY 1,500/month (a yen has no minor unit: ``amount_minor`` = 1500) at JPY->USD 0.0067.

    1,500 x 0.0067 = $10.05, not $0.1005 (which is what treating 1500 as cents gives).
    """
    w = world
    cus = w.customer(country="JP")
    price = w.price(amount=1_500, currency="JPY")
    sub = w.subscription(cus, start="2026-01-01", currency="JPY")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.fx_rate("JPY", "USD", "2025-01-01", 0.0067)
    assert changes(w.ctx("2026-01-15")) == [(cus, "2026-01-01", "new", 10.05)]


def test_check_currencies_raises_data_error_when_no_rate_converts_a_currency(
    world: World,
) -> None:
    """GBP 9/month with no GBP rate: ``check_currencies`` names GBP and the fix."""
    w = world
    cus = w.customer(country="GB")
    price = w.price(amount=900, currency="GBP")
    sub = w.subscription(cus, start="2026-01-01", currency="GBP")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.10)
    ctx = w.ctx("2026-01-15")
    with pytest.raises(DataError, match=r"no exchange rate converts GBP .* currency USD"):
        check_currencies(ctx, mrr_segments(ctx))


def test_check_currencies_passes_when_every_currency_converts(world: World) -> None:
    w = world
    _, price, sub = _euro_customer(w)
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.10)
    ctx = w.ctx("2026-01-15")
    check_currencies(ctx, mrr_segments(ctx))


def test_downgrade_to_free_plan_is_churn_when_the_rate_moved_since_the_period_started(
    world: World,
) -> None:
    """EUR 9/month from 2026-01-01; EUR->USD 1.10, then 1.20 from 2026-01-10; free on Jan 20.

    The January line is $9.90 (rate at period start). The credit "Unused time on EUR 9"
    belongs to the same billing period, so it converts at the same 1.10 and removes
    exactly $9.90: churn -$9.90 on Jan 20, and nothing on Feb 1 (not -$10.80 at the
    change day's rate, which would leave MRR at -$0.90 until the period ends).
    """
    w = world
    eur, price, sub = _euro_customer(w)
    free = w.price(amount=0, currency="EUR")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.change(
        sub, at="2026-01-20", period=("2026-01-01", "2026-02-01"), old=(price, 1), new=(free, 1)
    )
    w.monthly_invoices(sub, free, start="2026-02-01", months=1)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.10)
    w.fx_rate("EUR", "USD", "2026-01-10", 1.20)
    assert changes(w.ctx("2026-02-15")) == [
        (eur, "2026-01-01", "new", 9.9),
        (eur, "2026-01-20", "churn", -9.9),
    ]


def test_upgrade_converts_at_the_period_start_rate_when_the_rate_moved_mid_period(
    world: World,
) -> None:
    """EUR 9/seat/month, 1 -> 3 seats on 2026-01-20; EUR->USD 1.10, then 1.20 from Jan 10.

    The prorations belong to the January period, which began under 1.10: expansion
    +2 x EUR 9 x 1.10 = +$19.80 on Jan 20. The February period begins under 1.20:
    3 x 9 x (1.20 - 1.10) = +$2.70 expansion on Feb 1.
    """
    w = world
    eur, price, sub = _euro_customer(w)
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.change(
        sub, at="2026-01-20", period=("2026-01-01", "2026-02-01"), old=(price, 1), new=(price, 3)
    )
    w.monthly_invoices(sub, price, start="2026-02-01", months=1, quantity=3)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.10)
    w.fx_rate("EUR", "USD", "2026-01-10", 1.20)
    assert changes(w.ctx("2026-02-15")) == [
        (eur, "2026-01-01", "new", 9.9),
        (eur, "2026-01-20", "expansion", 19.8),
        (eur, "2026-02-01", "expansion", 2.7),
    ]


# -- invoice status -----------------------------------------------------------------------------


def test_voided_invoice_carries_no_mrr_when_it_is_reissued(world: World) -> None:
    """The Jan 1 invoice ($10) is voided and reissued ($10, paid Jan 3, same period).

    Only the paid one counts: new +$10 on Jan 1, not $20.
    """
    w = world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, price, start="2026-01-01", status="void")
    inv = w.invoice(sub, at="2026-01-03")
    w.line(inv, subscription=sub, price=price, start="2026-01-01")
    assert changes(w.ctx("2026-01-15")) == [(cus, "2026-01-01", "new", 10.0)]


def test_voided_invoice_is_churn_and_its_successor_reactivation_when_a_pause_voids_it(
    world: World,
) -> None:
    """docs/metrics.md (Erin): $10/month; the March invoice is voided (a pause).

    The March period carries no MRR: churn -$10 on Mar 1, reactivation +$10 on Apr 1.
    """
    w = world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=2)
    w.bill(sub, price, start="2026-03-01", status="void")
    w.monthly_invoices(sub, price, start="2026-04-01", months=1)
    assert changes(w.ctx("2026-04-15")) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-03-01", "churn", -10.0),
        (cus, "2026-04-01", "reactivation", 10.0),
    ]


@pytest.mark.parametrize("status", ["void", "draft"])
def test_invoice_carries_no_mrr_when_it_is_void_or_draft(world: World, status: str) -> None:
    """The only invoice of a $10/month subscription is void (or a draft): no movement."""
    w = world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, price, start="2026-01-01", status=status)
    assert changes(w.ctx("2026-01-15")) == []


@pytest.mark.parametrize(("rule", "churn_on"), [("keep", "2026-03-01"), ("exclude", "2026-02-01")])
def test_past_due_rule_decides_when_mrr_stops_when_an_invoice_is_open(
    world: World, rule: str, churn_on: str
) -> None:
    """$10/month from 2026-01-01: January paid, February open; the subscription ends Mar 1.

    ``keep`` (ChartMogul): the open invoice keeps its MRR until the subscription ends,
    churn on Mar 1. ``exclude``: only paid invoices count, churn on Feb 1.
    """
    w = world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, price, start="2026-01-01")
    w.bill(sub, price, start="2026-02-01", status="open")
    w.update_subscription(sub, at="2026-02-05", status="past_due")
    w.cancel(sub, at="2026-03-01")
    assert changes(w.ctx("2026-03-15", past_due=rule)) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, churn_on, "churn", -10.0),
    ]


def test_one_time_charge_carries_no_mrr_when_the_price_is_not_recurring(world: World) -> None:
    """A $500 set-up fee (one-time price) on the first invoice adds nothing to $10 MRR."""
    w = world
    cus, price = _basic(w)
    setup = w.price(amount=50_000, interval=None)
    sub = w.subscription(cus, start="2026-01-01")
    inv = w.bill(sub, price, start="2026-01-01")
    w.line(
        inv, subscription=sub, price=setup, kind="invoiceitem", start="2026-01-01", end="2026-01-01"
    )
    assert changes(w.ctx("2026-01-15")) == [(cus, "2026-01-01", "new", 10.0)]


# -- as_of and breakdowns -----------------------------------------------------------------------


def test_changes_after_as_of_are_left_out_when_as_of_is_earlier(world: World) -> None:
    """New on Jan 1 and churn on Feb 1; at as_of Jan 31 only the new business is known."""
    w = world
    cus, price = _basic(w)
    sub = w.subscription(cus, start="2026-01-01")
    w.monthly_invoices(sub, price, start="2026-01-01", months=1)
    w.cancel(sub, at="2026-01-20", ended_at="2026-02-01", at_period_end=True)
    assert changes(w.ctx("2026-01-31")) == [(cus, "2026-01-01", "new", 10.0)]
    assert changes(w.ctx("2026-02-01"))[-1] == (cus, "2026-02-01", "churn", -10.0)


def test_plan_switch_is_contraction_in_the_old_plan_and_expansion_in_the_new_when_by_plan(
    any_world: World,
) -> None:
    """Basic $10 from 2026-01-01, switched to Pro $25 on 2026-01-15 (prorated).

    Per plan: Basic +$10 new on Jan 1, -$10 contraction on Jan 15 (the customer still
    pays, so not churn); Pro +$25 expansion on Jan 15 (not new: the customer already
    paid). Without a breakdown: +$15 expansion on Jan 15.
    """
    w = any_world
    cus = w.customer()
    basic = w.price(amount=1_000, product=w.product(name="Basic monthly", plan="basic"))
    pro = w.price(amount=2_500, product=w.product(name="Pro monthly", plan="pro"))
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, basic, start="2026-01-01")
    w.change(
        sub, at="2026-01-15", period=("2026-01-01", "2026-02-01"), old=(basic, 1), new=(pro, 1)
    )
    w.monthly_invoices(sub, pro, start="2026-02-01", months=1)
    ctx = w.ctx("2026-02-15")
    assert changes(ctx, by="plan") == [
        (cus, "basic", "2026-01-01", "new", 10.0),
        (cus, "basic", "2026-01-15", "contraction", -10.0),
        (cus, "pro", "2026-01-15", "expansion", 25.0),
    ]
    assert changes(ctx) == [
        (cus, "2026-01-01", "new", 10.0),
        (cus, "2026-01-15", "expansion", 15.0),
    ]


def test_groups_are_the_customers_country_when_by_country(world: World) -> None:
    """A US customer at $10 and a German one at $20, both new on Jan 1; (none) if unknown."""
    w = world
    price = w.price(amount=1_000)
    us, de, nowhere = w.customer(country="US"), w.customer(country="DE"), w.customer(country=None)
    for cus, seats in ((us, 1), (de, 2), (nowhere, 3)):
        sub = w.subscription(cus, start="2026-01-01")
        w.monthly_invoices(sub, price, start="2026-01-01", months=1, quantity=seats)
    assert changes(w.ctx("2026-01-15"), by="country") == [
        (us, "US", "2026-01-01", "new", 10.0),
        (de, "DE", "2026-01-01", "new", 20.0),
        (nowhere, "(none)", "2026-01-01", "new", 30.0),
    ]


# -- loading the real way -----------------------------------------------------------------------


def test_mrr_is_the_same_when_the_history_is_ingested_from_table_files(
    tmp_path: Path, ws: Workspace
) -> None:
    """The builder's direct load and ``Workspace.ingest(format="table")`` agree."""
    w = World()
    cus, price = _basic(w)
    pro = w.price(amount=2_500)
    sub = w.subscription(cus, start="2026-01-01")
    w.bill(sub, price, start="2026-01-01")
    w.change(
        sub, at="2026-01-10", period=("2026-01-01", "2026-02-01"), old=(price, 1), new=(pro, 1)
    )
    w.monthly_invoices(sub, pro, start="2026-02-01", months=2)
    w.cancel(sub, at="2026-03-05", ended_at="2026-04-01", at_period_end=True)
    w.fx_rate("EUR", "USD", "2025-01-01", 1.1)
    expected = changes(w.ctx(AS_OF))
    w.close()
    for path in w.files(tmp_path / "tables"):
        [result] = ws.ingest([path], format="table", table=path.stem)
        assert result.rejects == 0, ws.rejects()
    got = changes(MetricsContext(ws.warehouse.ibis, dt.date.fromisoformat(AS_OF)))
    assert got == expected
    assert [m for *_, m, _ in got] == ["new", "expansion", "churn"]
