"""Journeys run on a simulated clock, and what each journey did: ``tenure demo``'s playbooks.

:func:`replay_journeys` makes a workspace folder a deployment of itself, runs the journey
worker once at each of a list of simulated moments (a :class:`~tenure.clock.FixedClock`
set for each tick) and returns :func:`journey_summary`: per journey, enrolments, sends
per channel, withheld, suppressed and capped sends, and goal conversion of treatment
against the kept-out with the lift's interval (docs/demo.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tenure.act.journeys import load_journeys
from tenure.act.journeys.definition import SendStep
from tenure.clock import FixedClock
from tenure.errors import ConfigError
from tenure.progress import NullProgress, Progress
from tenure.workspace._deployment import Deployment

__all__ = ["copy_playbooks", "journey_summary", "playbooks_folder", "replay_journeys"]


def playbooks_folder() -> Path:
    """The shipped playbooks: inside the installed package, or the source checkout's."""
    package = Path(__file__).resolve().parents[1]  # the tenure package
    for candidate in (package / "playbooks", package.parents[1] / "playbooks"):
        if candidate.is_dir():
            return candidate
    raise ConfigError(
        f"The shipped playbooks are missing: neither {package / 'playbooks'} nor "
        f"{package.parents[1] / 'playbooks'} exists; reinstall Tenure (pip install tenure)."
    )


def copy_playbooks(folder: Path) -> list[str]:
    """Copy the shipped playbooks into ``folder`` (a journeys folder); their names."""
    shutil.copytree(playbooks_folder(), folder, dirs_exist_ok=True)
    return sorted(j.name for j in load_journeys(folder))


def journey_summary(deployment: Deployment, slug: str) -> list[dict[str, Any]]:
    """Per journey of the tenant: enrolments, sends and the goal conversion lift.

    ``email``, ``inapp`` and ``webhook`` count the ``done`` runs of send steps of that
    channel; ``withheld``, ``suppressed`` and ``capped`` the send runs with that status;
    ``treatment`` and ``kept_out`` are ``(converted, enrolled)``; ``lift`` is the
    difference of their rates with its interval ``(value, low, high)`` (NaN when an arm
    is empty), from :meth:`Deployment.journey_report`.
    """
    settings = deployment.tenant_settings(deployment.tenant(slug))
    journeys = load_journeys(settings.root / settings.journeys.path)
    counts = deployment.journey_counts(slug)
    rows = []
    for journey in sorted(journeys, key=lambda j: j.name):
        channel = {s.id: s.channel for s in journey.steps if isinstance(s, SendStep)}
        runs: dict[tuple[str, str], int] = {}
        for r in counts["steps"]:
            if r["journey"] == journey.name and r["step_id"] in channel:
                key = (channel[r["step_id"]], r["status"])
                runs[key] = runs.get(key, 0) + r["runs"]
        report = deployment.journey_report(slug, journey.name)
        arms = {a.name: a for a in report.arms}
        row: dict[str, Any] = {
            "journey": journey.name,
            "enrolled": sum(
                r["enrolments"] for r in counts["enrolments"] if r["journey"] == journey.name
            ),
        }
        for kind in ("email", "inapp", "webhook"):
            row[kind] = runs.get((kind, "done"), 0)
        for status in ("withheld", "suppressed", "capped"):
            row[status] = sum(n for (_, s), n in runs.items() if s == status)
        for arm, name in (("treatment", "treatment"), ("kept_out", "kept out")):
            found = arms.get(name)
            row[arm] = (found.converted, found.enrolled) if found else (0, 0)
        row["lift"] = (report.lift.value, report.lift.low, report.lift.high)
        rows.append(row)
    return rows


def replay_journeys(
    folder: Path,
    *,
    slug: str,
    start: dt.datetime,
    days: Sequence[int],
    name: str | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Run the workspace ``folder``'s journeys as a deployment of itself on simulated days.

    The tenant ``slug`` (called ``name``) serves the folder, made when missing; the worker
    ticks once at ``start + d`` days for each ``d`` in ``days``. Returns
    :func:`journey_summary`.
    """
    progress = progress or NullProgress()
    Deployment.upgrade(folder)
    clock = FixedClock(start)
    with Deployment.open(folder, clock=clock) as deployment:
        if slug not in {t.slug for t in deployment.tenants()}:
            deployment.create_tenant(slug, name=name or slug, folder=".")
        with progress.task("Running the journeys on simulated days", total=len(days)) as task:
            for day in days:
                clock.at = start + dt.timedelta(days=day)
                deployment.run_journeys()
                task.advance(1)
        return journey_summary(deployment, slug)
