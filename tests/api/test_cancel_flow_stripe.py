"""An offer accepted through a live server's API is applied in Stripe once, via the outbox.

Stripe is a local HTTP stand-in (tests/act/test_stripe_billing.py) that checks each
request's key, form encoding and Idempotency-Key; the server's webhook sender makes the calls.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tenure.act.outbox import messages
from tenure.workspace import Deployment
from tests.act.test_stripe_billing import KEY, FakeStripe, stripe_server  # noqa: F401

from .conftest import Site, make_world
from .test_cancel_flows import SECRET, Receiver, paying, receiver  # noqa: F401

pytestmark = pytest.mark.slow


@pytest.fixture
def stripe_shop(
    tmp_path: Path,
    store_url: str,
    demo_world: Path,
    receiver: tuple[str, type[Receiver]],  # noqa: F811
    stripe_server: tuple[FakeStripe, str],  # noqa: F811
    start_server: Callable[..., Site],
) -> Iterator[Site]:
    """Tenant a with [webhooks] and [stripe] (the stand-in; no library retries)."""
    site = make_world(tmp_path / "deployment", store_url, demo_world)
    toml = site.folder / "workspaces" / "a" / "tenure.toml"
    with toml.open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[webhooks]\nurl = "{receiver[0]}"\nsecret = "{SECRET}"\nbackoff_seconds = 0.2\n'
            f'\n[stripe]\napi_key = "{KEY}"\napi_base = "{stripe_server[1]}"\n'
            "max_network_retries = 0\n"
        )
    yield start_server(site)


def _stripe_rows(site: Site) -> list[Any]:
    deployment: Deployment = site.app.state.deployment
    tenant = deployment.tenant("a")
    return messages(deployment.store.engine, tenant_id=tenant.id, kind="stripe")


def _wait(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _accept(site: Site, customer: str, reason: str, offer: str) -> dict[str, Any]:
    with site.client("a_write") as c:
        fid = c.post("/v1/cancel-flows", json={"customer_id": customer}).json()["id"]
        answered = c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": reason}).json()
        assert offer in [o["name"] for o in answered["offers"]], answered
        r = c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": offer})
        assert r.status_code == 200, r.text
        done: dict[str, Any] = r.json()
    return done


def test_accepted_discount_is_applied_in_stripe_once_when_first_attempt_fails(
    stripe_shop: Site,
    stripe_server: tuple[FakeStripe, str],  # noqa: F811
) -> None:
    fake, _ = stripe_server
    fake.fail_once = 500  # Stripe's first answer is a server error: retried by the outbox
    customer, _ = paying(stripe_shop, control=False)
    done = _accept(stripe_shop, customer, "too_expensive", "discount_25_3m")
    assert done["stripe_queued"] is True and done["webhook_queued"] is True
    fid = done["id"]

    _wait(lambda: [r.status for r in _stripe_rows(stripe_shop)] == ["sent"], "the Stripe row")
    row = _stripe_rows(stripe_shop)[0]
    assert row.key == f"tenure-stripe-{fid}" and row.attempts == 2
    posts = [r for r in fake.requests if r["method"] == "POST"]
    subscription = posts[-1]["path"].rsplit("/", 1)[1]
    assert [(r["path"], r["idempotency_key"]) for r in posts] == [
        ("/v1/coupons", f"tenure-stripe-{fid}-coupon"),
        (f"/v1/subscriptions/{subscription}", f"tenure-stripe-{fid}-discount"),
    ]
    assert (
        posts[0]["form"]["percent_off"] == "25.0" and posts[0]["form"]["duration_in_months"] == "3"
    )
    assert posts[1]["form"]["discounts[0][coupon]"] == "tenure_discount_25_3m"
    # the failed first attempt reached Stripe once, before any change was made
    first = fake.requests[0]
    assert (first["method"], first["path"]) == ("GET", "/v1/coupons/tenure_discount_25_3m")
    # delivering again changes nothing: the row is sent
    deployment: Deployment = stripe_shop.app.state.deployment
    before = len(fake.requests)
    deployment.deliver_webhooks()
    assert len(fake.requests) == before


def test_stripe_refusal_is_dead_at_once_when_request_is_invalid(
    stripe_shop: Site,
    stripe_server: tuple[FakeStripe, str],  # noqa: F811
) -> None:
    fake, _ = stripe_server
    fake.fail_with = 400  # an invalid request: a retry cannot change it
    customer, _ = paying(stripe_shop, control=False)
    done = _accept(stripe_shop, customer, "too_expensive", "discount_25_3m")
    assert done["stripe_queued"] is True
    _wait(lambda: [r.status for r in _stripe_rows(stripe_shop)] == ["dead"], "a dead letter")
    row = _stripe_rows(stripe_shop)[0]
    assert row.attempts == 1 and row.last_status == 400
    assert row.last_error is not None and "Stripe refused" in row.last_error
    assert not [r for r in fake.requests if r["method"] == "POST"]
