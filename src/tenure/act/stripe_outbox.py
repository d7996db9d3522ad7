"""Accepted offers applied in Stripe through the outbox, at least once and never twice.

Accepting an offer in a cancel flow writes an outbox row of kind
:data:`~tenure.act.outbox.STRIPE_KIND` in the same transaction as the flow's outcome
(:func:`stripe_body` is its body). :func:`deliver_stripe_due` claims due rows with the
outbox's lease and makes the offer's Stripe calls
(:meth:`tenure.act.stripe_billing.StripeBilling.apply_offer`), with idempotency keys
derived from the row's key, so a retry (after a 5xx, a network error or a worker that
died) is applied once by Stripe. A 5xx, 408, 409, 429 or network error is retried with
the outbox's backoff (``[webhooks] backoff_seconds``, ``max_attempts``); any other refusal
(a 4xx such as an invalid request or a card error, a missing subscription, an offer that
cannot be applied) is ``dead`` at once, with the reason in ``last_error``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from tenure.act.outbox import DeliveryReport, _claim, record_attempt
from tenure.config import Offer
from tenure.errors import ConfigError, DeliveryError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tenure.act.stripe_billing import StripeBilling
    from tenure.config import WebhookSettings

__all__ = ["deliver_stripe_due", "stripe_body", "stripe_key"]

_RETRY = frozenset({408, 409, 429})


def stripe_key(flow_id: str) -> str:
    """The outbox key of a cancel flow's Stripe row (also the idempotency keys' prefix)."""
    return f"tenure-stripe-{flow_id}"


def stripe_body(
    *,
    flow_id: str,
    customer_id: str,
    subscription_id: str | None,
    offer: Offer,
    accepted_at: dt.datetime,
) -> dict[str, Any]:
    """The body of a Stripe outbox row: what to apply, to which subscription, as of when.

    ``accepted_at`` (not the delivery's time) sets a pause's end, so every attempt sends
    Stripe the same parameters under the same idempotency key.
    """
    return {
        "cancel_flow_id": flow_id,
        "customer_id": customer_id,
        "subscription_id": subscription_id,
        "offer": offer.model_dump(mode="json"),
        "accepted_at": accepted_at.isoformat(),
    }


def _attempt(billing: StripeBilling, key: str, body: dict[str, Any]) -> None:
    """Apply one row's offer (a failure raises DeliveryError or ConfigError)."""
    subscription = body.get("subscription_id")
    if not subscription:
        raise DeliveryError(
            f"customer {body.get('customer_id')!r} had no live subscription in the warehouse "
            "when the offer was accepted; apply it in Stripe's dashboard"
        )
    billing.apply_offer(
        Offer(**body["offer"]),
        str(subscription),
        now=dt.datetime.fromisoformat(body["accepted_at"]),
        idempotency_key=key,
    )


def _failure(exc: Exception) -> tuple[bool, int | None]:
    """Whether a failed attempt may succeed later, and Stripe's HTTP status if any."""
    import stripe

    cause = exc.__cause__
    if isinstance(cause, stripe.StripeError):
        status = cause.http_status
        if status is None:  # no answer: a network error or timeout
            return True, None
        return status >= 500 or status in _RETRY, int(status)
    return False, None


def deliver_stripe_due(
    engine: Engine,
    billing: StripeBilling,
    settings: WebhookSettings,
    now: dt.datetime,
    limit: int = 100,
    *,
    tenant_id: str | None = None,
    lease: dt.timedelta | None = None,
) -> DeliveryReport:
    """Apply the accepted offers of the Stripe outbox rows due at ``now``; what happened.

    Parameters
    ----------
    engine
        The operational store's engine.
    billing
        The tenant's Stripe client (``[stripe]``).
    settings
        ``[webhooks]``: the outbox's ``max_attempts``, ``backoff_seconds`` and
        ``backoff_cap_seconds`` (the same rules as webhooks).
    now
        The time (the caller's clock).
    limit
        At most this many rows in this run.
    tenant_id
        Only this tenant's rows (``billing`` is that tenant's account).
    lease
        How long a claimed row is left to this worker; default ``limit × 60 s``.
    """
    lease = lease or dt.timedelta(seconds=limit * 60)
    try:
        claimed = _claim(engine, now, limit, lease, settings.max_attempts, tenant_id, stripe=True)
    except SQLAlchemyError as exc:
        raise StoreError(f"the outbox could not claim due Stripe calls: {exc}") from exc
    report = DeliveryReport()
    for row in claimed:
        ok, retry, error = True, False, None
        status: int | None = 200
        try:
            _attempt(billing, row.event_key, json.loads(row.body))
        except (DeliveryError, ConfigError) as exc:
            ok, error = False, str(exc)
            retry, status = _failure(exc)
        report += record_attempt(
            engine, row, settings, now, ok=ok, retry=retry, status=status, error=error
        )
    return report
