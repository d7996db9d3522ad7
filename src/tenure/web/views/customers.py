"""``/t/{slug}/customers`` (and ``.csv``): whom to call today, filtered, sorted, paged.

One page of :meth:`Workspace.customers` (the day's stored profiles) plus
:meth:`Workspace.customer_notes` for the same ids (top reason, segments, last seen).
The default view is the riskiest customers first; "MRR at risk" is MRR times the
churn probability.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from tenure.errors import ConfigError, Location
from tenure.web._auth import PageDep, reading
from tenure.web._pages import SECURITY_HEADERS, PageRoute, render
from tenure.workspace import Workspace

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50
CSV_PAGE = 500
BANDS = ("red", "yellow", "green")
RISK_LEVELS = ("0.3", "0.5", "0.7")
# (sort field, heading); fields the Workspace cannot sort by have no field
COLUMNS = (
    ("", "Customer"),
    ("health", "Health"),
    ("churn_probability", "Churn risk"),
    ("", "Top reason"),
    ("mrr", "MRR"),
    ("", "MRR at risk"),
    ("", "Plan"),
    ("", "Segments"),
    ("", "Last seen"),
    ("ltv", "Lifetime value"),
    ("renewal_in_days", "Renewal in"),
)
CSV_FIELDS = (
    "customer_id",
    "name",
    "email",
    "plan",
    "mrr",
    "mrr_at_risk",
    "health",
    "health_band",
    "churn_probability",
    "top_reason",
    "segments",
    "last_seen_on",
    "ltv",
    "account_age_days",
    "renewal_in_days",
    "cancel_pending",
)


def _filters(
    band: str | None, risk: str | None, plan: str | None, segment: str | None
) -> dict[str, Any]:
    """The Workspace.customers filters of the query parameters."""
    if band and band not in BANDS:
        raise ConfigError(
            f"The 'band' parameter must be one of {', '.join(BANDS)}. Got {band!r} instead.",
            location=Location(field="band"),
        )
    risk_min = None
    if risk:
        try:
            risk_min = float(risk)
        except ValueError:
            raise ConfigError(
                f"The 'risk' parameter must be a number in [0, 1]. Got {risk!r} instead.",
                location=Location(field="risk"),
            ) from None
    return {
        "health_band": band or None,
        "risk_min": risk_min,
        "plan": plan or None,
        "segment": segment or None,
    }


def _rows(
    ws: Workspace, page: dict[str, Any], notes: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The page's items with their notes (read now unless given) and MRR at risk."""
    items = page["items"]
    if not items or page["as_of"] is None:
        return []
    if notes is None:
        notes = ws.customer_notes([i["customer_id"] for i in items], as_of=page["as_of"])
    empty: dict[str, Any] = {"top_reason": None, "segments": [], "last_seen_on": None}
    rows = []
    for item in items:
        row = {**item, **notes.get(item["customer_id"], empty)}
        p, mrr = item.get("churn_probability"), item.get("mrr")
        row["mrr_at_risk"] = p * mrr if p is not None and mrr is not None else None
        rows.append(row)
    return rows


@router.get("/t/{slug}/customers")
def customers(
    request: Request,
    page: PageDep,
    band: str | None = None,
    risk: str | None = None,
    plan: str | None = None,
    segment: str | None = None,
    sort: str = "-churn_probability",
    cursor: str | None = None,
) -> Response:
    """The table: riskiest first by default; filters combine with *and*."""
    filters = _filters(band, risk, plan, segment)
    with reading(request, page) as (ws, _):
        result = ws.customers(**filters, sort=sort, limit=PAGE_SIZE, cursor=cursor or None)
        rows = _rows(ws, result)
        day = result["as_of"]
        plans = ws.customer_plans(as_of=day) if day is not None else []
        segments = [s for s in ws.segments() if s.get("members")]
        currency = ws.settings.reporting_currency
    params = {"band": band, "risk": risk, "plan": plan, "segment": segment}
    kept = {k: v for k, v in params.items() if v}
    context = {
        "title": "Customers",
        "active": "customers",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "rows": rows,
        "as_of": day,
        "currency": currency,
        "params": params,
        "sort": sort,
        "columns": COLUMNS,
        "bands": BANDS,
        "risk_levels": RISK_LEVELS,
        "plans": plans,
        "segments": segments,
        "first_page": cursor is not None,
        "query": urlencode(kept | {"sort": sort}),
        "sort_query": urlencode(kept),
        "next_query": (
            urlencode(kept | {"sort": sort, "cursor": result["next_cursor"]})
            if result["next_cursor"]
            else None
        ),
        "filtered": bool(kept),
    }
    return render(request, "customers.html", context)


@router.get("/t/{slug}/customers.csv")
def customers_csv(
    request: Request,
    page: PageDep,
    band: str | None = None,
    risk: str | None = None,
    plan: str | None = None,
    segment: str | None = None,
    sort: str = "-churn_probability",
) -> Response:
    """Every customer of the filtered list as CSV, in the table's order, streamed.

    The first page of ``CSV_PAGE`` customers (and every customer's notes, read in one
    pass) is read before the answer starts, so a bad parameter is an error page; the
    rest is read and sent a page at a time, the reading workspace held only while a
    page is read (never while the client takes it).
    """
    filters = _filters(band, risk, plan, segment)
    with reading(request, page) as (ws, _):
        first = ws.customers(**filters, sort=sort, limit=CSV_PAGE)
        day = first["as_of"]
        notes = ws.customer_notes(None, as_of=day) if day is not None else None
        text = _csv_text(_rows(ws, first, notes), header=True)

    def chunks() -> Iterator[str]:
        yield text
        cursor = first["next_cursor"]
        while cursor is not None:
            with reading(request, page) as (ws, _):
                result = ws.customers(**filters, sort=sort, limit=CSV_PAGE, cursor=cursor)
                rows = _rows(ws, result, notes)
            yield _csv_text(rows)
            cursor = result["next_cursor"]

    name = f"{page.tenant.slug}-customers-{day or 'none'}.csv"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(chunks(), media_type="text/csv; charset=utf-8", headers=headers)


def _csv_text(rows: list[dict[str, Any]], *, header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow(row | {"segments": " ".join(row["segments"])})
    return out.getvalue()
