"""What became of customers after a start day (``mrr_on``, ``outcomes_after``), by hand.

Money given to the builder is in cents; the answers are in dollars.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from tenure.metrics import OUTCOME_COLUMNS, mrr_on, outcomes_after
from tests.metrics.builders import World

AS_OF = "2026-05-15"
START = dt.date(2026, 2, 10)


def _history(w: World) -> list[str]:
    """Four customers around 2026-02-10.

    - c1 pays $10 a month from Jan 1 for six months (paying through Jun 30);
    - c2 pays $20 in January and February, and cancels on Mar 1;
    - c3 never pays;
    - c4 starts paying $30 on Feb 20 (after the start day), four months.
    """
    c1, c2, c3, c4 = (w.customer(f"c{i}") for i in range(1, 5))
    ten, twenty, thirty = (w.price(amount=a) for a in (1000, 2000, 3000))
    s1 = w.subscription(c1, start="2026-01-01")
    w.monthly_invoices(s1, ten, start="2026-01-01", months=6)
    s2 = w.subscription(c2, start="2026-01-01")
    w.monthly_invoices(s2, twenty, start="2026-01-01", months=2)
    w.cancel(s2, at="2026-03-01")
    s4 = w.subscription(c4, start="2026-02-20")
    w.monthly_invoices(s4, thirty, start="2026-02-20", months=4)
    return [c1, c2, c3, c4]


def test_mrr_on_is_the_customer_mrr_of_the_day_and_zero_without_one(any_world: World) -> None:
    """c2 pays $20 until Mar 1 (not on it); c4 from Feb 20 (on it); c3 never."""
    c1, c2, c3, c4 = _history(any_world)
    ctx = any_world.ctx(AS_OF)
    points = ibis.memtable(
        {
            "customer_id": [c1, c2, c2, c3, c4, c4],
            "on": [
                dt.date(2025, 12, 31),  # before c1's first invoice
                dt.date(2026, 2, 28),
                dt.date(2026, 3, 1),
                dt.date(2026, 3, 1),
                dt.date(2026, 2, 20),
                dt.date(2026, 2, 19),
            ],
            "tag": ["a", "b", "c", "d", "e", "f"],
        }
    )
    rows = mrr_on(ctx, points, on="on", name="mrr").to_pyarrow().to_pylist()
    got = {r["tag"]: r["mrr"] / ctx.units_per_major for r in rows}
    assert got == {"a": 0, "b": 20, "c": 0, "d": 0, "e": 30, "f": 0}


def test_outcomes_after_counts_retained_and_mrr_change_of_old_enough_starts(
    any_world: World,
) -> None:
    """Group t: c1..c4 start on Feb 10; group k: c1 on May 1 (too young for 30 days).

    30 days later (Mar 12): c1 $10 → $10 (kept), c2 $20 → $0, c3 $0 → $0, c4 $0 → $30
    (kept). Paying at start 2, retained 2, mean MRR 30/4 = 7.5 → 40/4 = 10, changes
    (0, −20, 0, 30): mean 2.5, sample variance (2.5² + 22.5² + 2.5² + 27.5²)/3 = 425.
    90 days later (May 11, before the day of the report) the same holds.
    """
    customers = _history(any_world)
    ctx = any_world.ctx(AS_OF)
    starts = ibis.memtable(
        {
            "kind": ["arm"] * 5,
            "group": ["t"] * 4 + ["k"],
            "customer_id": [*customers, customers[0]],
            "start_on": [START] * 4 + [dt.date(2026, 5, 1)],
        }
    )
    result = outcomes_after(ctx, starts, [90, 30]).to_pyarrow().to_pylist()
    assert all(tuple(r) == OUTCOME_COLUMNS for r in result)
    rows = {(r["group"], r["horizon_days"]): r for r in result}
    for days in (30, 90):
        t = rows[("t", days)]
        assert (t["enrolled"], t["matured"], t["paying_at_start"], t["retained"]) == (4, 4, 2, 2)
        assert t["mrr_at_start"] == pytest.approx(7.5) and t["mrr_after"] == pytest.approx(10)
        assert t["mrr_change"] == pytest.approx(2.5)
        assert t["mrr_change_variance"] == pytest.approx(425)
        k = rows[("k", days)]
        assert (k["enrolled"], k["matured"], k["retained"]) == (1, 0, 0)
        assert k["mrr_change"] is None


def test_outcomes_after_rejects_a_horizon_under_one_day(world: World) -> None:
    ctx = world.ctx(AS_OF)
    starts = ibis.memtable({"kind": ["arm"], "group": ["t"], "customer_id": ["c"]})
    with pytest.raises(ValueError, match="horizons must be whole days >= 1"):
        outcomes_after(ctx, starts.mutate(start_on=ibis.date(2026, 1, 1)), [0])


def test_journey_enrolments_go_to_the_warehouse_and_come_back_per_arm_and_variant(
    any_world: World,
) -> None:
    """The report's gathering (``workspace._journey_outcomes``) on each warehouse engine.

    Treatment: c1 (variant a), c2 (variant b), c4 (no variant); control: c3. Kept out is
    control and holdout together; a variant only counts within treatment. An enrolment
    entered after ``as_of`` is not known yet and is left out.
    """
    from tenure.workspace._journey_outcomes import journey_outcomes

    c1, c2, c3, c4 = _history(any_world)
    ctx = any_world.ctx(AS_OF)
    at = dt.datetime(2026, 2, 10, 23, 30, tzinfo=dt.UTC)  # the UTC day is Feb 10
    later = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    rows = [
        (c1, "treatment", "a", "completed", at),
        (c2, "treatment", "b", "completed", at),
        (c4, "treatment", None, "active", at),
        (c3, "control", None, "completed", at),
        (c1, "holdout", None, "active", later),
    ]
    got = {(o.kind, o.group): o for o in journey_outcomes(ctx, rows, [30])}
    assert sorted(got) == [
        ("arm", "control"), ("arm", "kept out"), ("arm", "treatment"),
        ("variant", "a"), ("variant", "b"),
    ]  # fmt: skip
    t = got[("arm", "treatment")]
    assert (t.matured, t.paying_at_start, t.retained) == (3, 2, 2)  # c1 kept, c2 not, c4 new
    assert t.mrr_change == pytest.approx((0 - 20 + 30) / 3)
    assert (got[("variant", "a")].retained, got[("variant", "b")].retained) == (1, 0)
    kept = got[("arm", "kept out")]
    assert (kept.enrolled, kept.matured, kept.retained) == (1, 1, 0)  # c3 never pays
