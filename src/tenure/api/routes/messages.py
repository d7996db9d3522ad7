"""The in-app inbox: ``GET /v1/customers/{id}/messages`` and ``POST .../{message_id}/read``.

The product's backend reads a customer's messages (a secret key with ``read``) and
marks them read when shown (``write``); journeys put them there (docs/journeys.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from tenure.api.deps import DeploymentDep, ReadKeyDep, WriteKeyDep
from tenure.store.operational import InappMessage

router = APIRouter(prefix="/customers", tags=["messages"])

CustomerId = Annotated[str, Path(min_length=1, max_length=255)]


class MessagePublic(BaseModel):
    """A message in a customer's in-app inbox."""

    id: str
    customer_id: str
    title: str
    body: str
    journey: str | None = Field(default=None, description="The journey that sent it.")
    step: str | None = Field(default=None, description="Its step in the journey.")
    created_at: dt.datetime
    read_at: dt.datetime | None = Field(default=None, description="None while unread.")


class MessagesPublic(BaseModel):
    """A customer's in-app messages, newest first."""

    customer_id: str
    unread: int = Field(description="How many of the customer's messages are unread.")
    items: list[MessagePublic]


def _public(m: InappMessage) -> MessagePublic:
    return MessagePublic(
        id=m.id,
        customer_id=m.customer_id,
        title=m.title,
        body=m.body,
        journey=m.journey,
        step=m.step_id,
        created_at=m.created_at,
        read_at=m.read_at,
    )


@router.get("/{customer_id}/messages", summary="A customer's in-app messages, newest first")
def list_messages(
    customer_id: CustomerId,
    principal: ReadKeyDep,
    deployment: DeploymentDep,
    unread: Annotated[bool, Query(description="Only unread messages.")] = False,
) -> MessagesPublic:
    every = deployment.inbox(principal.tenant, customer_id)
    items = [m for m in every if m.read_at is None] if unread else every
    return MessagesPublic(
        customer_id=customer_id,
        unread=sum(m.read_at is None for m in every),
        items=[_public(m) for m in items],
    )


@router.post(
    "/{customer_id}/messages/{message_id}/read",
    summary="Mark an in-app message read (idempotent)",
)
def read_message(
    customer_id: CustomerId,
    message_id: Annotated[str, Path(min_length=1, max_length=40)],
    principal: WriteKeyDep,
    deployment: DeploymentDep,
) -> MessagePublic:
    return _public(deployment.mark_read(principal.tenant, customer_id, message_id))
