"""``tenure health`` (scores, bands and trend) and ``tenure refresh`` (the daily run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from tenure.cli._common import (
    AsOfOpt,
    JsonOpt,
    WorkspaceOpt,
    as_day,
    fail,
    open_workspace,
    print_json,
)
from tenure.cli.console import console
from tenure.errors import TenureError

__all__ = ["health_app", "refresh"]

health_app = typer.Typer(help="Customer health: 0-100 scores in green, yellow and red bands.")

_COMPONENTS = ("risk", "usage", "engagement", "support", "sentiment", "billing")
_STYLE = {"green": "green", "yellow": "yellow", "red": "red"}


def _n(value: Any) -> str:
    return "–" if value is None or value != value else f"{value:.0f}"


def _band(band: Any) -> str:
    return f"[{_STYLE[band]}]{band}[/]" if band in _STYLE else "–"


@health_app.callback(invoke_without_command=True)
def health(
    ctx: typer.Context,
    workspace: WorkspaceOpt = Path(),
    as_of: AsOfOpt = None,
    band: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--band", help="Only customers in this band: green, yellow or red."),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Customers to list.")] = 15,
    as_json: JsonOpt = False,
) -> None:
    """Health bands, their trend over the stored days, and the least healthy customers."""
    if ctx.invoked_subcommand is not None:
        return
    if band is not None and band not in _STYLE:
        raise typer.BadParameter(
            f"must be green, yellow or red. Got {band!r} instead.", param_hint="--band"
        )
    try:
        with open_workspace(workspace) as ws:
            report = ws.health_report(as_of=as_day(as_of), top=top, band=band)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(report)
        return
    _print_report(report, band)


def _print_report(report: dict[str, Any], band: str | None) -> None:
    from rich.table import Table

    bands = report["bands"]
    total = max(report["customers"], 1)
    console.print(
        f"Health as of [bold]{report['as_of']}[/]: {report['customers']:,} current customers, "
        f"mean {_n(report['mean_health'])}. "
        + ", ".join(f"{_band(b)} {bands[b]:,} ({bands[b] / total:.0%})" for b in bands)
        + f"  (green from {report['thresholds']['green_at']:.0f}, red below "
        f"{report['thresholds']['red_below']:.0f})"
    )
    history = report["history"]
    if len(history) > 1:
        trend = Table(title="Trend (stored days)")
        for col in ("as of", "customers", "mean", "green", "yellow", "red"):
            trend.add_column(col, justify="left" if col == "as of" else "right")
        for row in history[-12:]:
            trend.add_row(
                str(row["as_of"]),
                f"{row['customers']:,}",
                _n(row["mean_health"]),
                f"{row['green']:,}",
                f"{row['yellow']:,}",
                f"{row['red']:,}",
            )
        console.print(trend)
    who = f"{band} customers" if band else "customers"
    table = Table(title=f"Least healthy {who}")
    table.add_column("customer")
    table.add_column("health", justify="right")
    table.add_column("band")
    for c in _COMPONENTS:
        table.add_column(c, justify="right")
    table.add_column("weakest")
    for row in report["lowest"]:
        table.add_row(
            f"{row.get('name') or ''} [dim]{row['customer_id']}[/]",
            _n(row["health"]),
            _band(row["band"]),
            *(_n(row[c]) for c in _COMPONENTS),
            str(row["weakest"] or "–"),
        )
    console.print(table)
    weights = ", ".join(f"{k} {v:g}" for k, v in report["weights"].items())
    console.print(f"Weights (\\[health.weights] in tenure.toml): {weights}. See docs/health.md.")


@health_app.command("show")
def show(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """One customer's health and its components on every stored day."""
    from rich.table import Table

    try:
        with open_workspace(workspace) as ws:
            history = ws.health_history(customer_id=customer_id)
    except TenureError as exc:
        raise fail(exc) from exc
    rows = history.to_dicts()
    if as_json:
        print_json({"customer_id": customer_id, "history": rows})
        return
    if not rows:
        console.print(
            f"No stored health for {customer_id!r}: run tenure refresh (or tenure health) "
            "first, and check the id with tenure churn report."
        )
        raise typer.Exit(code=1)
    table = Table(title=f"Health of {customer_id}")
    table.add_column("as of")
    table.add_column("health", justify="right")
    table.add_column("band")
    for c in _COMPONENTS:
        table.add_column(c, justify="right")
    table.add_column("weakest")
    for row in rows:
        table.add_row(
            str(row["as_of"]),
            _n(row["health"]),
            _band(row["band"]),
            *(_n(row[c]) for c in _COMPONENTS),
            str(row["weakest"] or "–"),
        )
    console.print(table)


def refresh(
    workspace: WorkspaceOpt = Path(),
    as_of: AsOfOpt = None,
    since: Annotated[
        Optional[dt.datetime],  # noqa: UP045
        typer.Option(
            "--since", formats=["%Y-%m-%d"], help="Also refresh earlier days from this one."
        ),
    ] = None,
    every: Annotated[
        int, typer.Option("--every", min=1, help="With --since: every this many days.")
    ] = 7,
    as_json: JsonOpt = False,
) -> None:
    """Score churn, health, lifetime value, profiles and segments for a day (or days)."""
    from rich.table import Table

    try:
        with open_workspace(workspace) as ws:
            results = ws.refresh(as_of=as_day(as_of), since=as_day(since), every_days=every)
    except TenureError as exc:
        raise fail(exc) from exc
    rows = [vars(r) for r in results]
    if as_json:
        print_json({"days": rows})
        return
    table = Table(title="Refreshed")
    for col in ("as of", "customers", "churn scored", "green", "yellow", "red", "segments"):
        table.add_column(col, justify="left" if col == "as of" else "right")
    for r in results:
        table.add_row(
            str(r.as_of),
            f"{r.customers:,}",
            f"{r.scored:,}",
            *(f"{r.health[b]:,}" for b in ("green", "yellow", "red")),
            f"{r.segments:,}",
        )
    console.print(table)
