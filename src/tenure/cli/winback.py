"""``tenure winback train|list``: who of the churned to win back, with which offer.

Each command parses its options, calls the ``Workspace`` and renders the result
(docs/winback.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    import polars as pl

winback_app = typer.Typer(help="Win back churned customers: reactivation model and list.")

AUDIENCE = (
    "customer_id",
    "name",
    "email",
    "probability",
    "value",
    "expected_value",
    "plan",
    "cancel_reason",
    "reason_source",
    "offer",
    "message",
    "high_ltv",
    "high_engagement",
    "high_aov",
    "churned_on",
)
"""The columns of ``--out`` (a campaign audience) and of ``--json``."""


@winback_app.command("train")
def train(workspace: WorkspaceOpt = Path(), as_json: JsonOpt = False) -> None:
    """Learn who comes back from past churned customers; report it on the latest origin."""
    try:
        with open_workspace(workspace) as ws:
            report = ws.winback_train()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        print_json(report)
        return
    test = report.get("test")
    console.print(
        f"Reactivation model: {report['rows']:,} churned customers at "
        f"{len(report['origins'])} origins, {report['came_back']:,} came back within "
        f"{report['horizon_days']} days."
    )
    if test:
        console.print(
            f"On {report['test_origin']} (held out): ROC-AUC {test['roc_auc']:.3f}, "
            f"lift in the top 10% {test['lift_top10']:.1f}, base rate {test['base_rate']:.1%}."
        )


@winback_app.command("list")
def list_(
    workspace: WorkspaceOpt = Path(),
    as_of: AsOfOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most rows to show.")] = 20,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the whole ranked audience to this CSV file."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Churned customers ranked by reactivation probability × value, with offer and message."""
    try:
        with open_workspace(workspace) as ws:
            ranked = ws.winback(as_of=as_day(as_of))
    except TenureError as exc:
        raise fail(exc) from exc
    audience = ranked.select([c for c in AUDIENCE if c in ranked.columns])
    if out is not None:
        audience.write_csv(out)
    if as_json:
        print_json({"count": ranked.height, "items": audience.head(limit).to_dicts()})
        return
    print_winback(audience, limit)
    if out is not None:
        console.print(f"Wrote {ranked.height:,} rows to {out}")


def print_winback(audience: pl.DataFrame, limit: int) -> None:
    """The first ``limit`` rows of a ranked win-back audience as a table."""
    from rich.table import Table

    table = Table(
        title=f"Win back first: {min(limit, audience.height)} of {audience.height:,} churned "
        "customers",
        caption="probability of coming back within the horizon × value (MRR before churn × "
        "[winback] value_months); ★ high LTV, engagement or order value. See docs/winback.md.",
    )
    for col in ("customer", "p(back)", "value", "expected", "reason", "offer", "message"):
        table.add_column(
            col, justify="right" if col in {"p(back)", "value", "expected"} else "left"
        )
    for row in audience.head(limit).to_dicts():
        star = " ★" if row["high_ltv"] or row["high_engagement"] or row["high_aov"] else ""
        table.add_row(
            f"{row['customer_id']}{star}",
            f"{row['probability']:.1%}",
            f"{row['value']:,.0f}",
            f"{row['expected_value']:,.0f}",
            _reason(row),
            str(row["offer"]),
            str(row["message"]),
        )
    console.print(table)


def _reason(row: dict[str, Any]) -> str:
    """The churn reason, marked when it comes from Stripe's cancellation feedback."""
    reason = row["cancel_reason"]
    if reason is None:
        return "–"
    return f"{reason} (Stripe)" if row.get("reason_source") == "stripe" else str(reason)
