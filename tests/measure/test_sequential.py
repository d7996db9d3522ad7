"""The mSPRT keeps its promise under daily peeking; a fixed-horizon test does not."""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np
import pytest

from tenure.measure import difference_in_proportions, wilson
from tenure.measure.sequential import Look, always_valid, proportions_look

LOOKS, PER_LOOK, RUNS = 30, 200, 1000


def _cumulative_looks(rng: np.random.Generator, rate_a: float, rate_b: float) -> list[Look]:
    a = np.cumsum(rng.binomial(PER_LOOK, rate_a, LOOKS))
    b = np.cumsum(rng.binomial(PER_LOOK, rate_b, LOOKS))
    n = PER_LOOK * np.arange(1, LOOKS + 1)
    return [
        proportions_look(int(x), int(k), int(y), int(k)) for x, y, k in zip(a, b, n, strict=True)
    ]


def _naive_p(look: Look) -> float:
    se = math.sqrt(look.variance_a / look.n_a + look.variance_b / look.n_b)
    z = abs(look.mean_a - look.mean_b) / se
    return 2 * (1 - NormalDist().cdf(z))


def test_peeking_every_day_keeps_false_positives_under_alpha() -> None:
    rng = np.random.default_rng(7)
    msprt_hits = naive_hits = covered = 0
    for _ in range(RUNS):
        looks = _cumulative_looks(rng, 0.1, 0.1)
        path = always_valid(looks, tau=0.02)
        msprt_hits += any(e.significant for e in path)
        naive_hits += any(_naive_p(look) < 0.05 for look in looks)
        covered += all(e.low <= 0 <= e.high for e in path)
    # Stopping at the first significant look: the naive z-test errs far above 5 %.
    assert naive_hits / RUNS > 0.15
    assert msprt_hits / RUNS <= 0.05
    assert covered / RUNS >= 0.95


def test_a_real_lift_is_found_and_the_sequence_covers_it() -> None:
    rng = np.random.default_rng(3)
    looks = _cumulative_looks(rng, 0.13, 0.10)
    path = always_valid(looks, tau=0.02)
    assert path[-1].significant
    assert path[-1].low <= 0.03 <= path[-1].high
    # Intervals only shrink; p-values only fall.
    assert all(b.low >= a.low and b.high <= a.high for a, b in itertools.pairwise(path))
    assert all(b.p_value <= a.p_value for a, b in itertools.pairwise(path))
    # Valid at any time costs width: wider than the fixed-horizon interval at the end.
    fixed = difference_in_proportions(
        round(looks[-1].mean_a * looks[-1].n_a),
        looks[-1].n_a,
        round(looks[-1].mean_b * looks[-1].n_b),
        looks[-1].n_b,
    )
    assert path[-1].high - path[-1].low > fixed.high - fixed.low


def test_degenerate_looks_carry_the_previous_answer() -> None:
    looks = [proportions_look(0, 1, 0, 1), proportions_look(0, 10, 0, 10)]
    path = always_valid(looks, tau=0.05)
    assert [(e.p_value, e.low, e.high) for e in path] == [(1.0, -math.inf, math.inf)] * 2
    with pytest.raises(ValueError, match="tau"):
        always_valid(looks, tau=0)
    with pytest.raises(ValueError, match="successes"):
        proportions_look(5, 4, 0, 1)
    assert math.isnan(wilson(0, 0).value)
