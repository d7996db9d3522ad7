"""Net Promoter Score over time."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tenure.metrics._base import Interval, MetricsContext, check_interval, labelled, truncate

__all__ = ["nps"]


def nps(ctx: MetricsContext, *, interval: Interval = "month") -> ir.Table:
    """NPS per period: (promoters - detractors) / responses x 100.

    Promoters answer 9-10, passives 7-8, detractors 0-6 (feedback ``kind = 'nps'``).
    """
    check_interval(interval)
    f = ctx.table("feedback")
    f = f.filter((f.kind == "nps") & f.score.notnull() & (f.submitted_at.date() <= ctx.as_of))
    f = f.mutate(period=truncate(f.submitted_at.date(), interval))
    agg = f.group_by("period").agg(
        responses=f.count(),
        promoters=(f.score >= 9).sum().cast("int64"),
        passives=((f.score >= 7) & (f.score <= 8)).sum().cast("int64"),
        detractors=(f.score <= 6).sum().cast("int64"),
    )
    agg = agg.mutate(
        nps=ibis.ifelse(
            agg.responses > 0,
            (agg.promoters - agg.detractors).cast("float64") * 100 / agg.responses,
            None,
        )
    )
    return labelled(agg, interval)
