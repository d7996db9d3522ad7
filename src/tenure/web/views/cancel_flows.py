"""``/t/{slug}/cancel-flows``: what the cancel flow saved, against its control group.

From :meth:`Workspace.cancel_flow_report` (docs/cancel-flow.md): save rates of offered
and control flows by reason (a chart with the offered rate's Wilson interval), and the
whole report (by reason, offer and segment) as a table.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.web._auth import PageDep, get_deployment
from tenure.web._charts import COLORS, figure
from tenure.web._pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def save_rate_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Offered vs control save rate by reason; the offered bars carry their interval."""
    reasons = [r for r in rows if r["dimension"] == "reason"]
    groups = [r["group"] for r in reasons]
    offered = [_clean(r["save_rate"]) for r in reasons]
    plus = [
        None if _clean(r["save_rate_high"]) is None else r["save_rate_high"] - r["save_rate"]
        for r in reasons
    ]
    minus = [
        None if _clean(r["save_rate_low"]) is None else r["save_rate"] - r["save_rate_low"]
        for r in reasons
    ]
    return figure(
        [
            {
                "type": "bar",
                "name": "offered",
                "x": groups,
                "y": offered,
                "marker": {"color": COLORS["line"]},
                "error_y": {"type": "data", "array": plus, "arrayminus": minus},
            },
            {
                "type": "bar",
                "name": "control (no offer)",
                "x": groups,
                "y": [_clean(r["control_save_rate"]) for r in reasons],
                "marker": {"color": COLORS["contraction"]},
            },
        ],
        title="Save rate by reason",
        y_format=".0%",
        barmode="group",
    )


@router.get("/t/{slug}/cancel-flows")
def cancel_flows(request: Request, page: PageDep) -> Response:
    """The cancel-flow report: a chart by reason and the table by reason, offer, segment."""
    with get_deployment(request).workspace(page.tenant) as ws:
        report = ws.cancel_flow_report()
    rows = [{k: _clean(v) for k, v in r.items()} for r in report.rows.to_dicts()]
    overall = next((r for r in rows if r["dimension"] == "all"), None)
    context = {
        "title": "Cancel flows",
        "active": "cancel-flows",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "report": report,
        "rows": rows,
        "overall": overall,
        "figure": save_rate_chart(rows) if rows else None,
    }
    return render(request, "cancel_flows.html", context)
