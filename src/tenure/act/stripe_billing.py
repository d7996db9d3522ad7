"""Apply an accepted cancel-flow offer to the customer's Stripe subscription.

:class:`StripeBilling` turns an offer of the ``[offers]`` catalog into the calls of Stripe's
API (docs/offers.md, "Applying an accepted offer in Stripe"), through the official
``stripe`` library:

========== =====================================================================================
kind       calls
========== =====================================================================================
pause      ``POST /v1/subscriptions/{id}``: ``pause_collection[behavior]=void``,
           ``pause_collection[resumes_at]`` = now + ``months``
discount   ``GET /v1/coupons/{prefix+name}``, ``POST /v1/coupons`` when it does not exist
           (``percent_off``, ``duration=repeating``, ``duration_in_months``), then
           ``POST /v1/subscriptions/{id}`` with ``discounts[0][coupon]``
free_month the same with a 100 % coupon for 1 month
downgrade  ``GET /v1/subscriptions/{id}``, then ``POST /v1/subscription_items/{item}`` with
           ``price`` and ``proration_behavior``
concierge, no call: people act on these
help
========== =====================================================================================

and :meth:`StripeBilling.cancel_at_period_end` for a customer who leaves anyway. Every
``POST`` carries an idempotency key made of the subscription, the offer and the day, so a
retry on the same day (by the library, or by the caller) is applied once. Stripe's errors
become :class:`~tenure.errors.DeliveryError` (with the cause kept).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenure.errors import ConfigError, DeliveryError

if TYPE_CHECKING:
    from tenure.config import Offer, StripeSettings

__all__ = ["StripeAction", "StripeBilling", "add_months"]

_NO_CALL = frozenset({"concierge", "help"})


@dataclass(frozen=True)
class StripeAction:
    """What was done in Stripe for one offer: its calls as ``"METHOD /path"``, in order."""

    offer: str
    kind: str
    subscription_id: str
    calls: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "offer": self.offer,
            "kind": self.kind,
            "subscription_id": self.subscription_id,
            "calls": list(self.calls),
        }


def add_months(when: dt.datetime, months: int) -> dt.datetime:
    """``when`` plus ``months`` calendar months (the day clipped to the month's end).

    >>> add_months(dt.datetime(2026, 1, 31, tzinfo=dt.UTC), 1).date()
    datetime.date(2026, 2, 28)
    """
    index = when.year * 12 + when.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return when.replace(year=year, month=month, day=min(when.day, days))


class StripeBilling:
    """Stripe calls for accepted offers, on the account of ``settings.api_key``.

    Parameters
    ----------
    settings
        ``[stripe]``: the key, the API address, plan → price ids, proration and the
        prefix of the coupons Tenure creates.
    """

    def __init__(self, settings: StripeSettings) -> None:
        if not settings.api_key:
            raise ConfigError(
                "[stripe] api_key is not set; set TENURE_STRIPE__API_KEY to a secret key "
                "(sk_live_... or sk_test_...) to apply accepted offers in Stripe"
            )
        import stripe

        bases: Any = {"api": settings.api_base} if settings.api_base else None
        self.settings = settings
        self._client = stripe.StripeClient(
            settings.api_key,
            base_addresses=bases,
            max_network_retries=settings.max_network_retries,
        )

    def apply_offer(
        self,
        offer: Offer,
        subscription_id: str,
        *,
        now: dt.datetime,
        idempotency_key: str | None = None,
    ) -> StripeAction:
        """Make the Stripe calls that give ``subscription_id`` the accepted ``offer``.

        ``now`` (from the workspace's clock) sets a pause's end and, without
        ``idempotency_key``, the idempotency keys (subscription, offer, day). With
        ``idempotency_key`` (e.g. an outbox row's key) each call's key is that key plus
        the step, so a retry on any later day is applied once too.
        """
        day = now.date().isoformat()
        prefix = idempotency_key or f"tenure-{subscription_id}-{offer.name}-{day}"
        calls: list[str] = []

        def key(step: str) -> Any:  # stripe's RequestOptions
            return {"idempotency_key": f"{prefix}-{step}"}

        with _delivery(f"applying the offer {offer.name!r} to {subscription_id}"):
            if offer.kind == "pause":
                resumes = add_months(now, offer.months)
                self._client.v1.subscriptions.update(
                    subscription_id,
                    {
                        "pause_collection": {
                            "behavior": "void",
                            "resumes_at": int(resumes.timestamp()),
                        }
                    },
                    key("pause"),
                )
                calls.append(f"POST /v1/subscriptions/{subscription_id}")
            elif offer.kind in ("discount", "free_month"):
                percent, months = (
                    (offer.percent, offer.months) if offer.kind == "discount" else (100.0, 1)
                )
                coupon = self._coupon(offer.name, percent, months, key, calls)
                self._client.v1.subscriptions.update(
                    subscription_id, {"discounts": [{"coupon": coupon}]}, key("discount")
                )
                calls.append(f"POST /v1/subscriptions/{subscription_id}")
            elif offer.kind == "downgrade":
                price = self._price(offer)
                sub = self._client.v1.subscriptions.retrieve(subscription_id)
                calls.append(f"GET /v1/subscriptions/{subscription_id}")
                items = sub.to_dict()["items"]["data"]
                if len(items) != 1:
                    raise DeliveryError(
                        f"{subscription_id} has {len(items)} items; a downgrade offer changes "
                        "the price of a subscription with exactly one item (change it in "
                        "Stripe's dashboard)"
                    )
                item = items[0]["id"]
                self._client.v1.subscription_items.update(
                    item,
                    {
                        "price": price,
                        "proration_behavior": self.settings.proration_behavior,
                    },
                    key("downgrade"),
                )
                calls.append(f"POST /v1/subscription_items/{item}")
            elif offer.kind not in _NO_CALL:  # pragma: no cover - OfferKind is closed
                raise ConfigError(f"unknown offer kind {offer.kind!r}")
        return StripeAction(offer.name, offer.kind, subscription_id, tuple(calls))

    def cancel_at_period_end(self, subscription_id: str, *, now: dt.datetime) -> StripeAction:
        """Schedule ``subscription_id`` to end with its current period."""
        day = now.date().isoformat()
        with _delivery(f"cancelling {subscription_id} at the period end"):
            self._client.v1.subscriptions.update(
                subscription_id,
                {"cancel_at_period_end": True},
                {"idempotency_key": f"tenure-{subscription_id}-cancel-{day}"},
            )
        return StripeAction(
            "cancel", "cancel", subscription_id, (f"POST /v1/subscriptions/{subscription_id}",)
        )

    def _coupon(self, name: str, percent: float, months: int, key: Any, calls: list[str]) -> str:
        """The id of the offer's coupon: reused when it exists, created when not."""
        import stripe

        coupon_id = f"{self.settings.coupon_prefix}{name}"
        try:
            found = self._client.v1.coupons.retrieve(coupon_id).to_dict()
            calls.append(f"GET /v1/coupons/{coupon_id}")
            if found.get("percent_off") != percent or found.get("duration_in_months") != months:
                raise DeliveryError(
                    f"the Stripe coupon {coupon_id} exists with {found.get('percent_off')}% "
                    f"for {found.get('duration_in_months')} months, not {percent:g}% for "
                    f"{months}; rename the offer or delete the coupon in Stripe"
                )
            return coupon_id
        except stripe.InvalidRequestError as exc:
            calls.append(f"GET /v1/coupons/{coupon_id}")
            if exc.http_status != 404:
                raise
        self._client.v1.coupons.create(
            {
                "id": coupon_id,
                "percent_off": percent,
                "duration": "repeating",
                "duration_in_months": months,
                "name": f"Tenure: {name}",
            },
            key("coupon"),
        )
        calls.append("POST /v1/coupons")
        return coupon_id

    def _price(self, offer: Offer) -> str:
        plan = offer.plan
        price = self.settings.prices.get(plan, plan) if plan else None
        if not price or not price.startswith(("price_", "plan_")):
            raise ConfigError(
                f"the downgrade offer {offer.name!r} needs a Stripe price: set its 'plan' to a "
                "price id (price_...) or to a plan name listed in [stripe] prices "
                f"(got plan={plan!r})"
            )
        return price


@contextmanager
def _delivery(what: str) -> Iterator[None]:
    """Turn the stripe library's errors into :class:`DeliveryError`, saying what failed."""
    import stripe

    try:
        yield
    except stripe.StripeError as exc:
        message = getattr(exc, "user_message", None) or str(exc)
        raise DeliveryError(
            f"Stripe refused {what}: {message} (HTTP {exc.http_status}); check the "
            "subscription in Stripe's dashboard and [stripe] in tenure.toml"
        ) from exc
