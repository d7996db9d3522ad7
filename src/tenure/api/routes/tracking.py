"""Segment-compatible tracking: track, identify, page, screen, group, alias and batch.

A 200 means the messages are committed to the event log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic_core import to_json

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
from tenure.store.operational import RawJson

router = APIRouter(tags=["tracking"])

Message = TrackCreate | IdentifyCreate | PageCreate | ScreenCreate | GroupCreate | AliasCreate


def _stored(
    message: Message,
    *,
    received_at: dt.datetime,
    context: dict[str, Any] | None = None,
    integrations: dict[str, Any] | None = None,
) -> tuple[str, str, RawJson]:
    """``(message_id, type, payload)`` as logged: Segment's JSON, with the gaps filled.

    The payload is serialised here, once (by pydantic-core, in Rust), and stored as it is.
    """
    payload = message.model_dump(by_alias=True, exclude_none=True)
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
    return message_id, message.type, RawJson(to_json(payload).decode())


def _accept(
    request: Request, deployment: DeploymentDep, tenant_id: str, rows: list[Any]
) -> AcceptedPublic:
    request.app.state.appender.append(tenant_id, rows)  # group commit: durable on return
    request.app.state.mover.notify(len(rows))
    return AcceptedPublic()


def _single(path: str, model: type[Message], summary: str) -> None:
    """Register ``POST /<path>``: one Segment call of ``model``'s type."""

    def record(
        body: Any, request: Request, key: EventsKeyDep, deployment: DeploymentDep
    ) -> AcceptedPublic:
        rows = [_stored(body, received_at=deployment.clock.now())]
        return _accept(request, deployment, key.tenant.id, rows)

    record.__annotations__["body"] = model  # FastAPI reads the body's model from here
    record.__name__ = path.strip("/")
    router.post(path, summary=summary)(record)


for _path, _model in (
    ("/track", TrackCreate),
    ("/identify", IdentifyCreate),
    ("/page", PageCreate),
    ("/screen", ScreenCreate),
    ("/group", GroupCreate),
    ("/alias", AliasCreate),
):
    _single(_path, _model, f"Record one {_path.strip('/')} call")


@router.post("/batch", summary="Record a batch of calls (what Segment's libraries send)")
def batch(
    body: BatchCreate, request: Request, key: EventsKeyDep, deployment: DeploymentDep
) -> AcceptedPublic:
    now = deployment.clock.now()
    rows = [
        _stored(m, received_at=now, context=body.context, integrations=body.integrations)
        for m in body.batch
    ]
    return _accept(request, deployment, key.tenant.id, rows)
