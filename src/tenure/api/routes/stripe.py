"""``POST /v1/stripe/webhook/{tenant_slug}``: Stripe's webhook deliveries for one tenant.

Stripe cannot send a Tenure API key, so the tenant comes from the URL and the
``Stripe-Signature`` (HMAC under the tenant's endpoint secret) is the credential: an
unknown slug, or a tenant without a secret, is 404; a bad signature is 400.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from starlette.concurrency import run_in_threadpool

from tenure.api.deps import DeploymentDep
from tenure.api.schemas import StripeWebhookPublic

router = APIRouter(tags=["stripe"])


@router.post(
    "/stripe/webhook/{tenant_slug}",
    summary="Receive a Stripe webhook delivery (signed with the tenant's endpoint secret)",
    responses={400: {"description": "The Stripe-Signature does not verify"}},
)
async def stripe_webhook(
    tenant_slug: Annotated[str, Path(min_length=1, max_length=63)],
    request: Request,
    deployment: DeploymentDep,
    stripe_signature: Annotated[str | None, Header(max_length=4096)] = None,
) -> StripeWebhookPublic:
    payload = await request.body()  # the raw bytes: the signature is over them
    delivery = await run_in_threadpool(
        deployment.receive_stripe_webhook, tenant_slug, payload, stripe_signature
    )
    return StripeWebhookPublic(
        event_id=delivery.event_id, type=delivery.type, duplicate=delivery.duplicate
    )
