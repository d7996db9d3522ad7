"""The send step of a journey: suppression, caps, quiet hours, then e-mail, in-app or webhook.

Mixed into :class:`~tenure.act.journeys.engine.JourneyRunner`; docs/journeys.md,
"Delivery rules" and "Channels".
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from tenure.act.journeys._channels import (
    Mailer,
    UnconfirmedDelivery,
    build_email,
    render,
    unsubscribe_token,
)
from tenure.act.journeys._context import BatchContext, Outcome, TickResult, local_time
from tenure.act.journeys.definition import Journey, SendStep
from tenure.act.outbox import enqueue
from tenure.errors import DeliveryError
from tenure.store.operational import Enrolment, StepEffect, StepRun

if TYPE_CHECKING:
    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.store.operational import OperationalStore

__all__ = ["SendingMixin"]


class SendingMixin:
    store: OperationalStore
    tenant_id: str
    settings: Settings
    clock: Clock
    owner: str
    _mailer: Mailer | None

    if TYPE_CHECKING:  # what the mixin reads from JourneyRunner, declared for type checkers

        @property
        def _lease(self) -> dt.timedelta: ...

        def _commit(self) -> None: ...

        def _retry(
            self, e: Enrolment, run: StepRun, error: str, result: TickResult
        ) -> Outcome | None: ...

    def _send(
        self,
        journey: Journey,
        step: SendStep,
        e: Enrolment,
        run: StepRun,
        ctx: BatchContext,
        result: TickResult,
    ) -> Outcome | None:
        """Send; ``(status, detail, effect, within)`` to record, or None to retry later."""
        blocked = self.store.suppressed(self.tenant_id, e.customer_id) & {"all", step.channel}
        if blocked:
            result.suppressed += 1
            return "suppressed", ",".join(sorted(blocked)), None, None
        now = self.clock.now()
        cap = self.settings.journeys.cap(step.channel)
        if cap is not None:
            count, period = cap
            sent = self.store.sends_since(self.tenant_id, e.customer_id, step.channel, now - period)
            if sent >= count:
                result.capped += 1
                return "capped", f"{sent} {step.channel} messages in {period}", None, None
        if step.channel == "email":
            until = self._quiet_until(now, ctx.customer(e.customer_id).get("timezone"))
            if until is not None:  # wait for the end of the quiet hours, then send
                self.store.move_enrolment(e.id, owner=self.owner, next_run_at=until)
                return None
        context = ctx.template_context(journey, e)
        where = f"{journey.name}.{step.id}"
        texts = step.texts(ctx.customer(e.customer_id).get("locale"))
        if step.channel == "inapp":
            values = {
                "title": render(texts["title"] or "", context, where=f"{where}.title"),
                "body": render(texts["body"] or "", context, where=f"{where}.body"),
            }
            result.sent["inapp"] = result.sent.get("inapp", 0) + 1
            return "done", None, StepEffect("inapp", values), None
        if step.channel == "email":
            return self._email(texts, e, run, ctx, context, where, result)
        return self._webhook(journey, step, e, run, context, where, result)

    def _send_time_reached(
        self, step: SendStep, e: Enrolment, index: int, ctx: BatchContext
    ) -> bool:
        """Whether a step with ``at`` may send now; else park the enrolment until it may.

        The moment is chosen once, when the enrolment reaches the step, and kept in its
        ``deadline_at``; suppression, caps and quiet hours are checked when it sends.
        """
        now = self.clock.now()
        if e.step_index == index and e.waiting_since is not None:
            if e.deadline_at is None or now >= e.deadline_at:
                return True
            self.store.move_enrolment(e.id, owner=self.owner, next_run_at=e.deadline_at)
            return False  # claimed early: wait on
        due, _ = ctx.send_at(step.at or "", e.customer_id, now)
        if due <= now:
            return True
        self.store.move_enrolment(
            e.id,
            owner=self.owner,
            step_index=index,
            waiting_since=now,
            deadline_at=due,
            next_run_at=due,
        )
        return False

    def _quiet_until(self, now: dt.datetime, zone: str | None) -> dt.datetime | None:
        """When the customer's quiet hours end, if ``now`` is inside them; else None."""
        quiet = self.settings.journeys.quiet()
        if quiet is None:
            return None
        start, end = quiet
        try:
            tz: dt.tzinfo = zoneinfo.ZoneInfo(zone) if zone else dt.UTC
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = dt.UTC
        local = now.astimezone(tz)
        t = local.time().replace(tzinfo=None)
        inside = start <= t < end if start < end else (t >= start or t < end)
        if not inside:
            return None
        return local_time(now, end.strftime("%H:%M"), zone)

    def _email(
        self,
        texts: dict[str, str | None],
        e: Enrolment,
        run: StepRun,
        ctx: BatchContext,
        context: dict[str, Any],
        where: str,
        result: TickResult,
    ) -> Outcome | None:
        address = ctx.recipient(e, context)
        if not address:
            result.failed += 1
            return "undeliverable", "the customer has no e-mail address", None, None
        settings = self.settings.email
        token = unsubscribe_token(settings.unsubscribe_secret or "", self.tenant_id, e.customer_id)
        link = f"{settings.unsubscribe_url}?token={token}"
        context = {**context, "unsubscribe_url": link}
        text = render(texts["text"] or "", context, where=f"{where}.text")
        if "unsubscribe_url" not in (texts["text"] or ""):
            text += f"\n\n--\nUnsubscribe: {link}\n"
        message = build_email(
            settings,
            to=str(address),
            subject=render(texts["subject"] or "", context, where=f"{where}.subject"),
            text=text,
            html=(
                render(texts["html"], context, html=True, where=f"{where}.html")
                if texts["html"]
                else None
            ),
            message_id=run.message_id,
            unsubscribe_link=link,
            at=self.clock.now().timestamp(),
        )
        if self._mailer is None:
            self._mailer = Mailer(settings)

        def ready() -> bool:
            """Commit the run as ``sending`` before the data goes out (lease still held)."""
            if not self.store.mark_sending(e, run, owner=self.owner, lease=self._lease):
                return False
            self._commit()
            return True

        try:
            accepted = self._mailer.send(message, ready=ready)
        except UnconfirmedDelivery as exc:  # may have been accepted: never sent again
            result.failed += 1
            return "unconfirmed", str(exc), None, None
        except DeliveryError as exc:
            return self._retry(e, run, str(exc), result)
        if not accepted:  # the lease ran out: the enrolment is another worker's now
            return None
        result.sent["email"] = result.sent.get("email", 0) + 1
        return "done", None, None, None

    def _webhook(
        self,
        journey: Journey,
        step: SendStep,
        e: Enrolment,
        run: StepRun,
        context: dict[str, Any],
        where: str,
        result: TickResult,
    ) -> Outcome:
        """Queue the webhook in the outbox, in the transaction that records the step."""
        payload = {
            key: render(value, context, where=f"{where}.payload.{key}")
            if isinstance(value, str)
            else value
            for key, value in (step.payload or {}).items()
        }
        now = self.clock.now()
        body = {
            "id": run.message_id,
            "type": "journey.step",
            "created": int(now.timestamp()),
            "journey": journey.name,
            "step": step.id,
            "customer_id": e.customer_id,
            "variant": e.variant,
            "data": payload,
        }
        destination = step.url or self.settings.webhooks.url or ""

        def queue(connection: Connection) -> None:
            enqueue(
                connection,
                tenant_id=self.tenant_id,
                kind="journey.step",
                key=run.message_id,
                destination=destination,
                body=body,
                now=now,
            )

        result.sent["webhook"] = result.sent.get("webhook", 0) + 1
        return "done", "queued in the outbox", None, queue
