"""Card payments: decline codes, Smart-Retries-like dunning and Stripe ``charge`` objects.

An invoice is charged when it is finalised and retried 3, 8 and 15 days later. The
first attempt fails with the customer's latent failure probability, or with
``expired_card`` when the card has lapsed and the card updater did not refresh it.
Retries succeed with a probability that depends on the decline code; lost, stolen,
expired and blocked cards only succeed after the customer enters a new card.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from tenure.demo._calendar import DAY, HOUR
from tenure.demo._ids import IdFactory
from tenure.demo._state import Card, CustomerState, InvoiceState

__all__ = ["RETRY_OFFSETS", "Attempt", "Decline", "charge_object", "draw_decline", "run_attempts"]

JSON = dict[str, Any]

RETRY_OFFSETS = (0, 3 * DAY, 8 * DAY, 15 * DAY)


@dataclass(frozen=True)
class Decline:
    """How a decline looks on the charge, and how likely a retry is to succeed."""

    reason: str
    failure_code: str
    message: str
    outcome_type: str
    network_status: str
    network_decline_code: str | None
    advice_code: str | None
    retry_success: float
    needs_new_card: bool


_DECLINES: tuple[tuple[float, Decline], ...] = (
    (
        0.36,
        Decline(
            "insufficient_funds",
            "card_declined",
            "Your card has insufficient funds.",
            "issuer_declined",
            "declined_by_network",
            "51",
            "try_again_later",
            0.4,
            False,
        ),
    ),
    (
        0.22,
        Decline(
            "generic_decline",
            "card_declined",
            "Your card was declined.",
            "issuer_declined",
            "declined_by_network",
            "05",
            None,
            0.3,
            False,
        ),
    ),
    (
        0.10,
        Decline(
            "do_not_honor",
            "card_declined",
            "Your card was declined.",
            "issuer_declined",
            "declined_by_network",
            "05",
            None,
            0.25,
            False,
        ),
    ),
    (
        0.05,
        Decline(
            "try_again_later",
            "card_declined",
            "Your card was declined.",
            "issuer_declined",
            "declined_by_network",
            "19",
            "try_again_later",
            0.6,
            False,
        ),
    ),
    (
        0.06,
        Decline(
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
            "issuer_declined",
            "declined_by_network",
            "96",
            "try_again_later",
            0.85,
            False,
        ),
    ),
    (
        0.04,
        Decline(
            "card_velocity_exceeded",
            "card_declined",
            "Your card was declined for making repeated attempts too frequently or "
            "exceeding its amount limit.",
            "issuer_declined",
            "declined_by_network",
            "61",
            "try_again_later",
            0.4,
            False,
        ),
    ),
    (
        0.04,
        Decline(
            "lost_card",
            "card_declined",
            "Your card was declined.",
            "issuer_declined",
            "declined_by_network",
            "41",
            "do_not_try_again",
            0.0,
            True,
        ),
    ),
    (
        0.01,
        Decline(
            "stolen_card",
            "card_declined",
            "Your card was declined.",
            "issuer_declined",
            "declined_by_network",
            "43",
            "do_not_try_again",
            0.0,
            True,
        ),
    ),
    (
        0.03,
        Decline(
            "authentication_required",
            "authentication_required",
            "Your card was declined. This transaction requires authentication.",
            "issuer_declined",
            "declined_by_network",
            "1A",
            "confirm_card_data",
            0.35,
            False,
        ),
    ),
    (
        0.02,
        Decline(
            "highest_risk_level",
            "card_declined",
            "Your card was declined.",
            "blocked",
            "not_sent_to_network",
            None,
            None,
            0.0,
            True,
        ),
    ),
)
_DECLINE_WEIGHTS = tuple(w for w, _ in _DECLINES)
EXPIRED = Decline(
    "expired_card",
    "expired_card",
    "Your card has expired.",
    "issuer_declined",
    "declined_by_network",
    "54",
    "confirm_card_data",
    0.0,
    True,
)


def draw_decline(rnd: random.Random) -> Decline:
    """Draw a decline (other than an expired card) with realistic frequencies."""
    return rnd.choices(_DECLINES, weights=_DECLINE_WEIGHTS)[0][1]


@dataclass(frozen=True)
class Attempt:
    """One charge attempt on an invoice."""

    at: int
    decline: Decline | None
    card: Card


def run_attempts(
    inv: InvoiceState,
    customer: CustomerState,
    rnd: random.Random,
    *,
    ids: IdFactory,
    failure_prob: float,
    end_ts: int,
) -> list[Attempt]:
    """Decide every attempt to collect ``inv`` before ``end_ts``.

    The customer's card may be replaced along the way (card updater, or the customer
    entering a new one after a hard decline); ``customer.card`` ends as the card in use.
    """
    start = inv.finalized_at if inv.finalized_at is not None else inv.created
    attempts: list[Attempt] = []
    sticky: Decline | None = None
    for k, offset in enumerate(RETRY_OFFSETS):
        at = start + offset + (rnd.randrange(0, 6 * HOUR) if k else 0)
        if at >= end_ts:
            break
        card = customer.card
        if at >= card.expires_ts and k == 0 and rnd.random() < 0.55:
            customer.card = card = _renewed(card, ids, rnd, at, keep_last4=True)
        if sticky is not None and sticky.needs_new_card and rnd.random() < 0.35:
            customer.card = card = _renewed(card, ids, rnd, at, keep_last4=False)
            sticky = None
        if at >= card.expires_ts:
            decline: Decline | None = EXPIRED
        elif k == 0:
            decline = draw_decline(rnd) if rnd.random() < failure_prob else None
        elif sticky is None:
            decline = None
        else:
            if rnd.random() < sticky.retry_success:
                decline = None
            else:
                decline = sticky if rnd.random() < 0.8 else _DECLINES[1][1]
        attempts.append(Attempt(at, decline, card))
        if decline is None:
            break
        sticky = decline
    return attempts


def _renewed(card: Card, ids: IdFactory, rnd: random.Random, at: int, *, keep_last4: bool) -> Card:
    year = dt.datetime.fromtimestamp(at, tz=dt.UTC).year
    return Card(
        id=ids.long("pm"),
        brand=card.brand,
        funding=card.funding,
        last4=card.last4 if keep_last4 else f"{rnd.randrange(10_000):04d}",
        exp_month=rnd.randint(1, 12),
        exp_year=year + rnd.randint(2, 5),
        fingerprint=card.fingerprint if keep_last4 else ids.hex(16),
        country=card.country,
    )


def charge_object(charge_id: str, attempt: Attempt, inv: InvoiceState, *, refunded: bool) -> JSON:
    """Return the Stripe ``charge`` object of ``attempt`` on ``inv``."""
    d = attempt.decline
    ok = d is None
    amount = inv.amount_due
    card = attempt.card
    if ok:
        outcome: JSON = {
            "advice_code": None,
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "approved_by_network",
            "reason": None,
            "risk_level": "normal",
            "risk_score": 12,
            "seller_message": "Payment complete.",
            "type": "authorized",
        }
    else:
        assert d is not None
        blocked = d.outcome_type == "blocked"
        outcome = {
            "advice_code": d.advice_code,
            "network_advice_code": None,
            "network_decline_code": d.network_decline_code,
            "network_status": d.network_status,
            "reason": d.reason,
            "risk_level": "highest" if blocked else "normal",
            "risk_score": 91 if blocked else 23,
            "seller_message": "Stripe blocked this payment as too risky."
            if blocked
            else f"The bank returned the decline code `{d.reason}`.",
            "type": d.outcome_type,
        }
    customer = inv.customer
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount if ok else 0,
        "amount_refunded": amount if refunded else 0,
        "application": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": {
            "address": {
                "city": None,
                "country": customer.country,
                "line1": None,
                "line2": None,
                "postal_code": None,
                "state": None,
            },
            "email": customer.email,
            "name": customer.name,
            "phone": None,
        },
        "calculated_statement_descriptor": "TENURE DEMO",
        "captured": ok,
        "created": attempt.at,
        "currency": customer.currency,
        "customer": customer.id,
        "description": "Subscription update"
        if inv.billing_reason == "subscription_update"
        else "Subscription creation"
        if inv.billing_reason == "subscription_create"
        else None,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None if ok else d.failure_code if d else None,
        "failure_message": None if ok else d.message if d else None,
        "fraud_details": {},
        "invoice": inv.id,
        "livemode": False,
        "metadata": {},
        "outcome": outcome,
        "paid": ok,
        "payment_intent": inv.payment_intent,
        "payment_method": card.id,
        "payment_method_details": {
            "card": {
                "brand": card.brand,
                "checks": {
                    "address_line1_check": None,
                    "address_postal_code_check": None,
                    "cvc_check": None,
                },
                "country": card.country,
                "exp_month": card.exp_month,
                "exp_year": card.exp_year,
                "fingerprint": card.fingerprint,
                "funding": card.funding,
                "last4": card.last4,
                "network": card.brand,
                "three_d_secure": None,
                "wallet": None,
            },
            "type": "card",
        },
        "receipt_email": customer.email if ok else None,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": refunded,
        "refunds": {
            "object": "list",
            "data": [],
            "has_more": False,
            "total_count": 0,
            "url": f"/v1/charges/{charge_id}/refunds",
        },
        "review": None,
        "status": "succeeded" if ok else "failed",
    }
