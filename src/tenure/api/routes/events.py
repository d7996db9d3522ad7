"""``GET /v1/events/{message_id}``: whether a message was received and moved."""

from __future__ import annotations

from fastapi import APIRouter

from tenure.api.deps import DeploymentDep, ReadKeyDep
from tenure.api.schemas import EventPublic

router = APIRouter(tags=["tracking"])


@router.get("/events/{message_id}", summary="A received message and whether it was moved")
def read_event(message_id: str, key: ReadKeyDep, deployment: DeploymentDep) -> EventPublic:
    event = deployment.store.event(key.tenant.id, message_id)
    return EventPublic(
        message_id=event.message_id,
        type=event.type,
        received_at=event.received_at,
        moved_at=event.moved_at,
        payload=event.payload,
    )
