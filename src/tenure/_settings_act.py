"""Settings sections of acting on decisions: outgoing webhooks, Stripe (and, later, channels).

Kept apart from :mod:`tenure.config` so each module stays small; ``tenure.config``
re-exports them, and :class:`~tenure.config.Settings` holds one of each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["StripeSettings", "WebhookSettings"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookSettings(_Section):
    """``[webhooks]``: where Tenure posts its own events (accepted offers, journey steps)."""

    url: str | None = Field(
        default=None,
        description="The product backend's endpoint for Tenure's events (None: none are sent).",
    )
    secret: str | None = Field(
        default=None,
        description="Shared secret signing each request (HMAC-SHA256, header Tenure-Signature).",
    )
    timeout_seconds: float = Field(default=10.0, gt=0, description="Per-request timeout.")
    max_attempts: int = Field(
        default=8, ge=1, le=50, description="Attempts before a delivery is dead-lettered."
    )
    backoff_seconds: float = Field(
        default=30.0, gt=0, description="Wait before the second attempt; doubles each time."
    )
    backoff_cap_seconds: float = Field(
        default=6 * 3600.0, gt=0, description="The longest wait between two attempts."
    )


class StripeSettings(_Section):
    """``[stripe]``: the Stripe account an accepted offer is applied to (docs/offers.md)."""

    api_key: str | None = Field(
        default=None,
        description="A secret or restricted key (sk_... / rk_...); None: offers are not applied "
        "in Stripe. Set it with TENURE_STRIPE__API_KEY rather than in the file.",
    )
    api_base: str | None = Field(
        default=None, description="Stripe's API address (None: https://api.stripe.com)."
    )
    prices: dict[str, str] = Field(
        default_factory=dict,
        description="Plan name → Stripe price id, for downgrade offers whose plan is a name.",
    )
    proration_behavior: Literal["create_prorations", "none", "always_invoice"] = Field(
        default="create_prorations", description="How Stripe prorates a price change."
    )
    coupon_prefix: str = Field(
        default="tenure_",
        pattern=r"^[A-Za-z0-9_-]{0,40}$",
        description="Coupons Tenure creates are named this prefix + the offer's name.",
    )
    max_network_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a failed request (same idempotency key)."
    )
