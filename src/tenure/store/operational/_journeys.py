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

from sqlalchemy import Connection, Engine, Table, func, or_, select, update

from tenure.store.operational._journey_inbox import InappMessage, JourneyInboxMixin, Task, utc
from tenure.store.operational._journey_sql import Statements, statements
from tenure.store.operational._tables import (
    JourneyCursorRow,
    JourneyEnrolmentRow,
    JourneyStepRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenure.clock import Clock

__all__ = ["Enrolment", "InappMessage", "JourneysMixin", "StepEffect", "StepRun", "Task"]

_E = JourneyEnrolmentRow
_S = JourneyStepRow
# Core tables for the hot paths: no ORM bookkeeping per statement
_ET: Table = JourneyEnrolmentRow.__table__  # type: ignore[assignment]
_ST: Table = JourneyStepRow.__table__  # type: ignore[assignment]


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
            # one statement, bound per row (executemany): a multi-row VALUES of literals
            # was compiled afresh for every chunk, which dominated enrolling 100k
            statement = (
                self._insert()(_ET)
                .on_conflict_do_nothing(
                    index_elements=["tenant_id", "journey", "customer_id", "entry_key"]
                )
                .returning(_ET.c.id)
            )
            fixed: dict[str, Any] = {"tenant_id": tenant_id, "journey": journey, "variant": None}
            fixed.update(status="active", step_index=0, entered_at=now, next_run_at=now)
            for start in range(0, len(rows), 5000):
                chunk = [
                    {**fixed, "customer_id": c, "entry_key": key, "arm": arm}
                    for c, key, arm, _v in rows[start : start + 5000]
                ]
                added += len(session.execute(statement, chunk).all())
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
            # RETURNING names the claimed rows: no scan for the owner's lease afterwards
            ids = session.scalars(
                update(_E)
                .where(_E.id.in_(due.scalar_subquery()), free)
                .values(lease_owner=owner, lease_until=until)
                .returning(_E.id)
                .execution_options(synchronize_session=False)
            ).all()
            if not ids:
                return []
            rows = session.scalars(select(_E).where(_E.id.in_(ids)).order_by(_E.id)).all()
            return [_enrolment(r) for r in rows]

    def _sql(self) -> Statements:
        return statements(self.engine.dialect.name)

    def move_enrolment(
        self, enrolment_id: int, *, owner: str, release: bool = True, **values: Any
    ) -> None:
        """Set an enrolment's fields (only while ``owner`` holds it); ``release`` its lease."""
        if release:
            values.update(lease_owner=None, lease_until=None)
        with self._session("move a journey enrolment") as session:
            session.execute(self._sql().move, {**values, "b_id": enrolment_id, "b_owner": owner})

    # -- step runs ---------------------------------------------------------------------------

    def _renew(
        self, session: Session, enrolment: Enrolment, owner: str, until: dt.datetime
    ) -> bool:
        """Renew the enrolment's lease; False when ``owner`` no longer holds it."""
        params = {"b_id": enrolment.id, "b_owner": owner, "b_until": until}
        return bool(_rowcount(session.execute(self._sql().renew, params)))

    def _step_row(self, session: Session, enrolment: Enrolment, step_id: str) -> StepRun:
        row = session.execute(self._sql().step, {"b_id": enrolment.id, "b_step": step_id}).one()
        return StepRun(
            row.id, row.enrolment_id, row.step_id, row.status, row.message_id, row.attempts,
            row.detail,
        )  # fmt: skip

    @staticmethod
    def _run_values(
        enrolment: Enrolment, step_id: str, kind: str, channel: str | None, now: dt.datetime
    ) -> dict[str, Any]:
        return {
            "enrolment_id": enrolment.id,
            "tenant_id": enrolment.tenant_id,
            "journey": enrolment.journey,
            "customer_id": enrolment.customer_id,
            "step_id": step_id,
            "kind": kind,
            "channel": channel,
            "message_id": f"{enrolment.tenant_id}.{enrolment.id}.{step_id}",
            "attempts": 0,
            "started_at": now,
        }

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
        values = {
            **self._run_values(enrolment, step_id, kind, channel, now),
            "status": "pending",
            "detail": None,
            "finished_at": None,
        }
        with self._session("record a journey step") as session:
            if not self._renew(session, enrolment, owner, now + lease):
                return None
            session.execute(self._sql().add_step, values)
            return self._step_row(session, enrolment, step_id)

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
        values = {
            **self._run_values(enrolment, step_id, kind, channel, now),
            "status": status,
            "detail": detail and detail[:1000],
            "finished_at": now,
        }
        with self._session("run a journey step") as session:
            if not self._renew(session, enrolment, owner, now + lease):
                return None
            inserted = session.execute(self._sql().add_step, values).first()
            if inserted is None:
                return self._step_row(session, enrolment, step_id), False
            run = StepRun(
                inserted[0], enrolment.id, step_id, status, values["message_id"], 0, detail
            )
            if effect is not None:
                self._apply(session, enrolment, run, effect, now)
            if within is not None:
                within(session.connection())
            changes = dict(moves)
            if release:
                changes.update(lease_owner=None, lease_until=None)
            session.execute(self._sql().move, {**changes, "b_id": enrolment.id, "b_owner": owner})
            return run, True

    def note_attempt(self, run: StepRun, *, detail: str | None) -> int:
        """Count one more refused delivery attempt; the run is ``pending`` again.

        A refusal is certain (the server answered with an error), so a run marked
        ``sending`` before the attempt goes back to ``pending`` and may be sent again.
        """
        with self._session("count a delivery attempt") as session:
            session.execute(
                update(_ST)
                .where(_ST.c.id == run.id)
                .values(
                    attempts=_ST.c.attempts + 1, detail=detail and detail[:1000], status="pending"
                )
            )
            return int(session.scalar(select(_ST.c.attempts).where(_ST.c.id == run.id)) or 0)

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
        outcome = {"status": status, "detail": detail and detail[:1000], "finished_at": now}
        with self._session("finish a journey step") as session:
            changed = _rowcount(session.execute(self._sql().finish, {**outcome, "b_id": run.id}))
            if changed and effect is not None:
                self._apply(session, enrolment, run, effect, now)
            if changed and within is not None:
                within(session.connection())
            session.execute(self._sql().move, {**values, "b_id": enrolment.id, "b_owner": owner})
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
        who = {"tenant_id": enrolment.tenant_id, "customer_id": enrolment.customer_id}
        if effect.kind == "inapp":
            message = {
                "id": "msg_" + secrets.token_hex(10),
                **who,
                "journey": enrolment.journey,
                "step_id": run.step_id,
                "title": v["title"],
                "body": v["body"],
                "created_at": now,
                "read_at": None,
            }
            session.execute(self._sql().inbox, message)
        elif effect.kind == "trait":
            trait = {**who, "trait": v["trait"], "value": v["value"], "set_at": now}
            session.execute(self._sql().trait, trait)
        elif effect.kind == "task":
            task = {
                "id": "task_" + secrets.token_hex(10),
                **who,
                "journey": enrolment.journey,
                "title": v["title"],
                "note": v.get("note"),
                "owner": v.get("owner"),
                "due_at": v.get("due_at"),
                "created_at": now,
                "done_at": None,
            }
            session.execute(self._sql().task, task)
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
