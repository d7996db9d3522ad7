"""The ASGI application: :func:`create_app` mounts the API at ``/v1`` and the dashboard at ``/``.

``tenure serve`` runs it under uvicorn; any ASGI server can run
``tenure.app:create_app`` with ``--factory`` (settings from the current folder).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, FastAPI

from tenure.api import (
    ROUTERS,
    BodyLimitMiddleware,
    EventAppender,
    EventMover,
    RateLimiter,
    WebhookSender,
    install_error_handlers,
    unsubscribe_router,
)
from tenure.clock import Clock
from tenure.config import Settings
from tenure.web import web_router
from tenure.workspace import Deployment

__all__ = ["create_app"]


def _version() -> str:
    try:
        return version("tenure")
    except PackageNotFoundError:
        return "0.0.0"


_log = logging.getLogger("tenure.worker")


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, worker: bool = False
) -> FastAPI:
    """The Tenure service for the deployment folder of ``settings``.

    The operational store must be up to date (``tenure db upgrade``); the event mover
    runs while the application does and moves what is left when it stops, and the
    webhook sender posts the outbox's due webhooks (accepted offers). ``clock``
    (default: the system clock) is the deployment's and every tenant workspace's "now",
    e.g. for the Stripe signature's timestamp tolerance. With ``worker``, the journey
    worker runs in a thread beside the server (``tenure serve --worker``).
    """
    settings = settings or Settings.load()
    server = settings.server

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        deployment = Deployment.open(settings.root, clock=clock)
        mover = EventMover(
            deployment,
            interval_s=server.flush_interval_ms / 1000,
            threshold=server.flush_events,
        )
        app.state.deployment = deployment
        app.state.appender = EventAppender(deployment.store)
        app.state.mover = mover
        app.state.tenants = {}
        sender = WebhookSender(deployment)  # posts accepted offers' webhooks (the outbox)
        app.state.sender = sender
        mover.start()
        sender.start()
        stop = threading.Event()
        warming = None
        if server.warm_up:
            await asyncio.to_thread(deployment.prepare)  # before the first request is taken
            warming = threading.Thread(
                target=deployment.warm_up, kwargs={"stop": stop}, name="tenure-warm-up", daemon=True
            )
            warming.start()
        working = None
        if worker:
            working = threading.Thread(
                target=deployment.work,
                kwargs={
                    "stop": stop,
                    "shared": True,
                    "on_error": lambda exc: _log.error("journey worker: %s", exc),
                },
                name="tenure-journeys",
                daemon=True,
            )
            working.start()
        try:
            yield
        finally:
            stop.set()
            await sender.stop()
            await mover.stop()
            if warming is not None:
                await asyncio.to_thread(warming.join)
            if working is not None:
                await asyncio.to_thread(working.join)
            deployment.close()

    app = FastAPI(
        title="Tenure",
        version=_version(),
        summary="Retention engine: Segment-compatible tracking, the tenant's data, the dashboard.",
        lifespan=lifespan,
    )
    app.state.rate_limiter = RateLimiter(
        rate=server.rate_limit_per_second, burst=server.rate_limit_burst
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=server.max_body_bytes)
    v1 = APIRouter(prefix="/v1")
    for router in ROUTERS:
        v1.include_router(router)
    app.include_router(v1)
    app.include_router(unsubscribe_router)
    app.include_router(web_router())
    return app
