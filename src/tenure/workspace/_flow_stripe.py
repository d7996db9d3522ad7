"""Accepted cancel-flow offers applied in Stripe through the outbox.

Mixed into :class:`tenure.Workspace` (docs/cancel-flow.md, "Stripe through the outbox").
With ``[stripe] api_key`` set, :meth:`FlowStripeMixin._enqueue_stripe` adds a row of kind
``stripe`` (key ``tenure-stripe-<flow id>``) in the accepting transaction, next to the
``offer.accepted`` webhook; :meth:`FlowStripeMixin.deliver_stripe_offers` (and the
deployment's sender) make its calls with :func:`tenure.act.stripe_outbox.deliver_stripe_due`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from tenure.act.outbox import STRIPE_KIND, DeliveryReport, enqueue
from tenure.act.stripe_outbox import deliver_stripe_due, stripe_body, stripe_key
from tenure.errors import NotFoundError

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from tenure.clock import Clock
    from tenure.config import Offer, Settings
    from tenure.store.operational import OperationalStore

__all__ = ["FlowStripeMixin"]

_NO_CALL = frozenset({"concierge", "help"})


class FlowStripeMixin:
    """The Stripe side of accepting an offer: queue the calls, make them."""

    settings: Settings
    clock: Clock
    _tenant_id: str

    if TYPE_CHECKING:

        @property
        def operational(self) -> OperationalStore: ...

        def live_subscription(self, customer_id: str) -> str: ...

    def _enqueue_stripe(self, con: Connection, row: Any, offer: Offer, now: dt.datetime) -> bool:
        """Queue the offer's Stripe calls in the caller's transaction; False if not queued.

        Nothing is queued without ``[stripe] api_key`` or for an offer that needs no call
        (concierge, help). A customer without a live subscription is still queued: the row
        goes ``dead`` at its first attempt, saying so.
        """
        stripe = self.settings.stripe
        if not stripe.api_key or offer.kind in _NO_CALL:
            return False
        try:
            subscription: str | None = self.live_subscription(row.customer_id)
        except NotFoundError:
            subscription = None
        key = stripe_key(row.id)
        body = stripe_body(
            flow_id=row.id,
            customer_id=row.customer_id,
            subscription_id=subscription,
            offer=offer,
            accepted_at=now,
        )
        return enqueue(
            con,
            tenant_id=self._tenant_id,
            kind=STRIPE_KIND,
            key=key,
            destination=stripe.api_base or "https://api.stripe.com",
            body=body,
            now=now,
        )

    def deliver_stripe_offers(self, *, limit: int = 100) -> DeliveryReport:
        """Make the Stripe calls of this tenant's due accepted offers now; what happened.

        Nothing is due without ``[stripe] api_key`` (nothing is queued then). Retries and
        dead letters follow the outbox's ``[webhooks]`` backoff and ``max_attempts``.
        """
        if not self.settings.stripe.api_key:
            return DeliveryReport()
        from tenure.act.stripe_billing import StripeBilling

        return deliver_stripe_due(
            self.operational.engine,
            StripeBilling(self.settings.stripe),
            self.settings.webhooks,
            self.clock.now(),
            limit,
            tenant_id=self._tenant_id,
        )
