"""The dashboard's routes: login, static files and one router per page."""

from __future__ import annotations

from fastapi import APIRouter

from tenure.web import _assets
from tenure.web.views import (
    cancel_flows,
    cancel_page,
    cohorts,
    customer,
    customers,
    engagement,
    feedback,
    journeys,
    login,
    overview,
    segments,
)

__all__ = ["web_router"]


def web_router() -> APIRouter:
    """Every route of the dashboard, to include at ``/`` of the application."""
    router = APIRouter(include_in_schema=False)
    for part in (
        _assets.router,
        login.router,
        overview.router,
        cohorts.router,
        customers.router,
        customer.router,
        segments.router,
        engagement.router,
        feedback.router,
        cancel_page.router,
        cancel_flows.router,
        journeys.router,
    ):
        router.include_router(part)
    return router
