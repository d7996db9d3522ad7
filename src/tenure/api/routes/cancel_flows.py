"""``/v1/cancel-flows``: the cancel flow (survey, offers, outcome) and hosted-page tokens.

The product's backend drives a flow with a secret key of ``write`` scope (docs/cancel-flow.md):
start it for a customer, send the survey's answer, then accept an offer or decline.
``POST /v1/cancel-flows/token`` gives a short-lived token for the hosted page
(``/cancel?token=...``) instead, which walks the customer through the same steps.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from tenure.api.deps import DeploymentDep, WorkspaceDep, WriteKeyDep, WriteWorkspaceDep
from tenure.workspace import CancelFlow

router = APIRouter(prefix="/cancel-flows", tags=["cancel-flows"])

FlowId = Annotated[str, Path(min_length=1, max_length=32)]
CUSTOMER_ID = r"^[^\x00-\x1f\x7f]+$"
"""A customer id: any text without control characters (as Stripe's and Segment's ids)."""
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The step does not follow the flow's state"}
}


class CancelFlowCreate(BaseModel):
    """Start a cancel flow for a customer of the key's tenant."""

    customer_id: str = Field(min_length=1, max_length=255, pattern=CUSTOMER_ID)


class CancelFlowAnswer(BaseModel):
    """The exit survey's answer: a reason code and optional free text."""

    reason: str = Field(min_length=1, max_length=64, description="One of the flow's reasons.")
    text: str | None = Field(default=None, max_length=5000, description="Free-text answer.")


class CancelFlowAccept(BaseModel):
    """The offer the customer accepted (one of those shown)."""

    offer: str = Field(min_length=1, max_length=64)
    mrr_after: float | None = Field(
        default=None,
        ge=0,
        description="For a downgrade: the new plan's MRR, if your billing knows it (else "
        "the median MRR of the plan's customers).",
    )


class CancelFlowDecline(BaseModel):
    """The customer declined every offer (or was shown none)."""

    outcome: Literal["canceled", "saved"] = Field(
        default="canceled", description="canceled, or saved when they stayed anyway."
    )


class OfferPublic(BaseModel):
    """An offer of the catalog ([offers] catalog)."""

    name: str
    kind: str
    months: int
    percent: float
    annual_only: bool
    plan: str | None = None
    url: str | None = None


class CancelFlowPublic(BaseModel):
    """A cancel flow: its state, the answer, the offers shown and the outcome."""

    id: str
    customer_id: str
    status: Literal["started", "answered", "finished"]
    started_at: dt.datetime
    answered_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    reasons: list[str] = Field(description="The exit survey's reason codes.")
    reason: str | None = None
    text: str | None = None
    control: bool | None = Field(default=None, description="In the control group: no offer.")
    offers: list[OfferPublic] = Field(description="The offers shown (at most two), best first.")
    decision: dict[str, Any] | None = Field(
        default=None, description="The rule and every candidate's numbers (decide_offers)."
    )
    accepted_offer: str | None = None
    outcome: Literal["saved", "paused", "downgraded", "canceled"] | None = None
    currency: str
    plan: str | None = None
    mrr_before: float
    mrr_after: float | None = None
    mrr_effect: float | None = None
    discount_cost: float | None = None
    webhook_queued: bool = Field(
        default=False, description="An offer.accepted webhook was queued by this request."
    )
    stripe_queued: bool = Field(
        default=False,
        description="The accepted offer's Stripe calls were queued by this request ([stripe]).",
    )


class CancelFlowsPublic(BaseModel):
    """A page of cancel flows, newest first; pass ``next_cursor`` as ``cursor`` (null: last)."""

    items: list[CancelFlowPublic]
    next_cursor: str | None


class CancelTokenCreate(BaseModel):
    """Ask for a hosted cancel page token for a customer."""

    customer_id: str = Field(min_length=1, max_length=255, pattern=CUSTOMER_ID)


class CancelTokenPublic(BaseModel):
    """A signed token for the hosted cancel page, and the page's path."""

    token: str
    path: str = Field(description="Open this on the Tenure server: /cancel?token=...")
    customer_id: str
    expires_at: dt.datetime


