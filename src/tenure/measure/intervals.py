"""Confidence intervals for rates, differences of rates and differences of means.

They take aggregates (counts, sums, sums of squares) that the warehouse computes, never rows.

- A rate: the Wilson score interval, which stays inside [0, 1] and behaves at 0 and n.
- A difference of two rates (treatment − control): Newcombe's hybrid score interval
  (method 10 in Newcombe 1998), built from the two Wilson intervals.
- A difference of two means (e.g. saved MRR per customer): Welch's normal interval from each
  arm's mean and variance; one mean: the normal interval ``mean ± z·sqrt(s²/n)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = [
    "Estimate",
    "difference_in_means",
    "difference_in_proportions",
    "mean_interval",
    "wilson",
]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with its interval at ``confidence``; ``low``/``high`` are NaN if n = 0."""

    value: float
    low: float
    high: float
    confidence: float

    @property
    def significant(self) -> bool:
        """True when the interval excludes zero."""
        return self.low > 0 or self.high < 0


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> Estimate:
    """The rate ``successes / n`` with its Wilson score interval.

    >>> e = wilson(8, 10)
    >>> round(e.value, 2), round(e.low, 3), round(e.high, 3)
    (0.8, 0.49, 0.943)
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, confidence)
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), confidence)


def difference_in_proportions(
    successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = 0.95
) -> Estimate:
    """Rate of arm a minus rate of arm b, with Newcombe's hybrid score interval.

    >>> e = difference_in_proportions(56, 70, 48, 80)
    >>> round(e.value, 3), round(e.low, 4), round(e.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    a = wilson(successes_a, n_a, confidence)
    b = wilson(successes_b, n_b, confidence)
    if n_a == 0 or n_b == 0:
        return Estimate(math.nan, math.nan, math.nan, confidence)
    diff = a.value - b.value
    low = diff - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = diff + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return Estimate(diff, low, high, confidence)


def difference_in_means(
    mean_a: float,
    variance_a: float,
    n_a: int,
    mean_b: float,
    variance_b: float,
    n_b: int,
    confidence: float = 0.95,
) -> Estimate:
    """Mean of arm a minus mean of arm b with a Welch (unequal variances) normal interval.

    ``variance_*`` are sample variances (ddof = 1).

    >>> e = difference_in_means(10.0, 4.0, 100, 9.0, 9.0, 100)
    >>> round(e.value, 2), round(e.low, 3), round(e.high, 3)
    (1.0, 0.293, 1.707)
    """
    if n_a < 2 or n_b < 2:
        return Estimate(mean_a - mean_b, math.nan, math.nan, confidence)
    se = math.sqrt(variance_a / n_a + variance_b / n_b)
    half = _z(confidence) * se
    diff = mean_a - mean_b
    return Estimate(diff, diff - half, diff + half, confidence)


def mean_interval(mean: float, variance: float, n: int, confidence: float = 0.95) -> Estimate:
    """A mean with its normal (large-sample) interval ``mean ± z·sqrt(variance / n)``.

    ``variance`` is the sample variance (ddof = 1). Under two observations the interval
    is NaN (and the value too when ``n`` is 0).

    >>> e = mean_interval(10.0, 4.0, 100)
    >>> round(e.value, 2), round(e.low, 3), round(e.high, 3)
    (10.0, 9.608, 10.392)
    """
    if n < 2 or math.isnan(variance):
        return Estimate(mean if n else math.nan, math.nan, math.nan, confidence)
    half = _z(confidence) * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half, confidence)
