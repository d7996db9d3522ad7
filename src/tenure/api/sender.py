"""The webhook sender: an asyncio task that posts the outbox's due webhooks.

Every ``interval_s`` it runs :meth:`Deployment.deliver_webhooks` in a thread, so an
accepted offer reaches the product's backend without a separate worker process. The
outbox is durable and its claims are leased (``tenure.act.outbox``): if the service
stops or dies mid-delivery, the next run (after a restart too) delivers what is left.
"""

from __future__ import annotations

import asyncio
import logging

from tenure.api._background import BackgroundTask
from tenure.workspace import Deployment

__all__ = ["WebhookSender"]

_log = logging.getLogger("tenure.api.sender")


class WebhookSender(BackgroundTask):
    """Delivers due outbox webhooks until stopped; :meth:`notify` wakes it at once."""

    name = "tenure-webhook-sender"

    def __init__(self, deployment: Deployment, *, interval_s: float = 1.0) -> None:
        super().__init__(interval_s=interval_s)
        self.deployment = deployment

    def notify(self) -> None:
        """Something was queued (from any thread): deliver now rather than at the interval."""
        self._call_soon(self._set_wake)

    async def _run(self) -> None:
        while not self._stopping:
            await self._sleep(self.interval_s)
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
        await self._stop_task()
