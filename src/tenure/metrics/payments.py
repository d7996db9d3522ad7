"""Payment health: success rate, failed-payment volume and MRR recovered after failures."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tenure.metrics._base import (
    UNITS_PER_MINOR,
    Interval,
    MetricsContext,
    check_interval,
    join_left,
    labelled,
    minor_rate,
    truncate,
)
from tenure.metrics.mrr import fx_windows, mrr_segments

__all__ = ["payment_health"]


def payment_health(ctx: MetricsContext, *, interval: Interval = "month") -> ir.Table:
    """Payment attempts per period, and the MRR that dunning won back.

    ``success_rate`` = succeeded / (succeeded + failed) attempts; ``failed_amount`` is
    the failed attempts' amount in the reporting currency (major units). An invoice is
    *recovered* when it had a failed attempt and a later one succeeded; its MRR counts
    in ``recovered_mrr`` in the period of that success.
    """
    check_interval(interval)
    p = ctx.table("payments")
    p = p.filter(p.created_at.date() <= ctx.as_of)
    p = p.mutate(day=p.created_at.date(), currency=p.currency.upper())
    fx = fx_windows(ctx)
    p = p.left_join(
        fx,
        [
            p.currency == fx.currency,
            p.day >= fx.valid_from,
            fx.valid_to.isnull() | (p.day < fx.valid_to),
        ],
    )
    rate = minor_rate(ctx, p.currency, p.rate)
    p = p.mutate(
        period=truncate(p.day, interval),
        units=p.amount_minor.fill_null(0).cast("float64") * rate * UNITS_PER_MINOR,
        failed=p.status == "failed",
        succeeded=p.status == "succeeded",
    )
    attempts = p.group_by("period").agg(
        attempts=p.count(),
        succeeded=p.succeeded.sum().cast("int64"),
        failed=p.failed.sum().cast("int64"),
        failed_units=p.units.sum(where=p.failed).fill_null(0),
    )
    by_invoice = p.filter(p.invoice_id.notnull())
    first_fail = by_invoice.filter(by_invoice.failed)
    first_fail = first_fail.group_by("invoice_id").agg(failed_at=first_fail.created_at.min())
    wins = by_invoice.filter(by_invoice.succeeded).join(first_fail, "invoice_id")
    wins = wins.filter(wins.created_at > wins.failed_at)
    wins = wins.group_by("invoice_id").agg(recovered_on=wins.day.min())
    segs = mrr_segments(ctx)
    mrr = segs.group_by("invoice_id").agg(mrr_u=segs.units.sum())
    rec = wins.left_join(mrr, "invoice_id")
    rec = rec.mutate(period=truncate(rec.recovered_on, interval))
    rec = rec.group_by("period").agg(
        recovered_invoices=rec.count(), recovered_u=rec.mrr_u.fill_null(0).sum()
    )
    t = join_left(attempts, rec, "period")
    decided = t.succeeded + t.failed
    t = t.select(
        "period",
        "attempts",
        "succeeded",
        "failed",
        success_rate=ibis.ifelse(
            decided > 0, t.succeeded.cast("float64") / decided.cast("float64"), None
        ),
        failed_amount=t.failed_units / ctx.units_per_major,
        recovered_invoices=t.recovered_invoices.fill_null(0).cast("int64"),
        recovered_mrr=ctx.major(t.recovered_u.fill_null(0)),
    )
    return labelled(t, interval)
