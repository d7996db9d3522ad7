"""The deployment's part of cancel flows: hosted-page tokens and the webhook runner.

A hosted cancel page is opened with a short-lived token that the product's backend gets
with its secret API key (``POST /v1/cancel-flows/token``)::

    v1.<base64url(tenant id)>.<base64url(customer id)>.<expiry, unix s>.<hex HMAC-SHA256>

The HMAC is over the four parts before it, joined by dots, keyed with the tenant's own
secret (32 random bytes, made on first use and kept in ``tenants.cancel_token_secret``).
A token names one tenant and one customer and expires after ``[offers] token_minutes``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Table, select, update
from sqlalchemy.exc import SQLAlchemyError

from tenure.act.outbox import OUTBOX, DeliveryReport, deliver_due
from tenure.act.stripe_outbox import deliver_stripe_due
from tenure.errors import SignatureError, StoreError
from tenure.store.operational import OperationalStore, Tenant
from tenure.store.operational._tables import TenantRow

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager

    from tenure.clock import Clock
    from tenure.workspace import Workspace

__all__ = ["CancelToken", "DeploymentCancelMixin"]

_TENANTS: Table = TenantRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class CancelToken:
    """A hosted cancel page's token, the customer it is for and when it expires."""

    token: str
    customer_id: str
    expires_at: dt.datetime


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(part: str) -> str:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


def _mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


_INVALID = (
    "the cancel page's link is not valid; ask the product for a new one "
    "(its backend gets one from POST /v1/cancel-flows/token)"
)


class DeploymentCancelMixin:
    """Cancel-flow methods of :class:`~tenure.workspace.Deployment`."""

    if TYPE_CHECKING:
        store: OperationalStore

        @property
        def clock(self) -> Clock: ...

        def workspace(self, tenant: Tenant) -> AbstractContextManager[Workspace]: ...

        def tenants(self) -> list[Tenant]: ...

    def _token_secret(self, tenant_id: str, *, create: bool) -> str | None:
        t = _TENANTS
        try:
            with self.store.engine.begin() as con:
                secret: str | None = con.execute(
                    select(t.c.cancel_token_secret).where(t.c.id == tenant_id)
                ).scalar()
                if secret is None and create:
                    made = secrets.token_hex(32)
                    con.execute(
                        update(t)
                        .where(t.c.id == tenant_id, t.c.cancel_token_secret.is_(None))
                        .values(cancel_token_secret=made)
                    )
                    secret = con.execute(
                        select(t.c.cancel_token_secret).where(t.c.id == tenant_id)
                    ).scalar()
                return secret
        except SQLAlchemyError as exc:
            raise StoreError(f"the operational store failed to read a token secret: {exc}") from exc

    def cancel_token(self, tenant: Tenant, customer_id: str) -> CancelToken:
        """A signed token that opens the hosted cancel page for ``customer_id``.

        The customer must exist in the tenant's warehouse. It expires after the tenant's
        ``[offers] token_minutes``.
        """
        with self.workspace(tenant) as ws:
            ws.customer_profile(customer_id, timeline=0)  # NotFoundError for an unknown id
            minutes = ws.settings.offers.token_minutes
        expires = self.clock.now() + dt.timedelta(minutes=minutes)
        secret = self._token_secret(tenant.id, create=True)
        assert secret is not None
        message = f"v1.{_b64(tenant.id)}.{_b64(customer_id)}.{int(expires.timestamp())}"
        token = f"{message}.{_mac(secret, message)}"
        return CancelToken(token, customer_id, expires.replace(microsecond=0))

    def verify_cancel_token(self, token: str) -> tuple[Tenant, str]:
        """The tenant and customer a hosted-page token is for.

        Raises
        ------
        SignatureError
            When the token is malformed, forged, of an unknown tenant or expired.
        """
        parts = token.split(".")
        if len(parts) != 5 or parts[0] != "v1":
            raise SignatureError(_INVALID)
        try:
            tenant_id, customer_id = _unb64(parts[1]), _unb64(parts[2])
            expires = int(parts[3])
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise SignatureError(_INVALID) from None
        secret = self._token_secret(tenant_id, create=False)
        message = ".".join(parts[:4])
        if secret is None or not hmac.compare_digest(parts[4], _mac(secret, message)):
            raise SignatureError(_INVALID)
        if self.clock.now().timestamp() > expires:
            raise SignatureError(
                "the cancel page's link has expired; open it again from the product "
                "(a link is valid for [offers] token_minutes)"
            )
        return self.store.tenant_by_id(tenant_id), customer_id

    def deliver_webhooks(self, *, limit: int = 100) -> DeliveryReport:
        """Post every tenant's due outbox webhooks, each with its own ``[webhooks]``.

        A tenant with ``[stripe] api_key`` also gets its accepted offers' Stripe calls
        made (:func:`tenure.act.stripe_outbox.deliver_stripe_due`).

        A tenant's workspace lock is held only to read its settings, not while posting.
        A tenant without ``[webhooks] secret`` is passed over (its rows wait, and its
        cancel-flow report says why), so one tenant's settings cannot stop the others'.
        """
        import httpx

        now = self.clock.now()
        t = OUTBOX
        try:
            with self.store.engine.connect() as con:
                due = set(
                    con.execute(
                        select(t.c.tenant_id)
                        .where(t.c.status == "pending", t.c.next_attempt_at <= now)
                        .distinct()
                    ).scalars()
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"the outbox could not be read: {exc}") from exc
        report = DeliveryReport()
        for tenant in self._tenants_by_id(due):
            with self.workspace(tenant) as ws:
                hooks, stripe = ws.settings.webhooks, ws.settings.stripe
            if stripe.api_key:  # accepted offers applied in Stripe (kind "stripe")
                from tenure.act.stripe_billing import StripeBilling

                report += deliver_stripe_due(
                    self.store.engine, StripeBilling(stripe), hooks, now, limit, tenant_id=tenant.id
                )
            if not hooks.secret:
                continue
            with httpx.Client(timeout=hooks.timeout_seconds) as client:
                report += deliver_due(
                    self.store.engine, client, hooks, now, limit, tenant_id=tenant.id
                )
        return report

    def _tenants_by_id(self, ids: set[str]) -> Iterator[Tenant]:
        for tenant in self.tenants():
            if tenant.id in ids:
                yield tenant
