"""The operational store: what the service needs to run, on SQLite or PostgreSQL.

Tenants (one Tenure workspace each), API keys (hashed), the durable log of inbound
events and the Stripe event ids already processed, with Alembic migrations shipped in
the package (``tenure db upgrade``). See ``docs/api.md`` and decision 0007.
"""

from __future__ import annotations

from tenure.store.operational._store import (
    KEY_PREFIXES,
    ApiKey,
    InboundEvent,
    KeyKind,
    NewKey,
    OperationalStore,
    PendingLine,
    RawJson,
    Scope,
    Tenant,
    hash_key,
    sqlalchemy_url,
)

__all__ = [
    "KEY_PREFIXES",
    "ApiKey",
    "InboundEvent",
    "KeyKind",
    "NewKey",
    "OperationalStore",
    "PendingLine",
    "RawJson",
    "Scope",
    "Tenant",
    "hash_key",
    "sqlalchemy_url",
]
