"""``MetricsContext(cache=True)`` computes each customer's MRR changes once and reuses them.

The series, the cohort tables and the changes must be the same with and without the
cache; only the work is shared.
"""

from __future__ import annotations

import dataclasses
import gc

from tenure.metrics import CohortQuery, SeriesQuery, cohort_tables, mrr_changes, mrr_series
from tenure.metrics.mrr import changes_until
from tests.metrics.backends import result_rows
from tests.metrics.builders import World


def _world(w: World) -> None:
    """A pays $10 from January and upgrades to $30 in March; B pays $20 from February and
    cancels in April; C pays $5 in January only and comes back in April."""
    p10, p20, p30, p5 = (w.price(amount=a) for a in (1_000, 2_000, 3_000, 500))
    a, b, c = (w.customer() for _ in range(3))
    sa = w.subscription(a, start="2026-01-01")
    w.monthly_invoices(sa, p10, start="2026-01-01", months=2)
    w.monthly_invoices(sa, p30, start="2026-03-01", months=2)
    sb = w.subscription(b, start="2026-02-01")
    w.monthly_invoices(sb, p20, start="2026-02-01", months=3)
    w.cancel(sb, at="2026-04-10")
    sc = w.subscription(c, start="2026-01-01")
    w.bill(sc, p5, start="2026-01-01")
    w.cancel(sc, at="2026-02-01")
    sc2 = w.subscription(c, start="2026-04-01")
    w.bill(sc2, p5, start="2026-04-01")


def test_metrics_are_unchanged_when_the_context_caches_the_changes(any_world: World) -> None:
    _world(any_world)
    plain = any_world.ctx("2026-04-30")
    cached = dataclasses.replace(plain, cache=True)
    for metric in (
        lambda ctx: mrr_series(ctx, SeriesQuery()),
        lambda ctx: mrr_series(ctx, SeriesQuery(interval="week", by="plan")),
        lambda ctx: cohort_tables(ctx, CohortQuery()),
        lambda ctx: cohort_tables(ctx, CohortQuery(by="plan")),
        lambda ctx: mrr_changes(ctx),
    ):
        assert result_rows(metric(cached)) == result_rows(metric(plain))
    assert len(result_rows(mrr_changes(cached))[1]) == 7  # A twice, B twice, C three times
    # The changes are computed once per breakdown, into a table of the backend.
    assert changes_until(cached) is changes_until(cached)
    assert changes_until(cached, by="plan") is not changes_until(cached)
    assert changes_until(plain) is not changes_until(plain)


def test_cached_table_is_dropped_when_the_context_is_collected(world: World) -> None:
    _world(world)
    ctx = dataclasses.replace(world.ctx("2026-04-30"), cache=True)
    con = ctx.con
    name = changes_until(ctx).get_name()
    assert name in con.list_tables()
    del ctx
    gc.collect()
    assert name not in con.list_tables()
    assert con.table("invoice_lines").count().execute() > 0  # the connection is still open
