"""Journey state (mixed into ``OperationalStore``): enrolments, step runs and what they make.

Enrolments are claimed with a lease in one ``UPDATE`` whose subquery locks with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers never hold the same
enrolment; on SQLite the single ``UPDATE`` is atomic under its one writer. A step run
is unique per ``(enrolment_id, step_id)``: it is recorded before any effect (an intent
with a stable message id), and its effects in this store (an in-app message, a trait, a
task) commit in the same transaction that marks it done, so they happen exactly once.
See docs/journeys.md for the guarantees of messages sent outside (SMTP, webhooks).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, func, or_, select, update

from tenure.store.operational._journey_inbox import InappMessage, JourneyInboxMixin, Task, utc
from tenure.store.operational._tables import (
    CustomerTraitRow,
    InappMessageRow,
    JourneyCursorRow,
    JourneyEnrolmentRow,
    JourneyStepRow,
    TaskRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenure.clock import Clock

__all__ = ["Enrolment", "InappMessage", "JourneysMixin", "StepEffect", "StepRun", "Task"]

_E = JourneyEnrolmentRow
_S = JourneyStepRow
FINAL = ("done", "withheld", "suppressed", "capped", "undeliverable", "dead")


def _rowcount(result: Any) -> int:
    """Rows an INSERT or UPDATE touched (a ``CursorResult``'s ``rowcount``)."""
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Enrolment:
    """A customer's place in a journey."""

    id: int
    tenant_id: str
    journey: str
    customer_id: str
    entry_key: str
    arm: str
    variant: str | None
    status: str
    step_index: int
    entered_at: dt.datetime
    next_run_at: dt.datetime | None
    waiting_since: dt.datetime | None
    deadline_at: dt.datetime | None


@dataclass(frozen=True)
class StepRun:
    """One step's run for one enrolment: ``pending`` until its outcome is recorded."""

    id: int
    enrolment_id: int
    step_id: str
    status: str
    message_id: str
    attempts: int
    detail: str | None


@dataclass(frozen=True)
class StepEffect:
    """What a step makes in this store, committed with its outcome (exactly once)."""

    kind: str  # inapp, trait, task
    values: dict[str, Any]


def _enrolment(r: JourneyEnrolmentRow) -> Enrolment:
    return Enrolment(
        id=r.id,
        tenant_id=r.tenant_id,
        journey=r.journey,
        customer_id=r.customer_id,
        entry_key=r.entry_key,
        arm=r.arm,
        variant=r.variant,
        status=r.status,
        step_index=r.step_index,
        entered_at=utc(r.entered_at),  # type: ignore[arg-type]
        next_run_at=utc(r.next_run_at),
        waiting_since=utc(r.waiting_since),
        deadline_at=utc(r.deadline_at),
    )


class JourneysMixin(JourneyInboxMixin):
    """Journey state; needs the store's ``clock``, ``engine`` and ``_session``."""

    clock: Clock
    engine: Engine

    if TYPE_CHECKING:

        def _session(self, action: str) -> AbstractContextManager[Session]: ...

    # -- triggers ----------------------------------------------------------------------------

    def journey_watermark(self, tenant_id: str, journey: str) -> dt.datetime | None:
        """How far the journey's trigger has looked (None before its first look)."""
        with self._session("read a journey's watermark") as session:
            row = session.get(JourneyCursorRow, (tenant_id, journey))
            return None if row is None else utc(row.watermark)

    def enroll(
        self,
        tenant_id: str,
        journey: str,
        entries: Sequence[tuple[str, str, str, str | None]],
        *,
        watermark: dt.datetime,
        reenter: bool,
    ) -> int:
        """Enrol ``(customer_id, entry_key, arm, variant)`` entries and move the watermark.

        One transaction: the entries and the new watermark commit together, so a crash
        neither loses nor repeats a trigger. A known ``entry_key`` is skipped; with
        ``reenter`` a customer still active in the journey is skipped too.
        """
        now = self.clock.now()
        with self._session("enrol customers in a journey") as session:
            rows = list(entries)
            if reenter and rows:
                active = set(
                    session.scalars(
                        select(_E.customer_id).where(
                            _E.tenant_id == tenant_id, _E.journey == journey, _E.status == "active"
                        )
                    )
                )
                rows = [r for r in rows if r[0] not in active]
            added = 0
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                statement = (
                    self._insert()(_E)
                    .values(
                        [
                            {
                                "tenant_id": tenant_id,
                                "journey": journey,
                                "customer_id": c,
                                "entry_key": key,
                                "arm": arm,
                                "variant": None,
                                "status": "active",
                                "step_index": 0,
                                "entered_at": now,
                                "next_run_at": now,
                            }
                            for c, key, arm, _v in chunk
                        ]
                    )
                    .on_conflict_do_nothing(
                        index_elements=["tenant_id", "journey", "customer_id", "entry_key"]
                    )
                )
                added += len(session.execute(statement.returning(_E.id)).all())
            cursor = self._insert()(JourneyCursorRow).values(
                tenant_id=tenant_id, journey=journey, watermark=watermark
            )
            session.execute(
                cursor.on_conflict_do_update(
                    index_elements=["tenant_id", "journey"], set_={"watermark": watermark}
                )
            )
            return added

    # -- claiming ----------------------------------------------------------------------------

    def claim_enrolments(
        self, tenant_id: str, *, owner: str, lease: dt.timedelta, limit: int
    ) -> list[Enrolment]:
        """Lease up to ``limit`` due active enrolments to ``owner`` (none held by another)."""
        now = self.clock.now()
        until = now + lease
        free = or_(_E.lease_until.is_(None), _E.lease_until < now)
        due = (
            select(_E.id)
            .where(_E.tenant_id == tenant_id, _E.status == "active", _E.next_run_at <= now, free)
            .order_by(_E.next_run_at, _E.id)
            .limit(limit)
        )
        if self.engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        with self._session("claim journey enrolments") as session:
            session.execute(
                update(_E)
                .where(_E.id.in_(due.scalar_subquery()), free)
                .values(lease_owner=owner, lease_until=until)
                .execution_options(synchronize_session=False)
            )
            rows = session.scalars(
                select(_E).where(_E.lease_owner == owner, _E.lease_until == until).order_by(_E.id)
            ).all()
            return [_enrolment(r) for r in rows]

    def move_enrolment(
        self, enrolment_id: int, *, owner: str, release: bool = True, **values: Any
    ) -> None:
        """Set an enrolment's fields (only while ``owner`` holds it); ``release`` its lease."""
        if release:
            values.update(lease_owner=None, lease_until=None)
        with self._session("move a journey enrolment") as session:
            session.execute(
                update(_E).where(_E.id == enrolment_id, _E.lease_owner == owner).values(**values)
            )

    # -- step runs ---------------------------------------------------------------------------

    def begin_step(
        self,
        enrolment: Enrolment,
        step_id: str,
        *,
        kind: str,
        channel: str | None,
        owner: str,
        lease: dt.timedelta,
    ) -> StepRun | None:
        """Record the intent to run a step (once), or return the run recorded before.

        In the same transaction the enrolment's lease is renewed; None when ``owner``
        no longer holds it (it expired and another worker took the enrolment).
        """
        now = self.clock.now()
        message_id = f"{enrolment.tenant_id}.{enrolment.id}.{step_id}"
        statement = (
            self._insert()(_S)
            .values(
                enrolment_id=enrolment.id,
                tenant_id=enrolment.tenant_id,
                journey=enrolment.journey,
                customer_id=enrolment.customer_id,
                step_id=step_id,
                kind=kind,
                channel=channel,
                status="pending",
                message_id=message_id,
                attempts=0,
                started_at=now,
            )
            .on_conflict_do_nothing(index_elements=["enrolment_id", "step_id"])
        )
        with self._session("record a journey step") as session:
            held = _rowcount(
                session.execute(
                    update(_E)
                    .where(_E.id == enrolment.id, _E.lease_owner == owner)
                    .values(lease_until=now + lease)
                )
            )
            if not held:
                return None
            session.execute(statement)
            row = session.scalars(
                select(_S).where(_S.enrolment_id == enrolment.id, _S.step_id == step_id)
            ).one()
            return StepRun(
                row.id,
                row.enrolment_id,
                row.step_id,
                row.status,
                row.message_id,
                row.attempts,
                row.detail,
            )

    def record_step(
        self,
        enrolment: Enrolment,
        step_id: str,
        *,
        kind: str,
        channel: str | None,
        owner: str,
        lease: dt.timedelta,
        status: str,
        moves: dict[str, Any],
        detail: str | None = None,
        effect: StepEffect | None = None,
        within: Callable[[Connection], object] | None = None,
        release: bool = False,
    ) -> tuple[StepRun, bool] | None:
        """Run a step that stays in this store in one transaction: its run, effect and moves.

        For steps with no effect outside the store (branches, in-app messages, traits,
        tasks, webhooks queued in the outbox, withheld and suppressed sends) there is no
        intent to record first. Returns ``(run, True)`` when recorded now; ``(run, False)``
        with the earlier run (nothing changed) when it was recorded before; None when
        ``owner`` no longer holds the enrolment.
        """
        now = self.clock.now()
        message_id = f"{enrolment.tenant_id}.{enrolment.id}.{step_id}"
        statement = (
            self._insert()(_S)
            .values(
                enrolment_id=enrolment.id,
                tenant_id=enrolment.tenant_id,
                journey=enrolment.journey,
                customer_id=enrolment.customer_id,
                step_id=step_id,
                kind=kind,
                channel=channel,
                status=status,
                message_id=message_id,
                attempts=0,
                detail=detail and detail[:1000],
                started_at=now,
                finished_at=now,
            )
            .on_conflict_do_nothing(index_elements=["enrolment_id", "step_id"])
            .returning(_S.id)
        )
        with self._session("run a journey step") as session:
            held = _rowcount(
                session.execute(
                    update(_E)
                    .where(_E.id == enrolment.id, _E.lease_owner == owner)
                    .values(lease_until=now + lease)
                )
            )
            if not held:
                return None
            inserted = session.execute(statement).first()
            if inserted is None:
                row = session.scalars(
                    select(_S).where(_S.enrolment_id == enrolment.id, _S.step_id == step_id)
                ).one()
                earlier = StepRun(
                    row.id, row.enrolment_id, row.step_id, row.status, row.message_id,
                    row.attempts, row.detail,
                )  # fmt: skip
                return earlier, False
            run = StepRun(inserted[0], enrolment.id, step_id, status, message_id, 0, detail)
            if effect is not None:
                self._apply(session, enrolment, run, effect, now)
            if within is not None:
                within(session.connection())
            values = dict(moves)
            if release:
                values.update(lease_owner=None, lease_until=None)
            session.execute(
                update(_E).where(_E.id == enrolment.id, _E.lease_owner == owner).values(**values)
            )
            return run, True

    def note_attempt(self, run: StepRun, *, detail: str | None) -> int:
        """Count one more delivery attempt of a pending run; returns the attempts so far."""
        with self._session("count a delivery attempt") as session:
            session.execute(
                update(_S)
                .where(_S.id == run.id)
                .values(attempts=_S.attempts + 1, detail=detail and detail[:1000])
            )
            return int(session.scalar(select(_S.attempts).where(_S.id == run.id)) or 0)

    def finish_step(
        self,
        enrolment: Enrolment,
        run: StepRun,
        *,
        owner: str,
        status: str,
        moves: dict[str, Any],
        detail: str | None = None,
        effect: StepEffect | None = None,
        release: bool = False,
        within: Callable[[Connection], object] | None = None,
    ) -> bool:
        """Record a step's outcome, its effect and the enrolment's ``moves``, atomically.

        Returns False (and changes nothing of the step) when its outcome was recorded
        before; the enrolment still moves. ``release`` gives up the lease. ``within`` is
        called with the transaction's connection when the outcome is recorded now (the
        engine queues a webhook in the outbox there, so both commit or neither).
        """
        now = self.clock.now()
        values = dict(moves)
        if release:
            values.update(lease_owner=None, lease_until=None)
        with self._session("finish a journey step") as session:
            changed = _rowcount(
                session.execute(
                    update(_S)
                    .where(_S.id == run.id, _S.status.not_in(FINAL))
                    .values(status=status, detail=detail and detail[:1000], finished_at=now)
                )
            )
            if changed and effect is not None:
                self._apply(session, enrolment, run, effect, now)
            if changed and within is not None:
                within(session.connection())
            session.execute(
                update(_E).where(_E.id == enrolment.id, _E.lease_owner == owner).values(**values)
            )
            return bool(changed)

    def _apply(
        self,
        session: Session,
        enrolment: Enrolment,
        run: StepRun,
        effect: StepEffect,
        now: dt.datetime,
    ) -> None:
        v = effect.values
        if effect.kind == "inapp":
            session.add(
                InappMessageRow(
                    id="msg_" + secrets.token_hex(10),
                    tenant_id=enrolment.tenant_id,
                    customer_id=enrolment.customer_id,
                    journey=enrolment.journey,
                    step_id=run.step_id,
                    title=v["title"],
                    body=v["body"],
                    created_at=now,
                )
            )
        elif effect.kind == "trait":
            statement = self._insert()(CustomerTraitRow).values(
                tenant_id=enrolment.tenant_id,
                customer_id=enrolment.customer_id,
                trait=v["trait"],
                value=v["value"],
                set_at=now,
            )
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["tenant_id", "customer_id", "trait"],
                    set_={"value": statement.excluded.value, "set_at": now},
                )
            )
        elif effect.kind == "task":
            session.add(
                TaskRow(
                    id="task_" + secrets.token_hex(10),
                    tenant_id=enrolment.tenant_id,
                    customer_id=enrolment.customer_id,
                    journey=enrolment.journey,
                    title=v["title"],
                    note=v.get("note"),
                    owner=v.get("owner"),
                    due_at=v.get("due_at"),
                    created_at=now,
                )
            )
        else:  # pragma: no cover - the engine makes only these three
            raise ValueError(f"unknown step effect {effect.kind!r}")

    # -- reading -----------------------------------------------------------------------------

    def step_runs(self, tenant_id: str, journey: str | None = None) -> list[dict[str, Any]]:
        """Runs per ``(journey, step_id, status)``: the counts the dashboard and CLI show."""
        query = select(_S.journey, _S.step_id, _S.status, func.count().label("runs")).where(
            _S.tenant_id == tenant_id
        )
        if journey is not None:
            query = query.where(_S.journey == journey)
        query = query.group_by(_S.journey, _S.step_id, _S.status)
        with self._session("count journey steps") as session:
            return [dict(r._mapping) for r in session.execute(query)]

    def enrolment_counts(self, tenant_id: str, journey: str | None = None) -> list[dict[str, Any]]:
        """Enrolments per ``(journey, arm, status)``."""
        query = select(_E.journey, _E.arm, _E.status, func.count().label("enrolments")).where(
            _E.tenant_id == tenant_id
        )
        if journey is not None:
            query = query.where(_E.journey == journey)
        query = query.group_by(_E.journey, _E.arm, _E.status)
        with self._session("count journey enrolments") as session:
            return [dict(r._mapping) for r in session.execute(query)]

    def enrolments(self, tenant_id: str, *, journey: str | None = None) -> list[Enrolment]:
        """Every enrolment of a tenant (or of one journey), oldest first."""
        query = select(_E).where(_E.tenant_id == tenant_id)
        if journey is not None:
            query = query.where(_E.journey == journey)
        with self._session("read journey enrolments") as session:
            return [_enrolment(r) for r in session.scalars(query.order_by(_E.id))]

    def enrolment_arms(
        self, tenant_id: str, journey: str
    ) -> list[tuple[str, str, str | None, str, dt.datetime]]:
        """``(customer_id, arm, variant, status, entered_at)`` of each enrolment of a journey.

        Only what the journey report needs, read as plain rows (no ORM objects), oldest
        first; ``entered_at`` is UTC.
        """
        query = (
            select(_E.customer_id, _E.arm, _E.variant, _E.status, _E.entered_at)
            .where(_E.tenant_id == tenant_id, _E.journey == journey)
            .order_by(_E.id)
        )
        with self._session("read a journey's enrolments") as session:
            return [(c, a, v, s, utc(at)) for c, a, v, s, at in session.execute(query)]  # type: ignore[misc]

    def sends_since(
        self, tenant_id: str, customer_id: str, channel: str, since: dt.datetime
    ) -> int:
        """Messages of a channel sent to a customer since ``since``, across all journeys."""
        query = select(func.count()).where(
            _S.tenant_id == tenant_id,
            _S.customer_id == customer_id,
            _S.channel == channel,
            _S.status == "done",
            _S.finished_at >= since,
        )
        with self._session("count a customer's messages") as session:
            return int(session.scalar(query) or 0)
