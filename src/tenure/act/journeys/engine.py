"""The journey engine: enrol triggered customers and advance due enrolments, crash-safely.

One :class:`JourneyRunner` serves one tenant. :meth:`JourneyRunner.tick` first looks at
each journey's trigger over ``(watermark, now]`` and enrols who it finds (the enrolments
and the new watermark commit together), then claims due enrolments with a lease and
runs their steps until each waits or ends. Every step run is recorded in the
operational store before it acts; see docs/journeys.md for the exact guarantees.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import astuple
from typing import Any

import httpx
from ibis.backends import BaseBackend
from sqlalchemy import Connection

from tenure.act.journeys._channels import Mailer
from tenure.act.journeys._context import BatchContext, Outcome, TickResult
from tenure.act.journeys._sending import SendingMixin
from tenure.act.journeys._steps import StepsMixin
from tenure.act.journeys._triggers import assign_arm, triggered
from tenure.act.journeys.definition import (
    BranchStep,
    ExitStep,
    Journey,
    SendStep,
    SetTraitStep,
    Step,
    TaskStep,
    WaitStep,
)
from tenure.act.outbox import DeliveryReport, deliver_due
from tenure.act.webhooks import backoff
from tenure.clock import Clock
from tenure.config import Settings
from tenure.errors import ConfigError
from tenure.store.operational import Enrolment, OperationalStore, StepEffect, StepRun, Unit

__all__ = ["JourneyRunner", "TickResult", "worker_id"]

_MAX_STEPS = 100  # steps one enrolment may run in one claim (a journey has no loops)


def worker_id() -> str:
    """A name for this worker process: host, pid and a random suffix."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(3)}"


