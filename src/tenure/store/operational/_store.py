"""``OperationalStore``: tenants, API keys, processed Stripe events.

Dashboard users and sessions are in ``_users.py``, the inbound event log in
``_inbound.py``, mixed in.

Every SQLAlchemy or psycopg error is converted to :class:`~tenure.errors.StoreError`
here, at the store's edge; a missing or foreign id is a
:class:`~tenure.errors.NotFoundError`. Keys are stored as the SHA-256 of the key: a key
is 32 random bytes, so a plain hash is as good as a slow one and allows a lookup by hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tenure.clock import Clock, SystemClock
from tenure.errors import MissingDependencyError, NotFoundError, StoreError
from tenure.store.operational._inbound import InboundMixin, RawJson
from tenure.store.operational._journeys import JourneysMixin
from tenure.store.operational._tables import ApiKeyRow, StripeEventRow, TenantRow
from tenure.store.operational._unit import UnitMixin, current_unit
from tenure.store.operational._users import UsersMixin

KeyKind = Literal["publishable", "secret"]
Scope = Literal["read", "write", "admin"]
KEY_PREFIXES: dict[str, str] = {"publishable": "tn_pk_", "secret": "tn_sk_"}
_TOUCH_EVERY = dt.timedelta(seconds=60)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; they were written as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _utc_at(value: dt.datetime) -> dt.datetime:
    """A stored (non-null) time as an aware UTC datetime."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def hash_key(key: str) -> str:
    """The stored form of an API key: its SHA-256 as hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def sqlalchemy_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs use psycopg 3; others are kept."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


@dataclass(frozen=True)
class Tenant:
    """A tenant of the deployment and the folder of its Tenure workspace."""

    id: str
    slug: str
    name: str
    folder: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ApiKey:
    """An API key as stored: never the key itself."""

    id: str
    tenant_id: str
    kind: KeyKind
    scope: Scope
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None

    def allows(self, scope: Scope) -> bool:
        """Whether this secret key may act with ``scope`` (admin may do everything).

        Publishable keys carry no scope: they may only send events
        (:meth:`may_send_events`).
        """
        if self.revoked_at is not None or self.kind != "secret":
            return False
        return self.scope == "admin" or self.scope == scope

    def may_send_events(self) -> bool:
        """Publishable keys, and secret keys with ``write`` or ``admin``, may send events."""
        if self.revoked_at is not None:
            return False
        return self.kind == "publishable" or self.allows("write")


@dataclass(frozen=True)
class NewKey:
    """A key just created: ``secret`` is the only time the plain key is available."""

    key: ApiKey
    secret: str


def _json_serializer(value: Any) -> str:
    return value if isinstance(value, RawJson) else json.dumps(value)


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(row.id, row.slug, row.name, row.folder, _utc_at(row.created_at))


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=row.kind,  # type: ignore[arg-type]
        scope=row.scope,  # type: ignore[arg-type]
        prefix=row.prefix,
        created_at=_utc_at(row.created_at),
        revoked_at=_utc(row.revoked_at),
        last_used_at=_utc(row.last_used_at),
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA synchronous=FULL")  # a commit survives a crash of the machine
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class OperationalStore(UsersMixin, JourneysMixin, InboundMixin, UnitMixin):
    """The operational store on SQLite (a file) or PostgreSQL, by SQLAlchemy URL.

    Parameters
    ----------
    url
        ``sqlite:////abs/path.sqlite`` or ``postgresql+psycopg://user@host/db``
        (``postgres://`` is accepted).
    """

    def __init__(self, url: str, *, clock: Clock | None = None) -> None:
        self.url = sqlalchemy_url(url)
        self.clock: Clock = clock or SystemClock()
        try:
            # a ping before each checkout finds dropped server connections; a SQLite
            # file has none, and the ping is a round trip on every request's key lookup
            remote = not self.url.startswith("sqlite")
            self.engine: Engine = create_engine(
                self.url, pool_pre_ping=remote, json_serializer=_json_serializer
            )
        except ImportError as exc:
            raise MissingDependencyError(
                f"the operational store URL {url!r} needs a driver that is not installed; "
                "for PostgreSQL install it with pip install 'tenure[postgres]'"
            ) from exc
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(
                f"cannot open the operational store {url!r}: {exc}. Check [store] url "
                "(a SQLAlchemy URL such as 'sqlite:///tenure.sqlite' or "
                "'postgresql+psycopg://user@host/db')"
            ) from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> OperationalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, action: str) -> Iterator[Session]:
        unit = current_unit(self)
        if unit is not None:  # the worker's open unit of work (_unit.py): join it
            with unit.joined(action) as session:
                yield session
            return
        try:
            with self._sessions.begin() as session:
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"the operational store failed to {action}: {exc}") from exc

    @contextmanager
    def _connection(self, action: str) -> Iterator[Connection]:
        """A connection in one transaction, for Core statements on hot paths."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise StoreError(f"the operational store failed to {action}: {exc}") from exc

    # -- schema ------------------------------------------------------------------------------

    def upgrade(self) -> str:
        """Bring the tables to the newest migration (safe to repeat); returns the revision."""
        from tenure.store.operational._migrate import upgrade

        return upgrade(self.engine)

    def check_schema(self) -> None:
        """Raise :class:`StoreError` unless the tables are at the newest migration."""
        from tenure.store.operational._migrate import current_revision, head_revision

        current, head = current_revision(self.engine), head_revision()
        if current != head:
            raise StoreError(
                f"the operational store is at revision {current or 'none'}, not {head}; run "
                "'tenure db upgrade -w DEPLOYMENT_FOLDER' first"
            )

    # -- tenants -----------------------------------------------------------------------------

    def create_tenant(self, *, slug: str, name: str, folder: str) -> Tenant:
        """Add a tenant; the slug must be new."""
        row = TenantRow(
            id="ten_" + secrets.token_hex(8),
            slug=slug,
            name=name,
            folder=folder,
            created_at=self.clock.now(),
        )
        try:
            with self._session("create a tenant") as session:
                session.add(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise StoreError(
                    f"a tenant with the slug {slug!r} exists already; pick another slug"
                ) from exc.__cause__
            raise
        return _tenant(row)

    def tenants(self) -> list[Tenant]:
        """Every tenant, by slug."""
        with self._session("list tenants") as session:
            rows = session.scalars(select(TenantRow).order_by(TenantRow.slug)).all()
            return [_tenant(r) for r in rows]

    def tenant(self, slug: str) -> Tenant:
        """The tenant with this slug."""
        with self._session("read a tenant") as session:
            row = session.scalars(select(TenantRow).where(TenantRow.slug == slug)).first()
            if row is None:
                raise NotFoundError(
                    f"there is no tenant {slug!r}; 'tenure tenants list' shows the tenants"
                )
            return _tenant(row)

    def tenant_by_id(self, tenant_id: str) -> Tenant:
        """The tenant with this id."""
        with self._session("read a tenant") as session:
            row = session.get(TenantRow, tenant_id)
            if row is None:
                raise NotFoundError(f"there is no tenant with the id {tenant_id!r}")
            return _tenant(row)

    # -- keys --------------------------------------------------------------------------------

    def create_key(self, tenant_id: str, *, kind: KeyKind, scope: Scope) -> NewKey:
        """Make a key for a tenant. The plain key is returned once and never stored."""
        if kind not in KEY_PREFIXES:
            raise StoreError(f"a key's kind must be publishable or secret. Got {kind!r}")
        if scope not in ("read", "write", "admin"):
            raise StoreError(f"a key's scope must be read, write or admin. Got {scope!r}")
        if kind == "publishable":
            scope = "write"
        plain = KEY_PREFIXES[kind] + secrets.token_urlsafe(32)
        row = ApiKeyRow(
            id="key_" + secrets.token_hex(8),
            tenant_id=tenant_id,
            kind=kind,
            scope=scope,
            prefix=plain[:12],
            key_hash=hash_key(plain),
            created_at=self.clock.now(),
        )
        with self._session("create a key") as session:
            if session.get(TenantRow, tenant_id) is None:
                raise NotFoundError(f"there is no tenant with the id {tenant_id!r}")
            session.add(row)
        return NewKey(_key(row), plain)

    def keys(self, tenant_id: str) -> list[ApiKey]:
        """A tenant's keys, revoked ones included, oldest first."""
        with self._session("list keys") as session:
            rows = session.scalars(
                select(ApiKeyRow)
                .where(ApiKeyRow.tenant_id == tenant_id)
                .order_by(ApiKeyRow.created_at, ApiKeyRow.id)
            ).all()
            return [_key(r) for r in rows]

    def revoke_key(self, key_id: str, *, tenant_id: str | None = None) -> ApiKey:
        """Revoke a key (idempotent). With ``tenant_id``, another tenant's key is not found."""
        with self._session("revoke a key") as session:
            row = session.get(ApiKeyRow, key_id)
            if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
                raise NotFoundError(f"there is no API key {key_id!r}")
            if row.revoked_at is None:
                row.revoked_at = self.clock.now()
            return _key(row)

    def authenticate(self, plain: str) -> ApiKey | None:
        """The key whose hash matches, or None (revoked keys are returned: check them)."""
        digest = hash_key(plain)
        now = self.clock.now()
        with self._session("check an API key") as session:
            row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest)).first()
            if row is None:
                return None
            last = _utc(row.last_used_at)
            if last is None or now - last > _TOUCH_EVERY:
                row.last_used_at = now  # written at most once a minute per key
            return _key(row)

    # -- Stripe ------------------------------------------------------------------------------

    def record_stripe_event(self, tenant_id: str, event_id: str) -> bool:
        """Remember a processed Stripe event; False when it was processed before."""
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(StripeEventRow)
            .values(tenant_id=tenant_id, event_id=event_id, received_at=self.clock.now())
            .on_conflict_do_nothing(index_elements=["tenant_id", "event_id"])
            .returning(StripeEventRow.id)
        )
        with self._session("record a Stripe event") as session:
            return session.execute(statement).first() is not None

    def stripe_event_seen(self, tenant_id: str, event_id: str) -> bool:
        """Whether :meth:`record_stripe_event` stored this event id for the tenant."""
        with self._session("read a Stripe event") as session:
            found = session.scalar(
                select(StripeEventRow.id).where(
                    StripeEventRow.tenant_id == tenant_id, StripeEventRow.event_id == event_id
                )
            )
            return found is not None

    def set_stripe_secret(self, tenant_id: str, secret: str | None) -> None:
        """Store (or with None, remove) the tenant's Stripe webhook endpoint secret."""
        with self._session("store the Stripe webhook secret") as session:
            row = session.get(TenantRow, tenant_id)
            if row is None:
                raise NotFoundError(f"there is no tenant with the id {tenant_id!r}")
            row.stripe_webhook_secret = secret

    def stripe_endpoint(self, slug: str) -> tuple[Tenant, str | None]:
        """The tenant with this slug and its Stripe webhook secret (None when not set)."""
        with self._session("read a tenant") as session:
            row = session.scalars(select(TenantRow).where(TenantRow.slug == slug)).first()
            if row is None:
                raise NotFoundError(f"there is no tenant {slug!r}")
            return _tenant(row), row.stripe_webhook_secret
