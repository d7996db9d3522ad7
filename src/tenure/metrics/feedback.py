"""Net Promoter Score over time, its distribution, and the comments people wrote."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tenure.metrics._base import Interval, MetricsContext, check_interval, labelled, truncate

__all__ = ["NPS_GROUPS", "nps", "nps_distribution", "verbatims"]


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


NPS_GROUPS = ("detractor", "passive", "promoter")
"""The NPS groups: 0-6, 7-8 and 9-10."""


def _nps_group(score: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases((score >= 9, "promoter"), (score >= 7, "passive"), else_="detractor")


def _submitted_between(
    f: ir.Table, ctx: MetricsContext, start: dt.date | None, end: dt.date | None
) -> ir.Table:
    day = f.submitted_at.date()
    f = f.filter(day <= (min(end, ctx.as_of) if end is not None else ctx.as_of))
    return f.filter(day >= start) if start is not None else f


def nps_distribution(
    ctx: MetricsContext, *, start: dt.date | None = None, end: dt.date | None = None
) -> ir.Table:
    """NPS answers per score: ``(score, group, responses)`` for scores 0-10 with answers.

    Answers submitted between ``start`` and ``end`` (inclusive, open when None) and by
    ``as_of``; ``group`` is detractor (0-6), passive (7-8) or promoter (9-10).
    """
    f = ctx.table("feedback")
    f = f.filter((f.kind == "nps") & f.score.notnull())
    f = _submitted_between(f, ctx, start, end)
    f = f.mutate(score=f.score.cast("int64"))
    agg = f.group_by("score").agg(responses=f.count())
    return agg.mutate(group=_nps_group(agg.score)).order_by("score")


def verbatims(
    ctx: MetricsContext,
    *,
    kind: str | None = None,
    group: str | None = None,
    search: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ir.Table:
    """Feedback with a comment, newest first, with the customer's name and NPS group.

    Filters combine with *and*: ``kind`` (nps, csat, cancel_reason, survey), ``group``
    (an NPS group: NPS answers only), ``search`` (text in the comment, any case), and
    the submission day between ``start`` and ``end``. Columns: feedback_id,
    customer_id, name, email, kind, score, group, comment, survey, cancel_reason,
    submitted_at.
    """
    f = ctx.table("feedback")
    f = f.filter(f.comment.notnull() & f.comment.re_search(r"\S"))
    f = _submitted_between(f, ctx, start, end)
    if kind:
        f = f.filter(f.kind == kind)
    if group:
        f = f.filter((f.kind == "nps") & f.score.notnull())
        f = f.filter(_nps_group(f.score) == group)
    if search:
        f = f.filter(f.comment.lower().contains(search.lower()))
    c = ctx.table("customers").select("customer_id", "name", "email")
    t = f.left_join(c, "customer_id")
    group_of = ibis.ifelse((t.kind == "nps") & t.score.notnull(), _nps_group(t.score), None)
    return t.select(
        "feedback_id",
        "customer_id",
        "name",
        "email",
        "kind",
        t.score.cast("int64").name("score"),
        group_of.name("group"),
        "comment",
        "survey",
        "cancel_reason",
        "submitted_at",
    ).order_by([ibis.desc("submitted_at"), "feedback_id"])
