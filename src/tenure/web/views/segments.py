"""``/t/{slug}/segments``: segments with their sizes and trend, a rule editor, one segment.

The list is :meth:`Workspace.segments` and :meth:`Workspace.segment_size_history`; the
editor checks the rule as it is typed (htmx asks ``/segment-preview``, answered by
:meth:`Workspace.segment_preview`: the error with its column, or how many customers
match and the largest of them) and saves with :meth:`Workspace.segment_create`. A
segment's page adds its members and who entered and left (:meth:`Workspace.segment`,
:meth:`Workspace.segment_members`, :meth:`Workspace.segment_history`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from tenure.errors import NotFoundError, SegmentError
from tenure.web._auth import PageDep, form_of, get_deployment, reading
from tenure.web._charts import COLORS, figure
from tenure.web._pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

TREND_SEGMENTS = 8
"""The largest segments drawn in the size trend."""
MEMBERS_SHOWN = 50
HISTORY_SHOWN = 100
PREVIEW_SHOWN = 10
EXAMPLE_RULE = 'plan == "pro" and health < 40 and mrr > 100'


def size_figure(history: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
    """Members per stored day of each of ``names``: lines, or bars while one day is stored."""
    days = sorted({r["as_of"] for r in history})
    if len(days) == 1:
        size = {r["segment"]: r["members"] for r in history}
        bars = {
            "type": "bar",
            "orientation": "h",
            "name": "members",
            "y": list(reversed(names)),
            "x": [size.get(n, 0) for n in reversed(names)],
            "marker": {"color": COLORS["line"]},
        }
        fig = figure([bars], title=f"Members on {days[0]}", x_type="linear")
        fig["layout"]["margin"]["l"] = 150
        fig["layout"]["hovermode"] = "closest"
        return fig
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [r["as_of"] for r in history if r["segment"] == name],
            "y": [r["members"] for r in history if r["segment"] == name],
        }
        for name in names
    ]
    return figure(traces, title="Members per day", y_title="customers", x_type="date")


def changes_figure(per_day: list[dict[str, Any]]) -> dict[str, Any]:
    """Customers who entered (up) and left (down) the segment per stored day."""
    days = [r["on"] for r in per_day]
    return figure(
        [
            {
                "type": "bar",
                "name": "entered",
                "x": days,
                "y": [r["entered"] for r in per_day],
                "marker": {"color": COLORS["new"]},
            },
            {
                "type": "bar",
                "name": "left",
                "x": days,
                "y": [-r["left"] for r in per_day],
                "marker": {"color": COLORS["churn"]},
            },
        ],
        title="Entered and left per day",
        barmode="relative",
        x_type="date",
    )


def _list_context(request: Request, page: PageDep) -> dict[str, Any]:
    with reading(request, page) as (ws, _):
        segments = ws.segments()
        history = ws.segment_size_history().to_dicts()
    days = sorted({r["as_of"] for r in history})
    before = {
        r["segment"]: r["members"] for r in history if len(days) > 1 and r["as_of"] == days[-2]
    }
    for s in segments:
        s["change"] = s["members"] - before[s["name"]] if s["name"] in before else None
    largest = sorted((s for s in segments if s["members"]), key=lambda s: -int(s["members"] or 0))[
        :TREND_SEGMENTS
    ]
    return {
        "title": "Segments",
        "active": "segments",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "segments": segments,
        "as_of": days[-1] if days else None,
        "days": len(days),
        "trend": size_figure(history, [s["name"] for s in largest]) if largest else None,
        "form": {"name": "", "rule": "", "description": ""},
        "error": None,
        "example": EXAMPLE_RULE,
    }


@router.get("/t/{slug}/segments")
def segments(request: Request, page: PageDep) -> Response:
    """Every segment with its size and change, the size trend and the rule editor."""
    return render(request, "segments.html", _list_context(request, page))


@router.post("/t/{slug}/segments")
async def create_segment(request: Request, page: PageDep) -> Response:
    """Save a rule segment and open its page; a wrong rule shows the editor with the error."""
    form = await form_of(request)
    name, rule = form.get("name", "").strip(), form.get("rule", "").strip()
    description = form.get("description", "").strip()
    try:
        with get_deployment(request).workspace(page.tenant) as ws:
            ws.segment_create(name, rule, description=description)
    except SegmentError as exc:
        context = _list_context(request, page)
        context["form"] = {"name": name, "rule": rule, "description": description}
        context["error"] = {"message": exc.message, "column": exc.column}
        context["rule"] = rule
        return render(request, "segments.html", context, status=400)
    target = f"/t/{page.tenant.slug}/segments/{quote(name)}"
    return RedirectResponse(target, status_code=303)


@router.get("/t/{slug}/segment-preview")
def preview(request: Request, page: PageDep, rule: str = "") -> Response:
    """The editor's live answer: the rule's error, or its members on the latest day."""
    context: dict[str, Any] = {"tenant": page.tenant, "rule": rule, "error": None}
    if rule.strip():
        try:
            with reading(request, page) as (ws, _):
                context["preview"] = ws.segment_preview(rule, limit=PREVIEW_SHOWN)
        except SegmentError as exc:
            message = exc.message.removeprefix("Segment 'preview': ")
            context["error"] = {"message": message[:1].upper() + message[1:], "column": exc.column}
    return render(request, "_segment_preview.html", context)


@router.get("/t/{slug}/segments/{name}")
def segment(request: Request, page: PageDep, name: str) -> Response:
    """One segment: definition, size trend, members by MRR, who entered and left."""
    import polars as pl

    with reading(request, page) as (ws, _):
        try:
            detail = ws.segment(name)
        except SegmentError as exc:  # no such segment
            raise NotFoundError(exc.message) from None
        members = ws.segment_members(name).head(MEMBERS_SHOWN)
        ids = members["customer_id"].to_list()
        notes = ws.customer_notes(ids, as_of=detail["as_of"]) if ids and detail["as_of"] else {}
        history = ws.segment_history(name)
        currency = ws.settings.reporting_currency
    per_day = (
        history.group_by("on")
        .agg(
            entered=(pl.col("change") == "entered").sum(),
            left=(pl.col("change") == "left").sum(),
        )
        .sort("on")
        .to_dicts()
    )
    trend = [{"segment": name, **r} for r in detail["trend"]]
    context = {
        "title": f"Segment {name}",
        "active": "segments",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "segment": detail,
        "currency": currency,
        "members": [notes.get(m["customer_id"], {}) | m for m in members.to_dicts()],
        "size": size_figure(trend, [name]) if trend else None,
        "changes": changes_figure(per_day) if per_day else None,
        "history": history.sort(["on", "customer_id"], descending=[True, False])
        .head(HISTORY_SHOWN)
        .to_dicts(),
        "history_total": history.height,
    }
    return render(request, "segment.html", context)
