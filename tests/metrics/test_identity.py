"""Property tests of the MRR series over random subscription histories.

Hypothesis draws a few customers with subscriptions on paid, free, yearly, quarterly and
euro plans, with trials, seat and plan changes billed as prorations, repeating and
forever coupons, cancellations at period end and immediate ones, voided and unpaid
invoices, and the ``[metrics]`` rules. For every breakdown (none, plan, country) and
interval (day, week, month, quarter) each series row must obey

    mrr == mrr_start + new + expansion + reactivation - contraction - churn

with ``mrr_start`` the previous row's ``mrr`` and consistent customer counts. The
generator also knows what each invoice line should be worth per month, so the MRR and
the paying customers at every period end are checked against that independent tally.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenure.metrics import INTERVALS, Interval
from tenure.metrics._base import add_months, next_period
from tenure.store import Warehouse
from tests.metrics.builders import World, empty, series

AS_OF = dt.date(2025, 12, 31)
FIRST_DAY = dt.date(2025, 1, 1)
EUR_USD = ((dt.date(2024, 1, 1), 1.10), (dt.date(2025, 4, 1), 1.25))


@dataclass(frozen=True)
class Plan:
    amount: int  # minor units per billing period and seat
    interval: str = "month"
    count: int = 1
    currency: str = "USD"
    family: str = "basic"

    @property
    def months(self) -> int:
        return self.count * (12 if self.interval == "year" else 1)


PLANS = {
    "basic": Plan(1_000),
    "pro": Plan(2_500, family="pro"),
    "free": Plan(0, family="free"),
    "annual": Plan(24_000, "year", family="pro"),
    "quarterly": Plan(4_500, "month", 3),
    "euro": Plan(900, currency="EUR"),
    "euro_pro": Plan(2_000, currency="EUR", family="pro"),
}
SWITCHES = {"USD": ("basic", "pro", "free"), "EUR": ("euro", "euro_pro")}
"""Monthly plans a subscription may move between mid-period, by currency."""


@dataclass(frozen=True)
class SubSpec:
    plan: str
    start: int  # days after FIRST_DAY
    seats: int
    periods: int  # billed periods when it ends
    end: str  # ongoing, period_end or immediate
    end_day: int  # day of the last period the customer cancels (or it ends) on
    trial: str  # none, converts or lapses
    change: tuple[int, int, str, int] | None  # (period, day, new plan, new seats)
    coupon: tuple[str, int, int] | None  # (repeating | forever, percent, months | period)
    voided: frozenset[int]
    unpaid: frozenset[int]


@dataclass(frozen=True)
class Rules:
    churn_recognition: str
    past_due: str
    discounts: str
    same_period_churn: str


@st.composite
def subscriptions(draw: st.DrawFn) -> SubSpec:
    plan = draw(st.sampled_from(sorted(PLANS)))
    p = PLANS[plan]
    periods = draw(st.integers(1, 2 if p.interval == "year" else 7))
    change = None
    coupon = None
    if p.interval == "month" and p.count == 1 and draw(st.integers(0, 2)) == 0:
        change = (
            draw(st.integers(0, periods - 1)),
            draw(st.integers(1, 27)),
            draw(st.sampled_from(SWITCHES[p.currency])),
            draw(st.integers(1, 4)),
        )
    elif p.amount and draw(st.integers(0, 2)) == 0:
        kind = draw(st.sampled_from(["repeating", "forever"]))
        coupon = (kind, draw(st.sampled_from([10, 20, 25, 50])), draw(st.integers(0, 3)))
    flags = st.frozensets(st.integers(0, periods - 1), max_size=1)
    return SubSpec(
        plan=plan,
        start=draw(st.integers(0, 270)),
        seats=draw(st.integers(1, 3)),
        periods=periods,
        end=draw(st.sampled_from(["ongoing", "period_end", "immediate"])),
        end_day=draw(st.integers(1, 27)),
        trial=draw(st.sampled_from(["none", "none", "converts", "lapses"])),
        change=change,
        coupon=coupon,
        # A changed period is never voided or unpaid, so its prorations always have the
        # period's own line (and rate) to net against.
        voided=frozenset() if change else draw(flags),
        unpaid=frozenset() if change else draw(flags),
    )


histories = st.lists(
    st.tuples(
        st.sampled_from(["US", "DE", None]),
        st.lists(subscriptions(), min_size=1, max_size=2),
    ),
    min_size=1,
    max_size=5,
)
rules = st.builds(
    Rules,
    churn_recognition=st.sampled_from(["period_end", "cancellation"]),
    past_due=st.sampled_from(["keep", "exclude"]),
    discounts=st.sampled_from(["all", "forever", "none"]),
    same_period_churn=st.sampled_from(["count", "exclude"]),
)


# -- building a history and its expected MRR ------------------------------------------------


@dataclass
class Tally:
    """What each line should add to MRR (dollars/month) over its days, independently."""

    pieces: list[tuple[str, str, str, dt.date, dt.date, float]] = field(default_factory=list)
    """(customer, plan family, country, start, end, monthly USD)."""

    def at(self, day: dt.date, by: str | None) -> dict[str, dict[str, float]]:
        """``{group: {customer: MRR}}`` at the end of ``day`` (customers above zero)."""
        out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for cus, family, country, start, end, monthly in self.pieces:
            if start <= day < end:
                group = {None: "all", "plan": family, "country": country}[by]
                out[group][cus] += monthly
        paying = {g: {c: v for c, v in m.items() if v > 1e-6} for g, m in out.items()}
        return {g: m for g, m in paying.items() if m}


def _rate(currency: str, on: dt.date) -> float:
    if currency == "USD":
        return 1.0
    return [r for since, r in EUR_USD if since <= on][-1]


def _billing_start(start: dt.date, plan: Plan, k: int) -> dt.date:
    return add_months(start, k * plan.months)


def build(w: World, history: list[Any], r: Rules) -> Tally:
    """Write ``history`` into ``w`` and return the tally of what it should be worth."""
    prices: dict[str, str] = {}
    products = {fam: w.product(name=f"{fam.title()} plan", plan=fam) for fam in ("basic", "pro")}
    products["free"] = w.product(name="Free")  # no plan metadata: grouped by its name
    for name, p in PLANS.items():
        prices[name] = w.price(
            name,
            amount=p.amount,
            interval=p.interval,
            interval_count=p.count,
            currency=p.currency,
            product=products[p.family],
        )
    coupons: dict[tuple[str, int, int | None], str] = {}
    for since, rate in EUR_USD:
        w.fx_rate("EUR", "USD", since, rate)
    tally = Tally()
    for country, subs in history:
        cus = w.customer(country=country)
        group_country = country or "(none)"
        for spec in subs:
            _subscription(w, r, spec, cus, group_country, prices, coupons, tally)
    return tally


def _subscription(
    w: World,
    r: Rules,
    spec: SubSpec,
    cus: str,
    country: str,
    prices: dict[str, str],
    coupons: dict[tuple[str, int, int | None], str],
    tally: Tally,
) -> None:
    plan = PLANS[spec.plan]
    start = FIRST_DAY + dt.timedelta(days=spec.start)
    created = start - dt.timedelta(days=14) if spec.trial != "none" else start
    sub = w.subscription(cus, start=created, currency=plan.currency)
    if spec.trial != "none":
        w.bill(sub, prices[spec.plan], start=created, end=start, amount=0)
        if spec.trial == "lapses":
            w.cancel(sub, at=start)
            return
    # The billed periods, and the cancellation: asked on ``cancel_on``, effective on
    # ``ended_on`` (None while it has not taken effect by AS_OF).
    end = spec.end
    cancel_on = ended_on = None
    if end != "ongoing":
        last = _billing_start(start, plan, spec.periods - 1)
        after = _billing_start(start, plan, spec.periods)
        cancel_on = min(last + dt.timedelta(days=spec.end_day), after - dt.timedelta(days=1))
        if cancel_on > AS_OF:
            end, cancel_on = "ongoing", None
        else:
            ended_on = cancel_on if end == "immediate" else after
            ended_on = ended_on if ended_on <= AS_OF else None
    periods = spec.periods
    if end == "ongoing":
        periods = 0
        while _billing_start(start, plan, periods) <= AS_OF:
            periods += 1
    # The coupon: the share of each period's line it takes.
    shares: dict[int, float] = {}
    if spec.coupon:
        kind, percent, n = spec.coupon
        months = (n or 1) if kind == "repeating" else None
        key = (kind, percent, months)
        if key not in coupons:
            coupons[key] = w.coupon(percent_off=percent, duration=kind, months=months)
        first = 0 if kind == "repeating" else n
        if first < periods:
            since = _billing_start(start, plan, first)
            w.update_subscription(
                sub, at=max(since, created), coupon_id=coupons[key], discount_start_at=since
            )
            last = months if months else periods
            shares = dict.fromkeys(range(first, last), percent / 100)
    counts_coupon = {
        "all": True,
        "none": False,
        "forever": bool(spec.coupon) and spec.coupon[0] == "forever",  # type: ignore[index]
    }[r.discounts]
    # The invoices, and what each line should be worth (USD per month).
    pieces: list[tuple[str, dt.date, dt.date, float]] = []
    current, seats = spec.plan, spec.seats
    for k in range(periods):
        begin, until = _billing_start(start, plan, k), _billing_start(start, plan, k + 1)
        if begin > AS_OF:
            break
        status = "void" if k in spec.voided else "open" if k in spec.unpaid else "paid"
        amount = PLANS[current].amount * seats
        share = shares.get(k, 0.0)
        w.bill(
            sub,
            prices[current],
            start=begin,
            end=until,
            quantity=seats,
            discount=round(amount * share),
            status=status,
        )
        rate = _rate(plan.currency, begin)
        monthly = amount / PLANS[current].months / 100 * rate
        if status == "paid" or (status == "open" and r.past_due == "keep"):
            pieces.append((current, begin, until, monthly * (1 - share * counts_coupon)))
        if spec.change and spec.change[0] == k:
            _, day, new_plan, new_seats = spec.change
            on = min(begin + dt.timedelta(days=day), until - dt.timedelta(days=1))
            if on <= AS_OF:
                w.change(
                    sub,
                    at=on,
                    period=(begin, until),
                    old=(current, seats),
                    new=(new_plan, new_seats),
                )
                new_monthly = PLANS[new_plan].amount * new_seats / 100 * rate
                pieces += [(current, on, until, -monthly), (new_plan, on, until, new_monthly)]
                current, seats = new_plan, new_seats
        if end == "immediate" and cancel_on is not None and begin <= cancel_on < until:
            credit = w.invoice(sub, at=cancel_on)
            w.line(
                credit,
                subscription=sub,
                price=prices[current],
                amount=-round(
                    PLANS[current].amount * seats * (until - cancel_on).days / (until - begin).days
                ),
                start=cancel_on,
                end=until,
                quantity=seats,
                kind="invoiceitem",
                proration=True,
            )
    # The cancellation, and the day MRR stops under the churn rule.
    stop = None
    if cancel_on is not None:
        w.cancel(sub, at=cancel_on, ended_at=ended_on, at_period_end=end == "period_end")
        stop = cancel_on if r.churn_recognition == "cancellation" else ended_on
    for price_name, a, b, value in pieces:
        b = min(b, stop) if stop else b
        if a < b:
            family = PLANS[price_name].family
            group = "Free" if family == "free" else family
            tally.pieces.append((cus, group, country, a, b, value))


# -- the property ---------------------------------------------------------------------------


MOVES = ("new", "expansion", "contraction", "churn", "reactivation")


def _label_start(label: str, interval: Interval) -> dt.date:
    """The first day of the period labelled ``label``."""
    if interval == "quarter":
        return dt.date(int(label[:4]), (int(label[-1]) - 1) * 3 + 1, 1)
    if interval == "month":
        return dt.date(int(label[:4]), int(label[5:7]), 1)
    return dt.date.fromisoformat(label)


def _period_end(label: str, interval: Interval) -> dt.date:
    """The last day a series row counts: the end of its period, or AS_OF."""
    return min(next_period(_label_start(label, interval), interval) - dt.timedelta(days=1), AS_OF)


def _check_group(rows: list[dict[str, Any]], interval: Interval, by: str | None) -> None:
    """The identity, the chaining of starts and the customer counts of one group's rows."""
    mrr = 0.0
    customers = 0
    for row in rows:
        where = f"{row['group']} {row['period']}"
        moves = {m: row[m] for m in MOVES}
        assert all(v >= 0 for v in moves.values()), where
        assert row["mrr_start"] == pytest.approx(mrr, abs=1e-6), where
        assert row["mrr"] == pytest.approx(
            row["mrr_start"]
            + moves["new"]
            + moves["expansion"]
            + moves["reactivation"]
            - moves["contraction"]
            - moves["churn"],
            abs=1e-6,
        ), where
        assert row["net_new_mrr"] == pytest.approx(row["mrr"] - row["mrr_start"], abs=1e-6)
        assert row["arr"] == pytest.approx(12 * row["mrr"], abs=1e-6)
        assert row["customers_start"] == customers, where
        assert row["customers"] >= 0
        joined = row["new_customers"] + row["reactivated_customers"]
        if by is None:
            # Without a breakdown a customer only starts paying by new or reactivation,
            # and only stops by churn; within one day there is one movement each.
            assert row["customers"] - row["customers_start"] <= joined, where
            assert row["customers_start"] - row["customers"] <= row["churned_customers"], where
            if interval == "day":
                diff = joined - row["churned_customers"]
                assert row["customers"] - row["customers_start"] == diff, where
        if row["customers"] == 0:
            assert row["mrr"] == pytest.approx(0.0, abs=1e-6), where
        mrr, customers = row["mrr"], row["customers"]


