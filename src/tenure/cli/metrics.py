"""``tenure metrics``: the MRR series, cohort tables and the per-period metric tables."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tenure.cli._common import AsOfOpt, JsonOpt, WorkspaceOpt, as_day, fail, open_workspace
from tenure.cli.console import console
from tenure.errors import TenureError

if TYPE_CHECKING:
    import polars as pl


metrics_app = typer.Typer(help="Subscription metrics: MRR movements, churn, NRR, cohorts.")


class IntervalOpt(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"


CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")]
ByOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--by", help="Break down by plan, product, interval, currency, country, channel…"),
]

_SHOWN = {
    "mrr": "MRR",
    "new": "new",
    "expansion": "expansion",
    "contraction": "contraction",
    "churn": "churn",
    "reactivation": "reactivation",
    "customers": "customers",
    "arpa": "ARPA",
    "customer_churn_rate": "logo churn",
    "net_mrr_churn_rate": "net MRR churn",
    "nrr": "NRR",
}
_COHORT_MONTHS_SHOWN = 12
_RATES = ("rate", "nrr", "grr", "retention", "stickiness")


def _records(df: pl.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = df.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float):
                row[key] = round(value, 6)
    return rows


def _money(value: float) -> str:
    """Compact money for tables: 950.25, 12.3k, 1.42M (JSON and CSV keep every digit)."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if size >= 1e4:
        return f"{value / 1e3:,.1f}k"
    return f"{value:,.2f}"


def _fmt(column: str, value: Any, *, percent: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if percent or any(word in column for word in _RATES):
            return f"{value:.1%}"
        return _money(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(
    df: pl.DataFrame,
    *,
    title: str,
    columns: dict[str, str] | None = None,
    percent: bool = False,
) -> None:
    """Print ``df`` as a Rich table (only ``columns`` when given, with their headers)."""
    from rich.table import Table

    shown = columns or {c: c.replace("_", " ") for c in df.columns}
    shown = {c: h for c, h in shown.items() if c in df.columns}
    table = Table(title=title)
    for col, header in shown.items():
        numeric = df.schema[col].is_numeric()
        table.add_column(header, justify="right" if numeric else "left")
    for row in df.iter_rows(named=True):
        table.add_row(*(_fmt(c, row[c], percent=percent) for c in shown))
    console.print(table)


@metrics_app.callback(invoke_without_command=True)
def metrics(
    ctx: typer.Context,
    start: Annotated[
        Optional[dt.datetime],  # noqa: UP045
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD)."),
    ] = None,
    end: Annotated[
        Optional[dt.datetime],  # noqa: UP045
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (YYYY-MM-DD)."),
    ] = None,
    interval: Annotated[IntervalOpt, typer.Option(help="Period length.")] = IntervalOpt.month,
    by: ByOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    as_of: AsOfOpt = None,
    workspace: WorkspaceOpt = Path(),
) -> None:
    """MRR, its movements, customers, churn rates and NRR per period."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        with open_workspace(workspace) as ws:
            mctx = ws.metrics_context(as_of=as_day(as_of))
            df = ws.metrics(
                interval=interval.value,
                start=as_day(start),
                end=as_day(end),
                by=by,
                as_of=mctx.as_of,
            )
    except TenureError as exc:
        raise fail(exc) from exc
    if by is None:
        df = df.drop("group")
    if as_json:
        doc = {
            "as_of": mctx.as_of.isoformat(),
            "currency": mctx.currency,
            "interval": interval.value,
            "by": by,
            "series": _records(df),
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    elif as_csv:
        sys.stdout.write(df.write_csv())
    else:
        shown = {"period": "period", **({"group": by} if by else {}), **_SHOWN}
        render(df, title=f"MRR in {mctx.currency}, as of {mctx.as_of}", columns=shown)


@metrics_app.command()
def cohorts(
    by: ByOpt = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
    as_of: AsOfOpt = None,
    workspace: WorkspaceOpt = Path(),
) -> None:
    """Logo retention and net MRR retention by month of first payment."""
    import polars as pl

    try:
        with open_workspace(workspace) as ws:
            df = ws.cohorts(by=by, as_of=as_day(as_of))
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        sys.stdout.write(json.dumps({"cohorts": _records(df)}, indent=2) + "\n")
        return
    if as_csv:
        sys.stdout.write(df.write_csv())
        return
    shown = df.filter(pl.col("period_index") <= _COHORT_MONTHS_SHOWN)
    for group in shown["group"].unique(maintain_order=True):
        part = shown.filter(pl.col("group") == group)
        suffix = f" ({by} = {group})" if by else ""
        for value, title in (
            ("logo_retention", "Logo retention"),
            ("mrr_retention", "Net MRR retention"),
        ):
            wide = part.pivot(on="period_index", index=["cohort", "cohort_customers"], values=value)
            render(
                wide.sort("cohort").rename({"cohort_customers": "customers"}),
                title=f"{title} by month of first payment{suffix}",
                percent=True,
            )
    console.print(
        f"Months 0-{_COHORT_MONTHS_SHOWN} after the first payment; --json or --csv give all."
    )


def _table_command(name: str, doc: str) -> None:
    def command(
        interval: Annotated[IntervalOpt, typer.Option(help="Period length.")] = IntervalOpt.month,
        as_json: JsonOpt = False,
        as_csv: CsvOpt = False,
        as_of: AsOfOpt = None,
        workspace: WorkspaceOpt = Path(),
    ) -> None:
        try:
            with open_workspace(workspace) as ws:
                df = ws.metric_table(name, interval=interval.value, as_of=as_day(as_of))  # type: ignore[arg-type]
        except TenureError as exc:
            raise fail(exc) from exc
        if as_json:
            sys.stdout.write(json.dumps({name: _records(df)}, indent=2) + "\n")
        elif as_csv:
            sys.stdout.write(df.write_csv())
        else:
            render(df, title=doc.rstrip("."))

    command.__doc__ = doc
    metrics_app.command(name)(command)


for _name, _doc in {
    "trials": "Trial-to-paid conversion by trial start.",
    "freemium": "Free-to-paid conversion by first free day.",
    "activation": "Activation rate and time to the key action by sign-up month.",
    "engagement": "Active users, DAU, WAU and stickiness (DAU/MAU).",
    "payments": "Payment success rate, failed volume and recovered MRR.",
    "nps": "Net Promoter Score over time.",
}.items():
    _table_command(_name, _doc)
