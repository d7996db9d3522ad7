"""``tenure survival`` and ``tenure ltv``: retention curves, remaining lifetime and LTV.

The commands are registered on the main app by ``app.add_typer(value_app)`` (no group
name, so they are top-level commands). Each parses its options, calls the ``Workspace``
and renders the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tenure.cli._common import AsOfOpt, JsonOpt, WorkspaceOpt, as_day, fail, open_workspace
from tenure.cli.console import console
from tenure.errors import TenureError

if TYPE_CHECKING:
    pass

value_app = typer.Typer(help="Survival curves and lifetime value.")

MONTHS = (1, 3, 6, 12, 24)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:.1%}"


def _money(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}"


@value_app.command("survival")
def survival(
    workspace: WorkspaceOpt = Path(),
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="plan, billing_interval, channel, country, company_size, industry, "
            "segment:<name>, or all.",
        ),
    ] = "plan",
    as_of: AsOfOpt = None,
    first_only: Annotated[
        bool, typer.Option("--first-only", help="Only each customer's first paying spell.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Kaplan-Meier retention of paying customers per group: share still paying after N months."""
    try:
        with open_workspace(workspace) as ws:
            summary = ws.survival_summary(
                by=by, as_of=as_day(as_of), at=MONTHS, first_only=first_only
            )
            day = as_day(as_of) or ws.scoring_day()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        payload = {"as_of": day.isoformat(), "by": by, "groups": summary.to_dicts()}
        sys.stdout.write(json.dumps(payload, default=str) + "\n")
        return
    from rich.table import Table

    table = Table(
        title=f"Paying customers still paying after N months, by {by} (Kaplan-Meier)",
        caption=f"as of {day}; – where no spell has lasted that long. See docs/survival.md.",
    )
    for col in ("group", "spells", "churned", *(f"{m} mo" for m in MONTHS), "median months"):
        table.add_column(col, justify="left" if col == "group" else "right")
    for row in summary.to_dicts():
        median = row["median_months"]
        table.add_row(
            str(row["group"]),
            f"{row['spells']:,}",
            f"{row['churned']:,}",
            *(_pct(row[f"survival_{m}m"]) for m in MONTHS),
            "not reached" if median is None else f"{median:.1f}",
        )
    console.print(table)


@value_app.command("ltv")
def ltv(
    workspace: WorkspaceOpt = Path(),
    by: Annotated[
        str,
        typer.Option(
            "--by", help="plan, billing_interval, channel, country, company_size, segment:<name>."
        ),
    ] = "plan",
    top: Annotated[int, typer.Option("--top", min=1, help="Customers to show.")] = 10,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Lifetime value per group and the most valuable customers (stored in customer_values)."""
    try:
        with open_workspace(workspace) as ws:
            report = ws.ltv_report(by=by, as_of=as_day(as_of), top=top)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        sys.stdout.write(json.dumps(report, default=str) + "\n")
        return
    from rich.table import Table

    cur = report["currency"]
    groups = Table(
        title=f"Lifetime value by {by}, {cur}, as of {report['as_of']}",
        caption=(
            f"LTV = MRR x gross margin {report['gross_margin']:g} x expected remaining months "
            f"(within {report['horizon_months']:g} months, discounted "
            f"{report['discount_rate_monthly']:.1%} a month). See docs/survival.md."
        ),
    )
    for col in ("group", "customers", "MRR", "LTV total", "LTV mean", "remaining months"):
        groups.add_column(col, justify="left" if col == "group" else "right")
    for row in report["groups"]:
        groups.add_row(
            str(row["group"]),
            f"{row['customers']:,}",
            _money(row["mrr"]),
            _money(row["ltv_sum"]),
            _money(row["ltv_mean"]),
            f"{row['expected_remaining_months_mean']:.1f}",
        )
    console.print(groups)
    best = Table(title=f"Top {len(report['top'])} customers by LTV")
    for col in ("customer", "name", "plan", "MRR", "months paid", "remaining months", "LTV"):
        best.add_column(col, justify="left" if col in ("customer", "name", "plan") else "right")
    for row in report["top"]:
        best.add_row(
            row["customer_id"],
            str(row.get("name") or ""),
            str(row.get("plan") or ""),
            _money(row["mrr"]),
            f"{row['tenure_months']:.1f}",
            f"{row['expected_remaining_months']:.1f}"
            + (" (cancelling)" if row.get("cancel_pending") else ""),
            _money(row["ltv"]),
        )
    console.print(best)
