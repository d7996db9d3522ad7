"""Collect the Stripe output of the simulation: serialise, count and write.

Final objects (customers, subscriptions, invoices, charges) stream to their files as
soon as they are final; webhook events are kept and written sorted by time.
"""

from __future__ import annotations

import json
from typing import IO, Any

from tenure.demo._ids import IdFactory
from tenure.demo._state import InvoiceState, SubState
from tenure.demo._stripe_objects import (
    API_VERSIONS,
    event_object,
    invoice_object,
    subscription_object,
)

__all__ = ["Ledger", "dumps"]

JSON = dict[str, Any]

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(obj: JSON) -> str:
    """Serialise ``obj`` as one compact JSON line (UTF-8, no ASCII escaping)."""
    return _ENCODER.encode(obj)


class Ledger:
    """Where the lifecycle simulation sends Stripe objects.

    Parameters
    ----------
    files
        Open text files by name: ``customers``, ``subscriptions``, ``invoices``,
        ``charges`` (events are returned by :meth:`sorted_events`).
    shape
        ``"current"`` or ``"legacy"``.
    ids
        Id factory for event ids.
    """

    def __init__(self, files: dict[str, IO[str]], *, shape: str, ids: IdFactory) -> None:
        self._files = files
        self.shape = shape
        self.api_version = API_VERSIONS[shape]
        self._ids = ids
        self._events: list[tuple[int, int, str]] = []
        self.item_ids: set[str] = set()
        self.counts: dict[str, int] = {
            "customers": 0,
            "subscriptions": 0,
            "invoices": 0,
            "invoice_lines": 0,
            "charges": 0,
        }

    def write(self, name: str, obj: JSON) -> None:
        """Write a final object to file ``name``."""
        self._files[name].write(dumps(obj) + "\n")
        self.counts[name] += 1

    def event(
        self, event_type: str, created: int, obj: JSON, *, previous: JSON | None = None
    ) -> None:
        """Record a webhook event carrying ``obj`` as it is at ``created``."""
        event = event_object(
            self._ids.long("evt"),
            event_type,
            created,
            obj,
            api_version=self.api_version,
            previous=previous,
        )
        self._events.append((created, len(self._events), dumps(event)))

    def subscription_snapshot(self, sub: SubState) -> JSON:
        """Return ``sub`` as Stripe JSON now, noting its item id."""
        self.item_ids.add(sub.item.id)
        return subscription_object(sub, self.shape)

    def subscription_event(
        self, event_type: str, created: int, sub: SubState, *, previous: JSON | None = None
    ) -> None:
        """Record a ``customer.subscription.*`` event with the current version of ``sub``."""
        self.event(event_type, created, self.subscription_snapshot(sub), previous=previous)

    def final_subscription(self, sub: SubState) -> None:
        """Write ``sub`` as it stands at the world's end."""
        self.write("subscriptions", self.subscription_snapshot(sub))

    def invoice_snapshot(self, inv: InvoiceState) -> JSON:
        """Return ``inv`` as Stripe JSON now."""
        return invoice_object(inv, self.shape)

    def final_invoice(self, inv: InvoiceState) -> None:
        """Write ``inv`` as it stands at the world's end."""
        self.write("invoices", invoice_object(inv, self.shape))
        self.counts["invoice_lines"] += len(inv.lines)

    def sorted_events(self) -> list[str]:
        """Serialised events ordered by creation time (ties in emission order)."""
        self._events.sort(key=lambda e: (e[0], e[1]))
        return [line for _, _, line in self._events]

    @property
    def event_count(self) -> int:
        """Number of events recorded."""
        return len(self._events)
