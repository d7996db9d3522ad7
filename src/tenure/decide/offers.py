"""Cancel-flow offers: which save offers a cancelling customer sees, and why (docs/offers.md).

:func:`decide_offers` applies ``[offers]`` to one cancelling customer:

1. **Control.** A deterministic hash of the customer id puts ``control_share`` of them in
   the control group: no offer, so the lift of offering can be measured.
2. **Rule.** The first rule whose reason matches (or is ``*``) and whose segment, if any,
   the customer is in, gives the candidate offers in order.
3. **Guardrails** on each discount: its percent at most ``max_discount_pct``; no
   discount within ``discount_cooldown_days`` of the last one; and its expected value
   ``uplift × value − P(accept) × cost`` must be positive, where ``value = MRR ×
   value_months``, ``cost = MRR × percent / 100 × months``, ``uplift`` is the customer's
   predicted retention uplift from a discount (``default_uplift`` when no model scored
   them) and ``P(accept)`` their predicted chance of accepting it when offered (1 when
   unknown): a declined offer costs nothing. So a customer who would stay anyway (uplift
   near zero) and would take the discount gets none.
4. At most ``max_offers`` of the survivors are shown.

Every decision keeps the rule, each candidate's numbers and why it was dropped, so it can
be logged and explained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from tenure.config import Offer, OfferRule, OfferSettings

__all__ = ["OfferContext", "OfferDecision", "decide_offers", "in_control"]


@dataclass(frozen=True)
class OfferContext:
    """What the policy knows of a cancelling customer."""

    customer_id: str
    reason: str
    mrr: float
    today: dt.date
    segments: frozenset[str] = frozenset()
    uplift: float | None = None
    last_discount_on: dt.date | None = None
    accept_probability: float | None = None
    """The chance they accept a discount when offered; ``None``: unknown, counted as 1."""


@dataclass(frozen=True)
class OfferDecision:
    """The offers shown (names, best first) and everything behind the choice."""

    customer_id: str
    reason: str
    control: bool
    rule: str | None
    offers: tuple[str, ...]
    considered: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "reason": self.reason,
            "control": self.control,
            "rule": self.rule,
            "offers": list(self.offers),
            "considered": list(self.considered),
        }


def in_control(customer_id: str, share: float, *, salt: str = "cancel-flow") -> bool:
    """Whether ``customer_id`` is in the control group of ``share`` (stable across runs).

    >>> in_control("cus_1", 0.0), in_control("cus_1", 0.999999)
    (False, True)
    """
    digest = hashlib.sha256(f"{salt}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _rule_name(rule: OfferRule) -> str:
    where = f" segment={rule.segment}" if rule.segment else ""
    return f"reason={rule.reason}{where}"


def _matching(ctx: OfferContext, rules: tuple[OfferRule, ...]) -> OfferRule | None:
    for rule in rules:
        if rule.reason not in ("*", ctx.reason):
            continue
        if rule.segment is not None and rule.segment not in ctx.segments:
            continue
        return rule
    return None


def _discount_check(
    offer: Offer, ctx: OfferContext, settings: OfferSettings
) -> tuple[dict[str, Any], str | None]:
    """The discount's numbers, and why it is dropped (None when it stays)."""
    uplift = settings.default_uplift if ctx.uplift is None else ctx.uplift
    value = ctx.mrr * settings.value_months
    cost = ctx.mrr * offer.percent / 100 * offer.months
    accept = 1.0 if ctx.accept_probability is None else ctx.accept_probability
    expected = uplift * value - accept * cost
    numbers: dict[str, Any] = {
        "uplift": round(uplift, 6),
        "uplift_source": "default" if ctx.uplift is None else "model",
        "value": round(value, 2),
        "cost": round(cost, 2),
        "accept_probability": round(accept, 6),
        "expected_cost": round(accept * cost, 2),
        "expected_value": round(expected, 2),
    }
    if offer.percent > settings.max_discount_pct:
        return (
            numbers,
            f"{offer.percent:g}% is above max_discount_pct {settings.max_discount_pct:g}",
        )
    if ctx.last_discount_on is not None:
        since = (ctx.today - ctx.last_discount_on).days
        if since < settings.discount_cooldown_days:
            return numbers, (
                f"a discount was given {since} days ago (on {ctx.last_discount_on}); at most "
                f"one in {settings.discount_cooldown_days} days"
            )
    if expected <= 0:
        return numbers, (
            f"expected value {expected:.2f} is not positive: uplift {uplift:.3f} "
            f"× value {value:.2f} does not cover the expected cost {accept * cost:.2f} "
            f"({accept:.3f} chance of accepting × cost {cost:.2f})"
        )
    return numbers, None


def decide_offers(ctx: OfferContext, settings: OfferSettings) -> OfferDecision:
    """The offers ``ctx``'s customer sees when cancelling for ``ctx.reason``."""
    if in_control(ctx.customer_id, settings.control_share):
        return OfferDecision(ctx.customer_id, ctx.reason, True, None, ())
    rule = _matching(ctx, settings.rules)
    if rule is None:
        return OfferDecision(ctx.customer_id, ctx.reason, False, None, ())
    catalog = {o.name: o for o in settings.catalog}
    considered: list[dict[str, Any]] = []
    shown: list[str] = []
    for name in rule.offers:
        offer = catalog[name]
        entry: dict[str, Any] = {"offer": name, "kind": offer.kind}
        dropped = None
        if offer.kind == "discount":
            numbers, dropped = _discount_check(offer, ctx, settings)
            entry.update(numbers)
        if dropped is None and len(shown) >= settings.max_offers:
            dropped = f"max_offers {settings.max_offers} reached"
        entry["shown"] = dropped is None
        if dropped is not None:
            entry["dropped"] = dropped
        else:
            shown.append(name)
        considered.append(entry)
    return OfferDecision(
        ctx.customer_id, ctx.reason, False, _rule_name(rule), tuple(shown), tuple(considered)
    )