class JourneyRunner(SendingMixin, StepsMixin):
    """Runs one tenant's journeys against its warehouse and the operational store.

    Parameters
    ----------
    store
        The operational store (SQLite or PostgreSQL).
    tenant_id
        The tenant whose enrolments this runner claims.
    journeys
        The tenant's journey definitions.
    con
        The tenant's warehouse (an Ibis backend): triggers, goals and customers.
    settings
        ``[email]``, ``[webhooks]`` and ``[journeys]`` are read.
    clock
        The only source of "now".
    owner
        This worker's name, written on the enrolments it leases.
    """

    def __init__(
        self,
        store: OperationalStore,
        tenant_id: str,
        journeys: Sequence[Journey],
        con: BaseBackend,
        settings: Settings,
        *,
        clock: Clock,
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self.journeys = {j.name: j for j in journeys}
        self.con = con
        self.settings = settings
        self.clock = clock
        self.owner = owner or worker_id()
        self._mailer: Mailer | None = None
        self._http: httpx.Client | None = None
        self._unit: Unit | None = None
        self.tick_hours: dict[str, tuple[int, str]] | None = None  # at: best_hour, per tick
        self._check()

    def _check(self) -> None:
        for journey in self.journeys.values():
            for step in journey.steps:
                email = isinstance(step, SendStep) and step.channel == "email"
                if email and not self.settings.email.unsubscribe_secret:
                    raise ConfigError(
                        f"The journey {journey.name!r} sends e-mail, so the setting "
                        "'email.unsubscribe_secret' must be set (it signs unsubscribe "
                        "links). Got None instead.",
                    )
                if isinstance(step, SendStep) and step.channel == "webhook":
                    if not (step.url or self.settings.webhooks.url):
                        raise ConfigError(
                            f"The webhook step {step.id!r} of the journey {journey.name!r} "
                            "needs a url, or the setting 'webhooks.url'. Got None instead."
                        )
                    if not self.settings.webhooks.secret:
                        raise ConfigError(
                            f"The journey {journey.name!r} posts webhooks, so the setting "
                            "'webhooks.secret' must be set (it signs them). Got None instead."
                        )

    @property
    def _lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.settings.journeys.lease_seconds)

    def close(self) -> None:
        """Close the SMTP and HTTP connections."""
        if self._mailer is not None:
            self._mailer.close()
        if self._http is not None:
            self._http.close()

    # -- enrolling ---------------------------------------------------------------------------

    def enroll(self) -> int:
        """Enrol the customers each enabled journey's trigger found since its watermark."""
        now = self.clock.now()
        added = 0
        lookback = dt.timedelta(hours=self.settings.journeys.lookback_hours)
        share = self.settings.journeys.control_share
        for journey in self.journeys.values():
            if not journey.enabled:
                continue
            since = self.store.journey_watermark(self.tenant_id, journey.name) or now - lookback
            if since >= now:
                continue
            found = triggered(self.con, journey, since=since, now=now)
            entries = [
                (c, key, assign_arm(self.tenant_id, journey, c, share), None) for c, key in found
            ]
            added += self.store.enroll(
                self.tenant_id, journey.name, entries, watermark=now, reenter=journey.reenter
            )
        return added

    # -- advancing ---------------------------------------------------------------------------

    def tick(self, *, max_batches: int | None = None) -> TickResult:
        """Enrol, then run every due enrolment (batch by batch) until none is due."""
        self.tick_hours = None  # learned again each tick, when a step needs them
        result = TickResult(enrolled=self.enroll())
        batches = 0
        while max_batches is None or batches < max_batches:
            batch = self.store.claim_enrolments(
                self.tenant_id,
                owner=self.owner,
                lease=self._lease,
                limit=self.settings.journeys.batch_size,
            )
            if not batch:
                break
            batches += 1
            context = BatchContext(self, batch)
            # one transaction for the batch's steps, committed around each e-mail and at
            # the end (store/operational/_unit.py), not one per step
            with self.store.unit() as unit:
                self._unit = unit
                try:
                    for enrolment in batch:
                        self._advance(enrolment, context, result)
                finally:
                    self._unit = None
            self._post_due()  # after each batch: a long backlog does not hold webhooks back
        self._post_due()
        return result

    def _post_due(self) -> None:
        """Post every due webhook, 100 at a time.

        Each run's claim is leased once, so runs stay short enough that no other worker
        takes over rows still to be posted.
        """
        while sum(astuple(self.deliver_webhooks(limit=100))) == 100:
            pass

    def _commit(self) -> None:
        """Commit the batch's open transaction (a no-op outside a batch)."""
        if self._unit is not None:
            self._unit.commit()

    def _end(self, e: Enrolment, status: str) -> None:
        self.store.move_enrolment(
            e.id, owner=self.owner, status=status, next_run_at=None, ended_at=self.clock.now()
        )

    def _advance(self, e: Enrolment, ctx: BatchContext, result: TickResult) -> None:
        journey = self.journeys.get(e.journey)
        if journey is None or not journey.enabled:
            self._end(e, "exited")
            return
        if ctx.goal_met(journey, e):
            self._end(e, "converted")
            return
        index = e.step_index
        for _ in range(_MAX_STEPS):
            if index >= len(journey.steps):
                self._end(e, "completed")
                return
            step = journey.steps[index]
            if isinstance(step, WaitStep):
                goto = self._wait(journey, step, e, index, ctx)
                if goto is None:
                    return  # waiting; the lease is released
                index = goto
                continue
            timed = isinstance(step, SendStep) and step.at is not None
            if timed and not self._send_time_reached(step, e, index, ctx):  # type: ignore[arg-type]
                return  # waiting for the customer's hour; the lease is released
            nxt = self._run(journey, step, e, index, ctx, result)
            if nxt is None:
                return
            index, e = nxt
        self._end(e, "exited")  # pragma: no cover - journeys have no loops

    # -- steps that run once -----------------------------------------------------------------

    def _moves(self, index: int, variant: str | None) -> dict[str, Any]:
        return {
            "step_index": index,
            "variant": variant,
            "waiting_since": None,
            "deadline_at": None,
            "next_run_at": self.clock.now(),
        }

    def _replace(self, e: Enrolment, index: int, variant: str | None) -> Enrolment:
        return Enrolment(
            **{
                **e.__dict__,
                "step_index": index,
                "variant": variant,
                "waiting_since": None,
                "deadline_at": None,
            }
        )

    def _run(
        self,
        journey: Journey,
        step: Step,
        e: Enrolment,
        index: int,
        ctx: BatchContext,
        result: TickResult,
    ) -> tuple[int, Enrolment] | None:
        email = isinstance(step, SendStep) and step.channel == "email" and e.arm == "treatment"
        if not email:
            return self._run_local(journey, step, e, index, ctx, result)
        assert isinstance(step, SendStep)
        run = self.store.begin_step(
            e, step.id, kind=step.type, channel=step.channel, owner=self.owner, lease=self._lease
        )
        if run is None:  # the lease expired and another worker holds the enrolment now
            return None
        if run.status == "sending":
            # handed to the SMTP server by a worker that stopped (or lost its lease) before
            # recording the answer: it may have been accepted, so it is never sent again
            outcome: Outcome | None = (
                "unconfirmed",
                "the worker stopped after handing the message to the SMTP server and "
                "before its answer was recorded; it may have been delivered",
                None,
                None,
            )
            result.failed += 1
        elif run.status != "pending":  # its outcome was recorded: move on
            return self._after(journey, step, run, index, e)
        else:
            outcome = self._send(journey, step, e, run, ctx, result)
        result.steps += 1
        if outcome is None:
            return None  # retrying later, or waiting for the end of quiet hours
        status, detail, effect, within = outcome
        self.store.finish_step(
            e,
            run,
            owner=self.owner,
            status=status,
            detail=detail,
            effect=effect,
            within=within,
            moves=self._moves(index + 1, e.variant),
        )
        self._commit()  # the answer is recorded at once: the window stays one message wide
        return index + 1, self._replace(e, index + 1, e.variant)

    def _after(
        self, journey: Journey, step: Step, run: StepRun, index: int, e: Enrolment
    ) -> tuple[int, Enrolment] | None:
        """Move past a step whose outcome was recorded before."""
        prior, prior_variant = self._recorded(journey, step, run, index, e.variant)
        if prior is None:
            self._end(e, "exited")
            return None
        return prior, self._replace(e, prior, prior_variant)

    def _run_local(
        self,
        journey: Journey,
        step: Step,
        e: Enrolment,
        index: int,
        ctx: BatchContext,
        result: TickResult,
    ) -> tuple[int, Enrolment] | None:
        """A step with no effect outside the store: decided, then recorded in one transaction."""
        channel = step.channel if isinstance(step, SendStep) else None
        message_id = f"{e.tenant_id}.{e.id}.{step.id}"
        draft = StepRun(0, e.id, step.id, "pending", message_id, 0, None)
        counted = TickResult()  # a send's counts, added once it is recorded
        variant = e.variant
        status, detail, effect = "done", None, None
        within: Callable[[Connection], None] | None = None
        target: int | None = index + 1
        if isinstance(step, BranchStep):
            goto, variant, detail = self._branch(journey, step, e, ctx)
            target = journey.index(goto) if goto is not None else index + 1
        elif isinstance(step, ExitStep):
            target = None
        elif e.arm != "treatment":
            status, detail = "withheld", e.arm
        elif isinstance(step, SetTraitStep):
            effect = StepEffect("trait", {"trait": step.trait, "value": step.value})
        elif isinstance(step, TaskStep):
            effect = StepEffect("task", self._task(journey, step, e, ctx))
        else:
            assert isinstance(step, SendStep)
            outcome = self._send(journey, step, e, draft, ctx, counted)
            if outcome is None:  # pragma: no cover - only e-mail waits or retries
                return None
            status, detail, effect, within = outcome
        if target is None:
            moves: dict[str, Any] = {
                "status": "exited", "next_run_at": None, "ended_at": self.clock.now(),
            }  # fmt: skip
        else:
            moves = self._moves(target, variant)
        recorded = self.store.record_step(
            e,
            step.id,
            kind=step.type,
            channel=channel,
            owner=self.owner,
            lease=self._lease,
            status=status,
            detail=detail,
            effect=effect,
            within=within,
            moves=moves,
            release=target is None,
        )
        if recorded is None:  # the lease expired and another worker holds the enrolment now
            return None
        run, fresh = recorded
        if not fresh:
            return self._after(journey, step, run, index, e)
        result.steps += 1
        if status == "withheld":
            result.withheld += 1
        result.add(counted)
        if target is None:
            return None
        return target, self._replace(e, target, variant)

    # -- sends -------------------------------------------------------------------------------

    def deliver_webhooks(self, *, limit: int = 100) -> DeliveryReport:
        """Post this tenant's due outbox webhooks (``[webhooks]``; leases of ``[journeys]``)."""
        hooks = self.settings.webhooks
        if not hooks.secret:
            return DeliveryReport()
        if self._http is None:
            self._http = httpx.Client(timeout=hooks.timeout_seconds)
        return deliver_due(
            self.store.engine,
            self._http,
            hooks,
            self.clock.now(),
            limit,
            tenant_id=self.tenant_id,
            lease=self._lease + dt.timedelta(seconds=hooks.timeout_seconds),
        )

    def _retry(self, e: Enrolment, run: StepRun, error: str, result: TickResult) -> Outcome | None:
        """Count a failed e-mail attempt: dead-letter after [webhooks] max_attempts, or retry."""
        hooks = self.settings.webhooks
        attempts = self.store.note_attempt(run, detail=error)
        if attempts >= hooks.max_attempts:
            result.failed += 1
            return "dead", f"after {attempts} attempts: {error}", None, None
        wait = backoff(attempts, hooks.backoff_seconds, hooks.backoff_cap_seconds)
        self.store.move_enrolment(e.id, owner=self.owner, next_run_at=self.clock.now() + wait)
        return None
