"""Settings sections of scoring customers: churn risk, lifetime value, health and segments.

Kept apart from :mod:`tenure.config` so each module stays small; ``tenure.config``
re-exports them, and :class:`~tenure.config.Settings` holds one of each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tenure._settings_decide import _Section

__all__ = [
    "HEALTH_COMPONENTS",
    "LTV_COVARIATES",
    "ChurnSettings",
    "HealthMeasure",
    "HealthSettings",
    "HealthWeights",
    "LtvSettings",
    "SegmentSettings",
]


class SegmentSettings(_Section):
    """Thresholds of the built-in value segments and RFM (docs/segments.md)."""

    high_ltv_top: float = Field(
        default=0.2, gt=0, le=1, description="Share of paying customers in high_ltv (by ltv)."
    )
    high_engagement_top: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Share of active customers in high_engagement (by active days).",
    )
    high_aov_top: float = Field(
        default=0.2, gt=0, le=1, description="Share of buyers in high_aov (by mean order)."
    )
    aov_days: int = Field(
        default=365, ge=1, description="Days of paid invoices that average order value reads."
    )
    at_risk_health: float = Field(
        default=40, ge=0, le=100, description="Paying customers below this health are at_risk."
    )
    rfm: bool = Field(default=True, description="Keep the named RFM segments (rfm_*).")
    rfm_days: int = Field(default=365, ge=1, description="Days of purchases RFM reads.")


class ChurnSettings(_Section):
    """How churn risk is labelled, trained and backtested (docs/churn.md)."""

    horizon_days: int = Field(
        default=30, ge=1, le=730, description="Churn within this many days after as_of."
    )
    origins: int = Field(
        default=6, ge=2, le=60, description="Monthly as_of dates stacked for training."
    )
    backtest_origins: int = Field(
        default=4, ge=1, le=36, description="Monthly as_of dates a backtest scores."
    )
    reasons: int = Field(default=3, ge=1, le=10, description="Reasons shown per customer.")
    learning_rate: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description="LightGBM learning rate of the workspace model (tabular mode: 0.03).",
    )
    num_leaves: int = Field(
        default=7,
        ge=2,
        le=256,
        description="Leaves per tree of the workspace model (tabular mode: 15).",
    )


LTV_COVARIATES = (
    "plan",
    "billing_interval",
    "mrr",
    "seats",
    "channel",
    "company_size",
    "active_days_30d",
    "key_action_done",
    "tickets_90d",
    "nps_last",
)


class LtvSettings(_Section):
    """How remaining lifetime and lifetime value are estimated (docs/survival.md)."""

    horizon_months: float = Field(
        default=60.0,
        gt=0,
        le=1200,
        description="Remaining lifetime is counted up to this many months ahead.",
    )
    discount_rate_monthly: float = Field(
        default=0.0, ge=0, lt=1, description="Monthly discount rate of future revenue."
    )
    penalizer: float = Field(
        default=0.01, ge=0, description="L2 penalty of the lifetime model's coefficients."
    )
    distribution: Literal["weibull", "lognormal", "loglogistic"] = Field(
        default="weibull", description="Lifetime distribution of the AFT model."
    )
    origins: int = Field(
        default=6, ge=1, le=60, description="Monthly as_of dates the lifetime model learns from."
    )
    covariates: tuple[str, ...] = Field(
        default=LTV_COVARIATES,
        min_length=1,
        description="Feature columns (docs/features.md) the lifetime model uses.",
    )


HEALTH_COMPONENTS = ("risk", "usage", "engagement", "support", "sentiment", "billing")


class HealthMeasure(_Section):
    """One feature scored 0-100 between a ``bad`` and a ``good`` value (linear, clipped).

    ``bad`` may be above ``good`` (fewer open tickets is better). A customer without a
    value (no NPS answer yet) is not scored on it.
    """

    component: Literal["usage", "engagement", "support", "sentiment", "billing"]
    feature: str = Field(description="A customer feature (docs/features.md).")
    bad: float = Field(description="The value that scores 0.")
    good: float = Field(description="The value that scores 100.")
    weight: float = Field(default=1.0, gt=0, description="Weight within its component.")

    @model_validator(mode="after")
    def _distinct(self) -> HealthMeasure:
        if self.bad == self.good:
            raise ValueError(
                f"must have 'bad' and 'good' apart for {self.feature!r}. Got both {self.bad}"
            )
        return self


def _default_measures() -> tuple[HealthMeasure, ...]:
    rows = [
        ("usage", "active_days_30d", 0, 15),
        ("usage", "usage_ratio_30d", 0.4, 1.0),
        ("usage", "days_since_seen", 21, 2),
        ("usage", "feature_breadth_30d", 0, 4),
        ("engagement", "key_actions_30d", 0, 6),
        ("engagement", "logins_30d", 0, 12),
        ("engagement", "email_clicks_30d", 0, 2),
        ("support", "open_tickets", 3, 0),
        ("support", "urgent_tickets_90d", 2, 0),
        ("support", "csat_180d", 2, 4.5),
        ("sentiment", "nps_last", 4, 9),
        ("sentiment", "nps_change", -4, 0),
        ("billing", "failed_payments_90d", 2, 0),
        ("billing", "last_payment_failed", 1, 0),
        ("billing", "card_expiring_soon", 1, 0),
        ("billing", "open_invoices", 2, 0),
    ]
    return tuple(HealthMeasure(component=c, feature=f, bad=b, good=g) for c, f, b, g in rows)


class HealthWeights(_Section):
    """Weight of each health component; a customer's weights are normalised to sum to 1."""

    risk: float = Field(default=0.4, ge=0, description="1 - churn probability (the model).")
    usage: float = Field(default=0.2, ge=0, description="Product usage and its trend.")
    engagement: float = Field(default=0.15, ge=0, description="Key actions, logins, e-mail.")
    support: float = Field(default=0.1, ge=0, description="Open and urgent tickets, CSAT.")
    sentiment: float = Field(default=0.1, ge=0, description="NPS answer and its change.")
    billing: float = Field(default=0.05, ge=0, description="Failed payments, unpaid invoices.")

    @model_validator(mode="after")
    def _some_weight(self) -> HealthWeights:
        if not any(self.model_dump().values()):
            raise ValueError("must give at least one component a weight above 0")
        return self


class HealthSettings(_Section):
    """How the 0-100 health score weighs its components (docs/health.md)."""

    weights: HealthWeights = Field(
        default_factory=lambda: HealthWeights(),
        description="Weight of each component; they are normalised to sum to 1.",
    )
    measures: tuple[HealthMeasure, ...] = Field(
        default_factory=_default_measures,
        description="The features each component scores, with their bad and good values.",
    )
    green_at: float = Field(default=70, ge=0, le=100, description="Health from here is green.")
    red_below: float = Field(default=40, ge=0, le=100, description="Health below this is red.")
    cancel_pending_cap: float = Field(
        default=20,
        ge=0,
        le=100,
        description="Health of a customer with a cancellation scheduled is at most this.",
    )

    @model_validator(mode="after")
    def _bands(self) -> HealthSettings:
        if self.red_below > self.green_at:
            raise ValueError(
                f"must have red_below <= green_at. Got red_below={self.red_below}, "
                f"green_at={self.green_at}"
            )
        return self
