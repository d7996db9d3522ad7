"""The Stripe adapter against a local server that checks what Stripe's API reference asks.

Stripe is not reachable from the tests; a real HTTP server on localhost stands in for
``api.stripe.com``: it checks each request's method, path, form-encoded parameters,
``Authorization: Bearer sk_test_...`` and ``Idempotency-Key``, and answers with Stripe's
own example objects (``stripe/openapi`` fixtures3.json) carrying the request's ids.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tenure.act.stripe_billing import StripeBilling
from tenure.config import Offer, StripeSettings
from tenure.errors import ConfigError, DeliveryError

pytestmark = pytest.mark.slow

KEY = "sk_test_tenure123"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
SUB = "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"


def _fixtures() -> dict[str, Any]:
    path = Path(__file__).parents[3] / "shared" / "data" / "stripe-fixtures" / "fixtures3.json"
    if not path.exists():
        path = Path("/work/shared/data/stripe-fixtures/fixtures3.json")
    resources: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["resources"]
    return resources


class FakeStripe:
    """Records requests; ``coupons`` holds the coupons that exist."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.coupons: dict[str, dict[str, Any]] = {}
        self.fixtures = _fixtures()
        self.fail_with: int | None = None
        self.fail_once: int | None = None
        """Answer the next request with this status, then as usual."""


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_test")
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, code: str) -> None:
            error = {"type": "invalid_request_error", "code": code, "message": message}
            self._answer(status, {"error": error})

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            record = {
                "method": self.command,
                "path": self.path,
                "form": {k: v[0] for k, v in parse_qs(raw).items()},
                "auth": self.headers.get("Authorization"),
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "content_type": self.headers.get("Content-Type"),
            }
            fake.requests.append(record)
            if record["auth"] != f"Bearer {KEY}":
                return self._error(401, "Invalid API Key provided", "api_key_invalid")
            if self.command == "POST" and not record["idempotency_key"]:
                return self._error(400, "an Idempotency-Key is expected", "missing")
            if self.command == "POST" and record["content_type"] != (
                "application/x-www-form-urlencoded"
            ):
                return self._error(400, "form-encoded body expected", "bad_content")
            if fake.fail_once is not None:
                status, fake.fail_once = fake.fail_once, None
                return self._error(status, "An error occurred with our connection", "api_error")
            if fake.fail_with is not None:
                return self._error(fake.fail_with, "This subscription is canceled", "bad_state")
            parts = self.path.split("?")[0].strip("/").split("/")
            fx = fake.fixtures
            if parts[:2] == ["v1", "coupons"]:
                if self.command == "GET":
                    found = fake.coupons.get(parts[2])
                    if found is None:
                        return self._error(404, f"No such coupon: '{parts[2]}'", "resource_missing")
                    return self._answer(200, found)
                coupon = copy.deepcopy(fx["coupon"])
                form = record["form"]
                coupon.update(
                    id=form["id"],
                    percent_off=float(form["percent_off"]),
                    duration=form["duration"],
                    duration_in_months=int(form["duration_in_months"]),
                    name=form.get("name"),
                )
                fake.coupons[coupon["id"]] = coupon
                return self._answer(200, coupon)
            if parts[:2] == ["v1", "subscriptions"] and len(parts) == 3:
                sub = copy.deepcopy(fx["subscription"])
                sub["id"] = parts[2]
                return self._answer(200, sub)
            if parts[:2] == ["v1", "subscription_items"] and len(parts) == 3:
                item = copy.deepcopy(fx["subscription_item"])
                item["id"] = parts[2]
                item["price"]["id"] = record["form"].get("price", item["price"]["id"])
                return self._answer(200, item)
            return self._error(404, f"Unrecognized request URL ({self.path})", "not_found")

        do_GET = _handle
        do_POST = _handle

    return Handler


@pytest.fixture
def stripe_server() -> Iterator[tuple[FakeStripe, str]]:
    fake = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _billing(base: str, **kw: Any) -> StripeBilling:
    return StripeBilling(StripeSettings(api_key=KEY, api_base=base, max_network_retries=0, **kw))


