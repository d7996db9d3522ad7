"""Settings sections of acting on decisions: outgoing webhooks (and, as they land, channels).

Kept apart from :mod:`tenure.config` so each module stays small; ``tenure.config``
re-exports them, and :class:`~tenure.config.Settings` holds one of each.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["WebhookSettings"]


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
