"""Settings sections of the decisions: win-back (and, as they land, offers and journeys).

Kept apart from :mod:`tenure.config` so each module stays small; ``tenure.config``
re-exports them, and :class:`~tenure.config.Settings` holds one of each.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CANCEL_REASONS",
    "WINBACK_OFFERS",
    "Offer",
    "OfferRule",
    "OfferSettings",
    "Release",
    "WinbackOffer",
    "WinbackSettings",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WinbackOffer(_Section):
    """What a churned customer with a given cancel reason is offered, and the message."""

    offer: str = Field(description="The offer's name, e.g. 'discount' or 'onboarding_help'.")
    message: str = Field(
        description="The message; {name}, {plan}, {months_gone}, {fixed} and {release} are "
        "filled in (docs/winback.md)."
    )


class Release(_Section):
    """A shipped feature, announced to churned customers who asked for it."""

    feature: str = Field(min_length=1, description="The feature's name, as announced.")
    released_on: dt.date = Field(description="The day it shipped.")
    keywords: tuple[str, ...] = Field(
        default=(), description="Words in a cancel comment that ask for it (case-insensitive)."
    )


WINBACK_OFFERS: dict[str, WinbackOffer] = {
    "too_expensive": WinbackOffer(
        offer="discount",
        message="Come back for less: 30% off for three months, or a cheaper plan than {plan}.",
    ),
    "temporary_budget": WinbackOffer(
        offer="discount",
        message="Budgets change: restart at 30% off for three months, your data is still here.",
    ),
    "technical_issues": WinbackOffer(
        offer="whats_fixed",
        message="Since you left {months_gone} months ago we fixed {fixed}. Give it another try?",
    ),
    "poor_support": WinbackOffer(
        offer="concierge",
        message="A named support contact and a setup call with our team, if you come back.",
    ),
    "missing_features": WinbackOffer(
        offer="feature_release",
        message="{release} Your account is waiting.",
    ),
    "not_using": WinbackOffer(
        offer="onboarding_help",
        message="A 20-minute guided setup to get your first report live this week.",
    ),
    "too_complex": WinbackOffer(
        offer="onboarding_help",
        message="We made it simpler: a guided setup and templates that do the first steps.",
    ),
    "switched_competitor": WinbackOffer(
        offer="comparison",
        message="What changed since you left {months_gone} months ago, side by side.",
    ),
    "payment_failed": WinbackOffer(
        offer="update_payment",
        message="Your subscription ended when a payment did not go through, not by your "
        "choice. Update your card and pick up where you left off: your data is still here.",
    ),
    "other": WinbackOffer(
        offer="check_in", message="We would love to hear what would bring you back."
    ),
}
"""Default offers by churn reason: the exit survey's codes, and ``payment_failed`` for an
involuntary churn; ``other`` is the fallback (also for churned customers with no reason)."""


class WinbackSettings(_Section):
    """Who to win back and how (docs/winback.md)."""

    horizon_days: int = Field(
        default=180, ge=7, le=730, description="Reactivation counted within this many days."
    )
    origins: int = Field(
        default=12,
        ge=2,
        le=60,
        description="Monthly as_of dates the model learns from (the last one is also its test).",
    )
    value_months: float = Field(
        default=12.0, gt=0, le=120, description="Value = MRR before churn × this many months."
    )
    priority_top: float = Field(
        default=0.2,
        gt=0,
        lt=1,
        description="Share of churned customers flagged high LTV, engagement or order value.",
    )
    offers: dict[str, WinbackOffer] = Field(
        default_factory=lambda: dict(WINBACK_OFFERS),
        description="Offer and message by cancel reason; 'other' for the rest.",
    )
    releases: tuple[Release, ...] = Field(
        default=(), description="Shipped features announced to those who left without them."
    )


CANCEL_REASONS = (
    "too_expensive",
    "not_using",
    "missing_features",
    "technical_issues",
    "poor_support",
    "switched_competitor",
    "temporary_budget",
    "too_complex",
    "other",
)
"""The exit survey's default reason codes (a free-text answer goes with any of them)."""

OfferKind = Literal["pause", "discount", "downgrade", "free_month", "concierge", "help"]


class Offer(_Section):
    """One entry of the offer catalog (docs/offers.md)."""

    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$", description="Its id.")
    kind: OfferKind
    months: int = Field(default=1, ge=1, le=24, description="Pause, discount or free months.")
    percent: float = Field(default=0.0, ge=0, le=100, description="Discount, in %.")
    annual_only: bool = Field(
        default=False, description="The discount applies only to a switch to the annual plan."
    )
    plan: str | None = Field(default=None, description="Downgrade target (None: cheaper plan).")
    url: str | None = Field(default=None, description="Help content for `help` offers.")


class OfferRule(_Section):
    """Cancel reason × segment → offers, in order of preference."""

    reason: str = Field(description="A reason code, or '*' for any.")
    segment: str | None = Field(default=None, description="Only members of this segment.")
    offers: tuple[str, ...] = Field(min_length=1)


