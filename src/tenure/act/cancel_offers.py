"""Acting on a cancel flow's answer: the outcome of an offer, its MRR effect, the webhook.

Pure functions (docs/cancel-flow.md, "Outcomes and their MRR effect"):

- :func:`outcome_of` — the outcome an accepted offer means (a pause: ``paused``; a
  downgrade: ``downgraded``; any other offer: ``saved``).
- :func:`effect` — MRR right after the decision, its change, the revenue the offer gives
  up (``discount_cost``) and the MRR kept once the offer's term ends.
- :func:`billing_action` — what the product's billing should do, as sent in the
  ``offer.accepted`` webhook (:func:`accepted_event`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from tenure.config import Offer

__all__ = [
    "OUTCOMES",
    "SAVED_OUTCOMES",
    "Effect",
    "Outcome",
    "accepted_event",
    "billing_action",
    "effect",
    "outcome_of",
]

Outcome = Literal["saved", "paused", "downgraded", "canceled"]
OUTCOMES: tuple[Outcome, ...] = ("saved", "paused", "downgraded", "canceled")
SAVED_OUTCOMES: tuple[Outcome, ...] = ("saved", "paused", "downgraded")
"""Outcomes that keep the customer: a cancel flow with one of these is a save."""


@dataclass(frozen=True)
class Effect:
    """What an outcome does to a customer's MRR (in the reporting currency).

    ``mrr_after`` is the MRR right after the decision; ``mrr_effect = mrr_after −
    mrr_before``; ``discount_cost`` is the revenue the offer gives up over its term;
    ``mrr_kept`` the MRR once the term ends (0 when canceled).
    """

    mrr_after: float
    mrr_effect: float
    discount_cost: float
    mrr_kept: float


def outcome_of(offer: Offer) -> Outcome:
    """The outcome that accepting ``offer`` means."""
    if offer.kind == "pause":
        return "paused"
    if offer.kind == "downgrade":
        return "downgraded"
    return "saved"


def effect(
    outcome: Outcome, mrr: float, offer: Offer | None = None, *, target_mrr: float | None = None
) -> Effect:
    """The MRR effect of ``outcome`` for a customer paying ``mrr``, with the accepted offer.

    - canceled: MRR after 0, effect −MRR, no cost, nothing kept;
    - saved without an offer (or with concierge or help): nothing changes;
    - pause for n months: MRR after 0 (billing paused), cost MRR × n, MRR kept;
    - discount p% for n months: MRR after MRR × (1 − p/100), cost MRR × p/100 × n, kept;
    - free month(s): MRR after 0 for the month, cost MRR × n, kept;
    - downgrade: MRR after and kept the target plan's MRR (``target_mrr``), no cost.

    >>> from tenure.config import Offer
    >>> effect("saved", 100.0, Offer(name="d", kind="discount", percent=25, months=3))
    Effect(mrr_after=75.0, mrr_effect=-25.0, discount_cost=75.0, mrr_kept=100.0)
    """
    if outcome == "canceled":
        return Effect(0.0, -mrr, 0.0, 0.0)
    if outcome == "downgraded":
        if target_mrr is None:
            raise ValueError("a downgrade needs the target plan's MRR (target_mrr)")
        return Effect(target_mrr, target_mrr - mrr, 0.0, target_mrr)
    if offer is None or offer.kind in ("concierge", "help"):
        return Effect(mrr, 0.0, 0.0, mrr)
    if offer.kind == "discount":
        cut = mrr * offer.percent / 100
        return Effect(mrr - cut, -cut, cut * offer.months, mrr)
    # pause and free_month: nothing billed for the months
    return Effect(0.0, -mrr, mrr * offer.months, mrr)


def billing_action(offer: Offer, *, plan: str | None = None) -> dict[str, Any]:
    """What the product's billing should do for an accepted ``offer`` (``plan``: downgrade's).

    >>> from tenure.config import Offer
    >>> billing_action(Offer(name="pause_3m", kind="pause", months=3))
    {'type': 'pause_collection', 'months': 3}
    """
    if offer.kind == "pause":
        return {"type": "pause_collection", "months": offer.months}
    if offer.kind == "discount":
        return {
            "type": "apply_discount",
            "percent_off": offer.percent,
            "months": offer.months,
            "annual_only": offer.annual_only,
        }
    if offer.kind == "free_month":
        return {"type": "apply_discount", "percent_off": 100.0, "months": offer.months}
    if offer.kind == "downgrade":
        return {"type": "change_plan", "plan": plan or offer.plan}
    if offer.kind == "concierge":
        return {"type": "book_call"}
    return {"type": "send_help", "url": offer.url}


def accepted_event(
    *,
    key: str,
    flow_id: str,
    created: dt.datetime,
    customer_id: str,
    plan: str | None,
    mrr: float,
    currency: str,
    reason: str | None,
    offer: Offer,
    outcome: Outcome,
    result: Effect,
    target_plan: str | None = None,
) -> dict[str, Any]:
    """The ``offer.accepted`` webhook body (documented in docs/cancel-flow.md)."""
    return {
        "id": key,
        "type": "offer.accepted",
        "created": created.isoformat(),
        "cancel_flow_id": flow_id,
        "customer": {"id": customer_id, "plan": plan, "mrr": mrr, "currency": currency},
        "reason": reason,
        "offer": offer.model_dump(mode="json"),
        "billing_action": billing_action(offer, plan=target_plan),
        "outcome": outcome,
        "mrr_after": result.mrr_after,
        "mrr_effect": result.mrr_effect,
        "discount_cost": result.discount_cost,
    }
