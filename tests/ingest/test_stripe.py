"""Stripe objects in the pre-2025 and the 2025+ API shapes map to the same rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.workspace import Workspace
from tests.conftest import NOW, data_path

PRICE = {
    "id": "price_pro",
    "object": "price",
    "currency": "eur",
    "unit_amount": 4900,
    "product": "prod_pro",
    "created": 1735689600,
    "type": "recurring",
    "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
}
LEGACY_INVOICE = {
    "id": "in_1",
    "object": "invoice",
    "customer": "cus_1",
    "subscription": "sub_1",
    "status": "paid",
    "currency": "eur",
    "created": 1738368000,
    "subtotal": 9800,
    "total": 9800,
    "tax": 0,
    "amount_due": 9800,
    "amount_paid": 9800,
    "status_transitions": {"paid_at": 1738368100},
    "lines": {
        "object": "list",
        "has_more": False,
        "data": [
            {
                "id": "il_1",
                "object": "line_item",
                "type": "subscription",
                "subscription": "sub_1",
                "subscription_item": "si_1",
                "price": PRICE,
                "amount": 9800,
                "currency": "eur",
                "quantity": 2,
                "proration": False,
                "period": {"start": 1738368000, "end": 1740787200},
                "discount_amounts": [{"amount": 500, "discount": "di_1"}],
                "tax_amounts": [],
            }
        ],
    },
}
CURRENT_INVOICE = {
    "id": "in_1",
    "object": "invoice",
    "customer": "cus_1",
    "status": "paid",
    "currency": "eur",
    "created": 1738368000,
    "subtotal": 9800,
    "total": 9800,
    "amount_due": 9800,
    "amount_paid": 9800,
    "status_transitions": {"paid_at": 1738368100},
    "total_taxes": [],
    "parent": {
        "type": "subscription_details",
        "subscription_details": {"subscription": "sub_1", "metadata": {}},
    },
    "lines": {
        "object": "list",
        "has_more": False,
        "data": [
            {
                "id": "il_1",
                "object": "line_item",
                "amount": 9800,
                "currency": "eur",
                "quantity": 2,
                "period": {"start": 1738368000, "end": 1740787200},
                "discount_amounts": [{"amount": 500, "discount": "di_1"}],
                "taxes": [],
                "parent": {
                    "type": "subscription_item_details",
                    "subscription_item_details": {
                        "subscription": "sub_1",
                        "subscription_item": "si_1",
                        "proration": False,
                        "invoice_item": None,
                    },
                },
                "pricing": {
                    "type": "price_details",
                    "unit_amount_decimal": "4900",
                    "price_details": {"price": "price_pro", "product": "prod_pro"},
                },
            }
        ],
    },
}


def _lines(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute(
        "SELECT l.line_id, l.invoice_id, l.subscription_id, l.subscription_item_id, l.price_id, "
        "l.kind, l.amount_minor, l.currency, l.quantity, l.discount_minor, l.proration, "
        "i.subscription_id, i.status, epoch(i.paid_at) FROM invoice_lines l JOIN invoices i USING "
        "(invoice_id)"
    ).fetchall()


@pytest.mark.parametrize("invoice", [LEGACY_INVOICE, CURRENT_INVOICE], ids=["legacy", "current"])
def test_invoice_maps_to_same_rows_when_shape_is_legacy_or_current(
    ws: Workspace, tmp_path: Path, invoice: dict[str, object]
) -> None:
    f = tmp_path / "invoices.jsonl"
    f.write_text(json.dumps(invoice) + "\n", encoding="utf-8")
    [res] = ws.ingest([f])
    assert res.rejects == 0
    assert res.rows == {**dict.fromkeys(res.rows, 0), "invoices": 1, "invoice_lines": 1}
    assert _lines(ws) == [
        (
            "il_1",
            "in_1",
            "sub_1",
            "si_1",
            "price_pro",
            "subscription",
            9800,
            "EUR",
            2,
            500,
            False,
            "sub_1",
            "paid",
            1738368100,
        )
    ]


def test_subscription_periods_come_from_items_when_shape_is_current(
    ws: Workspace, tmp_path: Path
) -> None:
    sub = {
        "id": "sub_1",
        "object": "subscription",
        "customer": "cus_1",
        "status": "active",
        "created": 1735689600,
        "currency": "eur",
        "cancel_at_period_end": False,
        "cancellation_details": {"reason": None, "feedback": None, "comment": None},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_1",
                    "object": "subscription_item",
                    "price": PRICE,
                    "quantity": 3,
                    "created": 1735689600,
                    "subscription": "sub_1",
                    "current_period_start": 1738368000,
                    "current_period_end": 1740787200,
                }
            ],
        },
    }
    f = tmp_path / "subs.json"
    f.write_text(json.dumps({"object": "list", "data": [sub], "has_more": False}), encoding="utf-8")
    [res] = ws.ingest([f])
    assert res.rejects == 0
    row = ws.warehouse.con.execute(
        "SELECT epoch(s.current_period_start_at), i.quantity, i.price_id, i.product_id "
        "FROM subscriptions s JOIN subscription_items i USING (subscription_id)"
    ).fetchone()
    assert row == (1738368000, 3, "price_pro", "prod_pro")


def test_later_event_replaces_earlier_one_when_subscription_is_canceled(
    ws: Workspace, tmp_path: Path
) -> None:
    active = {
        "id": "sub_1",
        "object": "subscription",
        "customer": "cus_1",
        "status": "active",
        "created": 1735689600,
        "items": {"data": []},
    }
    canceled = {
        **active,
        "status": "canceled",
        "canceled_at": 1740000000,
        "ended_at": 1740000000,
        "cancellation_details": {
            "reason": "cancellation_requested",
            "feedback": "too_expensive",
            "comment": "zu teuer",
        },
    }
    events = [
        {
            "id": "evt_2",
            "object": "event",
            "type": "customer.subscription.deleted",
            "created": 1740000001,
            "data": {"object": canceled},
        },
        {
            "id": "evt_1",
            "object": "event",
            "type": "customer.subscription.created",
            "created": 1735689600,
            "data": {"object": active},
        },
    ]
    f = tmp_path / "events.jsonl"
    f.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    [res] = ws.ingest([f])
    assert res.rows["subscriptions"] == 2 and res.rows["stripe_events"] == 2
    current = ws.warehouse.con.execute(
        "SELECT status, cancellation_feedback, cancellation_comment FROM subscriptions"
    ).fetchall()
    assert current == [("canceled", "too_expensive", "zu teuer")]
    versions = ws.warehouse.con.execute(
        "SELECT status FROM subscriptions_versions ORDER BY _version_at"
    ).fetchall()
    assert versions == [("active",), ("canceled",)]


def test_changed_snapshot_becomes_current_when_exported_again_later(
    ws: Workspace, tmp_path: Path
) -> None:
    customer = {"id": "cus_1", "object": "customer", "created": 1735689600, "email": "old@x.io"}
    first, second = tmp_path / "jan.jsonl", tmp_path / "feb.jsonl"
    first.write_text(json.dumps(customer) + "\n", encoding="utf-8")
    second.write_text(json.dumps({**customer, "email": "new@x.io"}) + "\n", encoding="utf-8")
    ws.ingest([first])
    ws.clock = FixedClock(NOW + dt.timedelta(days=30))
    [res] = ws.ingest([second])
    assert res.rows["customers"] == 1 and res.rejects == 0
    con = ws.warehouse.con
    assert con.execute("SELECT email FROM customers").fetchall() == [("new@x.io",)]
    assert con.execute("SELECT count(*) FROM customers_versions").fetchone() == (2,)


@pytest.mark.data
def test_stripe_published_fixtures_ingest_without_rejects(ws: Workspace) -> None:
    fixture = data_path() / "stripe-fixtures" / "fixtures3.json"
    [res] = ws.ingest([fixture])
    assert res.rejects == 0, res.reasons
    counts = ws.counts()
    for table in (
        "customers",
        "products",
        "prices",
        "coupons",
        "subscriptions",
        "subscription_items",
        "invoices",
        "invoice_lines",
        "payments",
        "stripe_events",
    ):
        assert counts[table] >= 1, table
    assert res.skipped > 100  # the object types Tenure does not model are counted, not rejected
