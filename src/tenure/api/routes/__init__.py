"""The API's routers, one module per resource; a new resource is one line in ``ROUTERS``."""

from __future__ import annotations

from fastapi import APIRouter

from tenure.api.routes import (
    cancel_flows,
    customers,
    events,
    keys,
    messages,
    metrics,
    segments,
    status,
    stripe,
    tracking,
    winback,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    status.router,
    tracking.router,
    events.router,
    keys.router,
    stripe.router,
    customers.router,
    messages.router,
    metrics.router,
    segments.router,
    winback.router,
    cancel_flows.router,
)