def _check_series(
    rows: list[dict[str, Any]], tally: Tally, interval: Interval, by: str | None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Check every group of a series; return ``{period: {group: row}}``."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["group"]].append(row)
    labels = None
    for group_rows in groups.values():
        periods = [r["period"] for r in group_rows]
        assert labels is None or periods == labels, "every group shares one calendar"
        labels = periods
        _check_group(group_rows, interval, by)
    assert labels, "a series has at least one period"
    assert _period_end(labels[-1], interval) == AS_OF
    for a, b in itertools.pairwise(labels):
        assert _label_start(b, interval) == next_period(_label_start(a, interval), interval)
    by_period: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        by_period[row["period"]][row["group"]] = row
    for label, at in by_period.items():
        expected = tally.at(_period_end(label, interval), by)
        assert set(expected) <= set(at), f"groups with MRR are missing at {label}"
        for group, row in at.items():
            want = expected.get(group, {})
            where = f"{group} {label}"
            assert row["mrr"] == pytest.approx(sum(want.values()), abs=0.01), where
            assert row["customers"] == len(want), where
    return by_period


def check_history(warehouse: Warehouse, history: list[Any], r: Rules, interval: Interval) -> None:
    """Build ``history`` into the emptied ``warehouse`` and check its series at
    ``interval`` without a breakdown, by plan and by country."""
    w = World(warehouse=empty(warehouse))
    tally = build(w, history, r)
    ctx = w.ctx(
        AS_OF,
        churn_recognition=r.churn_recognition,
        past_due=r.past_due,
        discounts=r.discounts,
        same_period_churn=r.same_period_churn,
    )
    total = _check_series(series(ctx, interval), tally, interval, None)
    if not any(row["all"][m] for row in total.values() for m in MOVES):
        # No MRR at all: a breakdown has no groups (and month/quarter ones raise, see
        # test_series.py::test_breakdown_has_no_rows_when_there_is_no_mrr).
        return
    for by in ("plan", "country"):
        split = _check_series(series(ctx, interval, by=by), tally, interval, by)
        assert set(split) == set(total)
        for label, groups in split.items():
            whole = total[label]["all"]
            parts = list(groups.values())
            assert sum(g["mrr"] for g in parts) == pytest.approx(whole["mrr"], abs=1e-6)
            net = sum(g["net_new_mrr"] for g in parts)
            assert net == pytest.approx(whole["net_new_mrr"], abs=1e-6)
            if r.same_period_churn == "count":
                # A rise is new or reactivation only when the whole customer starts
                # paying, a fall churn only when the whole customer stops (docs).
                for m in ("new", "churn", "reactivation"):
                    got = sum(g[m] for g in parts)
                    assert got == pytest.approx(whole[m], abs=1e-6), (by, label, m)


@pytest.mark.parametrize("interval", INTERVALS)
@settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(history=histories, r=rules)
def test_mrr_adds_up_in_every_period_when_histories_are_random(
    _duckdb_warehouse: Warehouse, interval: Interval, history: list[Any], r: Rules
) -> None:
    """For each interval, and without a breakdown, by plan and by country: the MRR
    identity, ``mrr_start`` = the previous ``mrr``, consistent customer counts, the
    independently tallied MRR and paying customers at each period end, and (when flash
    customers count) group movements that add up to the total ones.

    Each series takes one to two seconds (Ibis compiles a large query), so each interval
    sees a few histories per run; a fresh seed every run widens the search over time.
    """
    check_history(_duckdb_warehouse, history, r, interval)
