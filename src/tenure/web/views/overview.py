"""``/t/{slug}/``: the overview. KPI cards, MRR movements, the MRR trend and a breakdown.

Everything comes from :meth:`Workspace.metrics` (``docs/metrics.md``): one call for the
whole business and, with a breakdown picked, one more ``by`` plan, country or channel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.errors import ConfigError, Location
from tenure.web._auth import PageDep, reading
from tenure.web._charts import COLORS, figure
from tenure.web._pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

INTERVALS = {"day": 90, "week": 26, "month": 12, "quarter": 8}
"""Each interval the picker offers, and how many periods it shows by default."""
BREAKDOWNS = ("plan", "country", "channel")
MOVEMENTS = (("new", 1), ("expansion", 1), ("reactivation", 1), ("contraction", -1), ("churn", -1))
# (label, column, format, whether a rise is good)
KPIS = (
    ("MRR", "mrr", "money", True),
    ("ARR", "arr", "money", True),
    ("Paying customers", "customers", "count", True),
    ("ARPA", "arpa", "money", True),
    ("Customer churn", "customer_churn_rate", "pct", False),
    ("Net MRR churn", "net_mrr_churn_rate", "pct", False),
    ("NRR", "nrr", "pct", True),
)


def parse_date(value: str | None, name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` query parameter (empty: None)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"The {name!r} parameter must be a date as YYYY-MM-DD. Got {value!r} instead.",
            location=Location(field=name),
        ) from None


def _choice(value: str | None, options: tuple[str, ...] | dict[str, int], name: str) -> str | None:
    if not value:
        return None
    if value not in options:
        raise ConfigError(
            f"The {name!r} parameter must be one of {', '.join(options)}. Got {value!r} instead.",
            location=Location(field=name),
        )
    return value


def _delta(now: Any, before: Any, kind: str, rise_is_good: bool) -> dict[str, str] | None:
    if now is None or before is None:
        return None
    change = float(now) - float(before)
    if kind == "pct":
        text = f"{change * 100:+.1f} pp"
    elif before:
        text = f"{change / abs(float(before)) * 100:+.1f}%"
    else:
        text = f"{change:+,.0f}"
    tone = "" if abs(change) < 1e-12 else ("good" if (change > 0) == rise_is_good else "bad")
    return {"text": text, "tone": tone}


def kpi_cards(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The KPI cards of the last period, each with its change against the one before."""
    last, before = rows[-1], (rows[-2] if len(rows) > 1 else None)
    return [
        {
            "label": label,
            "value": last.get(column),
            "kind": kind,
            "delta": _delta(last.get(column), before and before.get(column), kind, good),
        }
        for label, column, kind, good in KPIS
    ]


def movements_figure(rows: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    """Stacked bars: new, expansion, reactivation up; contraction, churn down; net new line."""
    periods = [r["period"] for r in rows]
    bars = [
        {
            "type": "bar",
            "name": name,
            "x": periods,
            "y": [sign * (r[name] or 0.0) for r in rows],
            "marker": {"color": COLORS[name]},
        }
        for name, sign in MOVEMENTS
    ]
    net = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "net new MRR",
        "x": periods,
        "y": [r["net_new_mrr"] for r in rows],
        "line": {"color": COLORS["net"], "width": 2},
    }
    return figure(
        [*bars, net],
        title=f"MRR movements ({currency})",
        barmode="relative",
        y_format=",.0f",
        x_type="category",
    )


def trend_figure(
    rows: list[dict[str, Any]], groups: list[dict[str, Any]], by: str | None, currency: str
) -> dict[str, Any]:
    """MRR per period; with a breakdown, stacked areas per group."""
    if by is None or not groups:
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "MRR",
            "x": [r["period"] for r in rows],
            "y": [r["mrr"] for r in rows],
            "line": {"color": COLORS["line"], "width": 2},
            "fill": "tozeroy",
        }
        return figure([trace], title=f"MRR ({currency})", y_format=",.0f", x_type="category")
    periods = [r["period"] for r in rows]
    by_group: dict[str, dict[str, float]] = {}
    for g in groups:
        by_group.setdefault(str(g["group"]), {})[g["period"]] = g["mrr"] or 0.0
    ranked = sorted(by_group, key=lambda k: -by_group[k].get(periods[-1], 0.0))
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "mrr",
            "name": name,
            "x": periods,
            "y": [by_group[name].get(p, 0.0) for p in periods],
        }
        for name in ranked
    ]
    return figure(traces, title=f"MRR by {by} ({currency})", y_format=",.0f", x_type="category")


@router.get("/t/{slug}/")
def overview(
    request: Request,
    page: PageDep,
    interval: str | None = None,
    start: str | None = None,
    end: str | None = None,
    by: str | None = None,
) -> Response:
    """KPI cards, MRR movements and trend for the picked range, interval and breakdown."""
    chosen = _choice(interval, INTERVALS, "interval") or "month"
    first, last = parse_date(start, "start"), parse_date(end, "end")
    breakdown = _choice(by, BREAKDOWNS, "by")
    with reading(request, page) as (ws, fresh):
        currency = ws.settings.reporting_currency
        series = ws.metrics(interval=chosen, start=first, end=last)  # type: ignore[arg-type]
        rows = series.to_dicts()
        if first is None:
            rows = rows[-INTERVALS[chosen] :]
        if not any(r["mrr"] or r["churn"] for r in rows):
            rows = []  # no paid subscription in the range: the empty state says why
        groups: list[dict[str, Any]] = []
        if breakdown and rows:
            # the same call for every visit of the default range (kept, and warmed up at
            # start); only the periods shown are kept
            by_series = ws.metrics(interval=chosen, start=first, end=last, by=breakdown)  # type: ignore[arg-type]
            shown = {r["period"] for r in rows}
            groups = [g for g in by_series.to_dicts() if g["period"] in shown]
    context = {
        "title": "Overview",
        "active": "overview",
        "viewer": page.viewer,
        "freshness": fresh,
        "tenant": page.tenant,
        "currency": currency,
        "interval": chosen,
        "intervals": list(INTERVALS),
        "start": start or "",
        "end": end or "",
        "by": breakdown or "",
        "breakdowns": BREAKDOWNS,
        "rows": rows,
        "cards": kpi_cards(rows) if rows else [],
        "movements": movements_figure(rows, currency) if rows else None,
        "trend": trend_figure(rows, groups, breakdown, currency) if rows else None,
    }
    return render(request, "overview.html", context)
