"""The ``tenure`` command: thin commands over :class:`tenure.Workspace`.

Each command parses its options, calls the workspace and renders the result.
The workspace is imported inside each command so that ``tenure --help`` is fast.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tenure.cli._common import WorkspaceOpt, fail, open_workspace
from tenure.cli.churn import churn_app, print_riskiest
from tenure.cli.console import RichProgress, console
from tenure.cli.demo_flows import demo_cancel_flows, print_demo_flows
from tenure.cli.demo_journeys import demo_journeys, print_demo_journeys
from tenure.cli.health import health_app, refresh
from tenure.cli.journeys import journeys_app, worker_app
from tenure.cli.metrics import metrics_app, render
from tenure.cli.offers import offers_app
from tenure.cli.offers_simulate import demo_offers_and_winback, print_demo_offers
from tenure.cli.segments import segments_app
from tenure.cli.serve import demo_login, serve, serve_app
from tenure.cli.uplift import uplift_app
from tenure.cli.value import value_app
from tenure.cli.winback import winback_app
from tenure.errors import ModelError, TenureError

if TYPE_CHECKING:
    from tenure.store import IngestResult


DEMO_CUSTOMERS = 10_000
"""Customers of ``tenure demo``'s world: with 24 months about 740 cancel decisions have a
known outcome, enough for the discount targeting to beat "discount everyone" (at 2,000,
136 are too few for it to be sure of anyone; docs/demo.md)."""


class StripeShape(StrEnum):
    """The Stripe API shape the demo writes."""

    current = "current"
    legacy = "legacy"


app = typer.Typer(
    name="tenure",
    help="Tenure: a retention engine for subscription businesses.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
demo_app = typer.Typer(help="Generate and load a synthetic SaaS world.")
app.add_typer(demo_app, name="demo")
app.add_typer(metrics_app, name="metrics")
app.add_typer(churn_app, name="churn")
app.add_typer(uplift_app, name="uplift")
app.add_typer(segments_app, name="segments")
app.add_typer(value_app)  # tenure survival, tenure ltv
app.add_typer(health_app, name="health")
app.add_typer(winback_app, name="winback")
app.add_typer(offers_app, name="offers")
app.add_typer(serve_app)  # tenure serve, tenure db, tenure tenants, tenure keys
app.add_typer(journeys_app, name="journeys")
app.add_typer(worker_app)  # tenure worker


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")] = Path(),
) -> None:
    """Create a workspace: tenure.toml and an empty DuckDB warehouse."""
    from tenure.workspace import Workspace

    try:
        with Workspace.init(directory) as ws:
            console.print(
                f"Workspace ready in [bold]{ws.root}[/] (warehouse: {ws.settings.warehouse_url()})"
            )
    except TenureError as exc:
        raise fail(exc) from exc


def _print_results(results: list[IngestResult]) -> None:
    from rich.table import Table

    table = Table(title="Ingested")
    for col in ("file", "format", "new rows", "duplicates", "rejects", "ignored"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for r in results:
        if r.note is not None:
            continue
        table.add_row(
            r.source.name,
            r.format,
            f"{r.inserted:,}",
            f"{r.duplicates:,}",
            f"{r.rejects:,}",
            f"{r.skipped:,}",
        )
    console.print(table)
    for r in results:
        if r.note is not None:
            console.print(f"  [dim]passed over[/] {r.source}: {r.note}")
        for reason in r.reasons:
            console.print(f"  [yellow]reject[/] {r.source.name}: {reason}")
    if any(r.rejects for r in results):
        console.print("Rejected records are kept: run [bold]tenure rejects[/] to see them all.")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    workspace: WorkspaceOpt = Path(),
    format: Annotated[
        Optional[str], typer.Option(help="stripe, segment or table (default: detect).")  # noqa: UP045
    ] = None,
    table: Annotated[
        Optional[str], typer.Option(help="Target table for Tenure's own tables.")  # noqa: UP045
    ] = None,
) -> None:
    """Ingest Stripe objects, Segment events and Tenure tables (CSV, Parquet, JSON Lines)."""
    try:
        with open_workspace(workspace) as ws:
            results = ws.ingest(paths, format=format, table=table)  # type: ignore[arg-type]
    except TenureError as exc:
        raise fail(exc) from exc
    _print_results(results)


@app.command()
def rejects(
    workspace: WorkspaceOpt = Path(),
    limit: Annotated[int, typer.Option(help="How many to show.")] = 50,
    source: Annotated[Optional[str], typer.Option(help="Only this file.")] = None,  # noqa: UP045
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List rejected records with file, line, field and reason."""
    from rich.table import Table

    try:
        with open_workspace(workspace) as ws:
            rows = ws.rejects(limit=limit, source=source)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, default=str))
        return
    if not rows:
        console.print("No rejected records.")
        return
    table = Table(title=f"Rejected records (newest {len(rows)})")
    for col in ("file", "line", "field", "reason"):
        table.add_column(col, overflow="fold")
    for row in rows:
        line = str(row["line"] or "") + (f" {row['path']}" if row["path"] else "")
        table.add_row(Path(row["source"]).name, line, row["field"] or "", row["reason"])
    console.print(table)


@app.command()
def status(workspace: WorkspaceOpt = Path()) -> None:
    """Show row counts of every table in the warehouse."""
    from rich.table import Table

    try:
        with open_workspace(workspace) as ws:
            counts = ws.counts()
    except TenureError as exc:
        raise fail(exc) from exc
    table = Table(title="Warehouse")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)


app.command("refresh")(refresh)


