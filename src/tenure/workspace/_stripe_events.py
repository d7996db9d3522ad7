"""The workspace's Stripe webhook methods: verify a delivery and ingest its events.

Mixed into :class:`tenure.Workspace`. Events take the same path as ``tenure ingest`` of
an events export (``docs/ingestion.md``, "Stripe webhooks"): planned by
:func:`tenure.ingest.plan_stripe_events`, written atomically by
:meth:`tenure.store.Warehouse.write_batch`, rejects kept with their reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.store import IngestResult, Warehouse

__all__ = ["StripeEventsMixin"]


class StripeEventsMixin:
    settings: Settings
    clock: Clock

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

    def verify_stripe_webhook(
        self, payload: bytes, header: str | None, secret: str, *, tolerance_seconds: int = 300
    ) -> dict[str, Any]:
        """Check a delivery's ``Stripe-Signature`` against ``secret`` at the clock's now.

        See :func:`tenure.ingest.verify_stripe_signature`; raises
        :class:`~tenure.errors.SignatureError` when the delivery is not Stripe's.
        """
        from tenure.ingest import verify_stripe_signature

        return verify_stripe_signature(
            payload, header, secret, tolerance_seconds=tolerance_seconds, now=self.clock.now()
        )

    def ingest_stripe_events(self, events: Sequence[Mapping[str, Any]]) -> IngestResult:
        """Ingest Stripe event objects (webhook deliveries) like a file of events.

        Idempotent by event id: an event whose id is stored already in
        ``stripe_events`` is counted as a duplicate and not read again, so a re-delivery
        changes nothing (not even the rejects). The others land in one transaction;
        objects that fail validation are kept in ``rejects`` with source
        ``stripe-webhook``, the event's position as line and its id at the start of the
        path.
        """
        from tenure.ingest import WEBHOOK_SOURCE, plan_stripe_events
        from tenure.store import IngestResult

        known = self._stored_event_ids([e.get("id") for e in events])
        fresh = [e for e in events if e.get("id") not in known]
        if not fresh:
            return IngestResult(Path(WEBHOOK_SOURCE), "stripe", duplicates=len(events))
        now = self.clock.now()
        batch = plan_stripe_events(
            fresh,
            now=now,
            future_tolerance=dt.timedelta(hours=self.settings.ingest.future_tolerance_hours),
        )
        result = self.warehouse.write_batch(batch, now=now)
        result.duplicates += len(events) - len(fresh)
        return result

    def _stored_event_ids(self, ids: list[Any]) -> set[str]:
        wanted = sorted({i for i in ids if isinstance(i, str)})
        if not wanted:
            return set()
        t = self.warehouse.table("stripe_events")
        found = t.filter(t.event_id.isin(wanted)).select("event_id").to_pyarrow()
        return {str(v) for v in found.column(0).to_pylist()}
