"""The activation funnel, time to the key action, NPS distribution and verbatims, by hand."""

from __future__ import annotations

import pytest

from tenure.errors import ConfigError
from tenure.metrics import activation_funnel, key_action_days, nps_distribution, verbatims
from tests.metrics.builders import World, day

KEY = "Report Created"


def _funnel_world(world: World) -> World:
    """Five sign-ups on 2026-01-01 (a-e) and one on 2026-03-01 (f).

    a: key action after 1.5 days, then pays          -> used, key, activated, paid
    b: key action after 20 days (window 14), pays    -> used, key, not activated
    c: a page view only                              -> used
    d: nothing                                       -> signed up only
    e: key action on the day of sign-up, never pays  -> used, key, activated
    f: signed up later, key action after 3 days      -> outside a start/end of January
    """
    for cid in "abcde":
        world.customer(cid, created_at="2026-01-01")
    world.customer("f", created_at="2026-03-01")
    world.event("a", KEY, at="2026-01-02T12:00:00")
    world.event("b", KEY, at="2026-01-21T00:00:00")
    world.event("c", "Page Viewed", at="2026-01-05", type="page")
    world.event("e", KEY, at="2026-01-01T08:00:00")
    world.event("e", KEY, at="2026-01-03T08:00:00")  # only the first counts
    world.event("f", KEY, at="2026-03-04T00:00:00")
    pro = world.price(amount=1000)
    for cid in "ab":
        sub = world.subscription(cid, start="2026-01-25")
        world.monthly_invoices(sub, pro, start="2026-01-25", months=2)
    return world


def test_funnel_counts_each_step_within_the_previous_when_customers_sign_up(world) -> None:
    """Steps: 6 signed up; a, b, c, e, f used; a, b, e, f did it; a, e, f in 14 days; a paid.

    Median days to the key action over a (1.5), b (20), e (1/3), f (3) is (1.5 + 3) / 2.
    """
    ctx = _funnel_world(world).ctx("2026-04-01", activation_event=KEY, activation_days=14)
    [row] = activation_funnel(ctx).to_pyarrow().to_pylist()
    median = row.pop("median_days_to_key_action")
    assert row == {"signed_up": 6, "used_product": 5, "key_action": 4, "activated": 3, "paid": 1}
    assert median == pytest.approx(2.25)


def test_funnel_keeps_only_sign_ups_in_the_range_when_start_and_end_are_given(world) -> None:
    """f signed up in March: January has a-e, of whom a, b, e did it and a, e in time."""
    ctx = _funnel_world(world).ctx("2026-04-01", activation_event=KEY, activation_days=14)
    january = activation_funnel(ctx, start=day("2026-01-01"), end=day("2026-01-31"))
    [row] = january.to_pyarrow().to_pylist()
    assert (row["signed_up"], row["key_action"], row["activated"], row["paid"]) == (5, 3, 2, 1)


def test_key_action_days_buckets_whole_days_when_customers_did_it(world) -> None:
    """e: 0 days (same day), a: 1 day, f: 3 days, b: 20 days (15-30)."""
    ctx = _funnel_world(world).ctx("2026-04-01", activation_event=KEY)
    rows = key_action_days(ctx).to_pyarrow().to_pylist()
    assert [(r["bucket"], r["label"], r["customers"]) for r in rows] == [
        (0, "same day", 1),
        (1, "1 day", 1),
        (3, "3 days", 1),
        (15, "15-30 days", 1),
    ]


def test_funnel_asks_for_a_key_action_when_none_is_set(world) -> None:
    ctx = _funnel_world(world).ctx("2026-04-01")
    with pytest.raises(ConfigError, match="activation_event"):
        activation_funnel(ctx)


def _feedback_world(world: World) -> World:
    world.customer("a", name="Acme")
    world.customer("b", name="Beta")
    world.feedback("a", at="2026-02-01", score=10, comment="Love the reports")
    world.feedback("a", at="2026-02-03", score=3, comment="Too expensive for us")
    world.feedback("b", at="2026-02-05", score=7, comment="   ")
    world.feedback("b", at="2026-02-07", score=7)
    world.feedback("b", at="2026-03-01", kind="csat", score=2, comment="slow PRICE support")
    world.feedback("b", at="2026-05-01", score=9, comment="after as_of")
    return world


def test_nps_distribution_counts_answers_per_score_when_in_range(world) -> None:
    ctx = _feedback_world(world).ctx("2026-04-01")
    rows = nps_distribution(ctx).to_pyarrow().to_pylist()
    assert [(r["score"], r["group"], r["responses"]) for r in rows] == [
        (3, "detractor", 1),
        (7, "passive", 2),
        (10, "promoter", 1),
    ]
    late = nps_distribution(ctx, start=day("2026-02-04")).to_pyarrow().to_pylist()
    assert [(r["score"], r["responses"]) for r in late] == [(7, 2)]


def test_verbatims_are_newest_first_and_filtered_when_asked(world) -> None:
    ctx = _feedback_world(world).ctx("2026-04-01")

    def comments(**filters: object) -> list[tuple[str, str | None, str]]:
        rows = verbatims(ctx, **filters).to_pyarrow().to_pylist()  # type: ignore[arg-type]
        return [(r["comment"], r["group"], r["name"]) for r in rows]

    assert comments() == [
        ("slow PRICE support", None, "Beta"),
        ("Too expensive for us", "detractor", "Acme"),
        ("Love the reports", "promoter", "Acme"),
    ]
    assert comments(kind="nps", group="promoter") == [("Love the reports", "promoter", "Acme")]
    assert comments(search="price") == [("slow PRICE support", None, "Beta")]
    assert comments(end=day("2026-02-02")) == [("Love the reports", "promoter", "Acme")]
