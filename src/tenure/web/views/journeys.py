"""``/t/{slug}/journeys`` and ``/t/{slug}/journeys/{name}``: the journeys, read-only.

The list shows each journey of the tenant's workspace (``[journeys] path``) with its
trigger and enrolments per status; a journey's page shows its steps in order with the
runs of each step per status (docs/journeys.md). Journeys are edited as YAML files.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tenure.errors import NotFoundError
from tenure.web._auth import PageDep, get_deployment
from tenure.web._pages import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

STATUSES = (
    "done", "withheld", "suppressed", "capped", "pending", "sending", "unconfirmed",
    "undeliverable", "dead",
)  # fmt: skip


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
    }
    return render(request, "journey.html", context)
