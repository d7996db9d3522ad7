"""Retention and MRR per arm from the warehouse's aggregates: intervals, lifts and notes."""

from __future__ import annotations

import math

import numpy as np

from tenure.measure import (
    OutcomeCounts,
    always_valid_p,
    difference_in_means,
    difference_in_proportions,
    horizon_results,
    journey_report,
    mean_interval,
    wilson,
)


def _counts(kind: str, group: str, n: int, kept: int, *, young: int = 0, horizon: int = 30):
    """``n`` measured enrolments, ``kept`` of them paying; changes of mean −kept/n, var 4."""
    mean = -1.0 + kept / n if n else math.nan
    return OutcomeCounts(
        kind, group, horizon, n + young, n, n, kept, 20.0, 18.0, mean, 4.0 if n > 1 else math.nan
    )


def test_each_arm_gets_wilson_and_the_lifts_newcombe_welch_and_the_always_valid_p() -> None:
    counts = [
        _counts("arm", "treatment", 200, 150, young=30),
        _counts("arm", "control", 50, 25, young=5),
        _counts("arm", "holdout", 70, 35),
        _counts("arm", "kept out", 120, 60, young=5),
        _counts("variant", "b", 100, 70),
        _counts("variant", "a", 100, 80),
    ]
    [h] = horizon_results(counts)
    assert [r.name for r in h.retention] == ["treatment", "control", "holdout", "kept out"]
    assert [r.name for r in h.retention_variants] == ["a", "b"]
    t = h.retention[0]
    assert (t.enrolled, t.matured, t.too_young, t.retained) == (230, 200, 30, 150)
    assert t.rate == wilson(150, 200)
    assert h.retention_lift == difference_in_proportions(150, 200, 60, 120)
    assert h.retention_p_always_valid == always_valid_p(150, 200, 60, 120) < 0.05
    assert h.mrr[0].change == mean_interval(-0.25, 4.0, 200)
    assert h.mrr_lift == difference_in_means(-0.25, 4.0, 200, -0.5, 4.0, 120)
    assert h.notes == ["35 of 355 enrolments are younger than 30 days and wait."]
    [b_vs_a] = h.retention_variant_lifts  # each variant against the first by name
    assert (b_vs_a.variant, b_vs_a.baseline) == ("b", "a")
    assert b_vs_a.lift == difference_in_proportions(70, 100, 80, 100)
    assert b_vs_a.p_always_valid == always_valid_p(70, 100, 80, 100)
    [mrr_b_vs_a] = h.mrr_variant_lifts
    assert mrr_b_vs_a.lift == difference_in_means(-1 + 0.7, 4.0, 100, -1 + 0.8, 4.0, 100)
    assert mrr_b_vs_a.p_always_valid is None


def test_notes_say_when_nothing_is_old_enough_or_nobody_was_kept_out() -> None:
    young = [_counts("arm", "treatment", 0, 0, young=10), _counts("arm", "kept out", 0, 0, young=3)]
    [h] = horizon_results(young)
    assert h.notes == [
        "No enrolment is 30 days old yet (13 too young): retention and MRR at 30 days are "
        "not measured."
    ]
    assert math.isnan(h.retention[0].rate.value) and h.retention_p_always_valid == 1.0
    assert h.retention[1].enrolled == 0  # control: no row, an empty arm
    [alone] = horizon_results([_counts("arm", "treatment", 40, 20)])
    assert alone.notes[0].startswith("No enrolment was kept out")
    assert math.isnan(alone.retention_lift.value) and math.isnan(alone.mrr_lift.low)
    [small] = horizon_results(
        [_counts("arm", "treatment", 40, 20), _counts("arm", "kept out", 5, 2, young=3)]
    )
    assert small.notes == [
        "Few enrolments are 30 days old in an arm (treatment 40, kept out 5): the MRR "
        "intervals are large-sample approximations and may be too narrow; the retention "
        "intervals stay valid."
    ]
    assert not math.isnan(small.mrr_lift.low)  # still computed, with the warning
    [few] = horizon_results([_counts("arm", "treatment", 40, 20), _counts("arm", "kept out", 1, 1)])
    assert few.notes == [
        "Too few enrolments are 30 days old for a comparison (treatment 40, kept out 1; at "
        "least 2 each)."
    ]


def test_report_keeps_conversion_and_adds_horizons_in_order_with_json_ready_values() -> None:
    rows = [("treatment", None, "converted")] * 3 + [("control", None, "completed")] * 2
    counts = [_counts("arm", "treatment", 3, 2, horizon=90), _counts("arm", "treatment", 3, 3)]
    report = journey_report("j", rows, outcomes=counts)
    assert [h.horizon_days for h in report.horizons] == [30, 90]
    assert report.arms[0].converted == 3 and report.notes == []
    assert report.variant_lifts == []  # no variants, nothing to compare
    plain = report.to_dict()
    assert plain["horizons"][0]["retention"][1]["rate"]["value"] is None  # NaN → None
    assert journey_report("j", []).notes == ["No enrolments yet: nothing to measure."]


def test_always_valid_retention_p_keeps_false_alarms_under_alpha_when_read_every_day() -> None:
    """A/A: both arms keep a customer with 0.6; 30 daily looks as enrolments mature.

    Each day 25 enrolments per arm reach the horizon. Across 300 experiments, the share
    whose retention p-value ever falls below 0.05 stays below 0.05, while Newcombe's
    fixed-sample interval excluding 0 on some day is wrong far more often.
    """
    rng = np.random.default_rng(11)
    runs, looks, per_day = 300, 30, 25
    sequential = naive = 0
    for _ in range(runs):
        kept_t = np.cumsum(rng.binomial(per_day, 0.6, looks))
        kept_k = np.cumsum(rng.binomial(per_day, 0.6, looks))
        ever_p = ever_ci = False
        for day in range(looks):
            n = per_day * (day + 1)
            t = _counts("arm", "treatment", n, int(kept_t[day]))
            k = _counts("arm", "kept out", n, int(kept_k[day]))
            [h] = horizon_results([t, k])
            ever_p |= h.retention_p_always_valid < 0.05
            ever_ci |= h.retention_lift.significant
        sequential += ever_p
        naive += ever_ci
    assert sequential / runs <= 0.05
    assert naive / runs > 0.15
