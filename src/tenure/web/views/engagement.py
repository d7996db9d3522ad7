"""``/t/{slug}/engagement``: active users and stickiness, activation, conversion by cohort.

From :meth:`Workspace.metric_table` (``engagement``, ``activation``, ``trials``,
``freemium``; ``docs/metrics.md``) and :meth:`Workspace.activation_funnel` (the funnel
and the time to the first key action of the customers who signed up in the picked
range). Every result is kept until the next load into the warehouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from fastapi import APIRouter, Request, Response

from tenure.web._auth import PageDep, reading
from tenure.web._charts import COLORS, PALETTE, figure
from tenure.web._pages import PageRoute, render
from tenure.web.views.overview import _choice, parse_date

if TYPE_CHECKING:
    from tenure.metrics import Interval

router = APIRouter(route_class=PageRoute, include_in_schema=False)

INTERVALS = {"week": 26, "month": 12}
"""The intervals of the active-users charts, and how many periods each shows."""
COHORTS = 12
"""The newest cohorts (months) of the activation and conversion charts."""


def _line(name: str, rows: list[dict[str, Any]], column: str, color: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [r["period"] for r in rows],
        "y": [r[column] for r in rows],
        "line": {"color": color, "width": 2},
    }


def active_figures(rows: list[dict[str, Any]], interval: str) -> dict[str, dict[str, Any]]:
    """Average DAU and WAU and the period's active users; stickiness (DAU / active users)."""
    period_users = "MAU" if interval == "month" else "WAU (the week's users)"
    users = [
        _line("average DAU", rows, "dau", PALETTE[0]),
        *([_line("average WAU", rows, "wau", PALETTE[2])] if interval == "month" else []),
        _line(period_users, rows, "active_users", PALETTE[4]),
    ]
    label = "DAU/MAU" if interval == "month" else "DAU/WAU"
    return {
        "users": figure(users, title="Active users", y_format=",.0f", x_type="category"),
        "stickiness": figure(
            [_line(label, rows, "stickiness", COLORS["line"])],
            title=f"Stickiness ({label})",
            y_format=".1%",
            x_type="category",
        ),
    }


def funnel_figure(funnel: dict[str, Any]) -> dict[str, Any]:
    """The activation funnel: customers at each step, with the share of the first."""
    steps = funnel["steps"]
    trace = {
        "type": "funnel",
        "y": [s["label"] for s in steps],
        "x": [s["customers"] for s in steps],
        "textinfo": "value+percent initial",
        "marker": {"color": [PALETTE[0], PALETTE[5], PALETTE[2], COLORS["new"], PALETTE[3]]},
    }
    fig = figure([trace], title="Activation funnel")
    fig["layout"]["margin"]["l"] = 170
    fig["layout"]["hovermode"] = "closest"
    return fig


def key_action_figure(funnel: dict[str, Any]) -> dict[str, Any]:
    """Customers by the time from sign-up to their first key action."""
    buckets = funnel["time_to_key_action"]
    bars = {
        "type": "bar",
        "name": "customers",
        "x": [b["label"] for b in buckets],
        "y": [b["customers"] for b in buckets],
        "marker": {"color": COLORS["new"]},
    }
    return figure(
        [bars], title="Time to the first key action", y_title="customers", x_type="category"
    )


def conversion_figure(
    activation: list[dict[str, Any]], trials: list[dict[str, Any]], freemium: list[dict[str, Any]]
) -> dict[str, Any]:
    """Activation, trial-to-paid and freemium-to-paid rates by cohort month."""
    traces = [
        _line(name, rows, "activation_rate" if name == "activated" else "conversion_rate", color)
        for name, rows, color in (
            ("activated", activation, PALETTE[2]),
            ("trial → paid", trials, PALETTE[0]),
            ("freemium → paid", freemium, PALETTE[3]),
        )
        if rows
    ]
    return figure(traces, title="Rates by cohort month", y_format=".0%", x_type="category")


@router.get("/t/{slug}/engagement")
def engagement(
    request: Request,
    page: PageDep,
    interval: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """Active users and stickiness, the activation funnel, and conversion by cohort."""
    chosen = cast("Interval", _choice(interval, tuple(INTERVALS), "interval") or "month")
    first, last = parse_date(start, "start"), parse_date(end, "end")
    with reading(request, page) as (ws, fresh):
        key_action = ws.settings.metrics.activation_event
        active = ws.metric_table("engagement", interval=chosen).to_dicts()[-INTERVALS[chosen] :]
        if not any(r["active_users"] for r in active):
            active = []
        funnel = ws.activation_funnel(start=first, end=last) if key_action and active else None
        activation = ws.metric_table("activation").to_dicts() if key_action else []
        trials = ws.metric_table("trials").to_dicts()
        freemium = ws.metric_table("freemium").to_dicts()
    cohorts = sorted({r["period"] for r in [*activation, *trials, *freemium]})[-COHORTS:]
    keep = set(cohorts)
    activation = [r for r in activation if r["period"] in keep]
    trials = [r for r in trials if r["period"] in keep]
    freemium = [r for r in freemium if r["period"] in keep]
    by = {
        name: {r["period"]: r for r in rows}
        for name, rows in (("activation", activation), ("trial", trials), ("freemium", freemium))
    }
    table = [{"period": c, **{k: v.get(c) for k, v in by.items()}} for c in reversed(cohorts)]
    last_row = active[-1] if active else None
    signed_up = funnel["steps"][0]["customers"] if funnel else 0
    did_key = funnel["steps"][2]["customers"] if funnel else 0
    context = {
        "title": "Engagement",
        "active": "engagement",
        "viewer": page.viewer,
        "freshness": fresh,
        "tenant": page.tenant,
        "interval": chosen,
        "intervals": list(INTERVALS),
        "start": start or "",
        "end": end or "",
        "key_action": key_action,
        "last": last_row,
        "figures": active_figures(active, chosen) if active else None,
        "funnel": funnel,
        "funnel_figure": funnel_figure(funnel) if funnel and signed_up else None,
        "key_action_figure": key_action_figure(funnel) if funnel and did_key else None,
        "conversion": conversion_figure(activation, trials, freemium) if cohorts else None,
        "cohorts": table,
        "has_trials": bool(trials),
        "has_freemium": bool(freemium),
    }
    return render(request, "engagement.html", context)
