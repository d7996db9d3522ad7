"""Stripe's cancellation feedback in the exit survey's reason codes.

Stripe's Customer Portal asks a cancelling customer why (``cancellation_details.feedback``
on the subscription, ``subscriptions.cancellation_feedback`` here); Tenure's exit survey
has its own codes (``[offers] reasons``). This is the one mapping between them: the
win-back reads Stripe's answer in the survey's codes, and the demo writes it from them.
"""

from __future__ import annotations

__all__ = ["STRIPE_FEEDBACK_REASONS"]

STRIPE_FEEDBACK_REASONS: dict[str, str] = {
    "too_expensive": "too_expensive",
    "unused": "not_using",
    "missing_features": "missing_features",
    "low_quality": "technical_issues",
    "customer_service": "poor_support",
    "switched_service": "switched_competitor",
    "too_complex": "too_complex",
    "other": "other",
}
"""Every value of Stripe's ``cancellation_details.feedback`` -> the survey's reason code."""
