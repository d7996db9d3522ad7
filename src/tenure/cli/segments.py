"""``tenure segments``: list, create, show, inspect and delete customer segments."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tenure.cli._common import JsonOpt, WorkspaceOpt, fail, open_workspace
from tenure.cli.console import console
from tenure.errors import TenureError

if TYPE_CHECKING:
    pass

__all__ = ["segments_app"]

segments_app = typer.Typer(
    help="Segments: rule segments, value segments and RFM, with who entered and left.",
    no_args_is_help=True,
)

NameArg = Annotated[str, typer.Argument(help="The segment's name.")]


def _json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")


def _num(value: Any, digits: int = 1) -> str:
    return "–" if value is None or value != value else f"{value:,.{digits}f}"


@segments_app.command("list")
def list_segments(workspace: WorkspaceOpt = Path(), as_json: JsonOpt = False) -> None:
    """Every segment with its rule and member count at the latest evaluated day."""
    try:
        with open_workspace(workspace) as ws:
            rows = ws.segments()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        _json(rows)
        return
    from rich.table import Table

    day = rows[0]["as_of"] if rows else None
    out = Table(title=f"Segments (members as of {day or 'never evaluated'})")
    for col in ("name", "kind", "members", "rule"):
        out.add_column(col, justify="right" if col == "members" else "left")
    for r in rows:
        members = "–" if r["members"] is None else f"{r['members']:,}"
        out.add_row(r["name"], r["kind"], members, r["rule"])
    console.print(out)


@segments_app.command("create")
def create(
    name: NameArg,
    rule: Annotated[str, typer.Argument(help="A rule such as 'plan == \"pro\" and health < 40'.")],
    description: Annotated[str, typer.Option("--description", help="What it is for.")] = "",
    replace: Annotated[bool, typer.Option("--replace", help="Replace a segment of that name.")] = (
        False
    ),
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """Define a rule segment (checked against the profile columns) and evaluate it."""
    try:
        with open_workspace(workspace) as ws:
            ws.segment_create(name, rule, description=description, replace=replace)
            shown = ws.segment(name)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        _json(shown)
        return
    size = "not evaluated yet" if shown["members"] is None else f"{shown['members']:,} members"
    console.print(f"Segment [bold]{name}[/] saved: {shown['rule']} ({size}).")


@segments_app.command("show")
def show(name: NameArg, workspace: WorkspaceOpt = Path(), as_json: JsonOpt = False) -> None:
    """A segment's definition, size now and per stored day, and its members' health and MRR."""
    try:
        with open_workspace(workspace) as ws:
            seg = ws.segment(name)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        _json(seg)
        return
    from rich.table import Table

    console.print(f"[bold]{seg['name']}[/] ({seg['kind']}): {seg['rule']}")
    if seg["description"]:
        console.print(seg["description"])
    if seg["members"] is None:
        console.print("Not evaluated yet: run tenure refresh.")
        return
    console.print(
        f"{seg['members']:,} members as of {seg['as_of']}; mean health "
        f"{_num(seg['mean_health'])}, mean MRR {_num(seg['mean_mrr'], 2)}."
    )
    trend = Table(title="Members per day")
    trend.add_column("as_of")
    trend.add_column("members", justify="right")
    for row in seg["trend"][-30:]:
        trend.add_row(str(row["as_of"]), f"{row['members']:,}")
    console.print(trend)


@segments_app.command("members")
def members(
    name: NameArg,
    as_of: Annotated[
        Optional[dt.datetime],  # noqa: UP045 (typer needs Optional)
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day (default: the latest)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Members to show.")] = 50,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """The members of a segment on a day, largest MRR first."""
    try:
        with open_workspace(workspace) as ws:
            frame = ws.segment_members(name, as_of=as_of.date() if as_of else None)
    except TenureError as exc:
        raise fail(exc) from exc
    rows = frame.head(limit).to_dicts()
    if as_json:
        _json({"segment": name, "members": frame.height, "rows": rows})
        return
    from rich.table import Table

    out = Table(title=f"{name}: {frame.height:,} members (showing {len(rows)})")
    columns = [c for c in frame.columns if c != "as_of"]
    for col in columns:
        out.add_column(col, justify="left" if col in ("customer_id", "plan") else "right")
    for r in rows:
        out.add_row(*(_num(r[c], 2) if isinstance(r[c], float) else str(r[c]) for c in columns))
    console.print(out)


@segments_app.command("history")
def history(
    name: NameArg,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Latest changes to show.")] = 50,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """Who entered and left a segment, and when (each day against the previous one)."""
    try:
        with open_workspace(workspace) as ws:
            frame = ws.segment_history(name)
    except TenureError as exc:
        raise fail(exc) from exc
    rows = frame.tail(limit).to_dicts()
    if as_json:
        _json({"segment": name, "changes": frame.height, "rows": rows})
        return
    from rich.table import Table

    out = Table(title=f"{name}: {frame.height:,} changes (latest {len(rows)})")
    for col in ("on", "customer_id", "change"):
        out.add_column(col)
    for r in rows:
        style = "green" if r["change"] == "entered" else "red"
        out.add_row(str(r["on"]), r["customer_id"], f"[{style}]{r['change']}[/]")
    console.print(out)


@segments_app.command("delete")
def delete(name: NameArg, workspace: WorkspaceOpt = Path(), as_json: JsonOpt = False) -> None:
    """Remove a rule segment and its stored memberships."""
    try:
        with open_workspace(workspace) as ws:
            ws.segment_delete(name)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        _json({"deleted": name})
        return
    console.print(f"Deleted segment [bold]{name}[/].")
