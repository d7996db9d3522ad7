"""What wait, branch and task steps decide: when a wait ends, which way a branch goes.

Mixed into :class:`~tenure.act.journeys.engine.JourneyRunner`, which records each
outcome; docs/journeys.md, "Steps".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from tenure.act.journeys._channels import render
from tenure.act.journeys._context import BatchContext, local_time
from tenure.act.journeys._people import user_matches
from tenure.act.journeys._triggers import bucket
from tenure.act.journeys.definition import (
    BranchStep,
    ExitStep,
    Journey,
    Step,
    TaskStep,
    WaitStep,
    parse_duration,
)
from tenure.store.operational import Enrolment, StepRun

if TYPE_CHECKING:
    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.store.operational import OperationalStore

__all__ = ["StepsMixin"]


class StepsMixin:
    """Wait, branch and task steps; reads the runner's store, settings, clock and owner."""

    store: OperationalStore
    tenant_id: str
    settings: Settings
    clock: Clock
    owner: str

    def _wait(
        self, journey: Journey, step: WaitStep, e: Enrolment, index: int, ctx: BatchContext
    ) -> int | None:
        """The next step's index when the wait is over; else park the enrolment, None."""
        now = self.clock.now()
        started = e.waiting_since if e.step_index == index else None
        if started is None:
            if step.duration is not None:
                due = now + parse_duration(step.duration)
            elif step.until_time is not None:
                due = local_time(now, step.until_time, ctx.customer(e.customer_id).get("timezone"))
            else:
                due = now + parse_duration(step.timeout or 0)
            if due <= now and step.until_event is None:
                return index + 1
            recheck = dt.timedelta(seconds=self.settings.journeys.recheck_seconds)
            self.store.move_enrolment(
                e.id,
                owner=self.owner,
                step_index=index,
                waiting_since=now,
                deadline_at=due,
                next_run_at=min(due, now + recheck) if step.until_event else due,
            )
            return None
        if step.until_event is not None:
            seen = ctx.last_event(step.until_event, e.customer_id)
            if seen is not None and seen >= started:
                return index + 1
            deadline = e.deadline_at or now
            if now < deadline:
                recheck = dt.timedelta(seconds=self.settings.journeys.recheck_seconds)
                self.store.move_enrolment(
                    e.id, owner=self.owner, next_run_at=min(deadline, now + recheck)
                )
                return None
            return journey.index(step.on_timeout) if step.on_timeout else index + 1
        if e.deadline_at is not None and now < e.deadline_at:  # claimed early: wait on
            self.store.move_enrolment(e.id, owner=self.owner, next_run_at=e.deadline_at)
            return None
        return index + 1

    def _recorded(
        self, journey: Journey, step: Step, run: StepRun, index: int, variant: str | None
    ) -> tuple[int | None, str | None]:
        """Where a step whose outcome was recorded before leads (its detail holds a choice)."""
        if isinstance(step, ExitStep):
            return None, variant
        if isinstance(step, BranchStep) and run.detail:
            if step.split is not None:
                arm = next((a for a in step.split if a.variant == run.detail), None)
                if arm is not None:
                    goto = journey.index(arm.goto) if arm.goto else index + 1
                    return goto, arm.variant
            elif run.detail.startswith("goto:"):
                return journey.index(run.detail.removeprefix("goto:")), variant
        return index + 1, variant

    def _branch(
        self, journey: Journey, step: BranchStep, e: Enrolment, ctx: BatchContext
    ) -> tuple[str | None, str | None, str]:
        """``(goto, variant, detail)``: the detail is stored so a re-run takes the same way."""
        if step.split is not None:
            total = sum(a.weight for a in step.split)
            u = bucket("split", self.tenant_id, journey.name, step.id, e.customer_id, e.entry_key)
            edge = 0.0
            for arm in step.split:
                edge += arm.weight / total
                if u < edge:
                    return arm.goto, arm.variant, arm.variant
            last = step.split[-1]
            return last.goto, last.variant, last.variant
        if step.segment is not None:
            met = e.customer_id in ctx.segment(step.segment)
        elif step.user is not None:
            met = user_matches(step.user, ctx.extras.user(e) or {})
        else:
            met = e.customer_id in ctx.matching(step.condition or "")
        goto = step.then if met else step.else_
        return goto, e.variant, f"goto:{goto}" if goto else "next"

    def _task(
        self, journey: Journey, step: TaskStep, e: Enrolment, ctx: BatchContext
    ) -> dict[str, Any]:
        context = ctx.template_context(journey, e)
        where = f"{journey.name}.{step.id}"
        owner = step.owner or ctx.traits(e.customer_id).get("owner")
        return {
            "title": render(step.title, context, where=f"{where}.title"),
            "note": render(step.note, context, where=f"{where}.note") if step.note else None,
            "owner": str(owner) if owner else None,
            "due_at": self.clock.now() + parse_duration(step.due_in) if step.due_in else None,
        }