def public(flow: CancelFlow) -> CancelFlowPublic:
    """A flow as the API shows it."""
    return CancelFlowPublic(
        id=flow.id,
        customer_id=flow.customer_id,
        status=flow.status,
        started_at=flow.started_at,
        answered_at=flow.answered_at,
        decided_at=flow.decided_at,
        reasons=list(flow.reasons),
        reason=flow.reason,
        text=flow.free_text,
        control=flow.control,
        offers=[OfferPublic.model_validate(o.model_dump()) for o in flow.offers],
        decision=flow.decision,
        accepted_offer=flow.accepted_offer,
        outcome=flow.outcome,
        currency=flow.currency,
        plan=flow.plan,
        mrr_before=flow.mrr_before,
        mrr_after=flow.mrr_after,
        mrr_effect=flow.mrr_effect,
        discount_cost=flow.discount_cost,
        webhook_queued=flow.webhook_queued,
        stripe_queued=flow.stripe_queued,
    )


@router.post(
    "/token",
    status_code=201,
    summary="A short-lived token for the hosted cancel page (secret key, write scope)",
)
def create_token(
    body: CancelTokenCreate, principal: WriteKeyDep, deployment: DeploymentDep
) -> CancelTokenPublic:
    made = deployment.cancel_token(principal.tenant, body.customer_id)
    return CancelTokenPublic(
        token=made.token,
        path=f"/cancel?token={made.token}",
        customer_id=made.customer_id,
        expires_at=made.expires_at,
    )


@router.post("", status_code=201, summary="Start a cancel flow: the survey's reasons")
def start_flow(body: CancelFlowCreate, ws: WriteWorkspaceDep) -> CancelFlowPublic:
    return public(ws.cancel_flow_start(body.customer_id))


@router.get("", summary="A page of the tenant's cancel flows, newest first (keyset cursor)")
def list_flows(
    ws: WorkspaceDep,
    status: Literal["started", "answered", "finished"] | None = None,
    outcome: Literal["saved", "paused", "downgraded", "canceled"] | None = None,
    customer_id: Annotated[
        str | None, Query(min_length=1, max_length=255, pattern=CUSTOMER_ID)
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
) -> CancelFlowsPublic:
    page = ws.cancel_flows(
        status=status, outcome=outcome, customer_id=customer_id, limit=limit, cursor=cursor
    )
    return CancelFlowsPublic(
        items=[public(flow) for flow in page["items"]], next_cursor=page["next_cursor"]
    )


@router.get("/{flow_id}", summary="One cancel flow")
def read_flow(flow_id: FlowId, ws: WorkspaceDep) -> CancelFlowPublic:
    return public(ws.cancel_flow(flow_id))


@router.post(
    "/{flow_id}/answer", summary="Answer the exit survey: the offers shown", responses=_CONFLICT
)
def answer_flow(flow_id: FlowId, body: CancelFlowAnswer, ws: WriteWorkspaceDep) -> CancelFlowPublic:
    return public(ws.cancel_flow_answer(flow_id, body.reason, body.text))


@router.post(
    "/{flow_id}/accept",
    summary="Accept an offer: the outcome, and the offer.accepted webhook",
    responses=_CONFLICT,
)
def accept_offer(
    flow_id: FlowId, body: CancelFlowAccept, ws: WriteWorkspaceDep, request: Request
) -> CancelFlowPublic:
    flow = public(ws.cancel_flow_accept(flow_id, body.offer, mrr_after=body.mrr_after))
    queued = flow.webhook_queued or flow.stripe_queued
    if queued and (sender := getattr(request.app.state, "sender", None)):
        sender.notify()
    return flow


@router.post(
    "/{flow_id}/decline", summary="Decline the offers: canceled (or saved)", responses=_CONFLICT
)
def decline_offers(
    flow_id: FlowId, ws: WriteWorkspaceDep, body: CancelFlowDecline | None = None
) -> CancelFlowPublic:
    outcome = body.outcome if body is not None else "canceled"
    return public(ws.cancel_flow_decline(flow_id, outcome=outcome))
