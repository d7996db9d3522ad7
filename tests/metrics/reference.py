"""A plain-Python reference implementation of the MRR engine, written from the definitions.

It reads the canonical tables into lists of dicts and computes segments, change rows and
the monthly series with loops, dicts and :mod:`datetime`, independently of the Ibis code
in ``tenure.metrics``, so that the two can be compared on generated worlds
(``test_reference.py``).

Money is an integer count of *units*: hundredths of a minor unit of the reporting currency.

The definitions (issue 3, item 7, and ``docs/metrics.md``):

- A *segment* is an invoice line of a non-void, non-draft invoice (only ``paid`` ones with
  ``past_due="exclude"``) that has a subscription, a service period and a recurring price
  (a price interval, or no price type and line kind ``subscription``). It runs from the
  UTC date of ``period_start_at`` to that of ``min(period_end_at, subscription stop)``.
- Its monthly amount is the listed amount (a proration line: the full price of what it
  bills, unit amount x quantity with the line's sign; for a price without a unit amount,
  the line amount scaled up to a full billing period) less the counted discount share,
  divided by the months in one billing period.
- A regular line is converted at the rate in force on the day it starts. A proration line
  belongs to the billing period of the regular (non-proration) MRR lines of the same
  subscription that end on the same ``period_end_at``: it uses the earliest start among
  them as its rate day and their mean discount share (so a change nets out exactly against
  the line it credits); without such lines, its own start and share. Rates are per major
  unit and are scaled by the currencies' minor-unit exponents.
- A customer's MRR on a day is the sum of the segments that cover it; each day it changes
  is a change row, whose movement is new, reactivation, expansion, churn or contraction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tenure.config import MetricsSettings
from tenure.currencies import CURRENCIES

__all__ = [
    "TABLES",
    "Change",
    "Reference",
    "Segment",
    "load_tables",
    "round_half_away",
]

TABLES = (
    "invoice_lines",
    "invoices",
    "prices",
    "products",
    "subscriptions",
    "subscriptions_versions",
    "coupons",
    "fx_rates",
    "customers",
)
"""The canonical tables the MRR engine reads."""

MONTHS_PER_INTERVAL = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}
DAYS_PER_MONTH = 365.25 / 12
UNITS_PER_MINOR = 100
NONE = "(none)"

Rows = list[dict[str, Any]]


def load_tables(con: Any, names: tuple[str, ...] = TABLES) -> dict[str, Rows]:
    """Every table in ``names`` as a list of row dicts."""
    return {name: con.table(name).to_pyarrow().to_pylist() for name in names}


def round_half_away(x: float) -> int:
    """Round to the nearest integer, halves away from zero (2.5 -> 3, -2.5 -> -3)."""
    a = abs(x)
    r = math.floor(a)
    if a - r >= 0.5:
        r += 1
    return int(r) if x >= 0 else -int(r)


def utc_date(ts: dt.datetime) -> dt.date:
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.UTC)
    return ts.date()


def _sign(x: float) -> float:
    return (x > 0) - (x < 0)


@dataclass(frozen=True)
class Segment:
    line_id: str
    customer_id: str
    subscription_id: str
    price_id: str | None
    product_id: str | None
    currency: str | None
    start_on: dt.date
    end_on: dt.date
    units: int | None


@dataclass(frozen=True)
class Change:
    customer_id: str
    group: str
    day: dt.date
    delta: int
    before: int
    after: int
    total_before: int
    total_after: int
    movement: str


class Reference:
    """The MRR engine from its definitions, over tables loaded by :func:`load_tables`."""

    def __init__(
        self,
        tables: dict[str, Rows],
        as_of: dt.date,
        currency: str = "USD",
        rules: MetricsSettings | None = None,
    ) -> None:
        self.t = tables
        self.as_of = as_of
        self.currency = currency
        self.rules = rules or MetricsSettings()
        self.units_per_major = UNITS_PER_MINOR * 10 ** self.exponent(currency)

    # ------------------------------------------------------------------ segments

    def _stops(self) -> dict[str, dt.datetime | None]:
        out: dict[str, dt.datetime | None] = {}
        for s in self.t["subscriptions"]:
            ended = s["ended_at"]
            if ended is None and s["status"] == "canceled":
                ended = s["canceled_at"]
            stop = ended
            if self.rules.churn_recognition == "cancellation" and (
                s["status"] == "canceled" or s["cancel_at_period_end"]
            ):
                stop = s["canceled_at"] if s["canceled_at"] is not None else ended
            out[s["subscription_id"]] = stop
        return out

    def _forever_from(self) -> dict[str, dt.datetime]:
        forever = {c["coupon_id"] for c in self.t["coupons"] if c["duration"] == "forever"}
        out: dict[str, dt.datetime] = {}
        for v in self.t["subscriptions_versions"]:
            if v["coupon_id"] is None or v["coupon_id"] not in forever:
                continue
            since = v["discount_start_at"] or v["_version_at"]
            sub = v["subscription_id"]
            if since is not None and (sub not in out or since < out[sub]):
                out[sub] = since
        return out

    @staticmethod
    def exponent(currency: str) -> int:
        """Decimal places of the currency's minor unit (2 when the code is unknown)."""
        return CURRENCIES.get(currency.upper(), 2)

    def fx_rate(self, currency: str | None, on: dt.date) -> float | None:
        """The rate from ``currency`` into the reporting currency in force on ``on``."""
        if currency == self.currency:
            return 1.0
        if currency is None:
            return None

        def pick(rows: Rows) -> dict[str, Any] | None:
            if not rows:
                return None
            earlier = [r for r in rows if r["rate_on"] <= on]
            if earlier:
                return max(earlier, key=lambda r: r["rate_on"])
            return min(rows, key=lambda r: r["rate_on"])

        fx = self.t["fx_rates"]
        direct = [
            r for r in fx if r["currency"] == currency and r["quote_currency"] == self.currency
        ]
        if direct:
            row = pick(direct)
            return None if row is None or row["rate"] is None else float(row["rate"])
        inverse = [
            r for r in fx if r["currency"] == self.currency and r["quote_currency"] == currency
        ]
        row = pick(inverse)
        if row is None or not row["rate"]:
            return None
        return 1.0 / float(row["rate"])

    def segments(self) -> dict[str, Segment]:
        """Every invoice line that carries MRR, by ``line_id``."""
        invoices = {}
        for inv in self.t["invoices"]:
            status = inv["status"]
            if status in ("void", "draft"):
                continue
            if self.rules.past_due == "exclude" and status != "paid":
                continue
            invoices[inv["invoice_id"]] = inv
        prices = {p["price_id"]: p for p in self.t["prices"]}
        stops = self._stops()
        forever_from = self._forever_from() if self.rules.discounts == "forever" else {}
        fx_cache: dict[tuple[str | None, dt.date], float | None] = {}

        # The lines that carry MRR, and when each subscription's billing period began: the
        # earliest start among the carrying lines that end with it (the regular line and
        # its prorations share a period_end_at).
        carrying = []
        for line in self.t["invoice_lines"]:
            inv = invoices.get(line["invoice_id"])
            if inv is None:
                continue
            price = prices.get(line["price_id"]) if line["price_id"] is not None else None
            interval = price["interval"] if price else None
            price_type = price["type"] if price else None
            recurring = interval is not None or (
                price_type is None and line["kind"] == "subscription"
            )
            start_at, end_at = line["period_start_at"], line["period_end_at"]
            sub = line["subscription_id"]
            if sub is None or start_at is None or end_at is None or not recurring:
                continue
            carrying.append((line, inv, price))

        def own_share(line: dict[str, Any]) -> float:
            amount = line["amount_minor"] or 0
            if self.rules.discounts == "none" or amount == 0:
                return 0.0
            if self.rules.discounts == "forever":
                since = forever_from.get(line["subscription_id"])
                if since is None or line["period_start_at"] < since:
                    return 0.0
            return min(max((line["discount_minor"] or 0) / abs(amount), 0.0), 1.0)

        # The regular lines of each billing period: its first day and its discount share.
        period_began: dict[tuple[str, dt.datetime], dt.datetime] = {}
        period_shares: dict[tuple[str, dt.datetime], list[float]] = defaultdict(list)
        for line, _, _ in carrying:
            if line["proration"]:
                continue
            key = (line["subscription_id"], line["period_end_at"])
            began = line["period_start_at"]
            period_began[key] = min(began, period_began.get(key, began))
            period_shares[key].append(own_share(line))

        out: dict[str, Segment] = {}
        for line, inv, price in carrying:
            interval = price["interval"] if price else None
            start_at, end_at = line["period_start_at"], line["period_end_at"]
            sub = line["subscription_id"]
            stop = stops.get(sub)
            cut = end_at if stop is None else min(end_at, stop)
            start_on, end_on = utc_date(start_at), utc_date(cut)
            if not start_on < end_on:
                continue

            line_days = (end_at - start_at).total_seconds() / 86400
            if interval is not None:
                count = price["interval_count"] or 1
                months = MONTHS_PER_INTERVAL[interval] * count
            else:
                months = line_days / DAYS_PER_MONTH

            amount = line["amount_minor"] or 0
            if line["proration"]:
                unit = price["amount_minor"] if price else None
                if unit is None:
                    # A tiered price: the amount (which includes the quantity) scaled up to
                    # a full billing period.
                    full = abs(amount) * months * DAYS_PER_MONTH / max(line_days, 1 / 24)
                    listed = _sign(amount) * full
                else:
                    listed = _sign(amount) * (unit * (line["quantity"] or 1))
            else:
                listed = float(amount)

            key = (sub, end_at)
            share, rate_at = own_share(line), start_at
            if line["proration"] and key in period_began:
                share = sum(period_shares[key]) / len(period_shares[key])
                rate_at = period_began[key]

            monthly = listed * (1 - share) / months
            currency = line["currency"] or inv["currency"]
            currency = currency.upper() if currency else None
            fx_on = utc_date(rate_at)
            if (currency, fx_on) not in fx_cache:
                fx_cache[currency, fx_on] = self.fx_rate(currency, fx_on)
            rate = fx_cache[currency, fx_on]
            units = None
            if rate is not None and currency is not None:
                # ``rate`` is per major unit; scale it to minor units of each side.
                scale = 10.0 ** (self.exponent(self.currency) - self.exponent(currency))
                units = round_half_away(monthly * (rate * scale) * UNITS_PER_MINOR)
            out[line["line_id"]] = Segment(
                line_id=line["line_id"],
                customer_id=inv["customer_id"],
                subscription_id=sub,
                price_id=line["price_id"],
                product_id=price["product_id"] if price else None,
                currency=currency,
                start_on=start_on,
                end_on=end_on,
                units=units,
            )
        return out

    # ------------------------------------------------------------------ changes

    def _group_of(self, by: str | None) -> Any:
        if by is None:
            return lambda seg: "all"
        if by == "plan":
            products = {p["product_id"]: p for p in self.t["products"]}

            def plan(seg: Segment) -> str:
                if seg.product_id is None:
                    return NONE
                p = products.get(seg.product_id)
                if p is None:
                    return NONE  # the product is missing from the products table
                return p["plan"] or p["name"] or seg.product_id

            return plan
        values = {c["customer_id"]: c[by] for c in self.t["customers"]}

        def attribute(seg: Segment) -> str:
            value = values.get(seg.customer_id)
            return NONE if value is None else str(value)

        return attribute

    def mrr_by_day(self, by: str | None = None) -> dict[tuple[str, str], dict[dt.date, int]]:
        """Per (customer, group), the day-on-day MRR difference on every day it is non-zero."""
        group_of = self._group_of(by)
        steps: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        for seg in self.segments().values():
            if not seg.units:
                continue
            key = (seg.customer_id, group_of(seg))
            # MRR on d includes the segment iff start_on <= d < end_on: it steps up on
            # start_on and back down on end_on.
            if seg.start_on <= self.as_of:
                steps[key][seg.start_on] += seg.units
            if seg.end_on <= self.as_of:
                steps[key][seg.end_on] -= seg.units
        return {k: {d: v for d, v in days.items() if v != 0} for k, days in steps.items()}

    def changes(self, by: str | None = None) -> list[Change]:
        """One row per (customer, group, day) on which the group's MRR changes."""
        steps = self.mrr_by_day(by)
        # The customer's total across groups, day by day.
        totals: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
        for (customer, _), days in steps.items():
            for day, delta in days.items():
                totals[customer][day] += delta
        total_at: dict[tuple[str, dt.date], tuple[int, int]] = {}
        first_on: dict[str, dt.date] = {}
        for customer, days in totals.items():
            running = 0
            for day in sorted(days):
                before, running = running, running + days[day]
                total_at[customer, day] = (before, running)
                if before <= 0 < running and customer not in first_on:
                    first_on[customer] = day

        out = []
        for (customer, group), days in steps.items():
            running = 0
            for day in sorted(days):
                delta = days[day]
                before, running = running, running + delta
                t_before, t_after = total_at[customer, day]
                if delta > 0 and t_before <= 0 and first_on.get(customer) == day:
                    movement = "new"
                elif delta > 0 and t_before <= 0:
                    movement = "reactivation"
                elif delta > 0:
                    movement = "expansion"
                elif t_after <= 0:
                    movement = "churn"
                else:
                    movement = "contraction"
                out.append(
                    Change(
                        customer, group, day, delta, before, running, t_before, t_after, movement
                    )
                )
        return out

    # ------------------------------------------------------------------ series

    def series(self, by: str | None = None) -> list[dict[str, Any]]:
        """The monthly series: one dict per (group, month), money in major units."""
        changes = self.changes(by)
        if not changes:
            return []
        per_key: dict[tuple[str, str], list[Change]] = defaultdict(list)
        for c in changes:
            per_key[c.customer_id, c.group].append(c)
        groups = sorted({c.group for c in changes}) if by is not None else ["all"]

        first = min(c.day for c in changes)
        months = []
        m = first.replace(day=1)
        while m <= self.as_of:
            months.append(m)
            m = (m + dt.timedelta(days=32)).replace(day=1)

        def mrr_at(day: dt.date, group: str) -> dict[str, int]:
            """Each customer's MRR in ``group`` at the end of ``day``."""
            out = {}
            for (customer, g), rows in per_key.items():
                if g == group:
                    out[customer] = sum(r.delta for r in rows if r.day <= day)
            return out

        major = self.units_per_major
        rows = []
        for group in groups:
            for m in months:
                nxt = (m + dt.timedelta(days=32)).replace(day=1)
                at = min(nxt - dt.timedelta(days=1), self.as_of)
                now = mrr_at(at, group)
                then = mrr_at(m - dt.timedelta(days=1), group)
                inside = [c for c in changes if c.group == group and m <= c.day <= at]
                moves = {
                    k: sum(abs(c.delta) for c in inside if c.movement == k)
                    for k in ("new", "expansion", "contraction", "churn", "reactivation")
                }
                mrr_u, start_u = sum(now.values()), sum(then.values())
                customers_start = sum(1 for v in then.values() if v > 0)
                who = {
                    k: len({c.customer_id for c in inside if c.movement == k})
                    for k in ("new", "reactivation", "churn")
                }
                lost = moves["churn"] + moves["contraction"]
                net = lost - moves["expansion"] - moves["reactivation"]
                net_rate = None if start_u == 0 else (net / major) / (start_u / major)
                rows.append(
                    {
                        "period": f"{m:%Y-%m}",
                        "group": group,
                        "mrr": mrr_u / major,
                        "mrr_start": start_u / major,
                        **{k: v / major for k, v in moves.items()},
                        "customers": sum(1 for v in now.values() if v > 0),
                        "customers_start": customers_start,
                        "new_customers": who["new"],
                        "reactivated_customers": who["reactivation"],
                        "churned_customers": who["churn"],
                        "customer_churn_rate": (
                            None if customers_start == 0 else who["churn"] / customers_start
                        ),
                        "net_mrr_churn_rate": net_rate,
                        "nrr": None if net_rate is None else 1 - net_rate,
                    }
                )
        return rows
