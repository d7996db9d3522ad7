"""A journey's enrolments joined, in the warehouse, to what became of the customers.

The enrolments live in the operational store; the MRR in the warehouse. This module
hands the enrolments to the warehouse as one Arrow table (customer, arm, variant, day of
entry), expands them into the groups of the report (each arm, *kept out* = control and
holdout, each A/B variant within treatment) as Ibis expressions, and runs
:func:`tenure.metrics.outcomes_after` once: one query for every arm, variant and horizon.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tenure.measure import OutcomeCounts

if TYPE_CHECKING:
    import datetime as dt

    from tenure.metrics import MetricsContext

    EnrolmentArm = tuple[str, str, str | None, str, dt.datetime]

__all__ = ["journey_outcomes"]


def journey_outcomes(
    ctx: MetricsContext, enrolments: Sequence[EnrolmentArm], horizons: Sequence[int]
) -> list[OutcomeCounts]:
    """Retention and MRR aggregates per arm, variant and horizon, as of ``ctx.as_of``.

    ``enrolments`` are ``(customer_id, arm, variant, status, entered_at)``
    (``OperationalStore.enrolment_arms``). A customer's day of entry is the UTC day of
    ``entered_at``; enrolments after ``ctx.as_of`` are left out.
    """
    if not enrolments:
        return []
    import ibis
    import pyarrow as pa

    from tenure.metrics import outcomes_after

    customers, arms_, variants_, _, entered = zip(*enrolments, strict=True)
    table = pa.table(
        {
            "customer_id": pa.array(customers, pa.string()),
            "arm": pa.array(arms_, pa.string()),
            "variant": pa.array(variants_, pa.string()),
            "entered_at": pa.array(entered, pa.timestamp("us", "UTC")),
        }
    )
    t = ibis.memtable(table)
    t = t.mutate(start_on=ctx.utc_date(t.entered_at))
    t = t.filter(t.start_on <= ctx.as_of)  # entered after the report's day: not yet known
    arms = t.select("customer_id", "start_on", kind=ibis.literal("arm"), group=t.arm)
    kept = t.filter(t.arm.isin(["control", "holdout"]))
    kept = kept.select(
        "customer_id", "start_on", kind=ibis.literal("arm"), group=ibis.literal("kept out")
    )
    treated = t.filter((t.arm == "treatment") & t.variant.notnull())
    variants = treated.select(
        "customer_id", "start_on", kind=ibis.literal("variant"), group=treated.variant
    )
    starts = arms.union(kept, distinct=False).union(variants, distinct=False)
    rows = outcomes_after(ctx, starts, horizons).to_pyarrow().to_pylist()
    return [OutcomeCounts.from_row(r) for r in rows]
