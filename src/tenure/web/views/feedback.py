"""``/t/{slug}/feedback``: the NPS trend and distribution, and the latest comments, filtered.

From :meth:`Workspace.metric_table` (``nps``), :meth:`Workspace.nps_distribution` and
:meth:`Workspace.feedback_verbatims`; the comment filters (kind, NPS group, text, dates)
swap the list with htmx and stay in the URL.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.web._auth import PageDep, reading
from tenure.web._charts import COLORS, figure
from tenure.web._pages import PageRoute, render
from tenure.web.views.overview import _choice, parse_date
from tenure.workspace import FEEDBACK_KINDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MONTHS = 12
VERBATIMS = 25
GROUPS = ("promoter", "passive", "detractor")
GROUP_COLORS = {"promoter": "#1a7f4b", "passive": "#b5790b", "detractor": COLORS["churn"]}


def trend_figure(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """NPS per month (line, left axis) over the responses by group (stacked bars, right)."""
    periods = [r["period"] for r in rows]
    bars = [
        {
            "type": "bar",
            "name": f"{group}s",
            "x": periods,
            "y": [r[f"{group}s"] for r in rows],
            "marker": {"color": GROUP_COLORS[group], "opacity": 0.35},
            "yaxis": "y2",
        }
        for group in ("detractor", "passive", "promoter")
    ]
    line = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": "NPS",
        "x": periods,
        "y": [r["nps"] for r in rows],
        "line": {"color": COLORS["net"], "width": 2},
    }
    fig = figure(
        [*bars, line], title="NPS per month", y_format=".0f", barmode="stack", x_type="category"
    )
    fig["layout"]["yaxis"] |= {"range": [-100, 100], "zeroline": True, "title": {"text": "NPS"}}
    fig["layout"]["yaxis2"] = {
        "overlaying": "y",
        "side": "right",
        "showgrid": False,
        "title": {"text": "responses"},
    }
    return fig


def distribution_figure(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """NPS answers per score 0-10, coloured by group."""
    bars = {
        "type": "bar",
        "name": "responses",
        "x": [r["score"] for r in rows],
        "y": [r["responses"] for r in rows],
        "marker": {"color": [GROUP_COLORS[r["group"]] for r in rows]},
        "hovertemplate": "score %{x}: %{y} responses<extra></extra>",
    }
    fig = figure([bars], title="Scores", y_title="responses")
    fig["layout"]["xaxis"] |= {
        "dtick": 1,
        "title": {"text": "score (0-6 detractors, 7-8 passives, 9-10 promoters)"},
    }
    fig["layout"]["hovermode"] = "closest"
    return fig


@router.get("/t/{slug}/feedback")
def feedback(
    request: Request,
    page: PageDep,
    kind: str | None = None,
    group: str | None = None,
    q: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """NPS trend and distribution; the latest comments with their filters."""
    chosen_kind = _choice(kind, FEEDBACK_KINDS, "kind")
    chosen_group = _choice(group, GROUPS, "group")
    first, last = parse_date(start, "start"), parse_date(end, "end")
    search = (q or "").strip()[:200] or None
    with reading(request, page) as (ws, fresh):
        answers = int(ws.warehouse.table("feedback").count().to_pyarrow().as_py() or 0)
        trend = ws.metric_table("nps").to_dicts()[-MONTHS:] if answers else []
        scores = ws.nps_distribution(start=first, end=last).to_dicts() if answers else []
        comments = (
            ws.feedback_verbatims(
                kind=chosen_kind,
                group=chosen_group,
                search=search,
                start=first,
                end=last,
                limit=VERBATIMS,
            ).to_dicts()
            if answers
            else []
        )
    responses = sum(r["responses"] for r in scores)
    share = (
        {g: sum(r["responses"] for r in scores if r["group"] == g) / responses for g in GROUPS}
        if responses
        else {}
    )
    params = {"kind": kind, "group": group, "q": search, "start": start, "end": end}
    context = {
        "title": "Feedback",
        "active": "feedback",
        "viewer": page.viewer,
        "freshness": fresh,
        "tenant": page.tenant,
        "answers": answers,
        "last": trend[-1] if trend else None,
        "responses": responses,
        "score_nps": (share["promoter"] - share["detractor"]) * 100 if share else None,
        "share": share,
        "trend": trend_figure(trend) if trend else None,
        "distribution": distribution_figure(scores) if responses else None,
        "comments": comments,
        "kinds": FEEDBACK_KINDS,
        "groups": GROUPS,
        "params": params,
        "filtered": any(params.values()),
    }
    return render(request, "feedback.html", context)
