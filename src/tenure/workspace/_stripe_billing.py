"""Apply an accepted cancel-flow offer to the customer's subscription in Stripe.

Mixed into :class:`tenure.Workspace` (docs/offers.md, "Applying an accepted offer in
Stripe"): finds the customer's live subscription in the warehouse and calls
:class:`tenure.act.stripe_billing.StripeBilling` with the offer of the ``[offers]``
catalog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenure.errors import ConfigError, NotFoundError

if TYPE_CHECKING:
    from tenure.act.stripe_billing import StripeAction
    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.store import Warehouse

__all__ = ["LIVE_STATUSES", "StripeBillingMixin"]

LIVE_STATUSES = ("active", "trialing", "past_due", "paused")
"""Statuses of a subscription an offer can still change."""


class StripeBillingMixin:
    settings: Settings
    clock: Clock

    if TYPE_CHECKING:

        @property
        def warehouse(self) -> Warehouse: ...

    def live_subscription(self, customer_id: str) -> str:
        """The id of ``customer_id``'s live subscription (the newest, if several)."""
        subs = self.warehouse.ibis.table("subscriptions")
        live = subs.filter(
            (subs.customer_id == customer_id) & subs.status.isin(LIVE_STATUSES)
        ).order_by(subs.created_at.desc())
        found = live.select("subscription_id").limit(1).to_pyarrow().to_pylist()
        if not found:
            raise NotFoundError(
                f"customer {customer_id!r} has no live subscription ({', '.join(LIVE_STATUSES)}) "
                "in the warehouse; ingest their Stripe subscriptions first"
            )
        return str(found[0]["subscription_id"])

    def apply_offer_in_stripe(self, customer_id: str, offer_name: str) -> StripeAction:
        """Give ``customer_id``'s live subscription the accepted offer ``offer_name``.

        Raises
        ------
        ConfigError
            When the offer is not in ``[offers] catalog``, ``[stripe] api_key`` is not set,
            or a downgrade's plan has no Stripe price.
        NotFoundError
            When the customer has no live subscription in the warehouse.
        DeliveryError
            When Stripe refuses a call.
        """
        from tenure.act.stripe_billing import StripeBilling

        catalog = {o.name: o for o in self.settings.offers.catalog}
        if offer_name not in catalog:
            raise ConfigError(
                f"The 'offer_name' parameter of Workspace.apply_offer_in_stripe must be one of "
                f"{', '.join(sorted(catalog))}. Got {offer_name!r} instead ([offers] catalog)."
            )
        billing = StripeBilling(self.settings.stripe)
        return billing.apply_offer(
            catalog[offer_name], self.live_subscription(customer_id), now=self.clock.now()
        )
