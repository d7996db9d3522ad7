"""The shape the server's background tasks share: an asyncio task woken by a timer or a nudge.

:class:`~tenure.api.mover.EventMover` and :class:`~tenure.api.sender.WebhookSender` each
run one blocking workspace call in a thread, every ``interval_s`` or as soon as another
thread wakes them; stopping lets a call in progress finish.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
from collections.abc import Callable

__all__ = ["BackgroundTask"]


class BackgroundTask(abc.ABC):
    """Runs :meth:`_run` as an asyncio task; subclasses wait with :meth:`_sleep`."""

    name = "tenure-background"

    def __init__(self, *, interval_s: float) -> None:
        self.interval_s = interval_s
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Start the task on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=self.name)

    def _call_soon(self, callback: Callable[..., object], *args: object) -> None:
        """Run ``callback(*args)`` on the task's loop (safe from any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(callback, *args)

    def _set_wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _sleep(self, seconds: float) -> None:
        """Wait ``seconds`` or until woken, whichever comes first; clears the wake-up."""
        assert self._wake is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        self._wake.clear()

    @abc.abstractmethod
    async def _run(self) -> None:
        """The task's loop: sleep with :meth:`_sleep`, work, until ``_stopping``."""

    async def _stop_task(self) -> None:
        """Stop the loop; a call in progress finishes first (at most a minute)."""
        self._stopping = True
        if self._task is not None:
            self._set_wake()
            try:
                await asyncio.wait_for(self._task, timeout=60)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
