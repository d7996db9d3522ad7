"""The webhook sender: an asyncio task that posts the outbox's due webhooks.

Every ``interval_s`` it runs :meth:`Deployment.deliver_webhooks` in a thread, so an
accepted offer reaches the product's backend without a separate worker process. The
outbox is durable and its claims are leased (``tenure.act.outbox``): if the service
stops or dies mid-delivery, the next run (after a restart too) delivers what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from tenure.workspace import Deployment

__all__ = ["WebhookSender"]

_log = logging.getLogger("tenure.api.sender")


class WebhookSender:
    """Delivers due outbox webhooks until stopped; :meth:`notify` wakes it at once."""

    def __init__(self, deployment: Deployment, *, interval_s: float = 1.0) -> None:
        self.deployment = deployment
        self.interval_s = interval_s
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Start the task on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="tenure-webhook-sender")

    def notify(self) -> None:
        """Something was queued (from any thread): deliver now rather than at the interval."""
        if self._loop is not None and not self._loop.is_closed() and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval_s)
            self._wake.clear()
            if self._stopping:
                break
            try:
                await asyncio.to_thread(self.deployment.deliver_webhooks)
            except asyncio.CancelledError:
                raise
            except Exception:  # the rows stay in the outbox; try again next time
                _log.exception("delivering webhooks failed; retrying in %.1f s", self.interval_s)

    async def stop(self) -> None:
        """Stop the task (a delivery in progress finishes first)."""
        self._stopping = True
        if self._task is not None:
            if self._wake is not None:
                self._wake.set()
            try:
                await asyncio.wait_for(self._task, timeout=60)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
