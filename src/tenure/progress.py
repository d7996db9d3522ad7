"""The library's only way to report progress.

Library code takes a :class:`Progress` and calls it; it never prints. The default,
:class:`NullProgress`, does nothing. The CLI passes a Rich implementation.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["NullProgress", "Progress", "TaskHandle"]


@runtime_checkable
class Progress(Protocol):
    """Receives progress of long-running work."""

    def task(self, description: str, *, total: float | None = None) -> TaskHandle:
        """Start a task; use the handle as a context manager."""
        ...

    def log(self, message: str) -> None:
        """Report a one-line message."""
        ...


class TaskHandle(Protocol):
    """A running task of a :class:`Progress`."""

    def advance(self, amount: float = 1) -> None:
        """Advance the task by ``amount`` units."""
        ...

    def __enter__(self) -> TaskHandle: ...

    def __exit__(self, *exc: object) -> None: ...


class _NullTask:
    def advance(self, amount: float = 1) -> None:
        del amount

    def __enter__(self) -> _NullTask:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class NullProgress:
    """A :class:`Progress` that reports nothing."""

    def task(self, description: str, *, total: float | None = None) -> _NullTask:
        del description, total
        return _NullTask()

    def log(self, message: str) -> None:
        del message
