"""The outbox: outgoing webhooks written in the caller's transaction, delivered later.

A decision that must reach another system (an accepted offer, a journey step) is
written as an outbox row *in the same transaction* as the change that caused it, so
either both happen or neither. :func:`deliver_due` then posts due rows with
:func:`tenure.act.webhooks.post`, at least once:

- **Claim with a lease.** One statement moves due rows' ``next_attempt_at`` to
  ``now + lease`` and counts the attempt (``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE
  SKIP LOCKED)`` on PostgreSQL, so several workers run side by side; SQLite has one
  writer, and the single statement is atomic). A worker that dies after claiming leaves
  the row to be claimed again when the lease ends.
- **Outcome.** A 2xx answer marks the row ``sent``. A failure that may pass (network
  error, timeout, 5xx, 408, 409, 429) is retried after :func:`tenure.act.webhooks.backoff`
  until ``max_attempts`` have been made, then the row is ``dead``; any other 4xx is
  ``dead`` at once. ``last_error`` keeps the reason.
- **Idempotency.** ``key`` is unique per tenant: :func:`enqueue` of a known key adds
  nothing and returns False. The key is sent as ``Tenure-Event-Id`` on every attempt, so
  the receiver drops a repeat delivery.

The interface is generic (tenant, kind, key, destination, body): any part of Tenure that
posts webhooks reuses it (docs/cancel-flow.md, "The outbox").
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from sqlalchemy import Connection, Engine, Table, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from tenure.act.webhooks import backoff, post
from tenure.config import WebhookSettings
from tenure.errors import ConfigError, Location, StoreError
from tenure.store.operational import OutboxRow

__all__ = [
    "OUTBOX",
    "STRIPE_KIND",
    "DeliveryReport",
    "OutboxMessage",
    "deliver_due",
    "enqueue",
    "messages",
    "record_attempt",
    "status_counts",
]

OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
Status = Literal["pending", "sent", "dead"]
STRIPE_KIND = "stripe"
"""Rows that are Stripe calls (an accepted offer applied), not webhooks: :func:`deliver_due`
leaves them to :func:`tenure.act.stripe_outbox.deliver_stripe_due`."""


@dataclass(frozen=True)
class OutboxMessage:
    """An outbox row as read back (:func:`messages`)."""

    id: int
    tenant_id: str
    kind: str
    key: str
    destination: str
    body: str
    status: Status
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class DeliveryReport:
    """What one :func:`deliver_due` run did: rows sent, rescheduled and dead-lettered."""

    sent: int = 0
    retried: int = 0
    dead: int = 0

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            self.sent + other.sent, self.retried + other.retried, self.dead + other.dead
        )


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def enqueue(
    connection: Connection,
    *,
    tenant_id: str,
    kind: str,
    key: str,
    destination: str,
    body: dict[str, Any] | str,
    now: dt.datetime,
) -> bool:
    """Add a webhook to the outbox inside the caller's transaction; False if ``key`` exists.

    Parameters
    ----------
    connection
        A connection in the caller's open transaction (the row commits with it).
    tenant_id
        Whose event it is; ``key`` is unique per tenant.
    kind
        The event's type, e.g. ``offer.accepted`` (also in the body, by convention).
    key
        The idempotency key, sent as ``Tenure-Event-Id``.
    destination
        The URL to POST to.
    body
        The JSON body, as a dict (serialised here) or JSON text.
    now
        The time it is due first (the caller's clock).
    """
    text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OUTBOX)
        .values(
            tenant_id=tenant_id,
            kind=kind,
            event_key=key,
            destination=destination,
            body=text,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "event_key"])
        .returning(OUTBOX.c.id)
    )
    return connection.execute(statement).first() is not None


def _claim(
    engine: Engine,
    now: dt.datetime,
    limit: int,
    lease: dt.timedelta,
    max_attempts: int,
    tenant_id: str | None,
    *,
    stripe: bool = False,
) -> list[Any]:
    """Lease up to ``limit`` due rows (counting the attempt); dead-letter exhausted ones.

    Webhook rows, or with ``stripe`` only the rows of kind :data:`STRIPE_KIND`.
    """
    t = OUTBOX
    kind = t.c.kind == STRIPE_KIND if stripe else t.c.kind != STRIPE_KIND
    due = and_(t.c.status == "pending", t.c.next_attempt_at <= now, kind)
    if tenant_id is not None:
        due = and_(due, t.c.tenant_id == tenant_id)
    with engine.begin() as con:
        # a lease that ran out on the last attempt: the worker died; no attempt is left
        con.execute(
            update(t)
            .where(due, t.c.attempts >= max_attempts)
            .values(status="dead", last_error="the last attempt's worker stopped (lease ran out)")
        )
        chosen = (
            select(t.c.id)
            .where(due, t.c.attempts < max_attempts)
            .order_by(t.c.next_attempt_at, t.c.id)
            .limit(limit)
        )
        if con.dialect.name == "postgresql":
            chosen = chosen.with_for_update(skip_locked=True)
        rows = con.execute(
            update(t)
            .where(t.c.id.in_(chosen.scalar_subquery()))
            .values(next_attempt_at=now + lease, attempts=t.c.attempts + 1)
            .returning(t.c.id, t.c.event_key, t.c.destination, t.c.body, t.c.attempts)
        ).all()
    return sorted(rows, key=lambda r: r.id)


def deliver_due(
    engine: Engine,
    client: httpx.Client,
    settings: WebhookSettings,
    now: dt.datetime,
    limit: int = 100,
    *,
    tenant_id: str | None = None,
    lease: dt.timedelta | None = None,
) -> DeliveryReport:
    """Post the outbox's webhook rows due at ``now`` (oldest first); returns what happened.

    Rows of kind :data:`STRIPE_KIND` are not webhooks and are left alone
    (:func:`tenure.act.stripe_outbox.deliver_stripe_due` makes their Stripe calls).

    Parameters
    ----------
    engine
        The operational store's engine (:attr:`OperationalStore.engine`).
    client
        The HTTP client to post with (its timeout applies).
    settings
        ``[webhooks]``: the ``secret`` that signs, ``max_attempts``, ``backoff_seconds``
        and ``backoff_cap_seconds``.
    now
        The time (the caller's clock); also the signature's timestamp.
    limit
        At most this many rows in this run.
    tenant_id
        Only this tenant's rows (their ``[webhooks]`` settings are the ones given).
    lease
        How long a claimed row is left to this worker before another may retry it;
        default ``limit × timeout_seconds + 60 s`` (the run's longest possible time).

    Raises
    ------
    ConfigError
        When ``[webhooks] secret`` is not set (nothing can be signed).
    StoreError
        When the store fails.
    """
    if not settings.secret:
        raise ConfigError(
            "[webhooks] secret is not set, so outgoing webhooks cannot be signed; set it in "
            "tenure.toml (or TENURE_WEBHOOKS__SECRET) to the secret the receiver verifies",
            location=Location(field="webhooks.secret"),
        )
    lease = lease or dt.timedelta(seconds=limit * settings.timeout_seconds + 60)
    try:
        claimed = _claim(engine, now, limit, lease, settings.max_attempts, tenant_id)
    except SQLAlchemyError as exc:
        raise StoreError(f"the outbox could not claim due webhooks: {exc}") from exc
    report = DeliveryReport()
    stamp = int(now.timestamp())
    for row in claimed:
        result = post(
            client,
            row.destination,
            row.body.encode("utf-8"),
            secret=settings.secret,
            event_id=row.event_key,
            timestamp=stamp,
        )
        report += record_attempt(
            engine,
            row,
            settings,
            now,
            ok=result.ok,
            retry=result.retry,
            status=result.status,
            error=result.error,
        )
    return report


def record_attempt(
    engine: Engine,
    row: Any,
    settings: WebhookSettings,
    now: dt.datetime,
    *,
    ok: bool,
    retry: bool,
    status: int | None,
    error: str | None,
) -> DeliveryReport:
    """Record one claimed row's attempt: ``sent``, retried after the backoff, or ``dead``."""
    values: dict[str, Any] = {"last_status": status, "last_error": error}
    if ok:
        values |= {"status": "sent", "sent_at": now}
        report = DeliveryReport(sent=1)
    elif retry and row.attempts < settings.max_attempts:
        wait = backoff(row.attempts, settings.backoff_seconds, settings.backoff_cap_seconds)
        values |= {"next_attempt_at": now + wait}
        report = DeliveryReport(retried=1)
    else:
        values |= {"status": "dead"}
        report = DeliveryReport(dead=1)
    try:
        with engine.begin() as con:
            con.execute(update(OUTBOX).where(OUTBOX.c.id == row.id).values(**values))
    except SQLAlchemyError as exc:
        raise StoreError(f"the outbox could not record a delivery: {exc}") from exc
    return report


def messages(
    engine: Engine,
    *,
    tenant_id: str | None = None,
    kind: str | None = None,
    status: Status | None = None,
) -> list[OutboxMessage]:
    """Outbox rows, oldest first, optionally of one tenant, kind or status."""
    t = OUTBOX
    query = select(t).order_by(t.c.id)
    if tenant_id is not None:
        query = query.where(t.c.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(t.c.kind == kind)
    if status is not None:
        query = query.where(t.c.status == status)
    try:
        with engine.connect() as con:
            rows = con.execute(query).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"the outbox could not be read: {exc}") from exc
    return [
        OutboxMessage(
            id=r.id,
            tenant_id=r.tenant_id,
            kind=r.kind,
            key=r.event_key,
            destination=r.destination,
            body=r.body,
            status=r.status,
            attempts=r.attempts,
            next_attempt_at=_utc(r.next_attempt_at) or r.next_attempt_at,
            last_status=r.last_status,
            last_error=r.last_error,
            created_at=_utc(r.created_at) or r.created_at,
            sent_at=_utc(r.sent_at),
        )
        for r in rows
    ]


def status_counts(engine: Engine, *, tenant_id: str, kind: str | None = None) -> dict[str, int]:
    """How many of a tenant's outbox rows (of ``kind``) are pending, sent and dead."""
    t = OUTBOX
    query = select(t.c.status, func.count()).where(t.c.tenant_id == tenant_id)
    if kind is not None:
        query = query.where(t.c.kind == kind)
    try:
        with engine.connect() as con:
            rows = con.execute(query.group_by(t.c.status)).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"the outbox could not be read: {exc}") from exc
    found = {str(status): int(count) for status, count in rows}
    return {status: int(found.get(status, 0)) for status in ("pending", "sent", "dead")}
