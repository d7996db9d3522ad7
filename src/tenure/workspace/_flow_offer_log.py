"""The offer log of real cancel flows: the discounts shown, and whether they were accepted.

Mixed into :class:`tenure.Workspace` (docs/offers.md, "The offer log"). The discount uplift
model learns from an offer log (``tenure.features.offer_decisions.OFFER_LOG_COLUMNS``): one
row per retention discount shown in a cancel flow. :meth:`FlowOfferLogMixin.cancel_flow_offer_log`
reads it from the operational store's ``cancel_flows``: each answered flow that showed a
discount offer (kind ``discount``) is a row with ``offered_at`` = when the offers were shown,
``accepted`` = the customer took that discount, and its ``percent`` and ``months``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import Table, select
from sqlalchemy.exc import SQLAlchemyError

from tenure.errors import StoreError
from tenure.store.operational import CancelFlowRow

if TYPE_CHECKING:
    from tenure.config import Settings
    from tenure.store.operational import OperationalStore

__all__ = ["FlowOfferLogMixin"]

_FLOWS: Table = CancelFlowRow.__table__  # type: ignore[assignment]
_SCHEMA = pl.Schema(
    {
        "customer_id": pl.String(),
        "offered_at": pl.Datetime("us", "UTC"),
        "accepted": pl.Boolean(),
        "percent": pl.Float64(),
        "months": pl.Int64(),
    }
)


class FlowOfferLogMixin:
    """The offer log read from this tenant's cancel flows."""

    settings: Settings
    _tenant_id: str

    if TYPE_CHECKING:

        @property
        def operational(self) -> OperationalStore: ...

    def cancel_flow_offer_log(self) -> pl.DataFrame:
        """The discount offers shown in this tenant's cancel flows (``OFFER_LOG_COLUMNS``).

        One row per discount shown (a flow that showed no discount, or a control flow,
        has none): ``customer_id``, ``offered_at`` (when the offers were shown),
        ``accepted``, ``percent`` and ``months`` of the catalog's offer.
        """
        discounts = {o.name: o for o in self.settings.offers.catalog if o.kind == "discount"}
        t = _FLOWS
        query = (
            select(t.c.customer_id, t.c.answered_at, t.c.offers, t.c.accepted_offer)
            .where(t.c.tenant_id == self._tenant_id, t.c.answered_at.is_not(None))
            .order_by(t.c.answered_at, t.c.id)
        )
        try:
            with self.operational.engine.connect() as con:
                flows = con.execute(query).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"the operational store failed to read cancel flows: {exc}") from exc
        rows = [
            {
                "customer_id": flow.customer_id,
                "offered_at": _utc(flow.answered_at),
                "accepted": flow.accepted_offer == name,
                "percent": float(discounts[name].percent or 0.0),
                "months": int(discounts[name].months or 0),
            }
            for flow in flows
            for name in (flow.offers or ())
            if name in discounts
        ]
        return pl.DataFrame(rows, schema=_SCHEMA)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes (stored as UTC), PostgreSQL aware ones."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
