"""The inbound event log (mixed into ``OperationalStore``): append, read pending, mark moved.

The API appends tracking messages here (one commit for many requests), and the event
mover reads the ones not yet moved, writes them to each tenant's warehouse and marks
them moved. A message id is kept once per tenant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, Text, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tenure.errors import NotFoundError
from tenure.store.operational._journey_inbox import utc
from tenure.store.operational._tables import InboundEventRow

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    from tenure.clock import Clock

__all__ = ["InboundEvent", "InboundMixin", "PendingLine", "RawJson"]

_INBOUND: Table = InboundEventRow.__table__  # type: ignore[assignment]


def _utc_at(value: dt.datetime) -> dt.datetime:
    """A stored (non-null) time as an aware UTC datetime."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


class RawJson(str):
    """JSON text already serialised, stored in a JSON column as it is.

    The event log's hot path serialises each payload once, with pydantic-core.
    """


@dataclass(frozen=True)
class PendingLine:
    """A logged event not yet moved: its id, tenant and payload as stored JSON text."""

    id: int
    tenant_id: str
    payload: str


@dataclass(frozen=True)
class InboundEvent:
    """A message in the inbound event log."""

    id: int
    tenant_id: str
    message_id: str
    type: str
    payload: dict[str, Any]
    received_at: dt.datetime
    moved_at: dt.datetime | None
    batch_id: str | None


def _event(row: InboundEventRow) -> InboundEvent:
    return InboundEvent(
        id=row.id,
        tenant_id=row.tenant_id,
        message_id=row.message_id,
        type=row.type,
        payload=row.payload,
        received_at=_utc_at(row.received_at),
        moved_at=utc(row.moved_at),
        batch_id=row.batch_id,
    )


class InboundMixin:
    """The event log; needs the store's ``clock``, ``engine``, ``_session`` and ``_connection``."""

    clock: Clock
    engine: Engine

    if TYPE_CHECKING:

        def _session(self, action: str) -> AbstractContextManager[Session]: ...

        def _connection(self, action: str) -> AbstractContextManager[Connection]: ...

    def append_events(
        self,
        tenant_id: str,
        events: Sequence[tuple[str, str, dict[str, Any] | RawJson]],
        *,
        received_at: dt.datetime | None = None,
    ) -> None:
        """Commit ``(message_id, type, payload)`` messages; a known message id is dropped.

        When this returns, the messages are durable.
        """
        self.append_event_groups([(tenant_id, events)], received_at=received_at)

    def append_event_groups(
        self,
        groups: Sequence[tuple[str, Sequence[tuple[str, str, dict[str, Any] | RawJson]]]],
        *,
        received_at: dt.datetime | None = None,
    ) -> None:
        """Commit several requests' messages, ``(tenant_id, messages)`` each, in one transaction.

        One commit (one fsync) for many requests: the API's group commit calls this.
        """
        at = received_at or self.clock.now()
        rows = [
            {
                "tenant_id": tenant_id,
                "message_id": message_id,
                "type": type_,
                "payload": payload,
                "received_at": at,
            }
            for tenant_id, events in groups
            for message_id, type_, payload in events
        ]
        if not rows:
            return
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        # Core, not the ORM's bulk insert: one executemany, no unit of work (a hot path)
        statement = insert(_INBOUND).on_conflict_do_nothing(
            index_elements=["tenant_id", "message_id"]
        )
        with self._connection("record events") as connection:
            connection.execute(statement, rows)

    def pending_events(self, *, limit: int) -> list[InboundEvent]:
        """Up to ``limit`` events not yet moved to a warehouse, oldest first."""
        table = _INBOUND
        with self._connection("read pending events") as connection:
            rows = connection.execute(
                select(table).where(table.c.moved_at.is_(None)).order_by(table.c.id).limit(limit)
            ).all()
        return [
            InboundEvent(
                id=r.id,
                tenant_id=r.tenant_id,
                message_id=r.message_id,
                type=r.type,
                payload=r.payload,
                received_at=_utc_at(r.received_at),
                moved_at=None,
                batch_id=r.batch_id,
            )
            for r in rows
        ]

    def pending_lines(self, *, limit: int) -> list[PendingLine]:
        """Like :meth:`pending_events`, with each payload as its stored JSON text.

        The event mover writes these lines to a Segment batch file as they are: no
        decoding and encoding again (a third of moving an event's CPU time).
        """
        t = _INBOUND
        query = (
            select(t.c.id, t.c.tenant_id, cast(t.c.payload, Text).label("payload"))
            .where(t.c.moved_at.is_(None))
            .order_by(t.c.id)
            .limit(limit)
        )
        with self._connection("read pending events") as connection:
            return [PendingLine(*row) for row in connection.execute(query)]

    def pending_count(self) -> int:
        """How many events wait to be moved."""
        with self._session("count pending events") as session:
            count = session.scalar(select(func.count()).where(InboundEventRow.moved_at.is_(None)))
            return int(count or 0)

    def mark_moved(self, ids: Sequence[int], *, batch_id: str) -> None:
        """Record that these events are in their tenant's warehouse."""
        now = self.clock.now()
        with self._connection("mark events moved") as connection:
            for start in range(0, len(ids), 1000):
                connection.execute(
                    update(_INBOUND)
                    .where(_INBOUND.c.id.in_(ids[start : start + 1000]))
                    .values(moved_at=now, batch_id=batch_id)
                )

    def event(self, tenant_id: str, message_id: str) -> InboundEvent:
        """A tenant's message by message id."""
        with self._session("read an event") as session:
            row = session.scalars(
                select(InboundEventRow).where(
                    InboundEventRow.tenant_id == tenant_id,
                    InboundEventRow.message_id == message_id,
                )
            ).first()
            if row is None:
                raise NotFoundError(f"there is no event with the messageId {message_id!r}")
            return _event(row)
