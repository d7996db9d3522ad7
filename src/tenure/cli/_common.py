"""What every command group shares: the workspace option, days, JSON output and errors."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tenure.cli.console import RichProgress, err_console
from tenure.errors import TenureError

if TYPE_CHECKING:
    from tenure.workspace import Workspace

__all__ = [
    "AsOfOpt",
    "JsonOpt",
    "WorkspaceOpt",
    "as_day",
    "fail",
    "open_workspace",
    "print_json",
]

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder.", show_default=True)
]
AsOfOpt = Annotated[
    Optional[dt.datetime],  # noqa: UP045 (typer needs Optional)
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="As of this day (YYYY-MM-DD)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a report.")]


def open_workspace(workspace: Path) -> Workspace:
    """Open a workspace with a rich progress bar (imported here: ``--help`` stays fast)."""
    from tenure.workspace import Workspace

    return Workspace.open(workspace, progress=RichProgress())


def as_day(value: dt.datetime | None) -> dt.date | None:
    """The date of a ``--as-of`` option."""
    return value.date() if value is not None else None


def print_error(message: object) -> None:
    """Print ``error: message`` on standard error, as written.

    The message is escaped (a setting such as ``[offers] reasons`` is not Rich markup) and
    soft-wrapped, so a long file path is never broken by an inserted newline.
    """
    from rich.markup import escape

    err_console.print(
        f"[bold red]error:[/] {escape(str(message))}", soft_wrap=True, highlight=False
    )


def fail(exc: TenureError) -> typer.Exit:
    """Print a Tenure error (what, where, how to fix) and exit with status 2."""
    print_error(exc)
    return typer.Exit(code=2)


def print_json(payload: Any) -> None:
    """One JSON object on standard output; dates and other values as strings."""
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
