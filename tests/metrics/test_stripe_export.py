"""MRR movements from a Stripe export this project did not generate.

The objects are Stripe's own published examples (``fixtures3.json`` from stripe/openapi,
2025+ API shape), copied and given the ids, dates and amounts of a three-customer story,
the way a real export would carry them. Tenure ingests them like any export and must
report the movements a ChartMogul user would expect from that story:

- Acme: Pro $49/month from 10 Jan; upgrades to Business $99 on 25 Mar (Stripe bills
  the prorations "Unused time on Pro" and "Remaining time on Business"); cancels at
  period end, so the subscription ends on 10 Jun.
- Globex: Business yearly $1,200 with a 25% forever coupon from 1 Feb: $75 MRR.
- Initech: Pro x 3 seats ($147) from 5 Mar; cancelled at once on 5 May (that day's
  invoice voided); comes back with one seat on 1 Jul: a reactivation, not new business.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from tenure.workspace import Workspace
from tests.conftest import data_path

pytestmark = pytest.mark.data

Obj = dict[str, Any]


def _ts(day: str) -> int:
    return int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp())


class _Export:
    """Builds Stripe objects from the published fixture templates."""

    def __init__(self, fixtures: dict[str, Obj]) -> None:
        self.t = fixtures
        self.objects: list[Obj] = []
        self._n = 0

    def _new(self, kind: str, **fields: Any) -> Obj:
        obj = copy.deepcopy(self.t[kind])
        obj.update(fields)
        self.objects.append(obj)
        return obj

    def customer(self, cid: str, name: str, created: str) -> None:
        self._new(
            "customer",
            id=cid,
            name=name,
            email=f"billing@{name.lower()}.test",
            created=_ts(created),
            discount=None,
        )

    def product(self, pid: str, name: str) -> None:
        self._new("product", id=pid, name=name, created=_ts("2024-12-01"), metadata={})

    def price(self, pid: str, product: str, amount: int, interval: str) -> Obj:
        price = copy.deepcopy(self.t["price"])
        price.update(
            id=pid,
            product=product,
            unit_amount=amount,
            unit_amount_decimal=str(amount),
            created=_ts("2024-12-01"),
            transform_quantity=None,
        )
        price["recurring"] = {**price["recurring"], "interval": interval, "interval_count": 1}
        self.objects.append(price)
        return price

    def subscription(
        self,
        sid: str,
        customer: str,
        price: Obj,
        quantity: int,
        start: str,
        *,
        status: str = "active",
        period: tuple[str, str],
        ended: str | None = None,
        canceled: str | None = None,
        at_period_end: bool = False,
        coupon: str | None = None,
    ) -> None:
        discounts = []
        if coupon is not None:
            discount = copy.deepcopy(self.t["discount"])
            discount.update(
                id=f"di_{sid}",
                customer=customer,
                subscription=sid,
                start=_ts(start),
                end=None,
                source={"coupon": coupon, "type": "coupon"},
            )
            discounts.append(discount)
        sub = self._new(
            "subscription",
            id=sid,
            customer=customer,
            status=status,
            created=_ts(start),
            start_date=_ts(start),
            billing_cycle_anchor=_ts(start),
            trial_start=None,
            trial_end=None,
            cancel_at=None,
            canceled_at=_ts(canceled) if canceled else None,
            ended_at=_ts(ended) if ended else None,
            cancel_at_period_end=at_period_end,
            discounts=discounts,
            pause_collection=None,
            schedule=None,
            latest_invoice=None,
        )
        item = copy.deepcopy(sub["items"]["data"][0])
        item.update(
            id=f"si_{sid}",
            price=price,
            quantity=quantity,
            subscription=sid,
            current_period_start=_ts(period[0]),
            current_period_end=_ts(period[1]),
        )
        item.pop("plan", None)
        sub["items"] = {**sub["items"], "data": [item]}

    def coupon(self, cid: str, percent_off: float, duration: str) -> None:
        self._new(
            "coupon",
            id=cid,
            name=f"{percent_off:g}% off",
            percent_off=percent_off,
            duration=duration,
            duration_in_months=None,
            created=_ts("2024-12-01"),
        )

    def invoice(
        self, customer: str, sid: str, day: str, lines: list[Obj], *, status: str = "paid"
    ) -> None:
        self._n += 1
        iid = f"in_story{self._n:03d}"
        for line in lines:
            line["invoice"] = iid
        subtotal = sum(line["amount"] for line in lines)
        discount = sum(d["amount"] for line in lines for d in line["discount_amounts"])
        self._new(
            "invoice",
            id=iid,
            customer=customer,
            status=status,
            created=_ts(day),
            currency="usd",
            billing_reason="subscription_cycle",
            subtotal=subtotal,
            total=subtotal - discount,
            amount_due=subtotal - discount,
            amount_paid=subtotal - discount if status == "paid" else 0,
            total_discount_amounts=[{"amount": discount, "discount": "di_story"}]
            if discount
            else [],
            period_start=_ts(day),
            period_end=_ts(day),
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {"subscription": sid, "metadata": {}},
            },
            lines={**self.t["invoice"]["lines"], "data": lines},
        )

    def line(
        self,
        sid: str,
        price: Obj,
        amount: int,
        quantity: int,
        start: str,
        end: str,
        *,
        proration: bool = False,
        discount: int = 0,
        description: str = "",
    ) -> Obj:
        self._n += 1
        line = copy.deepcopy(self.t["line_item"])
        line.update(
            id=f"il_story{self._n:03d}",
            amount=amount,
            currency="usd",
            quantity=quantity,
            period={"start": _ts(start), "end": _ts(end)},
            description=description,
            discount_amounts=[{"amount": discount, "discount": "di_story"}] if discount else [],
            discounts=[],
            taxes=[],
            parent={
                "type": "subscription_item_details",
                "invoice_item_details": None,
                "subscription_item_details": {
                    "invoice_item": None,
                    "proration": proration,
                    "proration_details": None,
                    "subscription": sid,
                    "subscription_item": f"si_{sid}",
                },
            },
            pricing={
                "type": "price_details",
                "unit_amount_decimal": str(price["unit_amount"]),
                "price_details": {"price": price["id"], "product": price["product"]},
            },
        )
        return line


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    fixtures = json.loads((data_path() / "stripe-fixtures" / "fixtures3.json").read_text())
    x = _Export(fixtures["resources"])
    x.product("prod_pro", "Pro")
    x.product("prod_biz", "Business")
    pro = x.price("price_pro_m", "prod_pro", 4900, "month")
    biz = x.price("price_biz_m", "prod_biz", 9900, "month")
    biz_y = x.price("price_biz_y", "prod_biz", 120000, "year")
    for cid, name, day in (
        ("cus_acme", "Acme", "2025-01-10"),
        ("cus_globex", "Globex", "2025-02-01"),
        ("cus_initech", "Initech", "2025-03-05"),
    ):
        x.customer(cid, name, day)
    # Acme: three months of Pro, the upgrade on 25 Mar, Business until the end on 10 Jun.
    for start, end in (
        ("2025-01-10", "2025-02-10"),
        ("2025-02-10", "2025-03-10"),
        ("2025-03-10", "2025-04-10"),
    ):
        x.invoice("cus_acme", "sub_acme", start, [x.line("sub_acme", pro, 4900, 1, start, end)])
    x.invoice(
        "cus_acme",
        "sub_acme",
        "2025-04-10",
        [
            x.line(
                "sub_acme",
                pro,
                -2529,
                1,
                "2025-03-25",
                "2025-04-10",
                proration=True,
                description="Unused time on Pro after 25 Mar 2025",
            ),
            x.line(
                "sub_acme",
                biz,
                5110,
                1,
                "2025-03-25",
                "2025-04-10",
                proration=True,
                description="Remaining time on Business after 25 Mar 2025",
            ),
            x.line("sub_acme", biz, 9900, 1, "2025-04-10", "2025-05-10"),
        ],
    )
    x.invoice(
        "cus_acme",
        "sub_acme",
        "2025-05-10",
        [x.line("sub_acme", biz, 9900, 1, "2025-05-10", "2025-06-10")],
    )
    x.subscription(
        "sub_acme",
        "cus_acme",
        biz,
        1,
        "2025-01-10",
        status="canceled",
        period=("2025-05-10", "2025-06-10"),
        canceled="2025-05-20",
        ended="2025-06-10",
        at_period_end=True,
    )
    # Globex: one yearly invoice with a 25% forever coupon.
    x.coupon("STORY25", 25, "forever")
    x.invoice(
        "cus_globex",
        "sub_globex",
        "2025-02-01",
        [x.line("sub_globex", biz_y, 120000, 1, "2025-02-01", "2026-02-01", discount=30000)],
    )
    x.subscription(
        "sub_globex",
        "cus_globex",
        biz_y,
        1,
        "2025-02-01",
        period=("2025-02-01", "2026-02-01"),
        coupon="STORY25",
    )
    # Initech: three seats, an immediate cancellation, and a return with one seat.
    for start, end in (("2025-03-05", "2025-04-05"), ("2025-04-05", "2025-05-05")):
        x.invoice(
            "cus_initech", "sub_init1", start, [x.line("sub_init1", pro, 14700, 3, start, end)]
        )
    x.invoice(
        "cus_initech",
        "sub_init1",
        "2025-05-05",
        [x.line("sub_init1", pro, 14700, 3, "2025-05-05", "2025-06-05")],
        status="void",
    )
    x.subscription(
        "sub_init1",
        "cus_initech",
        pro,
        3,
        "2025-03-05",
        status="canceled",
        period=("2025-05-05", "2025-06-05"),
        canceled="2025-05-05",
        ended="2025-05-05",
    )
    x.invoice(
        "cus_initech",
        "sub_init2",
        "2025-07-01",
        [x.line("sub_init2", pro, 4900, 1, "2025-07-01", "2025-08-01")],
    )
    x.subscription(
        "sub_init2", "cus_initech", pro, 1, "2025-07-01", period=("2025-07-01", "2025-08-01")
    )

    root = tmp_path_factory.mktemp("stripe-story")
    export = root / "stripe_export.jsonl"
    export.write_text("".join(json.dumps(o) + "\n" for o in x.objects), encoding="utf-8")
    ws = Workspace.init(root / "ws")
    [result] = ws.ingest([export])
    assert result.rejects == 0, ws.rejects()
    return ws


def test_monthly_movements_read_like_chartmogul_when_story_is_ingested(story: Workspace) -> None:
    """Hand-worked: Jan new 49; Feb new 75 (1,200/12 less 25%); Mar new 147 and
    expansion 50 (99 - 49 from the 25th); May churn 147 (immediate cancel);
    Jun churn 99 (end of the paid period); Jul reactivation 49."""
    df = story.metrics(interval="month", as_of=dt.date(2025, 7, 31))
    got = {
        row["period"]: (
            row["new"],
            row["expansion"],
            row["contraction"],
            row["churn"],
            row["reactivation"],
            row["mrr"],
            row["customers"],
        )
        for row in df.iter_rows(named=True)
    }
    assert got == {
        "2025-01": (49.0, 0.0, 0.0, 0.0, 0.0, 49.0, 1),
        "2025-02": (75.0, 0.0, 0.0, 0.0, 0.0, 124.0, 2),
        "2025-03": (147.0, 50.0, 0.0, 0.0, 0.0, 321.0, 3),
        "2025-04": (0.0, 0.0, 0.0, 0.0, 0.0, 321.0, 3),
        "2025-05": (0.0, 0.0, 0.0, 147.0, 0.0, 174.0, 2),
        "2025-06": (0.0, 0.0, 0.0, 99.0, 0.0, 75.0, 1),
        "2025-07": (0.0, 0.0, 0.0, 0.0, 49.0, 124.0, 2),
    }


def test_change_days_match_the_story_when_listed(story: Workspace) -> None:
    from tenure.metrics import mrr_changes

    ctx = story.metrics_context(as_of=dt.date(2025, 7, 31))
    rows = mrr_changes(ctx).order_by(["day", "customer_id"]).to_pyarrow().to_pylist()
    assert [(r["customer_id"], r["day"].isoformat(), r["movement"]) for r in rows] == [
        ("cus_acme", "2025-01-10", "new"),
        ("cus_globex", "2025-02-01", "new"),
        ("cus_initech", "2025-03-05", "new"),
        ("cus_acme", "2025-03-25", "expansion"),
        ("cus_initech", "2025-05-05", "churn"),
        ("cus_acme", "2025-06-10", "churn"),
        ("cus_initech", "2025-07-01", "reactivation"),
    ]


def test_forever_coupon_reduces_mrr_unless_discounts_rule_is_none(story: Workspace) -> None:
    """Globex's coupon is ``forever``: Stripe's rule keeps the discount (MRR 75); the
    ``none`` rule reports list price, 1,200 / 12 = 100."""
    from tenure.config import MetricsSettings
    from tenure.metrics import MetricsContext, mrr_series

    for rule, expected in (("forever", 75.0), ("none", 100.0)):
        ctx = MetricsContext(
            story.warehouse.ibis, dt.date(2025, 2, 28), rules=MetricsSettings(discounts=rule)
        )
        feb = mrr_series(ctx).to_pyarrow().to_pylist()[-1]
        assert (feb["period"], feb["new"]) == ("2025-02", expected), rule
