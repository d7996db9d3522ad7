"""Always-valid inference: lift you may look at every day without inflating false positives.

A fixed-horizon test (a z-test or a 95 % interval) is valid once, at a sample size chosen in
advance. Looking at it every day and stopping when it turns significant makes false
positives far more likely than 5 %. The mixture sequential probability ratio test (mSPRT,
Johari, Koomen, Pekelis and Walsh, *Always Valid Inference*, 2017/2022) stays valid at every
look.

For the difference ``θ`` between the means of two arms (a rate is the mean of a 0/1 outcome),
with the estimate ``θ̂ = mean_a − mean_b`` and its variance ``V = s²_a/n_a + s²_b/n_b``, and a
normal mixture ``N(0, τ²)`` over the alternatives:

    Λ(θ₀) = sqrt(V / (V + τ²)) · exp(τ² (θ̂ − θ₀)² / (2 V (V + τ²)))

- the always-valid p-value after look ``n`` is ``min(1, min over looks k ≤ n of 1/Λ_k(0))``;
- the confidence sequence is every ``θ₀`` with ``Λ(θ₀) < 1/α``:
  ``θ̂ ± sqrt(2 V (V + τ²)/τ² · (log(1/α) + ½ log((V + τ²)/V)))``, intersected with the
  previous looks' intervals.

``τ`` is the size of effect the test is tuned to find quickly (e.g. 0.02 for a two-point
change in a conversion rate); any ``τ > 0`` keeps the guarantee, it only changes the power.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Look", "SequentialEstimate", "always_valid", "proportions_look"]


@dataclass(frozen=True, slots=True)
class Look:
    """The two arms' cumulative aggregates at one look (sample variances, ddof = 1)."""

    mean_a: float
    variance_a: float
    n_a: int
    mean_b: float
    variance_b: float
    n_b: int


@dataclass(frozen=True, slots=True)
class SequentialEstimate:
    """``mean_a − mean_b`` after a look, its confidence sequence and always-valid p-value."""

    value: float
    low: float
    high: float
    p_value: float
    alpha: float

    @property
    def significant(self) -> bool:
        """True once the always-valid p-value is below ``alpha``."""
        return self.p_value < self.alpha


def proportions_look(successes_a: int, n_a: int, successes_b: int, n_b: int) -> Look:
    """A :class:`Look` for two rates (``successes / n`` per arm).

    >>> round(proportions_look(30, 100, 20, 100).variance_a, 4)
    0.2121
    """
    for s, n in ((successes_a, n_a), (successes_b, n_b)):
        if n < 0 or not 0 <= s <= n:
            raise ValueError(f"need 0 <= successes <= n, got {s} of {n}")

    def var(s: int, n: int) -> float:
        return s * (n - s) / (n * (n - 1)) if n > 1 else math.nan

    rate_a = successes_a / n_a if n_a else math.nan
    rate_b = successes_b / n_b if n_b else math.nan
    return Look(rate_a, var(successes_a, n_a), n_a, rate_b, var(successes_b, n_b), n_b)


def always_valid(
    looks: Sequence[Look], *, tau: float, alpha: float = 0.05
) -> list[SequentialEstimate]:
    """The mSPRT after each of ``looks`` (cumulative, in time order).

    A look whose variance is zero or undefined (an arm under two, or no variation yet)
    carries the previous interval and p-value forward.

    >>> looks = [proportions_look(30 * k, 100 * k, 20 * k, 100 * k) for k in (1, 4, 16)]
    >>> [round(e.p_value, 3) for e in always_valid(looks, tau=0.1)]
    [0.724, 0.025, 0.0]
    """
    if tau <= 0:
        raise ValueError(f"tau must be positive, got {tau}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    tau2 = tau * tau
    p_value, low, high = 1.0, -math.inf, math.inf
    out: list[SequentialEstimate] = []
    for look in looks:
        value = look.mean_a - look.mean_b
        if look.n_a < 2 or look.n_b < 2:
            out.append(SequentialEstimate(value, low, high, p_value, alpha))
            continue
        v = look.variance_a / look.n_a + look.variance_b / look.n_b
        if not v > 0:
            out.append(SequentialEstimate(value, low, high, p_value, alpha))
            continue
        log_lambda = 0.5 * math.log(v / (v + tau2)) + tau2 * value * value / (2 * v * (v + tau2))
        p_value = min(p_value, math.exp(-log_lambda) if log_lambda > -700 else 1.0, 1.0)
        half = math.sqrt(
            2 * v * (v + tau2) / tau2 * (math.log(1 / alpha) + 0.5 * math.log((v + tau2) / v))
        )
        low, high = max(low, value - half), min(high, value + half)
        out.append(SequentialEstimate(value, low, high, p_value, alpha))
    return out
