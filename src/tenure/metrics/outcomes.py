"""What became of customers after a start day: paying N days later, and their MRR change.

A journey's report (docs/journeys.md, "Measurement") asks, for every enrolment, whether
the customer still pays ``N`` days after entering and how their MRR moved. Both come from
the MRR step function of :func:`tenure.metrics.mrr.changes_until` (docs/metrics.md), so a
customer "pays" on a day exactly when the MRR series counts them as a paying customer:

- :func:`mrr_on` is each point's customer MRR on a day (the ``after`` of the customer's
  last change on or before it; 0 before the first change and after churn);
- :func:`outcomes_after` aggregates, per group and horizon, the starts old enough to be
  measured (``start_on + N <= as_of``): how many paid at the start, how many pay ``N`` days
  later (*retained*), and the mean and sample variance of the MRR change.

Both are Ibis expressions: the starts (e.g. a memtable of enrolments) are joined to the
changes in the warehouse, nothing runs until the caller executes the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from tenure.metrics._base import MetricsContext
from tenure.metrics.mrr import changes_until

__all__ = ["OUTCOME_COLUMNS", "mrr_on", "outcomes_after"]

OUTCOME_COLUMNS = (
    "kind",
    "group",
    "horizon_days",
    "enrolled",
    "matured",
    "paying_at_start",
    "retained",
    "mrr_at_start",
    "mrr_after",
    "mrr_change",
    "mrr_change_variance",
)
"""The columns of :func:`outcomes_after`; grain ``(kind, group, horizon_days)``."""

_OPEN = ibis.date(9999, 12, 31)


def mrr_on(ctx: MetricsContext, points: ir.Table, *, on: str, name: str) -> ir.Table:
    """``points`` with a column ``name``: the customer's MRR (units) on the day ``on``.

    ``points`` needs ``customer_id`` and the date column ``on``; every row is kept (a
    left join on the one change interval ``[day, until)`` holding the day), and a
    customer without MRR that day gets 0. Days after ``ctx.as_of`` see the MRR of
    ``as_of``: nothing later is known.
    """
    ch = changes_until(ctx)
    # The last interval is open: a far day instead of null keeps the join an equi-join on
    # the customer plus a range (an OR in the condition makes engines loop over pairs).
    ch = ch.select(
        _cid=ch.customer_id,
        _from=ch.day,
        _until=ch.until.fill_null(_OPEN),
        _mrr=ch.total_after.cast("int64"),
    ).view()  # a fresh copy, so the same changes may be joined twice in one query
    j = points.left_join(
        ch, [points.customer_id == ch._cid, ch._from <= points[on], points[on] < ch._until]
    )
    return j.select(*points.columns, **{name: j._mrr.fill_null(0)})


def outcomes_after(ctx: MetricsContext, starts: ir.Table, horizons: Sequence[int]) -> ir.Table:
    """Paying and MRR ``N`` days after each start, per ``(kind, group)`` and horizon ``N``.

    ``starts`` holds ``kind``, ``group`` (the rows to aggregate together: an arm, a
    variant), ``customer_id`` and ``start_on`` (a date); a customer may appear in several
    groups. Grain of the answer: ``(kind, group, horizon_days)``; columns
    :data:`OUTCOME_COLUMNS`:

    - ``enrolled``: starts in the group; ``matured``: those with ``start_on + N <=
      as_of``, the only ones measured (the others are too young);
    - ``paying_at_start``: matured starts whose customer had MRR > 0 on ``start_on``;
      ``retained``: matured starts whose customer has MRR > 0 on ``start_on + N``;
    - ``mrr_at_start``, ``mrr_after``: the mean MRR (major units) on those two days over
      the matured starts; ``mrr_change``: the mean of ``after − at start`` and
      ``mrr_change_variance`` its sample variance (ddof = 1; null under two starts).
    """
    if not horizons or any(int(h) < 1 for h in horizons):
        raise ValueError(f"horizons must be whole days >= 1, got {list(horizons)}")
    days = ibis.memtable({"horizon_days": sorted({int(h) for h in horizons})})
    grid = starts.select("kind", "group", "customer_id", "start_on").cross_join(days)
    # date + interval is a timestamp on DuckDB and PostgreSQL: cast it back to a date.
    end_on = (grid.start_on + grid.horizon_days.as_interval("D")).cast("timestamp").cast("date")
    grid = grid.mutate(end_on=end_on)
    keys = ["kind", "group", "horizon_days"]
    enrolled = grid.group_by(keys).agg(enrolled=grid.count())

    old = grid.filter(grid.end_on <= ctx.as_of)
    old = mrr_on(ctx, old, on="start_on", name="_start")
    old = mrr_on(ctx, old, on="end_on", name="_end")
    start, end = ctx.major(old._start), ctx.major(old._end)
    old = old.mutate(_s=start, _e=end, _d=end - start)
    measured = old.group_by(keys).agg(
        matured=old.count(),
        paying_at_start=ibis.ifelse(old._start > 0, 1, 0).sum(),
        retained=ibis.ifelse(old._end > 0, 1, 0).sum(),
        mrr_at_start=old._s.mean(),
        mrr_after=old._e.mean(),
        mrr_change=old._d.mean(),
        mrr_change_variance=old._d.var(how="sample"),
    )
    j = enrolled.left_join(measured, keys)
    return j.select(
        *[enrolled[k] for k in keys],
        enrolled=j.enrolled,
        matured=j.matured.fill_null(0),
        paying_at_start=j.paying_at_start.fill_null(0),
        retained=j.retained.fill_null(0),
        mrr_at_start=j.mrr_at_start,
        mrr_after=j.mrr_after,
        mrr_change=j.mrr_change,
        mrr_change_variance=j.mrr_change_variance,
    )
