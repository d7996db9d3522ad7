"""``tenure journeys validate|list|show`` and ``tenure worker`` (docs/journeys.md)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tenure.cli._common import (
    AsOfOpt,
    JsonOpt,
    WorkspaceOpt,
    as_day,
    fail,
    open_workspace,
    print_error,
    print_json,
)
from tenure.cli.console import console
from tenure.errors import ConfigError, TenureError

if TYPE_CHECKING:
    from tenure.act.journeys import TickResult

journeys_app = typer.Typer(help="Journeys: triggered messages by e-mail, webhook and in-app.")
worker_app = typer.Typer()

TenantOpt = Annotated[
    Optional[str],  # noqa: UP045 (typer needs Optional)
    typer.Option("--tenant", help="With the step counts of this tenant of the deployment."),
]


@journeys_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="Journey YAML files to check.")],
) -> None:
    """Check journey files; each error names the file, the line and the field."""
    from tenure.workspace import check_journey_files

    failed = 0
    for path, outcome in check_journey_files(files):
        if isinstance(outcome, ConfigError):
            failed += 1
            print_error(outcome)
        else:
            console.print(
                f"[green]ok[/] {path}: journey {outcome.name!r}, {len(outcome.steps)} steps"
            )
    if failed:
        raise typer.Exit(code=2)


def _counts(folder: Path, tenant: str | None) -> dict[str, Any] | None:
    from tenure.workspace import Deployment

    if tenant is None:
        return None
    with Deployment.open(folder) as deployment:
        return deployment.journey_counts(tenant)


@journeys_app.command("list")
def list_journeys(
    workspace: WorkspaceOpt = Path(), tenant: TenantOpt = None, as_json: JsonOpt = False
) -> None:
    """List the journeys of the workspace ([journeys] path), with enrolments per tenant."""
    try:
        with open_workspace(workspace) as ws:
            journeys = ws.journeys()
        counts = _counts(workspace, tenant)
    except TenureError as exc:
        raise fail(exc) from exc
    entered: dict[str, int] = {}
    for row in (counts or {}).get("enrolments", []):
        entered[row["journey"]] = entered.get(row["journey"], 0) + row["enrolments"]
    rows = [
        {
            "name": j.name,
            "trigger": j.trigger.type,
            "steps": len(j.steps),
            "enabled": j.enabled,
            "enrolments": entered.get(j.name, 0) if counts is not None else None,
        }
        for j in journeys
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No journeys: put YAML files in the [journeys] path (docs/journeys.md).")
    for r in rows:
        extra = "" if r["enrolments"] is None else f"\t{r['enrolments']} enrolments"
        state = "" if r["enabled"] else "\t(disabled)"
        console.print(f"{r['name']}\t{r['trigger']}\t{r['steps']} steps{extra}{state}")


@journeys_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="The journey's name.")],
    workspace: WorkspaceOpt = Path(),
    tenant: TenantOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one journey's trigger and steps, with runs per step and status per tenant."""
    try:
        with open_workspace(workspace) as ws:
            journey = ws.journey(name)
        counts = _counts(workspace, tenant)
    except TenureError as exc:
        raise fail(exc) from exc
    runs: dict[str, dict[str, int]] = {}
    for row in (counts or {}).get("steps", []):
        if row["journey"] == name:
            runs.setdefault(row["step_id"], {})[row["status"]] = row["runs"]
    if as_json:
        print_json({"journey": journey.model_dump(by_alias=True), "runs": runs})
        return
    console.print(f"[bold]{journey.name}[/] {journey.description}", highlight=False)
    trigger = journey.trigger.model_dump(exclude={"type"}, exclude_none=True)
    console.print(f"trigger: {journey.trigger.type} {trigger}", highlight=False)
    if journey.goal is not None:
        console.print(f"goal: {journey.goal.model_dump(exclude_none=True)}", highlight=False)
    for i, step in enumerate(journey.steps, start=1):
        done = ", ".join(f"{k} {v}" for k, v in sorted(runs.get(step.id, {}).items()))
        console.print(f"{i:>2}. {step.id}\t{step.type}\t{done}", highlight=False)


