"""One transaction for many journey steps: the worker's unit of work.

A batch of enrolments used to commit once per step (an fsync on SQLite, a round trip on
PostgreSQL), which bounded the engine to a few hundred steps a second. Inside
:meth:`UnitMixin.unit` every store call of the current thread (or task) joins one open
transaction instead, and the engine commits it where it must: right before an e-mail is
handed to SMTP, right after its answer is recorded, and at the end of the batch. Steps
that stay in the store keep their guarantee (a step's run, its effect and the
enrolment's next state are in the same transaction, so they commit together or not at
all); a crash loses only uncommitted steps, which had no effect outside the store and
run again (docs/journeys.md, "The engine and its guarantees").

The unit is found through a :class:`~contextvars.ContextVar`, so API requests served by
other threads of the same process never join a worker's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tenure.errors import StoreError
from tenure.store.operational._tables import JourneyEnrolmentRow, JourneyStepRow

if TYPE_CHECKING:
    from tenure.clock import Clock
    from tenure.store.operational._journeys import Enrolment, StepRun

__all__ = ["Unit", "UnitMixin", "current_unit"]

_E: Table = JourneyEnrolmentRow.__table__  # type: ignore[assignment]
_S: Table = JourneyStepRow.__table__  # type: ignore[assignment]
_CURRENT: ContextVar[Unit | None] = ContextVar("tenure_store_unit", default=None)


class Unit:
    """An open transaction that the store's calls join until it is committed."""

    def __init__(self, owner: object, session: Session) -> None:
        self.owner = owner
        self.session = session
        self.broken = False
        self.commits = 0

    @contextmanager
    def joined(self, action: str) -> Iterator[Session]:
        """The unit's session for one store call; a failure inside it spoils the unit."""
        try:
            yield self.session
        except SQLAlchemyError as exc:
            self.broken = True
            raise StoreError(f"the operational store failed to {action}: {exc}") from exc
        except BaseException:
            self.broken = True
            raise

    def commit(self) -> None:
        """Commit what the unit holds; the next call starts a new transaction."""
        if self.broken:
            raise StoreError(
                "the operational store cannot commit a unit of work after one of its "
                "statements failed; it was rolled back"
            )
        try:
            self.session.commit()
        except SQLAlchemyError as exc:
            self.broken = True
            raise StoreError(
                f"the operational store failed to commit journey steps: {exc}"
            ) from exc
        self.commits += 1


def current_unit(owner: object) -> Unit | None:
    """The unit of work open in this context on the store ``owner``, if any."""
    unit = _CURRENT.get()
    return unit if unit is not None and unit.owner is owner else None


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


class UnitMixin:
    """:meth:`unit` and the e-mail hand-over mark; needs ``clock``, ``_sessions``, ``_session``."""

    clock: Clock
    _sessions: sessionmaker[Session]

    if TYPE_CHECKING:

        def _session(self, action: str) -> AbstractContextManager[Session]: ...

    @contextmanager
    def unit(self) -> Iterator[Unit]:
        """Join this context's store calls into one transaction, committed at the end.

        When the block raises, the unit is rolled back if one of its statements failed
        (its state may be half written) and committed otherwise: every store call in it
        finished, so what it holds is consistent. Either way the exception goes on.
        """
        if current_unit(self) is not None:
            raise StoreError("a unit of work is already open in this context; units do not nest")
        session = self._sessions()
        unit = Unit(self, session)
        token = _CURRENT.set(unit)
        try:
            try:
                yield unit
            except BaseException:
                if unit.broken:
                    session.rollback()
                else:
                    try:
                        unit.commit()
                    except StoreError:
                        session.rollback()
                raise
            unit.commit()
        finally:
            _CURRENT.reset(token)
            session.close()

    def mark_sending(
        self, enrolment: Enrolment, run: StepRun, *, owner: str, lease: dt.timedelta
    ) -> bool:
        """Mark a pending e-mail ``sending``: it is about to be handed to the SMTP server.

        Renews the enrolment's lease in the same statement group; False (nothing
        changed) when ``owner`` no longer holds the enrolment or the run is not pending.
        The caller commits this before the message's data goes out, so a run found
        ``sending`` later was, or may have been, accepted by the server.
        """
        now = self.clock.now()
        with self._session("mark an e-mail as handed to SMTP") as session:
            held = _rowcount(
                session.execute(
                    update(_E)
                    .where(_E.c.id == enrolment.id, _E.c.lease_owner == owner)
                    .values(lease_until=now + lease)
                )
            )
            if not held:
                return False
            changed = _rowcount(
                session.execute(
                    update(_S)
                    .where(_S.c.id == run.id, _S.c.status == "pending")
                    .values(status="sending")
                )
            )
            return bool(changed)
