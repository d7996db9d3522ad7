"""Journey state seen from the customer: inbox, suppressions, traits and tasks.

Mixed into ``OperationalStore``: the in-app inbox, the suppression list, the traits
journeys set, and the tasks they create.
Written by the journey engine's steps (:mod:`tenure.store.operational._journeys`) and read
by the API, the dashboard and the engine's delivery rules (docs/journeys.md).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tenure.errors import NotFoundError
from tenure.store.operational._tables import (
    CustomerTraitRow,
    InappMessageRow,
    SuppressionRow,
    TaskRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenure.clock import Clock

__all__ = ["InappMessage", "JourneyInboxMixin", "Task", "utc"]


def utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@dataclass(frozen=True)
class InappMessage:
    """A message in a customer's in-app inbox."""

    id: str
    customer_id: str
    journey: str | None
    step_id: str | None
    title: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@dataclass(frozen=True)
class Task:
    """A task for the customer-success owner."""

    id: str
    customer_id: str
    journey: str | None
    title: str
    note: str | None
    owner: str | None
    due_at: dt.datetime | None
    created_at: dt.datetime
    done_at: dt.datetime | None


def _message(r: InappMessageRow) -> InappMessage:
    return InappMessage(
        r.id,
        r.customer_id,
        r.journey,
        r.step_id,
        r.title,
        r.body,
        utc(r.created_at),  # type: ignore[arg-type]
        utc(r.read_at),
    )


class JourneyInboxMixin:
    """The inbox, suppressions, traits and tasks; needs ``clock``, ``engine``, ``_session``."""

    clock: Clock
    engine: Engine

    if TYPE_CHECKING:

        def _session(self, action: str) -> AbstractContextManager[Session]: ...

    def _insert(self) -> Any:
        return pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert

    # -- inbox, suppressions, traits, tasks ---------------------------------------------------

    def inbox(
        self, tenant_id: str, customer_id: str, *, unread: bool = False
    ) -> list[InappMessage]:
        """A customer's in-app messages, newest first."""
        t = InappMessageRow
        query = select(t).where(t.tenant_id == tenant_id, t.customer_id == customer_id)
        if unread:
            query = query.where(t.read_at.is_(None))
        with self._session("read an inbox") as session:
            rows = session.scalars(query.order_by(t.created_at.desc(), t.id)).all()
            return [_message(r) for r in rows]

    def mark_read(self, tenant_id: str, customer_id: str, message_id: str) -> InappMessage:
        """Mark a message read (idempotent); another customer's message is not found."""
        with self._session("mark a message read") as session:
            row = session.get(InappMessageRow, message_id)
            if row is None or row.tenant_id != tenant_id or row.customer_id != customer_id:
                raise NotFoundError(
                    f"customer {customer_id!r} has no message {message_id!r}; "
                    f"GET /v1/customers/{customer_id}/messages lists them"
                )
            if row.read_at is None:
                row.read_at = self.clock.now()
            return _message(row)

    def suppress(self, tenant_id: str, customer_id: str, *, channel: str, reason: str) -> None:
        """Put a customer on the suppression list of a channel (``all``: every channel)."""
        statement = self._insert()(SuppressionRow).values(
            tenant_id=tenant_id,
            customer_id=customer_id,
            channel=channel,
            reason=reason,
            created_at=self.clock.now(),
        )
        with self._session("suppress a customer") as session:
            session.execute(
                statement.on_conflict_do_nothing(
                    index_elements=["tenant_id", "customer_id", "channel"]
                )
            )

    def suppressed(self, tenant_id: str, customer_id: str) -> set[str]:
        """The channels a customer must not get messages on (``all`` included)."""
        t = SuppressionRow
        with self._session("read suppressions") as session:
            return set(
                session.scalars(
                    select(t.channel).where(
                        and_(t.tenant_id == tenant_id, t.customer_id == customer_id)
                    )
                )
            )

    def traits(self, tenant_id: str, customer_id: str) -> dict[str, Any]:
        """The traits journeys set on a customer."""
        t = CustomerTraitRow
        with self._session("read traits") as session:
            rows = session.execute(
                select(t.trait, t.value).where(
                    t.tenant_id == tenant_id, t.customer_id == customer_id
                )
            )
            return {r.trait: r.value for r in rows}

    def tasks(self, tenant_id: str, *, open_only: bool = True) -> list[Task]:
        """Tasks for customer-success owners, oldest first."""
        t = TaskRow
        query = select(t).where(t.tenant_id == tenant_id)
        if open_only:
            query = query.where(t.done_at.is_(None))
        with self._session("read tasks") as session:
            return [
                Task(
                    r.id,
                    r.customer_id,
                    r.journey,
                    r.title,
                    r.note,
                    r.owner,
                    utc(r.due_at),
                    utc(r.created_at),  # type: ignore[arg-type]
                    utc(r.done_at),
                )
                for r in session.scalars(query.order_by(t.created_at, t.id))
            ]
