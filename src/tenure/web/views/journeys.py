"""``/t/{slug}/journeys`` and ``/t/{slug}/journeys/{name}``: the journeys, read-only.

The list shows each journey of the tenant's workspace (``[journeys] path``) with its
trigger and enrolments per status; a journey's page shows its steps in order with the
runs of each step per status, and its report (:meth:`Deployment.journey_report`): goal
conversion, retention and MRR per arm and A/B variant with their intervals, a chart of
the rates and one of the MRR change per arm with interval bars (docs/journeys.md).
Journeys are edited as YAML files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.errors import NotFoundError
from tenure.web._auth import PageDep, get_deployment
from tenure.web._charts import figure
from tenure.web._pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

STATUSES = (
    "done", "withheld", "suppressed", "capped", "pending", "sending", "unconfirmed",
    "undeliverable", "dead",
)  # fmt: skip


def _bars(name: str, arms: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """A bar trace of ``(label, Estimate)`` with the interval as error bars."""

    def clean(value: float) -> float | None:
        return None if math.isnan(value) else value

    return {
        "type": "bar",
        "name": name,
        "x": [label for label, _ in arms],
        "y": [clean(e.value) for _, e in arms],
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [None if math.isnan(e.high) else e.high - e.value for _, e in arms],
            "arrayminus": [None if math.isnan(e.low) else e.value - e.low for _, e in arms],
        },
    }


def _labelled(arms: Sequence[Any], variants: Sequence[Any]) -> list[tuple[str, Any]]:
    return [(a.name, a) for a in arms] + [(f"variant {v.name}", v) for v in variants]


def report_charts(report: Any) -> dict[str, dict[str, Any] | None]:
    """The rates per arm (conversion, retention at each horizon) and the MRR change per arm.

    Each bar carries its interval; a horizon with no measured enrolment is left out.
    """
    measured = [h for h in report.horizons if sum(r.matured for r in h.retention[:3])]
    rates = [
        _bars("goal conversion", [(k, a.rate) for k, a in _labelled(report.arms, report.variants)])
    ]
    for h in measured:
        rows = _labelled(h.retention, h.retention_variants)
        rates.append(_bars(f"retention {h.horizon_days} days", [(k, r.rate) for k, r in rows]))
    mrr = [
        _bars(
            f"{h.horizon_days} days", [(k, m.change) for k, m in _labelled(h.mrr, h.mrr_variants)]
        )
        for h in measured
    ]
    currency = report.currency or ""
    return {
        "rates": figure(rates, title="Rate per arm", y_format=".0%", barmode="group"),
        "mrr": figure(
            mrr,
            title=f"MRR change per enrolment ({currency})",
            y_title=currency,
            barmode="group",
        )
        if mrr
        else None,
    }


def _trigger(journey: Any) -> str:
    fields = journey.trigger.model_dump(exclude={"type"}, exclude_none=True)
    return f"{journey.trigger.type}: " + ", ".join(f"{k} {v}" for k, v in fields.items())


@router.get("/t/{slug}/journeys")
def journeys(request: Request, page: PageDep) -> Response:
    """Every journey with its trigger and enrolments by status."""
    deployment = get_deployment(request)
    defined = deployment.tenant_journeys(page.tenant)
    counts = deployment.journey_counts(page.tenant.slug)
    entered: dict[str, dict[str, int]] = {}
    for row in counts["enrolments"]:
        by = entered.setdefault(row["journey"], {})
        by[row["status"]] = by.get(row["status"], 0) + row["enrolments"]
    rows = [
        {
            "name": j.name,
            "description": j.description,
            "trigger": _trigger(j),
            "steps": len(j.steps),
            "enabled": j.enabled,
            "enrolments": entered.get(j.name, {}),
        }
        for j in defined
    ]
    context = {
        "title": "Journeys",
        "active": "journeys",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "rows": rows,
        "statuses": ("active", "completed", "converted", "exited"),
    }
    return render(request, "journeys.html", context)


@router.get("/t/{slug}/journeys/{name}")
def journey(request: Request, page: PageDep, name: str) -> Response:
    """One journey's steps in order, with runs per status."""
    deployment = get_deployment(request)
    found = next((j for j in deployment.tenant_journeys(page.tenant) if j.name == name), None)
    if found is None:
        raise NotFoundError(f"there is no journey {name!r}")
    counts = deployment.journey_counts(page.tenant.slug, name)
    runs: dict[str, dict[str, int]] = {}
    for row in counts["steps"]:
        runs.setdefault(row["step_id"], {})[row["status"]] = row["runs"]
    steps = [
        {
            "id": s.id,
            "type": s.type,
            "channel": getattr(s, "channel", None),
            "runs": runs.get(s.id, {}),
        }
        for s in found.steps
    ]
    arms: dict[str, int] = {}
    for row in counts["enrolments"]:
        arms[row["arm"]] = arms.get(row["arm"], 0) + row["enrolments"]
    report = deployment.journey_report(page.tenant.slug, name)
    context = {
        "title": f"Journey {found.name}",
        "active": "journeys",
        "viewer": page.viewer,
        "tenant": page.tenant,
        "journey": found,
        "trigger": _trigger(found),
        "steps": steps,
        "arms": arms,
        "statuses": STATUSES,
        "report": report,
        "charts": report_charts(report),
    }
    return render(request, "journey.html", context)
