"""``tenure offers train|simulate``: whom a retention discount saves, and what targeting earns.

Each command parses its options, calls the ``Workspace`` and renders the result
(docs/offers.md).
"""

from __future__ import annotations

from pathlib import Path

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

offers_app = typer.Typer(help="Cancel-flow offers: the discount uplift model and policies.")


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


@offers_app.command("simulate")
def simulate(
    workspace: WorkspaceOpt = Path(), as_of: AsOfOpt = None, as_json: JsonOpt = False
) -> None:
    """Compare no discount, discount everyone, targeted and the oracle on held-out decisions."""
    from tenure.cli.offers_simulate import print_simulation

    try:
        with open_workspace(workspace) as ws:
            report = ws.offers_simulate(as_of=as_day(as_of))
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(report)
        return
    print_simulation(report)
