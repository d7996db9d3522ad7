"""Hand-worked feature values on a tiny world, and the point-in-time rules one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tenure.features import FEATURES, feature_frame, known_before
from tenure.features.point_in_time import cutoff_of
from tests.metrics.builders import World, ts

AS_OF = dt.date(2026, 4, 1)


def _row(world: World, customer: str, as_of: dt.date = AS_OF, **rules: Any) -> dict[str, Any]:
    ctx = world.ctx(as_of, **rules)
    frame = feature_frame(ctx.con, as_of, rules=ctx.rules)
    rows = frame.filter(frame["customer_id"] == customer).to_dicts()
    assert len(rows) == 1
    return rows[0]


@pytest.fixture
def paying(world: World) -> tuple[World, str, str]:
    """One customer paying 50.00 a month on the pro plan since January, active in the product."""
    cus = world.customer(created_at="2025-12-20", channel="partner")
    pro = world.price(amount=5000, product=world.product(plan="pro"))
    sub = world.subscription(cus, start="2026-01-01")
    world.monthly_invoices(sub, pro, start="2026-01-01", months=4, quantity=1)
    # 12 events 31-60 days before as_of, 3 in the last 30 days (two of them in the last 7)
    for i in range(12):
        world.event(cus, "Feature Used", at=dt.datetime(2026, 2, 5 + i, 10, tzinfo=dt.UTC))
    world.event(cus, "Logged In", at="2026-03-10")
    world.event(cus, "Report Created", at="2026-03-27")
    world.event(cus, "Logged In", at=dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC))
    world.event(cus, "Logged In", at="2026-04-01")  # on as_of: not before it
    world.feedback(cus, at="2026-01-15", score=9)
    world.feedback(cus, at="2026-03-15", score=3)
    return world, cus, sub


def test_hand_worked_values(paying: tuple[World, str, str]) -> None:
    world, cus, _ = paying
    r = _row(world, cus, activation_event="Report Created")
    assert r["as_of"] == AS_OF
    assert r["mrr"] == pytest.approx(50.0)
    assert r["seats"] == 1
    assert (r["plan"], r["billing_interval"]) == ("pro", "month")
    assert r["account_age_days"] == pytest.approx(102)  # 2025-12-20 -> 2026-04-01
    assert r["paying_days"] == pytest.approx(90)
    assert (r["events_7d"], r["events_30d"], r["events_prev_30d"]) == (2, 3, 12)
    assert r["usage_ratio_30d"] == pytest.approx(0.25)
    assert r["active_days_30d"] == 3
    assert r["feature_breadth_30d"] == 2  # Logged In, Report Created
    assert r["logins_30d"] == 2
    assert r["days_since_seen"] == pytest.approx(0.5)
    assert r["key_action_done"] and r["key_actions_30d"] == 1
    assert r["days_since_key_action"] == pytest.approx(5)
    assert (r["nps_last"], r["nps_change"]) == (3, -6)
    assert r["days_since_nps"] == pytest.approx(17)
    assert r["failed_payments_30d"] == 0 and not r["cancel_pending"]
    # The April invoice is made on as_of, so not known yet: March's period ends today.
    assert r["renewal_in_days"] == 0
    assert set(r) == {"customer_id", "as_of", *(f.name for f in FEATURES)}


def test_a_cancellation_is_seen_only_from_when_it_was_made(
    paying: tuple[World, str, str],
) -> None:
    world, cus, sub = paying
    world.cancel(sub, at="2026-04-10", at_period_end=True)
    assert not _row(world, cus)["cancel_pending"]
    assert _row(world, cus, dt.date(2026, 4, 11))["cancel_pending"]


def test_failed_payments_tickets_and_cards(world: World) -> None:
    cus = world.customer(created_at="2026-01-01")
    price = world.price(amount=2000)
    sub = world.subscription(cus, start="2026-01-01")
    invoices = world.monthly_invoices(sub, price, start="2026-01-01", months=3)
    late = world.invoice(sub, at="2026-03-25", status="open")
    world.line(late, subscription=sub, price=price, start="2026-03-25", end="2026-04-25")
    for day in ("2026-03-25", "2026-03-28"):
        world.payment(late, at=day, amount=2000, status="failed")
    world.payment(invoices[0], at="2026-01-01", amount=2000)
    world.rows["payments"][-1].update(card_exp_year=2026, card_exp_month=4)
    world._add(
        "support_tickets",
        {
            "ticket_id": "t1",
            "customer_id": cus,
            "status": "open",
            "priority": "urgent",
            "opened_at": ts("2026-03-20"),
        },
    )
    world._add(
        "support_tickets",
        {
            "ticket_id": "t2",
            "customer_id": cus,
            "status": "closed",
            "priority": "low",
            "csat": 2,
            "opened_at": ts("2025-12-01"),
            "closed_at": ts("2026-01-02"),
        },
    )
    r = _row(world, cus)
    assert (r["failed_payments_30d"], r["failed_payments_90d"]) == (2, 2)
    assert r["last_payment_failed"]
    assert r["open_invoices"] == 1
    assert (r["tickets_90d"], r["open_tickets"], r["urgent_tickets_90d"]) == (1, 1, 1)
    assert r["csat_180d"] == pytest.approx(2.0)
    assert not r["card_expiring_soon"]  # the latest charge failed and has no card on file


def test_a_later_snapshot_is_cut_back_to_what_was_known(world: World) -> None:
    """Objects seen first in an export made after the cutoff lose what happened later."""
    cus = world.customer(created_at="2026-01-01")
    price = world.price(amount=2000)
    sub = world.subscription(cus, start="2026-01-01")
    inv = world.invoice(sub, at="2026-03-20", status="open")
    world.line(inv, subscription=sub, price=price, start="2026-03-20", end="2026-04-20")
    later = ts("2026-06-01")
    for table in ("subscriptions", "invoices"):
        for row in world.rows[table]:
            row["_version_at"] = later  # only a snapshot taken in June
    world.rows["subscriptions"][-1].update(
        status="canceled", canceled_at=ts("2026-04-15"), ended_at=ts("2026-05-01")
    )
    world.rows["invoices"][-1].update(status="paid", paid_at=ts("2026-04-02"))
    world.ctx(AS_OF)
    con, cut = world.warehouse.ibis, cutoff_of(AS_OF)  # type: ignore[union-attr]
    s = known_before(con, "subscriptions", cut).to_pyarrow().to_pylist()
    assert [(r["status"], r["canceled_at"], r["ended_at"]) for r in s] == [("active", None, None)]
    i = known_before(con, "invoices", cut).to_pyarrow().to_pylist()
    assert [(r["status"], r["paid_at"]) for r in i] == [("open", None)]
    later_view = known_before(con, "invoices", cutoff_of(dt.date(2026, 4, 3)))
    assert later_view.to_pyarrow().to_pylist()[0]["status"] == "paid"
    assert _row(world, cus)["open_invoices"] == 1
