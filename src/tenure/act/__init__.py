"""Act: deliver what the decisions chose (webhooks, and as they land, e-mail and in-app)."""

from tenure.act.outbox import DeliveryReport, OutboxMessage, deliver_due, enqueue, messages
from tenure.act.webhooks import (
    SIGNATURE_HEADER,
    Delivery,
    backoff,
    post,
    sign,
    verify,
)

__all__ = [
    "SIGNATURE_HEADER",
    "Delivery",
    "DeliveryReport",
    "OutboxMessage",
    "backoff",
    "deliver_due",
    "enqueue",
    "messages",
    "post",
    "sign",
    "verify",
]
