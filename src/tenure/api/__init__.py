"""The HTTP API (mounted at ``/v1`` by :func:`tenure.app.create_app`); see ``docs/api.md``.

Routes parse the request, call the :class:`~tenure.workspace.Deployment` or the tenant's
:class:`~tenure.workspace.Workspace` through the dependencies in :mod:`tenure.api.deps`,
and render the answer. Errors are RFC 9457 problem documents (:mod:`tenure.api.errors`).
"""

from __future__ import annotations

from tenure.api.appender import EventAppender
from tenure.api.errors import ProblemError, install_error_handlers
from tenure.api.limits import BodyLimitMiddleware, RateLimiter
from tenure.api.mover import EventMover
from tenure.api.routes import ROUTERS
from tenure.api.sender import WebhookSender
from tenure.api.unsubscribe import unsubscribe_router

__all__ = [
    "ROUTERS",
    "BodyLimitMiddleware",
    "EventAppender",
    "EventMover",
    "ProblemError",
    "RateLimiter",
    "WebhookSender",
    "install_error_handlers",
    "unsubscribe_router",
]