CustomerOpt = Annotated[str, typer.Option("--customer", help="The customer to render it for.")]


@journeys_app.command("preview")
def preview(
    name: Annotated[str, typer.Argument(help="The journey's name.")],
    step: Annotated[str, typer.Argument(help="A send step's id.")],
    customer: CustomerOpt,
    workspace: WorkspaceOpt = Path(),
    as_json: JsonOpt = False,
) -> None:
    """Render a send step for one customer (their locale, traits and name)."""
    try:
        with open_workspace(workspace) as ws:
            rendered = ws.journey_preview(name, step, customer)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(rendered)
        return
    from rich.text import Text

    for key, value in rendered.items():
        console.print(Text.assemble((key, "bold"), f": {value}"), highlight=False)


@journeys_app.command("test-send")
def test_send(
    name: Annotated[str, typer.Argument(help="The journey's name.")],
    step: Annotated[str, typer.Argument(help="An e-mail step's id.")],
    customer: CustomerOpt,
    to: Annotated[str, typer.Option("--to", help="Send it here, not to the customer.")],
    workspace: WorkspaceOpt = Path(),
) -> None:
    """Send an e-mail step, rendered for a customer, to a test address ([email] server)."""
    try:
        with open_workspace(workspace) as ws:
            message_id = ws.journey_test_send(name, step, customer, to=to)
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(f"Sent {message_id} to {to}", highlight=False)


@journeys_app.command("report")
def report(
    name: Annotated[str, typer.Argument(help="The journey's name.")],
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant's slug.")],
    folder: Annotated[
        Path, typer.Option("--workspace", "-w", help="Deployment folder.", show_default=True)
    ] = Path(),
    days: Annotated[
        Optional[list[int]],  # noqa: UP045 (typer needs Optional)
        typer.Option("--days", help="Retention and MRR this many days after entry (repeat)."),
    ] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Conversion, retention and MRR of treatment vs control and holdout, with intervals."""
    from tenure.cli.journey_report import print_report
    from tenure.workspace import Deployment

    try:
        with Deployment.open(folder) as deployment:
            result = deployment.journey_report(tenant, name, days=days, as_of=as_day(as_of))
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(result.to_dict())
        return
    print_report(result)


def _report(results: dict[str, TickResult]) -> None:
    for slug, r in results.items():
        if r.enrolled or r.steps:
            sent = ", ".join(f"{k} {v}" for k, v in sorted(r.sent.items())) or "none"
            console.print(
                f"{slug}: {r.enrolled} enrolled, {r.steps} steps, sent {sent}, "
                f"{r.withheld} withheld, {r.suppressed} suppressed, {r.failed} failed",
                highlight=False,
            )


@worker_app.command("worker")
def worker(
    folder: Annotated[
        Path, typer.Option("--workspace", "-w", help="Deployment folder.", show_default=True)
    ] = Path(),
    once: Annotated[bool, typer.Option("--once", help="Run one tick, then stop.")] = False,
) -> None:
    """Run the journeys of every tenant: enrol triggered customers and run due steps.

    Polls every [journeys] poll_seconds until Ctrl-C or SIGTERM. Several workers may
    run side by side on a PostgreSQL operational store.
    """
    from tenure.workspace import Deployment

    try:
        with Deployment.open(folder) as deployment:
            if once:
                _report(deployment.run_journeys())
                return
            stop = threading.Event()
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            console.print(f"Journey worker on {deployment.root} (Ctrl-C stops it)")
            deployment.work(
                stop=stop,
                on_tick=_report,
                on_error=print_error,
            )
    except TenureError as exc:
        raise fail(exc) from exc
