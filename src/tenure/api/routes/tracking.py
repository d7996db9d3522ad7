"""Segment-compatible tracking: track, identify, page, screen, group, alias and batch.

A 200 means the messages are committed to the event log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Request

from tenure.api.deps import DeploymentDep, EventsKeyDep
from tenure.api.schemas import (
    AcceptedPublic,
    AliasCreate,
    BatchCreate,
    GroupCreate,
    IdentifyCreate,
    PageCreate,
    ScreenCreate,
    TrackCreate,
)

router = APIRouter(tags=["tracking"])

Message = TrackCreate | IdentifyCreate | PageCreate | ScreenCreate | GroupCreate | AliasCreate


def _stored(
    message: Message,
    *,
    received_at: dt.datetime,
    context: dict[str, Any] | None = None,
    integrations: dict[str, Any] | None = None,
) -> tuple[str, str, dict[str, Any]]:
    """``(message_id, type, payload)`` as logged: Segment's JSON, with the gaps filled."""
    payload = message.model_dump(mode="json", by_alias=True, exclude_none=True)
    if context or message.context:
        payload["context"] = {**(context or {}), **(message.context or {})}
    if integrations and not message.integrations:
        payload["integrations"] = integrations
    message_id = message.message_id or f"tenure-{uuid.uuid4()}"
    payload["messageId"] = message_id
    payload["type"] = message.type
    when = message.timestamp or message.original_timestamp or received_at
    payload["timestamp"] = when.astimezone(dt.UTC).isoformat()
    payload["receivedAt"] = received_at.isoformat()
    return message_id, message.type, payload


def _accept(
    request: Request, deployment: DeploymentDep, tenant_id: str, rows: list[Any]
) -> AcceptedPublic:
    request.app.state.appender.append(tenant_id, rows)  # group commit: durable on return
    request.app.state.mover.notify(len(rows))
    return AcceptedPublic()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.post("/track", summary="Record a track call")
def track(
    body: TrackCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    rows = [_stored(body, received_at=_now())]
    return _accept(request, deployment, key.tenant.id, rows)


@router.post("/identify", summary="Record an identify call")
def identify(
    body: IdentifyCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    rows = [_stored(body, received_at=_now())]
    return _accept(request, deployment, key.tenant.id, rows)


@router.post("/page", summary="Record a page call")
def page(
    body: PageCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    rows = [_stored(body, received_at=_now())]
    return _accept(request, deployment, key.tenant.id, rows)


@router.post("/screen", summary="Record a screen call")
def screen(
    body: ScreenCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    rows = [_stored(body, received_at=_now())]
    return _accept(request, deployment, key.tenant.id, rows)


@router.post("/group", summary="Record a group call")
def group(
    body: GroupCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    rows = [_stored(body, received_at=_now())]
    return _accept(request, deployment, key.tenant.id, rows)


@router.post("/alias", summary="Record an alias call")
def alias(
    body: AliasCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    rows = [_stored(body, received_at=_now())]
    return _accept(request, deployment, key.tenant.id, rows)


@router.post("/batch", summary="Record a batch of calls (what Segment's libraries send)")
def batch(
    body: BatchCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    now = _now()
    rows = [
        _stored(m, received_at=now, context=body.context, integrations=body.integrations)
        for m in body.batch
    ]
    return _accept(request, deployment, key.tenant.id, rows)
