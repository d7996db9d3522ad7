"""``/v1/segments``: list and define segments (write scope), one segment and its members."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query

from tenure.api.deps import WorkspaceDep, WriteWorkspaceDep
from tenure.api.errors import ProblemError
from tenure.api.schemas import (
    SegmentCreate,
    SegmentDetailPublic,
    SegmentMemberPublic,
    SegmentMembersPublic,
    SegmentPublic,
)
from tenure.errors import NotFoundError, SegmentError
from tenure.workspace import Workspace

router = APIRouter(prefix="/segments", tags=["segments"])

Name = Annotated[str, Path(min_length=1, max_length=63)]


def _known(ws: Workspace, name: str) -> None:
    if name not in {s.name for s in ws.segment_definitions()}:
        raise NotFoundError(f"there is no segment {name!r}; GET /v1/segments lists them")


@router.get("", summary="Every segment with its size on the latest evaluated day")
def list_segments(ws: WorkspaceDep) -> list[SegmentPublic]:
    return [SegmentPublic.model_validate(s) for s in ws.segments()]


@router.post(
    "",
    status_code=201,
    summary="Define a rule segment (write scope) and evaluate it",
    responses={409: {"description": "A segment with this name exists"}},
)
def create_segment(body: SegmentCreate, ws: WriteWorkspaceDep) -> SegmentPublic:
    if body.name in {s.name for s in ws.segment_definitions()}:
        raise ProblemError(409, f"a segment named {body.name!r} exists already; pick another name")
    try:
        ws.segment_create(body.name, body.rule, description=body.description)
    except SegmentError as exc:
        field = "rule" if exc.column is not None or "rule" in str(exc) else "name"
        error: dict[str, object] = {"field": field, "message": str(exc)}
        if exc.column is not None:
            error["column"] = exc.column
        raise ProblemError(422, str(exc), errors=[error]) from exc
    return SegmentPublic.model_validate(ws.segment(body.name))


@router.get("/{name}", summary="One segment: definition, size per day, member means")
def read_segment(name: Name, ws: WorkspaceDep) -> SegmentDetailPublic:
    _known(ws, name)
    return SegmentDetailPublic.model_validate(ws.segment(name))


@router.get("/{name}/members", summary="A segment's members on a day, largest MRR first")
def read_segment_members(
    name: Name,
    ws: WorkspaceDep,
    as_of: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SegmentMembersPublic:
    _known(ws, name)
    members = ws.segment_members(name, as_of=as_of)
    day = members["as_of"][0] if members.height else as_of
    page = members.slice(offset, limit).to_dicts()
    return SegmentMembersPublic(
        segment=name,
        as_of=day,
        total=members.height,
        items=[SegmentMemberPublic.model_validate(m) for m in page],
    )
