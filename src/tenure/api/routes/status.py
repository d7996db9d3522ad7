"""``GET /v1/status``: the server is up (no key needed)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from tenure.api.schemas import StatusPublic

router = APIRouter(tags=["status"])


@router.get("/status", summary="Whether the server is up")
def status() -> StatusPublic:
    try:
        current = version("tenure")
    except PackageNotFoundError:
        current = "unknown"
    return StatusPublic(version=current)
