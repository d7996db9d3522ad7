"""Dashboard users, their tenants and login sessions (mixed into ``OperationalStore``).

Passwords are hashed with scrypt from the standard library (``hashlib.scrypt``, RFC 7914)
with a random 16-byte salt, stored as ``scrypt$N$r$p$salt$hash`` so the cost can be raised
later without breaking old hashes. A login session is a random 32-byte token sent as a
cookie; only its SHA-256 is stored (like an API key), with the time it expires.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tenure.errors import ConfigError, Location, NotFoundError, StoreError
from tenure.store.operational._tables import MembershipRow, TenantRow, UserRow, WebSessionRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenure.clock import Clock

__all__ = ["NewSession", "User", "UsersMixin", "WebSession", "hash_password", "verify_password"]

# RFC 7914's interactive-login parameters: 16 MiB of memory and ~50 ms per hash
_N, _R, _P = 2**14, 8, 1
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """The stored form of a password: ``scrypt$N$r$p$salt$hash`` (base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` hashes to ``stored`` (a :func:`hash_password` result)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=2**26,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class User:
    """A dashboard user (never the password)."""

    id: str
    email: str
    created_at: dt.datetime


@dataclass(frozen=True)
class WebSession:
    """A live login: the user and when the session ends."""

    id: str
    user: User
    expires_at: dt.datetime


@dataclass(frozen=True)
class NewSession:
    """A session just opened: ``token`` goes into the cookie and is never stored."""

    session: WebSession
    token: str


def _user(row: UserRow) -> User:
    return User(row.id, row.email, _aware(row.created_at))


def check_email(email: str) -> str:
    """``email`` trimmed and lowercased; a :class:`ConfigError` when it is not an address."""
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 320:
        raise ConfigError(
            f"The 'email' of a user must be an e-mail address. Got {email!r} instead.",
            location=Location(field="email"),
        )
    return value


class UsersMixin:
    """Users, memberships and sessions; needs the store's ``clock`` and ``_session``."""

    clock: Clock

    if TYPE_CHECKING:

        def _session(self, action: str) -> AbstractContextManager[Session]: ...

    def create_user(self, email: str, *, password: str) -> User:
        """Add a user; the e-mail must be new and the password at least 10 characters."""
        address = check_email(email)
        if len(password) < MIN_PASSWORD:
            raise ConfigError(
                f"The 'password' of a user must be at least {MIN_PASSWORD} characters. "
                f"Got {len(password)} characters instead.",
                location=Location(field="password"),
            )
        row = UserRow(
            id="usr_" + secrets.token_hex(8),
            email=address,
            password_hash=hash_password(password),
            created_at=self.clock.now(),
        )
        try:
            with self._session("create a user") as session:
                session.add(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise StoreError(
                    f"a user with the e-mail {address!r} exists already; 'tenure users add "
                    f"{address} --tenant SLUG' gives them another tenant"
                ) from exc.__cause__
            raise
        return _user(row)

    def user(self, email: str) -> User:
        """The user with this e-mail (:class:`NotFoundError` if none)."""
        address = email.strip().lower()
        with self._session("read a user") as session:
            row = session.scalars(select(UserRow).where(UserRow.email == address)).first()
            if row is None:
                raise NotFoundError(
                    f"there is no user {address!r}; 'tenure users add EMAIL --tenant SLUG' adds one"
                )
            return _user(row)

    def users(self) -> list[tuple[User, list[str]]]:
        """Every user with the slugs of their tenants, by e-mail."""
        with self._session("list users") as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.email)).all()
            pairs = session.execute(
                select(MembershipRow.user_id, TenantRow.slug)
                .join(TenantRow, TenantRow.id == MembershipRow.tenant_id)
                .order_by(TenantRow.slug)
            ).all()
        slugs: dict[str, list[str]] = {}
        for user_id, slug in pairs:
            slugs.setdefault(user_id, []).append(slug)
        return [(_user(r), slugs.get(r.id, [])) for r in rows]

    def set_password(self, user_id: str, password: str) -> None:
        """Replace a user's password and end their sessions."""
        if len(password) < MIN_PASSWORD:
            raise ConfigError(
                f"The 'password' of a user must be at least {MIN_PASSWORD} characters. "
                f"Got {len(password)} characters instead.",
                location=Location(field="password"),
            )
        with self._session("set a password") as session:
            row = session.get(UserRow, user_id)
            if row is None:
                raise NotFoundError(f"there is no user with the id {user_id!r}")
            row.password_hash = hash_password(password)
            session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))

    def add_membership(self, user_id: str, tenant_id: str) -> bool:
        """Let a user open a tenant's dashboard; False when they could already."""
        with self._session("add a membership") as session:
            if session.get(MembershipRow, (user_id, tenant_id)) is not None:
                return False
            if session.get(UserRow, user_id) is None:
                raise NotFoundError(f"there is no user with the id {user_id!r}")
            if session.get(TenantRow, tenant_id) is None:
                raise NotFoundError(f"there is no tenant with the id {tenant_id!r}")
            session.add(
                MembershipRow(user_id=user_id, tenant_id=tenant_id, created_at=self.clock.now())
            )
            return True

    def user_tenant_ids(self, user_id: str) -> list[str]:
        """The ids of the tenants a user may open."""
        with self._session("read memberships") as session:
            return list(
                session.scalars(
                    select(MembershipRow.tenant_id).where(MembershipRow.user_id == user_id)
                ).all()
            )

    # -- sessions ----------------------------------------------------------------------------

    def login(self, email: str, password: str, *, ttl: dt.timedelta) -> NewSession | None:
        """Open a session for the user when the password is right, else None.

        An unknown e-mail costs the same hash as a known one, so timing does not tell
        which e-mails have users.
        """
        address = email.strip().lower()
        with self._session("read a user") as session:
            row = session.scalars(select(UserRow).where(UserRow.email == address)).first()
            stored = row.password_hash if row is not None else _dummy_hash()
            user = _user(row) if row is not None else None
        if not verify_password(password, stored) or user is None:
            return None
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        new = WebSessionRow(
            id="ses_" + secrets.token_hex(8),
            token_hash=_token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + ttl,
        )
        with self._session("open a session") as session:
            session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
            session.add(new)
        return NewSession(WebSession(new.id, user, new.expires_at), token)

    def web_session(self, token: str) -> WebSession | None:
        """The live session of a cookie's token, or None (unknown or expired)."""
        with self._session("read a session") as session:
            found = session.execute(
                select(WebSessionRow, UserRow)
                .join(UserRow, UserRow.id == WebSessionRow.user_id)
                .where(WebSessionRow.token_hash == _token_hash(token))
            ).first()
            if found is None:
                return None
            row, user = found
            expires = _aware(row.expires_at)
            if expires <= self.clock.now():
                return None
            return WebSession(row.id, _user(user), expires)

    def logout(self, token: str) -> None:
        """End the session of this token (nothing when it is unknown)."""
        with self._session("end a session") as session:
            session.execute(
                delete(WebSessionRow).where(WebSessionRow.token_hash == _token_hash(token))
            )


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, to take as long as a real check."""
    return hash_password(secrets.token_hex(16))