DEFAULT_OFFERS = (
    Offer(name="pause_1m", kind="pause", months=1),
    Offer(name="pause_3m", kind="pause", months=3),
    Offer(name="discount_25_3m", kind="discount", percent=25, months=3),
    Offer(name="annual_30", kind="discount", percent=30, months=12, annual_only=True),
    Offer(name="downgrade", kind="downgrade"),
    Offer(name="free_month", kind="free_month", months=1),
    Offer(name="concierge", kind="concierge"),
    Offer(name="help_onboarding", kind="help", url="/help/getting-started"),
    Offer(name="help_features", kind="help", url="/help/roadmap"),
)
DEFAULT_RULES = (
    OfferRule(reason="too_expensive", offers=("discount_25_3m", "downgrade")),
    OfferRule(reason="temporary_budget", offers=("pause_3m", "discount_25_3m")),
    OfferRule(reason="not_using", offers=("pause_1m", "help_onboarding")),
    OfferRule(reason="missing_features", offers=("help_features", "concierge")),
    OfferRule(reason="technical_issues", offers=("concierge", "free_month")),
    OfferRule(reason="poor_support", offers=("concierge", "free_month")),
    OfferRule(reason="switched_competitor", offers=("annual_30", "concierge")),
    OfferRule(reason="too_complex", offers=("help_onboarding", "concierge")),
    OfferRule(reason="*", offers=("pause_1m",)),
)


class OfferSettings(_Section):
    """The cancel flow's exit survey, offer catalog, rules and guardrails (docs/offers.md)."""

    reasons: tuple[str, ...] = Field(default=CANCEL_REASONS, min_length=1)
    catalog: tuple[Offer, ...] = Field(default=DEFAULT_OFFERS, min_length=1)
    rules: tuple[OfferRule, ...] = Field(
        default=DEFAULT_RULES, description="The first rule that matches decides."
    )
    max_offers: int = Field(default=2, ge=1, le=2, description="Offers shown at most.")
    max_discount_pct: float = Field(default=50.0, ge=0, le=100)
    discount_cooldown_days: int = Field(
        default=365, ge=0, description="At most one discount per customer in this many days."
    )
    default_uplift: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Retention uplift of a discount when no uplift model scored the customer.",
    )
    value_months: float = Field(
        default=12.0, gt=0, description="A saved customer's value = MRR × this many months."
    )
    control_share: float = Field(
        default=0.1, ge=0, lt=1, description="Share of cancel flows that get no offer."
    )
    token_minutes: float = Field(
        default=15.0,
        gt=0,
        le=24 * 60,
        description="A hosted cancel page's token is valid this long (docs/cancel-flow.md).",
    )
    frame_ancestors: tuple[str, ...] = Field(
        default=("'self'",),
        description="Origins that may embed the hosted cancel page in an iframe "
        "(Content-Security-Policy frame-ancestors), e.g. ['https://app.example.com'].",
    )
    outcome_days: int = Field(
        default=90,
        ge=1,
        le=730,
        description="A cancel decision's outcome: still paying this many days later (rounded "
        "up to the first of a month).",
    )
    uplift_learner: Literal["strata", "t", "x"] = Field(
        default="strata",
        description="The discount uplift model: principal strata ('strata': one model of "
        "who stays anyway, who the offer saves and who leaves anyway, acting on the upper "
        "bound of the saved share), or a T-learner ('t') or X-learner ('x') on LightGBM, "
        "shrunk by their calibration slope.",
    )
    holdout_months: int = Field(
        default=6,
        ge=1,
        le=36,
        description="With simulate_protocol 'time', 'tenure offers simulate' evaluates on the "
        "decisions of the last this many months whose outcome is known, after training on "
        "those before.",
    )
    simulate_protocol: Literal["crossfit", "time"] = Field(
        default="crossfit",
        description="'tenure offers simulate' scores each past decision by models fitted on "
        "other customers' decisions ('crossfit', simulate_folds folds), or by models "
        "trained before a cutoff ('time', holdout_months).",
    )
    simulate_folds: int = Field(
        default=5,
        ge=2,
        le=20,
        description="Customer folds of the cross-fitted simulation.",
    )

    @model_validator(mode="after")
    def _known_names(self) -> OfferSettings:
        names = {o.name for o in self.catalog}
        for i, rule in enumerate(self.rules):
            unknown = [n for n in rule.offers if n not in names]
            if unknown:
                raise ValueError(
                    f"rules[{i}] names offers not in the catalog: {', '.join(unknown)}; "
                    f"the catalog has {', '.join(sorted(names))}"
                )
            if rule.reason != "*" and rule.reason not in self.reasons:
                raise ValueError(
                    f"rules[{i}] has the reason {rule.reason!r}, which is not one of "
                    f"'reasons' ({', '.join(self.reasons)}) or '*'"
                )
        return self
