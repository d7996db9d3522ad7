"""Rich output for the CLI, including the :class:`~tenure.progress.Progress` implementation."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["RichProgress", "console", "err_console"]

console = Console(width=None if sys.stdout.isatty() else 160)
"""Standard output; piped output gets 160 columns so tables are not cut to 80."""
err_console = Console(stderr=True)


class _Task:
    def __init__(self, owner: RichProgress, description: str, total: float | None) -> None:
        self.owner = owner
        self.description = description
        self.total = total
        self.task_id: int | None = None

    def __enter__(self) -> _Task:
        self.owner._start()
        self.task_id = self.owner.bar.add_task(self.description, total=self.total)
        return self

    def advance(self, amount: float = 1) -> None:
        if self.task_id is not None:
            self.owner.bar.advance(self.task_id, amount)  # type: ignore[arg-type]

    def __exit__(self, *exc: object) -> None:
        if self.task_id is not None:
            self.owner.bar.remove_task(self.task_id)  # type: ignore[arg-type]
        self.owner._stop()


class RichProgress:
    """Progress bars on stderr (hidden when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self._depth = 0

    def _start(self) -> None:
        if self._depth == 0:
            self.bar.start()
        self._depth += 1

    def _stop(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.bar.stop()

    def task(self, description: str, *, total: float | None = None) -> _Task:
        return _Task(self, description, total)

    def log(self, message: str) -> None:
        err_console.print(message)