@demo_app.callback(invoke_without_command=True)
def demo(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Option("--dir", help="Workspace to create.")] = Path(
        "tenure-demo"
    ),
    customers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Customers to simulate (the default gives the discount targeting enough "
            "cancel decisions to learn from).",
        ),
    ] = DEMO_CUSTOMERS,
    months: Annotated[int, typer.Option(min=1, max=120, help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    serve_after: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Then serve the dashboard on the demo, with a printed login (Ctrl-C stops).",
        ),
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the dashboard.")] = 8000,
) -> None:
    """Generate a demo world into a new workspace, ingest it, print a summary and serve it.

    The dashboard runs at http://127.0.0.1:PORT until Ctrl-C, with a login printed;
    --no-serve stops after the summary.
    """
    if ctx.invoked_subcommand is not None:
        return
    from tenure.workspace import Workspace

    try:
        with Workspace.init(directory, progress=RichProgress()) as ws:
            manifest, results = ws.create_demo(customers=customers, months=months, seed=seed)
            counts = ws.counts()
            series = ws.metrics(interval="month", as_of=manifest.end - dt.timedelta(days=1))
            currency = ws.settings.reporting_currency
            try:
                ws.churn_train()
                risk: dict[str, Any] | None = ws.churn_report(top=10)
                risk_note = ""
            except ModelError as exc:  # a world too small or short to learn churn from
                risk, risk_note = None, str(exc)
            daily = ws.refresh()[-1]  # health, lifetime values, profiles and segments
            segments = [s for s in ws.segments() if s["members"]]
            offers, winback = demo_offers_and_winback(ws)
            flows = demo_cancel_flows(ws)  # after the uplift model is trained
        # after the workspace is closed: the journey worker opens the warehouse itself
        playbooks = demo_journeys(directory, manifest.end)
    except TenureError as exc:
        raise fail(exc) from exc
    _print_results(results)
    console.print(
        f"Demo workspace [bold]{directory}[/]: {counts['customers']:,} customers, "
        f"{counts['subscriptions']:,} subscriptions, {counts['invoices']:,} invoices, "
        f"{counts['events']:,} product events, {counts['rejects']:,} rejects "
        f"({manifest.start} to {manifest.end})."
    )
    render(
        series.tail(6),
        title=f"Headline metrics, last six months ({currency})",
        columns={
            "period": "period",
            "mrr": "MRR",
            "customers": "customers",
            "arpa": "ARPA",
            "new": "new",
            "churn": "churn",
            "customer_churn_rate": "logo churn",
            "nrr": "NRR",
            "ltv": "LTV",
        },
    )
    if risk is not None:
        print_riskiest(risk["riskiest"], None, "The ten riskiest customers, and why")
        model = risk["backtest"].get("model") or {}
        console.print(
            f"Churn model (churn within {risk['horizon_days']} days): backtest ROC-AUC "
            f"{model.get('roc_auc', float('nan')):.3f}; {risk['canceling_count']:,} more "
            "customers have a cancellation scheduled. Details: tenure churn report -w "
            f"{directory}"
        )
    else:
        console.print(f"No churn model: {risk_note}")
    bands = daily.health
    console.print(
        f"Health of {sum(bands.values()):,} current customers: [green]{bands['green']:,} green[/], "
        f"[yellow]{bands['yellow']:,} yellow[/], [red]{bands['red']:,} red[/]. Segments: "
        + ", ".join(f"{s['name']} {s['members']:,}" for s in segments[:8])
        + ("" if len(segments) <= 8 else ", ...")
    )
    print_demo_offers(offers, winback, directory)
    print_demo_flows(flows, currency, directory)
    print_demo_journeys(playbooks, directory)
    console.print(
        f"Explore: tenure metrics -w {directory}; tenure health -w {directory}; "
        f"tenure segments list -w {directory}; tenure ltv -w {directory}; "
        f"tenure survival -w {directory}"
    )
    if not serve_after:
        console.print(f"Dashboard: tenure demo serves it; or tenure serve -w {directory}")
        return
    try:
        email, password = demo_login(directory)
    except TenureError as exc:
        raise fail(exc) from exc
    console.print(
        f"\n[bold]Dashboard[/]: http://127.0.0.1:{port}/ (Ctrl-C stops it)\n"
        f"  log in as [bold]{email}[/] with the password [bold]{password}[/]\n"
        f"  later: tenure serve -w {directory} (tenure users add EMAIL --tenant demo "
        f"-w {directory} sets a password)",
        highlight=False,
    )
    serve(directory, host="127.0.0.1", port=port)


@demo_app.command("generate")
def demo_generate(
    out: Annotated[Path, typer.Option(help="Folder to write.")] = Path("tenure-demo-data"),
    customers: Annotated[int, typer.Option(min=1, help="Customers to simulate.")] = 2000,
    months: Annotated[int, typer.Option(min=1, max=120, help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    stripe_shape: Annotated[
        StripeShape, typer.Option(help="Stripe API shape: current (2025+) or legacy.")
    ] = StripeShape.current,
) -> None:
    """Write a synthetic SaaS world as Stripe objects, Segment events and tables."""
    from tenure.demo import generate

    manifest = generate(
        out,
        customers=customers,
        months=months,
        seed=seed,
        stripe_shape=stripe_shape.value,
        progress=RichProgress(),
    )
    console.print(f"Wrote {out}: " + ", ".join(f"{k} {v:,}" for k, v in manifest.counts.items()))


if __name__ == "__main__":  # pragma: no cover
    app()
