"""``tenure offers ...``: the cancel flow's offers (docs/cancel-flow.md, docs/offers.md).

``tenure offers report`` measures what the cancel flow saved against its control group;
``tenure offers train`` learns whom a retention discount saves from past cancel decisions;
``tenure offers simulate`` compares no discount, everyone, targeted and the oracle.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

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

if TYPE_CHECKING:
    from tenure.workspace import Workspace

offers_app = typer.Typer(
    help="Cancel-flow offers: what they saved against the control group, whom a discount "
    "saves, and what targeting earns."
)


class Protocol(StrEnum):
    """How ``tenure offers simulate`` keeps a scored decision out of its models' training."""

    crossfit = "crossfit"
    time = "time"


TenantOpt = Annotated[
    Optional[str],  # noqa: UP045 (typer needs Optional)
    typer.Option(
        "--tenant",
        help="With a deployment folder as --workspace: the tenant whose flows to report.",
    ),
]


@contextmanager
def _workspace(folder: Path, tenant: str | None) -> Iterator[Workspace]:
    if tenant is None:
        with open_workspace(folder) as ws:
            yield ws
        return
    from tenure.workspace import Deployment

    with (
        Deployment.open(folder) as deployment,
        deployment.workspace(deployment.tenant(tenant)) as ws,
    ):
        yield ws


def _pct(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.1%}"


def _interval(low: float | None, high: float | None, fmt: str = "pct") -> str:
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return ""
    if fmt == "pct":
        return f" [{low * 100:+.1f}, {high * 100:+.1f}] pp"
    if fmt == "rate":
        return f" [{low:.1%}, {high:.1%}]"
    return f" [{low:,.0f}, {high:,.0f}]"


@offers_app.command("report")
def report(
    workspace: WorkspaceOpt = Path(),
    tenant: TenantOpt = None,
    confidence: Annotated[
        float, typer.Option("--confidence", min=0.5, max=0.999, help="Of the intervals.")
    ] = 0.95,
    as_json: JsonOpt = False,
) -> None:
    """Save rate, saved MRR, discount cost and net impact vs control, by reason, offer, segment."""
    try:
        with _workspace(workspace, tenant) as ws:
            result = ws.cancel_flow_report(confidence=confidence)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(result.to_dict())
        return
    from rich.table import Table

    cur = result.currency
    level = f"{result.confidence:.0%}"
    table = Table(
        title=f"Cancel flows: {result.flows:,} finished ({cur})",
        caption=f"save = saved, paused or downgraded; lift = offered − control save rate "
        f"({level} Newcombe interval); net/flow = (MRR kept × {result.value_months:g} months − "
        f"discount cost), offered − control ({level} Welch); net impact = net/flow × flows "
        "offered. See docs/cancel-flow.md.",
    )
    for col in ("by", "group", "offered", "control", "save rate", "control rate", "lift"):
        table.add_column(col, justify="left" if col in ("by", "group") else "right")
    for col in ("saved MRR", "discount cost", "net/flow", "net impact"):
        table.add_column(col, justify="right")
    for row in result.rows.to_dicts():
        table.add_row(
            row["dimension"],
            row["group"],
            f"{row['flows']:,}",
            f"{row['control_flows']:,}",
            _pct(row["save_rate"]) + _interval(row["save_rate_low"], row["save_rate_high"], "rate"),
            _pct(row["control_save_rate"]),
            (f"{row['lift'] * 100:+.1f} pp" if not math.isnan(row["lift"]) else "–")
            + _interval(row["lift_low"], row["lift_high"]),
            f"{row['saved_mrr']:,.0f}",
            f"{row['discount_cost']:,.0f}",
            (f"{row['net_per_flow']:,.0f}" if not math.isnan(row["net_per_flow"]) else "–")
            + _interval(row["net_per_flow_low"], row["net_per_flow_high"], "money"),
            f"{row['net_impact']:,.0f}" if not math.isnan(row["net_impact"]) else "–",
        )
    console.print(table)
    hooks = result.webhooks
    if hooks.get("note"):
        from rich.markup import escape

        console.print(f"[yellow]{escape(hooks['note'])}[/]")
    else:
        console.print(
            f"offer.accepted webhooks to {hooks['url']}: {hooks['sent']} sent, "
            f"{hooks['pending']} pending, {hooks['dead']} dead."
        )


@offers_app.command("train")
def train(workspace: WorkspaceOpt = Path(), as_json: JsonOpt = False) -> None:
    """Learn whom the retention discount saves from past cancel decisions; save the model."""
    try:
        with open_workspace(workspace) as ws:
            report = ws.offer_uplift_train()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(report)
        return
    effect = report["effect"]
    console.print(
        f"Discount uplift model: {report['rows']:,} cancel decisions "
        f"({report['first_decision']} to {report['last_decision']}), {report['offered']:,} "
        f"offered, {report['accepted']:,} accepted. Still paying {report['outcome_days']} "
        f"days on: {report['retained_offered']:.1%} offered, "
        f"{report['retained_not_offered']:.1%} not offered (difference "
        f"{effect['value']:+.1%}, 95% {effect['low']:+.1%} to {effect['high']:+.1%}).",
        highlight=False,
    )
    if report.get("strata"):
        kinds = report["strata"]
        console.print(
            f"Principal strata: of the customers at these decisions, {kinds['stays_anyway']:.1%} "
            f"stay anyway, {kinds['saved']:.1%} are saved by the discount and "
            f"{kinds['leaves_anyway']:.1%} leave anyway (the model's average).",
            highlight=False,
        )


@offers_app.command("simulate")
def simulate(
    workspace: WorkspaceOpt = Path(),
    as_of: AsOfOpt = None,
    protocol: Annotated[
        Optional[Protocol],  # noqa: UP045 (typer needs Optional)
        typer.Option(
            help="crossfit: each decision scored by models fitted on other customers' "
            "decisions; time: trained before --as-of, scored after "
            "(default: [offers] simulate_protocol, or time with --as-of).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compare no discount, discount everyone, targeted and the oracle on past decisions."""
    from tenure.cli.offers_simulate import print_simulation

    try:
        with open_workspace(workspace) as ws:
            report = ws.offers_simulate(
                as_of=as_day(as_of), protocol=None if protocol is None else protocol.value
            )
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(report)
        return
    print_simulation(report)
