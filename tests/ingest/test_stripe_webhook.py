"""Stripe webhooks: signatures as Stripe's own library makes them, and events ingested once.

The headers are made by the official ``stripe`` package
(``stripe.WebhookSignature.generate_signature_header``, the helper Stripe provides for
signing test payloads), and ``stripe.Webhook.construct_event`` checks the same headers,
so Tenure's verifier is held to Stripe's scheme, not to itself.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import stripe

from tenure.clock import FixedClock
from tenure.demo import generate
from tenure.errors import ConfigError, DataError, SignatureError
from tenure.ingest import WEBHOOK_SOURCE, verify_stripe_signature
from tenure.workspace import Workspace
from tests.conftest import NOW, data_path

SECRET = "whsec_test_0123456789abcdef"
SIGNED_AT = int(NOW.timestamp()) - 10


def _event(event_id: str = "evt_1", **sub: Any) -> dict[str, Any]:
    subscription = {
        "id": "sub_1",
        "object": "subscription",
        "customer": "cus_1",
        "status": "active",
        "created": 1735689600,
        "items": {"data": []},
    } | sub
    return {
        "id": event_id,
        "object": "event",
        "type": "customer.subscription.updated",
        "created": 1735689700,
        "data": {"object": subscription},
    }


def _signed(
    event: dict[str, Any], *, secret: str = SECRET, at: int = SIGNED_AT
) -> tuple[bytes, str]:
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=at)
    return body.encode(), header


def test_event_is_returned_when_signature_is_valid() -> None:
    body, header = _signed(_event())
    event = verify_stripe_signature(body, header, SECRET, now=NOW)
    assert event["id"] == "evt_1"
    # Stripe's own library accepts the same delivery (no time check: its clock is real).
    assert stripe.Webhook.construct_event(body, header, SECRET, tolerance=None).id == "evt_1"


def test_header_made_by_hand_is_accepted_by_stripe_when_signed_as_documented() -> None:
    import hashlib
    import hmac

    body = json.dumps(_event()).encode()
    signature = hmac.new(
        SECRET.encode(), f"{SIGNED_AT}.".encode() + body, hashlib.sha256
    ).hexdigest()
    header = f"t={SIGNED_AT},v1={signature}"
    assert stripe.Webhook.construct_event(body, header, SECRET, tolerance=None).id == "evt_1"
    assert verify_stripe_signature(body, header, SECRET, now=NOW)["id"] == "evt_1"


def test_signature_error_when_body_is_tampered() -> None:
    body, header = _signed(_event())
    tampered = body.replace(b'"active"', b'"canceled"')
    with pytest.raises(SignatureError, match=r"no v1 signature .* matches"):
        verify_stripe_signature(tampered, header, SECRET, now=NOW)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, header, SECRET, tolerance=None)


def test_signature_error_when_secret_is_wrong() -> None:
    body, header = _signed(_event(), secret="whsec_someone_else")
    with pytest.raises(SignatureError, match="endpoint secret"):
        verify_stripe_signature(body, header, SECRET, now=NOW)


def test_signature_error_when_timestamp_is_older_than_tolerance() -> None:
    body, header = _signed(_event(), at=SIGNED_AT)
    later = NOW + dt.timedelta(minutes=10)
    with pytest.raises(SignatureError, match=r"610 s old, outside the tolerance of 300 s"):
        verify_stripe_signature(body, header, SECRET, now=later)
    assert verify_stripe_signature(body, header, SECRET, now=later, tolerance_seconds=900)


def test_signature_error_when_timestamp_is_far_in_the_future() -> None:
    body, header = _signed(_event(), at=SIGNED_AT + 3600)
    with pytest.raises(SignatureError, match="in the future"):
        verify_stripe_signature(body, header, SECRET, now=NOW)


def test_any_v1_matches_when_header_carries_several_signatures() -> None:
    body, header = _signed(_event())
    _, other = _signed(_event(), secret="whsec_old_secret")
    old_v1 = other.split("v1=")[1]
    rolled = f"t={SIGNED_AT},v1={old_v1},{header.split(',')[1]},v0=ignored"
    assert verify_stripe_signature(body, rolled, SECRET, now=NOW)["id"] == "evt_1"
    assert verify_stripe_signature(body, rolled, "whsec_old_secret", now=NOW)["id"] == "evt_1"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "no Stripe-Signature header"),
        ("", "no Stripe-Signature header"),
        ("v1=abc", r"no timestamp \(t=...\)"),
        ("t=soon,v1=abc", "not a whole number"),
        (f"t={SIGNED_AT},v0=abc", "no v1 signature"),
    ],
)
def test_signature_error_names_the_problem_when_header_is_missing_or_malformed(
    header: str | None, message: str
) -> None:
    body, _ = _signed(_event())
    with pytest.raises(SignatureError, match=message):
        verify_stripe_signature(body, header, SECRET, now=NOW)


def test_config_error_when_secret_is_empty() -> None:
    body, header = _signed(_event())
    with pytest.raises(ConfigError, match="secret is empty"):
        verify_stripe_signature(body, header, "", now=NOW)


def test_data_error_when_signed_body_is_not_an_object() -> None:
    body = b"[1, 2]"
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode(), SECRET, timestamp=SIGNED_AT
    )
    with pytest.raises(DataError, match="not an object"):
        verify_stripe_signature(body, header, SECRET, now=NOW)


# -- ingestion ---------------------------------------------------------------------------


def _added(rows: dict[str, int]) -> dict[str, int]:
    return {table: n for table, n in rows.items() if n}


def test_redelivery_changes_nothing_when_event_id_is_stored(ws: Workspace) -> None:
    body, header = _signed(_event())
    event = ws.verify_stripe_webhook(body, header, SECRET)
    first = ws.ingest_stripe_events([event])
    assert _added(first.rows) == {"subscriptions": 1, "stripe_events": 1}
    before = ws.counts()
    again = ws.ingest_stripe_events([event, event])
    assert again.inserted == 0 and again.duplicates == 2 and again.rejects == 0
    assert ws.counts() == before
    [row] = ws.warehouse.con.execute(
        "SELECT _source, _event_id, epoch(_version_at) FROM subscriptions_versions"
    ).fetchall()
    assert row == (WEBHOOK_SOURCE, "evt_1", 1735689700)


def test_later_event_becomes_current_when_delivered_after_an_earlier_one(
    ws: Workspace,
) -> None:
    ws.ingest_stripe_events([_event("evt_1")])
    canceled = _event("evt_2", status="canceled", canceled_at=1735689800, ended_at=1735689800)
    canceled["created"] = 1735689800
    result = ws.ingest_stripe_events([canceled])
    assert _added(result.rows) == {"subscriptions": 1, "stripe_events": 1}
    assert ws.warehouse.con.execute("SELECT status FROM subscriptions").fetchall() == [
        ("canceled",)
    ]


def test_rejects_are_kept_once_with_reasons_when_event_object_is_invalid(ws: Workspace) -> None:
    bad = _event("evt_bad", status="sleeping")
    not_event = {"id": "sub_9", "object": "subscription", "status": "active"}
    result = ws.ingest_stripe_events([bad, not_event])
    assert result.rejects == 2
    assert result.rows.get("stripe_events") == 1  # the event itself is kept, its object not
    rejects = {(r["line"], r["path"], r["field"]): r["reason"] for r in ws.rejects()}
    assert "must be one of" in rejects[(1, "evt_bad.data.object", "status")]
    assert "must be a Stripe event" in rejects[(2, "sub_9", "object")]
    assert all(r["source"] == WEBHOOK_SOURCE for r in ws.rejects())
    again = ws.ingest_stripe_events([bad])
    assert again.duplicates == 1 and again.rejects == 0
    assert len(ws.rejects()) == 2


def test_events_land_as_their_export_does_when_delivered_by_webhook(
    ws: Workspace, tmp_path: Path
) -> None:
    """The demo world's Stripe events, delivered one signed webhook at a time, give the same
    rows as ``tenure ingest`` of the same events as a file."""
    manifest = generate(tmp_path / "demo", customers=12, months=3, seed=3)
    lines = (tmp_path / "demo" / "stripe" / "events.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert manifest is not None and len(events) > 12
    delivered = []
    for event in events:
        body, header = _signed(event)
        delivered.append(ws.verify_stripe_webhook(body, header, SECRET))
    result = ws.ingest_stripe_events(delivered)
    assert result.rejects == 0, result.reasons
    from_webhook = ws.counts()

    other = Workspace.init(tmp_path / "file-ws", clock=FixedClock(NOW))
    [from_file] = other.ingest([tmp_path / "demo" / "stripe" / "events.jsonl"])
    assert from_file.rows == result.rows
    assert other.counts() == from_webhook
    query = "SELECT subscription_id, status, epoch(_version_at) FROM subscriptions ORDER BY 1"
    assert (
        ws.warehouse.con.execute(query).fetchall() == other.warehouse.con.execute(query).fetchall()
    )
    other.close()


@pytest.mark.data
def test_stripe_fixture_objects_ingest_when_wrapped_in_signed_events(ws: Workspace) -> None:
    fixtures = json.loads((data_path() / "stripe-fixtures" / "fixtures3.json").read_text())
    resources = fixtures["resources"]
    kinds = {
        "customer": "customer.created",
        "subscription": "customer.subscription.updated",
        "invoice": "invoice.payment_failed",
        "charge": "charge.failed",
        "product": "product.updated",
        "price": "price.updated",
    }
    events = []
    for n, (otype, etype) in enumerate(kinds.items()):
        body, header = _signed(
            {
                "id": f"evt_fixture_{n}",
                "object": "event",
                "type": etype,
                "created": 1735689600 + n,
                "data": {"object": resources[otype]},
            }
        )
        events.append(verify_stripe_signature(body, header, SECRET, now=NOW))
    events.append(resources["event"])  # Stripe's own example event, as published
    result = ws.ingest_stripe_events(events)
    assert result.rejects == 0, result.reasons
    for table in ("customers", "subscriptions", "subscription_items", "invoices", "payments"):
        assert result.rows.get(table, 0) >= 1, table
    assert result.rows["stripe_events"] == len(events)
    assert ws.ingest_stripe_events(events).inserted == 0
