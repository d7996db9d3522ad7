"""Group commit for the event log: requests that arrive during a commit share the next one.

A tracking request may answer 200 only once its messages are committed (durable). One
commit per request pays one transaction and one fsync per request, and SQLite lets one
writer commit at a time. :class:`EventAppender` has no thread of its own: the first
request to arrive commits (the leader), requests arriving meanwhile wait, and when the
commit ends the next waiting request commits everything that queued up in one
transaction (:meth:`OperationalStore.append_event_groups`). Each request still returns
only after the commit that holds its messages, or raises that commit's error.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tenure.store.operational import OperationalStore, RawJson

__all__ = ["EventAppender"]

Messages = Sequence[tuple[str, str, dict[str, Any] | RawJson]]


@dataclass
class _Entry:
    tenant_id: str
    messages: Messages
    done: bool = False
    error: BaseException | None = None


class EventAppender:
    """Commit tracking requests' messages in groups (call :meth:`append` from threads)."""

    def __init__(self, store: OperationalStore) -> None:
        self.store = store
        self._cond = threading.Condition()
        self._queue: list[_Entry] = []
        self._committing = False

    def append(self, tenant_id: str, messages: Messages) -> None:
        """Return once ``messages`` are committed; raises the commit's error if it failed."""
        entry = _Entry(tenant_id, messages)
        with self._cond:
            self._queue.append(entry)
            while self._committing and not entry.done:
                self._cond.wait()
            if not entry.done:  # no commit running: lead one with everything queued
                self._committing = True
                group, self._queue = self._queue, []
        if not entry.done:
            error: BaseException | None = None
            try:
                self.store.append_event_groups([(e.tenant_id, e.messages) for e in group])
            except BaseException as exc:
                error = exc
            with self._cond:
                for e in group:
                    e.done, e.error = True, error
                self._committing = False
                self._cond.notify_all()
        if entry.error is not None:
            raise entry.error
