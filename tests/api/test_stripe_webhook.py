"""Stripe webhooks through HTTP: signed by the official ``stripe`` library, per tenant URL.

The server runs with a fixed clock (``create_app(clock=...)``), so a delivery signed at
that clock's "now" verifies only if the tolerance check reads the app's clock.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import stripe

from tenure.clock import FixedClock
from tests.api.conftest import Site, make_site
from tests.conftest import NOW

pytestmark = pytest.mark.slow

SECRETS = {"a": "whsec_tenantA_0123456789abcdef", "b": "whsec_tenantB_fedcba9876543210"}
SIGNED_AT = int(NOW.timestamp()) - 10


def event(event_id: str, customer_id: str = "cus_hook_1", **fields: Any) -> dict[str, Any]:
    customer = {
        "id": customer_id,
        "object": "customer",
        "name": "Hook Inc.",
        "email": "ops@hook.example",
        "created": 1735689600,
        "currency": "usd",
    } | fields
    return {
        "id": event_id,
        "object": "event",
        "type": "customer.created",
        "created": 1735689700,
        "data": {"object": customer},
    }


def signed(body: dict[str, Any], slug: str, *, at: int = SIGNED_AT) -> tuple[bytes, str]:
    payload = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, SECRETS[slug], timestamp=at)
    return payload.encode(), header


def post(site: Site, slug: str, payload: bytes, header: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["Stripe-Signature"] = header
    with site.client() as c:  # no API key: Stripe cannot send one
        return c.post(f"/v1/stripe/webhook/{slug}", content=payload, headers=headers)


def warehouse(site: Site, slug: str, table: str) -> list[dict[str, Any]]:
    deployment = site.app.state.deployment
    with deployment.workspace(deployment.tenant(slug)) as ws:
        rows: list[dict[str, Any]] = ws.warehouse.table(table).to_pyarrow().to_pylist()
    return rows


@pytest.fixture
def hooked(tmp_path: Path, store_url: str, start_server: Callable[..., Site]) -> Site:
    """Tenants a and b with webhook secrets; the app's clock stands at NOW."""
    site = start_server(make_site(tmp_path / "deployment", store_url), clock=FixedClock(NOW))
    for slug, secret in SECRETS.items():
        site.app.state.deployment.set_stripe_secret(slug, secret)
    return site


def test_event_lands_in_the_warehouse_once_when_delivered_twice(hooked: Site) -> None:
    payload, header = signed(event("evt_hook_1"), "a")
    first = post(hooked, "a", payload, header)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "received": True,
        "event_id": "evt_hook_1",
        "type": "customer.created",
        "duplicate": False,
    }
    customers = warehouse(hooked, "a", "customers")
    assert [(c["customer_id"], c["name"]) for c in customers] == [("cus_hook_1", "Hook Inc.")]
    assert [e["event_id"] for e in warehouse(hooked, "a", "stripe_events")] == ["evt_hook_1"]

    again = post(hooked, "a", payload, header)  # Stripe retries: same body, same header
    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True
    assert len(warehouse(hooked, "a", "customers")) == 1
    assert len(warehouse(hooked, "a", "stripe_events")) == 1
    assert hooked.app.state.deployment.store.stripe_event_seen(
        hooked.app.state.deployment.tenant("a").id, "evt_hook_1"
    )


def test_delivery_is_refused_with_400_when_body_is_tampered_or_unsigned(hooked: Site) -> None:
    payload, header = signed(event("evt_hook_2"), "a")
    tampered = payload.replace(b"Hook Inc.", b"Evil Inc.")
    for body, sig in ((tampered, header), (payload, None), (payload, "t=1,v1=00")):
        r = post(hooked, "a", body, sig)
        assert r.status_code == 400, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Stripe-Signature" in r.json()["detail"] or "v1" in r.json()["detail"]
    assert warehouse(hooked, "a", "customers") == []


def test_delivery_is_refused_when_signed_outside_the_tolerance_of_the_app_clock(
    hooked: Site,
) -> None:
    payload, header = signed(event("evt_hook_3"), "a", at=SIGNED_AT - 600)
    r = post(hooked, "a", payload, header)
    assert r.status_code == 400, r.text
    assert "tolerance" in r.json()["detail"]


def test_unknown_slug_and_tenant_without_secret_are_the_same_404(hooked: Site) -> None:
    payload, header = signed(event("evt_hook_4"), "a")
    unknown = post(hooked, "nobody", payload, header)
    hooked.app.state.deployment.set_stripe_secret("b", None)
    unset = post(hooked, "b", payload, header)
    for r, slug in ((unknown, "nobody"), (unset, "b")):
        assert r.status_code == 404, r.text
        assert r.json()["detail"].startswith(f"there is no Stripe webhook endpoint for {slug!r}")


def test_secret_of_a_cannot_post_to_b_when_the_url_names_b(hooked: Site) -> None:
    payload, header = signed(event("evt_hook_5", "cus_from_a"), "a")
    r = post(hooked, "b", payload, header)
    assert r.status_code == 400, r.text
    assert warehouse(hooked, "b", "customers") == []
    ok = post(hooked, "a", payload, header)
    assert ok.status_code == 200
    assert warehouse(hooked, "b", "customers") == []
    assert [c["customer_id"] for c in warehouse(hooked, "a", "customers")] == ["cus_from_a"]


def test_rejected_object_is_still_acknowledged_when_signed(hooked: Site) -> None:
    """Stripe retries non-2xx answers for days: a bad object is kept in rejects instead."""
    payload, header = signed(event("evt_hook_6", currency="xyz"), "a")
    r = post(hooked, "a", payload, header)
    assert r.status_code == 200, r.text
    rejects = warehouse(hooked, "a", "rejects")
    assert rejects and "currency" in rejects[0]["reason"]
    assert dt.datetime.fromtimestamp(SIGNED_AT, dt.UTC) < NOW
