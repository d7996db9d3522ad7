"""Feature releases of the demo world: ``Feature Released`` track events from the product.

Customers ask for features in feedback and support tickets (``_text.py``: a Salesforce
connector, SSO, dark mode); near the end of the world two of them ship. Each release is
one server-side track event with ``properties.feature`` and no account (``context`` has
no ``groupId``), the way a product announces a release through its tracking API; the
``feature-asked-live`` playbook (docs/journeys.md) tells those who asked.
"""

from __future__ import annotations

import json

from tenure.demo._calendar import DAY, iso_utc

__all__ = ["RELEASES", "release_lines"]

RELEASES = (("Salesforce connector", 12), ("SSO", 5))
"""``(feature, days before the world's end)`` of each release."""


def release_lines(end_ts: int) -> list[str]:
    """The releases as Segment track messages (JSON lines), oldest first."""
    lines = []
    for feature, days_before in RELEASES:
        slug = feature.lower().replace(" ", "-")
        message = {
            "type": "track",
            "messageId": f"release-{slug}",
            "timestamp": iso_utc(end_ts - days_before * DAY + 10 * 3600).replace("Z", ".000Z"),
            "userId": "product",
            "event": "Feature Released",
            "properties": {"feature": feature},
            "context": {"library": {"name": "analytics-node", "version": "2.1.2"}},
        }
        lines.append(json.dumps(message, separators=(",", ":")) + "\n")
    return lines
