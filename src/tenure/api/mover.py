"""The event mover: an asyncio task that moves logged events into the warehouses.

It wakes every ``[server] flush_interval_ms``, or as soon as ``flush_events`` events
were received, and runs :meth:`Deployment.move_events` in a thread. A move has a fixed
cost (one warehouse transaction: about 0.3 CPU-seconds on a 10k-customer warehouse), so
after each move the mover rests at least ``REST_FACTOR`` times as long as the move took:
while events stream in, moves become fewer and larger and take at most a quarter of the
time, instead of eating the CPU the requests need. Events are durable
in the operational store before the API answers, so the mover may die at any point:
the next run (after a restart too) moves what is left, exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import time

from tenure.api._background import BackgroundTask
from tenure.workspace import Deployment, MoveResult

__all__ = ["EventMover"]

_log = logging.getLogger("tenure.api.mover")

REST_FACTOR = 3.0
"""After a move, wait at least this many times its duration (a duty cycle of 1/4)."""


class EventMover(BackgroundTask):
    """Moves received events in micro-batches until stopped."""

    name = "tenure-event-mover"

    def __init__(self, deployment: Deployment, *, interval_s: float, threshold: int) -> None:
        super().__init__(interval_s=interval_s)
        self.deployment = deployment
        self.threshold = threshold
        self._received = 0

    def notify(self, count: int) -> None:
        """Count received events (from any thread); wakes the mover at the threshold."""
        self._call_soon(self._add, count)

    def _add(self, count: int) -> None:
        self._received += count
        if self._received >= self.threshold:
            self._set_wake()

    async def move_once(self) -> MoveResult:
        """Move one micro-batch now."""
        self._received = 0
        return await asyncio.to_thread(self.deployment.move_events)

    async def _run(self) -> None:
        rest_until = 0.0
        while not self._stopping:
            await self._sleep(self.interval_s)
            # the rest after a long move is not cut short by the threshold, only by stop()
            while not self._stopping and (left := rest_until - time.monotonic()) > 0:
                await self._sleep(left)
            started = time.monotonic()
            try:
                result = await self.move_once()
                while result.events >= self.deployment.settings.server.flush_events:
                    result = await self.move_once()  # a backlog: keep going
            except asyncio.CancelledError:
                raise
            except Exception:  # the events stay in the log; try again next time
                _log.exception("moving events failed; retrying in %.1f s", self.interval_s)
            ended = time.monotonic()
            rest_until = ended + REST_FACTOR * (ended - started)

    async def stop(self) -> None:
        """Stop the task, then move what is left."""
        await self._stop_task()
        try:
            while (await self.move_once()).events:
                pass
        except Exception:
            _log.exception("moving events at shutdown failed; they stay in the log")
