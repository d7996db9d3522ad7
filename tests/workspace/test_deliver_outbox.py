"""Workspace.deliver_webhooks without a server: the webhooks and the Stripe calls of the outbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tenure import Workspace
from tenure.act.outbox import messages
from tests.act.test_stripe_billing import KEY, FakeStripe, stripe_server  # noqa: F401

pytestmark = pytest.mark.slow


def test_stripe_calls_of_an_accepted_offer_are_made_when_webhooks_are_delivered(
    demo_copy: Path,
    stripe_server: tuple[FakeStripe, str],  # noqa: F811
) -> None:
    fake, base = stripe_server
    root = demo_copy
    shutil.rmtree(root / "models" / "offer_uplift", ignore_errors=True)  # default uplift
    with (root / "tenure.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[offers]\ncontrol_share = 0\n\n[stripe]\napi_key = "{KEY}"\n'
            f'api_base = "{base}"\nmax_network_retries = 0\n'
        )
    with Workspace.open(root) as ws:
        ws.refresh()  # a flow reads the customer's MRR from the refreshed profiles
        p = ws.warehouse.table("customer_profiles")
        paying = p.filter((p.as_of == p.as_of.max()) & (p.mrr > 20)).order_by("customer_id")
        customer = str(paying.customer_id.to_pyarrow().to_pylist()[0])
        flow = ws.cancel_flow_start(customer)
        answered = ws.cancel_flow_answer(flow.id, "too_expensive")
        assert "discount_25_3m" in [o.name for o in answered.offers]
        done = ws.cancel_flow_accept(flow.id, "discount_25_3m")
        assert done.stripe_queued and not done.webhook_queued  # no [webhooks] url
        report = ws.deliver_webhooks()
        rows = messages(ws.operational.engine, tenant_id="local", kind="stripe")
        again = ws.deliver_webhooks()
    assert (report.sent, report.retried, report.dead) == (1, 0, 0)
    assert [(r.key, r.status) for r in rows] == [(f"tenure-stripe-{flow.id}", "sent")]
    posts = [r for r in fake.requests if r["method"] == "POST"]
    assert posts[-1]["form"]["discounts[0][coupon]"] == "tenure_discount_25_3m"
    assert (again.sent, again.retried, again.dead) == (0, 0, 0)  # nothing due any more
