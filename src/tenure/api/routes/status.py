"""``GET /v1/status``: the server is up (no key needed)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from tenure.api.schemas import StatusPublic

router = APIRouter(tags=["status"])


@cache
def _version() -> str:
    """The installed version (read once: looking it up scans the installed packages)."""
    try:
        return version("tenure")
    except PackageNotFoundError:
        return "unknown"


@router.get("/status", summary="Whether the server is up")
def status() -> StatusPublic:
    return StatusPublic(version=_version())
