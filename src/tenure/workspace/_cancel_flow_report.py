"""After the cancel flows: their webhooks delivered, and the report of what they saved.

Mixed into :class:`tenure.Workspace` (docs/cancel-flow.md). Accepting an offer queues the
signed ``offer.accepted`` webhook in the outbox (``tenure.act.outbox``);
:meth:`CancelFlowReportMixin.deliver_webhooks` posts this tenant's due rows, and
:meth:`CancelFlowReportMixin.cancel_flow_report` measures the finished flows, with what
those webhooks did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenure.act.outbox import DeliveryReport, deliver_due, status_counts

if TYPE_CHECKING:
    import polars as pl

    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.measure.cancel_flows import CancelFlowReport
    from tenure.store.operational import OperationalStore

__all__ = ["CancelFlowReportMixin"]


class CancelFlowReportMixin:
    """The cancel flows' webhook delivery and report, on this tenant's operational store."""

    settings: Settings
    clock: Clock
    _tenant_id: str

    if TYPE_CHECKING:

        @property
        def operational(self) -> OperationalStore: ...

        def deliver_stripe_offers(self, *, limit: int = 100) -> DeliveryReport: ...

    def deliver_webhooks(self, *, limit: int = 100) -> DeliveryReport:
        """Deliver this tenant's due outbox rows now; what happened.

        With ``[stripe] api_key`` the accepted offers' Stripe calls are made
        (:meth:`deliver_stripe_offers`); with ``[webhooks] url`` the ``offer.accepted``
        webhooks are posted (nothing is queued without it), as ``tenure serve``'s sender
        does: at most ``limit`` rows of each kind.

        Raises
        ------
        ConfigError
            When ``[webhooks] url`` is set but ``secret`` is not (nothing can be signed);
            the Stripe calls were made first.
        """
        import httpx

        report = self.deliver_stripe_offers(limit=limit)
        hooks = self.settings.webhooks
        if not hooks.url:
            return report
        with httpx.Client(timeout=hooks.timeout_seconds) as client:
            return report + deliver_due(
                self.operational.engine,
                client,
                hooks,
                self.clock.now(),
                limit,
                tenant_id=self._tenant_id,
            )

    def cancel_flow_frame(self) -> pl.DataFrame:
        """The tenant's finished cancel flows, one row each (``saved``, ``mrr_kept``)."""
        from tenure.measure.cancel_flows import flow_frame

        return flow_frame(self.operational.engine, self._tenant_id)

    def cancel_flow_report(self, *, confidence: float = 0.95) -> CancelFlowReport:
        """Save rate, saved MRR, discount cost and net impact vs control (docs/cancel-flow.md).

        By reason, offer and segment, with what the ``offer.accepted`` webhooks did.
        """
        from tenure.measure.cancel_flows import cancel_flow_report

        hooks = self.settings.webhooks
        counts = status_counts(
            self.operational.engine, tenant_id=self._tenant_id, kind="offer.accepted"
        )
        note = None
        if not hooks.url:
            note = (
                "[webhooks] url is not set: accepted offers are recorded, but nothing is "
                "sent to your backend"
            )
        elif not hooks.secret:
            note = (
                f"[webhooks] secret is not set: {counts['pending']} offer.accepted webhooks "
                "wait unsent until it is (they are signed with it)"
            )
        return cancel_flow_report(
            self.cancel_flow_frame(),
            currency=self.settings.reporting_currency,
            value_months=self.settings.offers.value_months,
            confidence=confidence,
            webhooks={"url": hooks.url, **counts, "note": note},
        )
