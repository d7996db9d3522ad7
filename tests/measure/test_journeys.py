"""A journey's lift: arms, variants, Newcombe's interval and the always-valid p-value."""

from __future__ import annotations

import numpy as np
import pytest

from tenure.measure import always_valid_p, difference_in_proportions, journey_report


def test_report_compares_treatment_with_control_and_holdout_together() -> None:
    rows = (
        [("treatment", "a", "converted")] * 30
        + [("treatment", "a", "completed")] * 70
        + [("treatment", "b", "converted")] * 10
        + [("treatment", "b", "completed")] * 90
        + [("control", None, "converted")] * 5
        + [("control", None, "completed")] * 45
        + [("holdout", None, "converted")] * 5
        + [("holdout", None, "exited")] * 45
    )
    report = journey_report("limit", rows)
    arms = {a.name: (a.converted, a.enrolled) for a in report.arms}
    assert arms == {
        "treatment": (40, 200), "control": (5, 50), "holdout": (5, 50), "kept out": (10, 100),
    }  # fmt: skip
    expected = difference_in_proportions(40, 200, 10, 100)
    assert report.lift == expected and round(report.lift.value, 3) == 0.1
    assert [(v.name, v.converted, v.enrolled) for v in report.variants] == [
        ("a", 30, 100), ("b", 10, 100),
    ]  # fmt: skip
    assert report.p_always_valid == always_valid_p(40, 200, 10, 100)


def test_always_valid_p_is_one_without_a_difference_and_small_with_a_large_one() -> None:
    assert always_valid_p(10, 100, 10, 100) == 1.0
    assert always_valid_p(0, 0, 5, 10) == 1.0
    assert always_valid_p(300, 1000, 150, 1000) < 1e-6


@pytest.mark.slow
def test_always_valid_p_keeps_false_alarms_under_alpha_when_looked_at_every_day() -> None:
    """A/A tests looked at 30 times each: the share ever below 0.05 stays below 0.05.

    A fixed-sample test (Newcombe's interval excluding 0) at every look would be wrong far
    more often; the test checks both, so it fails if the p-value were not always valid.
    """
    rng = np.random.default_rng(7)
    runs, looks, per_look, rate = 400, 30, 40, 0.2
    sequential = naive = 0
    for _ in range(runs):
        a = rng.random((looks, per_look)) < rate
        b = rng.random((looks, per_look)) < rate
        ca, cb = np.cumsum(a.sum(axis=1)), np.cumsum(b.sum(axis=1))
        ns = per_look * np.arange(1, looks + 1)
        if any(
            always_valid_p(int(x), int(n), int(y), int(n)) < 0.05
            for x, y, n in zip(ca, cb, ns, strict=True)
        ):
            sequential += 1
        if any(
            not (e.low <= 0 <= e.high)
            for e in (
                difference_in_proportions(int(x), int(n), int(y), int(n))
                for x, y, n in zip(ca, cb, ns, strict=True)
            )
        ):
            naive += 1
    assert sequential / runs <= 0.05
    assert naive / runs > 0.15  # peeking at a fixed-sample interval is not valid
