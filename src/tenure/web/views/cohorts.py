"""``/t/{slug}/cohorts``: logo and revenue retention heatmaps by month of first payment.

From :meth:`Workspace.cohorts` (long form: one row per cohort and months since its
start); the hover of each cell says the cohort, the month, the share and the counts.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.web._auth import PageDep, reading
from tenure.web._charts import heatmap
from tenure.web._pages import PageRoute, money, render
from tenure.web.views.overview import parse_date

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MAX_COHORTS = 24
"""The newest cohorts shown unless a start month is picked."""


def retention_figures(rows: list[dict[str, Any]], currency: str) -> dict[str, dict[str, Any]]:
    """The logo and the revenue heatmap of the cohort rows."""
    cohorts = sorted({r["cohort"] for r in rows})
    width = max((r["period_index"] for r in rows), default=0) + 1
    at = {(r["cohort"], r["period_index"]): r for r in rows}
    months = list(range(width))
    figures: dict[str, dict[str, Any]] = {}
    for kind, share, count, total, title in (
        ("logo", "logo_retention", "customers", "cohort_customers", "Customers retained"),
        ("revenue", "mrr_retention", "mrr", "cohort_mrr", "Net MRR retained"),
    ):
        z: list[list[float | None]] = []
        text: list[list[str]] = []
        for cohort in cohorts:
            z_row: list[float | None] = []
            t_row: list[str] = []
            for month in months:
                r = at.get((cohort, month))
                if r is None or r[share] is None:
                    z_row.append(None)
                    t_row.append("")
                    continue
                z_row.append(min(float(r[share]), 1.5))
                if kind == "logo":
                    counts = f"{r[count]:,} of {r[total]:,} customers"
                else:
                    counts = f"{money(r[count], currency)} of {money(r[total], currency)}"
                t_row.append(
                    f"cohort {cohort}, month {month} ({r['period']})<br>"
                    f"{float(r[share]) * 100:.1f}% · {counts}"
                )
            z.append(z_row)
            text.append(t_row)
        figures[kind] = heatmap(
            x=months,
            y=cohorts,
            z=z,
            text=text,
            title=title,
            x_title="months since the first payment",
            y_title="cohort",
        )
    return figures


@router.get("/t/{slug}/cohorts")
def cohorts(
    request: Request, page: PageDep, start: str | None = None, end: str | None = None
) -> Response:
    """Two heatmaps: the share of each cohort's customers and of its MRR still there."""
    first, last = parse_date(start, "start"), parse_date(end, "end")
    with reading(request, page) as (ws, fresh):
        currency = ws.settings.reporting_currency
        rows = ws.cohorts(start=first, end=last).to_dicts()
    if first is None:
        keep = sorted({r["cohort"] for r in rows})[-MAX_COHORTS:]
        rows = [r for r in rows if r["cohort"] in set(keep)]
    sizes: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["period_index"] == 0:
            sizes[r["cohort"]] = r
    context = {
        "title": "Cohorts",
        "active": "cohorts",
        "viewer": page.viewer,
        "freshness": fresh,
        "tenant": page.tenant,
        "start": start or "",
        "end": end or "",
        "currency": currency,
        "figures": retention_figures(rows, currency) if rows else None,
        "sizes": [sizes[c] for c in sorted(sizes, reverse=True)],
    }
    return render(request, "cohorts.html", context)
