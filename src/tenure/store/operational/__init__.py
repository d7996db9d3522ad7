"""The operational store: what the service needs to run, on SQLite or PostgreSQL.

Tenants (one Tenure workspace each), API keys (hashed), dashboard users and sessions,
the durable log of inbound events and the Stripe event ids already processed, cancel
flows and the outbox of outgoing webhooks (tables only: ``tenure.act.outbox`` and the
workspace own their logic), with
Alembic migrations shipped in the package (``tenure db upgrade``). See ``docs/api.md``,
``docs/dashboard.md`` and decision 0007.
"""

from __future__ import annotations

from tenure.store.operational._inbound import InboundEvent, PendingLine, RawJson
from tenure.store.operational._journeys import (
    Enrolment,
    InappMessage,
    StepEffect,
    StepRun,
    Task,
)
from tenure.store.operational._store import (
    KEY_PREFIXES,
    ApiKey,
    KeyKind,
    NewKey,
    OperationalStore,
    Scope,
    Tenant,
    hash_key,
    sqlalchemy_url,
)
from tenure.store.operational._tables import CancelFlowRow, OutboxRow
from tenure.store.operational._unit import Unit
from tenure.store.operational._users import (
    NewSession,
    User,
    WebSession,
    hash_password,
    verify_password,
)

__all__ = [
    "KEY_PREFIXES",
    "ApiKey",
    "CancelFlowRow",
    "Enrolment",
    "InappMessage",
    "InboundEvent",
    "KeyKind",
    "NewKey",
    "NewSession",
    "OperationalStore",
    "OutboxRow",
    "PendingLine",
    "RawJson",
    "Scope",
    "StepEffect",
    "StepRun",
    "Task",
    "Tenant",
    "Unit",
    "User",
    "WebSession",
    "hash_key",
    "hash_password",
    "sqlalchemy_url",
    "verify_password",
]