def test_pause_sends_void_behavior_and_resume_time_when_pause_accepted(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    action = _billing(base).apply_offer(
        Offer(name="pause_3m", kind="pause", months=3), SUB, now=NOW
    )
    (request,) = fake.requests
    assert (request["method"], request["path"]) == ("POST", f"/v1/subscriptions/{SUB}")
    assert request["form"] == {
        "pause_collection[behavior]": "void",
        "pause_collection[resumes_at]": str(
            int(dt.datetime(2027, 2, 23, 12, tzinfo=dt.UTC).timestamp())
        ),
    }
    assert request["idempotency_key"] == f"tenure-{SUB}-pause_3m-2026-11-23-pause"
    assert action.calls == (f"POST /v1/subscriptions/{SUB}",)


def test_discount_creates_coupon_once_then_reuses_it_when_applied_twice(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    billing = _billing(base)
    offer = Offer(name="discount_25_3m", kind="discount", percent=25, months=3)
    first = billing.apply_offer(offer, SUB, now=NOW)
    assert first.calls == (
        "GET /v1/coupons/tenure_discount_25_3m",
        "POST /v1/coupons",
        f"POST /v1/subscriptions/{SUB}",
    )
    get, create, attach = fake.requests
    assert get["method"] == "GET" and get["idempotency_key"] is None
    assert create["form"] == {
        "id": "tenure_discount_25_3m",
        "percent_off": "25.0",
        "duration": "repeating",
        "duration_in_months": "3",
        "name": "Tenure: discount_25_3m",
    }
    assert attach["form"] == {"discounts[0][coupon]": "tenure_discount_25_3m"}
    assert {r["auth"] for r in fake.requests} == {f"Bearer {KEY}"}
    fake.requests.clear()
    second = billing.apply_offer(offer, "sub_other", now=NOW)
    assert second.calls == (
        "GET /v1/coupons/tenure_discount_25_3m",
        "POST /v1/subscriptions/sub_other",
    )
    assert [r["method"] for r in fake.requests] == ["GET", "POST"]


def test_free_month_is_a_100_percent_coupon_for_one_month_when_accepted(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    _billing(base).apply_offer(Offer(name="free_month", kind="free_month"), SUB, now=NOW)
    create = next(r for r in fake.requests if r["path"] == "/v1/coupons")
    assert float(create["form"]["percent_off"]) == 100
    assert create["form"]["duration_in_months"] == "1"
    assert create["form"]["duration"] == "repeating"


def test_downgrade_updates_the_item_price_with_proration_when_plan_maps_to_price(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    billing = _billing(base, prices={"starter": "price_starter_monthly"}, proration_behavior="none")
    action = billing.apply_offer(
        Offer(name="downgrade", kind="downgrade", plan="starter"), SUB, now=NOW
    )
    get, update = fake.requests
    item = fake.fixtures["subscription"]["items"]["data"][0]["id"]  # the answer's only item
    assert (get["method"], get["path"]) == ("GET", f"/v1/subscriptions/{SUB}")
    assert (update["method"], update["path"]) == (
        "POST",
        f"/v1/subscription_items/{item}",
    )
    assert update["form"] == {"price": "price_starter_monthly", "proration_behavior": "none"}
    assert update["idempotency_key"] == f"tenure-{SUB}-downgrade-2026-11-23-downgrade"
    assert action.calls[-1] == f"POST /v1/subscription_items/{item}"


def test_downgrade_without_a_price_is_refused_before_any_call(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    with pytest.raises(ConfigError, match=r"\[stripe\] prices"):
        _billing(base).apply_offer(Offer(name="downgrade", kind="downgrade"), SUB, now=NOW)
    assert fake.requests == []


def test_concierge_and_help_make_no_call_when_accepted(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    billing = _billing(base)
    assert billing.apply_offer(Offer(name="concierge", kind="concierge"), SUB, now=NOW).calls == ()
    assert (
        billing.apply_offer(Offer(name="help_x", kind="help", url="/h"), SUB, now=NOW).calls == ()
    )
    assert fake.requests == []


def test_cancel_at_period_end_sets_the_flag_when_customer_leaves(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    _billing(base).cancel_at_period_end(SUB, now=NOW)
    (request,) = fake.requests
    assert request["form"] == {"cancel_at_period_end": "true"}
    assert request["idempotency_key"] == f"tenure-{SUB}-cancel-2026-11-23"


def test_stripe_errors_become_delivery_errors_when_stripe_refuses(
    stripe_server: tuple[FakeStripe, str],
) -> None:
    fake, base = stripe_server
    fake.fail_with = 400
    with pytest.raises(DeliveryError, match="This subscription is canceled") as info:
        _billing(base).apply_offer(Offer(name="pause_1m", kind="pause"), SUB, now=NOW)
    assert info.value.__cause__ is not None


def test_missing_api_key_is_a_config_error_when_adapter_is_made() -> None:
    with pytest.raises(ConfigError, match="TENURE_STRIPE__API_KEY"):
        StripeBilling(StripeSettings())


def test_workspace_applies_offer_to_the_customers_live_subscription_when_accepted(
    stripe_server: tuple[FakeStripe, str], demo_copy: Path
) -> None:
    from tenure import Workspace

    fake, base = stripe_server
    with (demo_copy / "tenure.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[stripe]\napi_key = "{KEY}"\napi_base = "{base}"\nmax_network_retries = 0\n')
    with Workspace.open(demo_copy) as ws:
        subs = ws.warehouse.ibis.table("subscriptions")
        row = subs.filter(subs.status == "active").limit(1).to_pyarrow().to_pylist()[0]
        action = ws.apply_offer_in_stripe(row["customer_id"], "pause_1m")
        with pytest.raises(ConfigError, match="offer_name"):
            ws.apply_offer_in_stripe(row["customer_id"], "no_such_offer")
    assert action.subscription_id == row["subscription_id"]
    assert fake.requests[0]["path"] == f"/v1/subscriptions/{row['subscription_id']}"
    assert fake.requests[0]["form"]["pause_collection[behavior]"] == "void"
