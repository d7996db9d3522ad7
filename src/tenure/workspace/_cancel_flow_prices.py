"""The price of a cancel flow's downgrade, from what customers pay (docs/cancel-flow.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tenure.config import Offer
from tenure.errors import DataError

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

__all__ = ["downgrade_price"]


def downgrade_price(
    con: BaseBackend, offer: Offer, plan: str | None, mrr: float
) -> tuple[str, float]:
    """The downgrade's plan and its MRR: the median MRR of its customers on the latest day.

    The plan is the offer's ``plan``, or (None) the dearest plan whose median MRR is below
    ``mrr`` and that is not the customer's ``plan``. One Ibis query over
    ``customer_profiles``.

    Raises
    ------
    DataError
        When no profiles exist or no customer pays for such a plan.
    """
    import ibis

    if "customer_profiles" not in con.list_tables():
        raise DataError("no refreshed profiles to price the downgrade; run 'tenure refresh'")
    p = con.table("customer_profiles")
    day = p.as_of.max()
    prices = (
        p.filter((p.as_of == day) & p.plan.notnull() & (p.mrr > 0))
        .group_by("plan")
        .aggregate(mrr=p.mrr.median())
    )
    if offer.plan is not None:
        prices = prices.filter(prices.plan == offer.plan)
    else:
        prices = prices.filter((prices.mrr < mrr) & (prices.plan != ibis.literal(plan or "")))
    found = prices.order_by(prices.mrr.desc()).limit(1).to_pyarrow().to_pylist()
    if not found:
        target = offer.plan or f"a plan cheaper than {mrr:.2f}"
        raise DataError(
            f"no customer pays for {target} in the latest profiles, so the downgrade's "
            "MRR is unknown; pass mrr_after (the price your billing will charge)"
        )
    return str(found[0]["plan"]), float(found[0]["mrr"])
