"""``/t/{slug}/customers/{customer_id}``: the customer 360.

:meth:`Workspace.customer_profile` gives identity, health, churn risk with reasons,
segments, lifetime value, billing, feedback and the timeline;
:meth:`Workspace.health_history` and :meth:`Workspace.churn_history` the trend.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.web._auth import PageDep, reading
from tenure.web._charts import COLORS, figure
from tenure.web._pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

TIMELINE = 300
"""Items read for the timeline; billing, support and feedback items are kept from it."""
ACTIVITY = 40
"""Product events shown in the timeline."""
COMPONENT_NAMES = {
    "risk": "churn risk (100 = none)",
    "usage": "usage",
    "engagement": "engagement",
    "support": "support",
    "sentiment": "sentiment",
    "billing": "billing",
}


ITEM_FIELDS = ("kind", "at", "id", "title", "status", "amount_minor", "currency", "score", "detail")


def _items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Timeline and billing items with every field (the library leaves empty ones out)."""
    return [{k: i.get(k) for k in (*ITEM_FIELDS, *i)} for i in items]


def reasons_sentence(churn: dict[str, Any] | None) -> str:
    """The churn risk in a sentence: how likely, and why."""
    if not churn or churn.get("probability") is None:
        return "This customer has no churn score (not paying, or no churn model was trained)."
    p = float(churn["probability"]) * 100
    rank = f", rank {churn['rank']:,} of the customers scored" if churn.get("rank") else ""
    reasons = (churn.get("reasons") or {}).get("en") or []
    if not reasons:
        return f"Churn risk is {p:.0f}%{rank}; no single reason stands out."
    listed = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return f"Churn risk is {p:.0f}%{rank}, mainly because of: {listed}."


def trend_figure(
    health: list[dict[str, Any]], churn: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Health score (left axis) and churn probability (right axis) per stored day."""
    if not health and not churn:
        return None
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "health",
            "x": [h["as_of"] for h in health],
            "y": [h["health"] for h in health],
            "line": {"color": COLORS["line"]},
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "churn probability",
            "x": [c["as_of"] for c in churn],
            "y": [c["churn_probability"] for c in churn],
            "yaxis": "y2",
            "line": {"color": COLORS["churn"], "dash": "dot"},
        },
    ]
    fig = figure(
        traces,
        title="Health and churn risk over time",
        y_title="health (0-100)",
        x_type="category",
    )
    fig["layout"]["yaxis"]["range"] = [0, 100]
    fig["layout"]["yaxis2"] = {
        "title": {"text": "churn probability"},
        "overlaying": "y",
        "side": "right",
        "range": [0, 1],
        "tickformat": ".0%",
        "showgrid": False,
    }
    fig["layout"]["margin"]["r"] = 56
    return fig


def components_figure(health: dict[str, Any] | None) -> dict[str, Any] | None:
    """The six health components as horizontal bars (weakest highlighted)."""
    if not health or not health.get("components"):
        return None
    parts = health["components"]
    names = [n for n in COMPONENT_NAMES if n in parts]
    colors = [COLORS["churn"] if n == health.get("weakest") else COLORS["line"] for n in names]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": [parts[n] for n in names],
        "y": [COMPONENT_NAMES[n] + ("" if parts[n] is not None else " (no data)") for n in names],
        "marker": {"color": colors},
        "hovertemplate": "%{y}: %{x:.0f}<extra></extra>",
    }
    fig = figure([trace], title="Health components (0-100)", height=260)
    fig["layout"]["xaxis"]["range"] = [0, 100]
    fig["layout"]["yaxis"]["autorange"] = "reversed"
    fig["layout"]["margin"]["l"] = 150
    fig["layout"]["hovermode"] = "closest"
    return fig


@router.get("/t/{slug}/customers/{customer_id}")
def customer(request: Request, page: PageDep, customer_id: str) -> Response:
    """Who the customer is, how healthy, why at risk, and what happened lately."""
    with reading(request, page) as (ws, _):
        profile = ws.customer_profile(customer_id, timeline=TIMELINE)
        health = ws.health_history(customer_id=customer_id)
        churn = ws.churn_history(customer_id)
    items = _items(profile["timeline"])
    billing = {k: _items(v) for k, v in profile["billing"].items()}
    profile = {**profile, "billing": billing, "feedback": _items(profile["feedback"])}
    context = {
        "title": profile.get("name") or customer_id,
        "active": "customers",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "p": profile,
        "sentence": reasons_sentence(profile.get("churn")),
        "trend": trend_figure(health.to_dicts(), churn.to_dicts()),
        "components": components_figure(profile.get("health")),
        "activity": [i for i in items if i["kind"] in ("product", "subscription")][:ACTIVITY],
        "money_items": [i for i in items if i["kind"] in ("invoice", "payment")],
        "support": [i for i in items if i["kind"] == "support"],
    }
    return render(request, "customer.html", context)
