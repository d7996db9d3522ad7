"""The operational store's tables, as SQLAlchemy 2 ORM classes.

The warehouse holds what Tenure computes; these tables hold what the service needs to
run: tenants, their API keys, the durable log of inbound events and the Stripe event
ids already processed, cancel flows and the outbox of outgoing webhooks (0004). A
change here needs a migration in ``migrations/versions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite has no BIGINT autoincrement; INTEGER PRIMARY KEY is its row id.
_BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)


class TenantRow(Base):
    """A tenant: one Tenure workspace folder served by the deployment."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The Stripe webhook endpoint secret (whsec_...). Kept in plain text: verifying an
    # HMAC needs the secret itself, so it cannot be hashed like an API key (0002).
    stripe_webhook_secret: Mapped[str | None] = mapped_column(String(255))
    # The key that signs this tenant's hosted cancel-page tokens, made on first use (0004).
    cancel_token_secret: Mapped[str | None] = mapped_column(String(64))


class ApiKeyRow(Base):
    """An API key; only the SHA-256 of the key is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class InboundEventRow(Base):
    """One received Segment message, committed before the request is acknowledged."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "message_id"),
        Index("ix_inbound_events_pending", "moved_at", "tenant_id", "id"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    message_id: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    moved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    batch_id: Mapped[str | None] = mapped_column(String(40))


class StripeEventRow(Base):
    """A Stripe event id already processed for a tenant (webhooks are idempotent by it)."""

    __tablename__ = "stripe_events"
    __table_args__ = (UniqueConstraint("tenant_id", "event_id"),)

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    event_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    """A person who logs in to the dashboard; only a scrypt hash of the password is kept."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MembershipRow(Base):
    """A user may open the dashboard of this tenant (one row per user and tenant)."""

    __tablename__ = "memberships"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WebSessionRow(Base):
    """A dashboard login: the SHA-256 of the session cookie's token, and when it expires."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# -- journeys (0005) -------------------------------------------------------------------------


class JourneyEnrolmentRow(Base):
    """A customer in a journey: where they are, when to look again, and who holds them."""

    __tablename__ = "journey_enrolments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "journey", "customer_id", "entry_key"),
        Index("ix_journey_enrolments_due", "status", "next_run_at"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    journey: Mapped[str] = mapped_column(String(63))
    customer_id: Mapped[str] = mapped_column(String(255))
    entry_key: Mapped[str] = mapped_column(String(255))
    arm: Mapped[str] = mapped_column(String(16))  # treatment, control, holdout
    variant: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # active, completed, converted, exited
    step_index: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    next_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    waiting_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deadline_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class JourneyStepRow(Base):
    """One step run for one enrolment; the unique key makes every step run at most once."""

    __tablename__ = "journey_steps"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "step_id"),
        Index("ix_journey_steps_sends", "tenant_id", "customer_id", "channel", "finished_at"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("journey_enrolments.id"))
    tenant_id: Mapped[str] = mapped_column(String(32))
    journey: Mapped[str] = mapped_column(String(63))
    customer_id: Mapped[str] = mapped_column(String(255))
    step_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))
    # pending (intent recorded), sending (an e-mail's data about to go out), done, withheld,
    # suppressed, capped, undeliverable, dead, unconfirmed (an e-mail's answer never came)
    status: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(String(1000))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class JourneyCursorRow(Base):
    """How far a journey's trigger has looked (a watermark per tenant and journey)."""

    __tablename__ = "journey_cursors"

    tenant_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    journey: Mapped[str] = mapped_column(String(63), primary_key=True)
    watermark: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class InappMessageRow(Base):
    """A message in a customer's in-app inbox, read by the product through the API."""

    __tablename__ = "inapp_messages"
    __table_args__ = (Index("ix_inapp_messages_customer", "tenant_id", "customer_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    customer_id: Mapped[str] = mapped_column(String(255))
    journey: Mapped[str | None] = mapped_column(String(63))
    step_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(String(10000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class TaskRow(Base):
    """A task for the customer-success owner, created by a journey."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_tenant", "tenant_id", "done_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    customer_id: Mapped[str] = mapped_column(String(255))
    journey: Mapped[str | None] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(5000))
    owner: Mapped[str | None] = mapped_column(String(320))
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SuppressionRow(Base):
    """A customer who gets no messages on a channel (``all``: none at all), and why."""

    __tablename__ = "suppressions"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CustomerTraitRow(Base):
    """A trait a journey set on a customer (the warehouse's traits are not written)."""

    __tablename__ = "customer_traits"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    trait: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CancelFlowRow(Base):
    """One cancel flow: the survey answer, the offers shown (with the decision), the outcome.

    ``tenant_id`` has no foreign key: a workspace used on its own (no deployment) records
    its flows under the tenant id ``local`` in its own store.
    """

    __tablename__ = "cancel_flows"
    __table_args__ = (Index("ix_cancel_flows_tenant_started", "tenant_id", "started_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    plan: Mapped[str | None] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(200))
    segments: Mapped[list[str]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    mrr_before: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(String(64))
    free_text: Mapped[str | None] = mapped_column(Text)
    control: Mapped[bool | None] = mapped_column(Boolean)
    offers: Mapped[list[str] | None] = mapped_column(JSON)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    accepted_offer: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(16))
    mrr_after: Mapped[float | None] = mapped_column(Float)
    mrr_effect: Mapped[float | None] = mapped_column(Float)
    discount_cost: Mapped[float | None] = mapped_column(Float)


class OutboxRow(Base):
    """An outgoing webhook waiting, sent or dead-lettered (``tenure.act.outbox``)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(255))
    destination: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
