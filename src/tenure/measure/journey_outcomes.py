"""Retention and MRR per arm and A/B variant of a journey, N days after enrolment.

The warehouse aggregates (:func:`tenure.metrics.outcomes.outcomes_after`); this module
turns each group's aggregates into rates and means with intervals, compares treatment
with the customers kept out (control and holdout together) and says plainly when there
is not enough data. docs/journeys.md ("Measurement") has the definitions:

- *retained*: the customer pays (MRR > 0) ``N`` days after entering; only enrolments at
  least ``N`` days old (*matured*) count, the others are *too young*;
- retention rate per arm with Wilson's interval, the difference treatment − kept out with
  Newcombe's, and the always-valid mSPRT p-value of that difference;
- MRR change per enrolment (MRR ``N`` days later − MRR at entry), its mean per arm with a
  normal interval, and the difference of the means with Welch's interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    mean_interval,
    wilson,
)
from tenure.measure.sequential import always_valid, proportions_look

__all__ = [
    "ARMS",
    "HorizonResult",
    "MrrArm",
    "OutcomeCounts",
    "RetentionArm",
    "VariantLift",
    "horizon_results",
    "variant_lifts",
]

ARMS = ("treatment", "control", "holdout", "kept out")
"""The arms of a report, in order; *kept out* is control and holdout together."""

FEW = 30
"""Under this many measured enrolments in an arm, the report warns about the MRR intervals."""

TAU = 0.05
"""Prior scale of the difference of retention rates in the mixture SPRT (5 points)."""


@dataclass(frozen=True)
class OutcomeCounts:
    """One group's aggregates at one horizon, as the warehouse computes them."""

    kind: str  # "arm" or "variant"
    group: str
    horizon_days: int
    enrolled: int
    matured: int
    paying_at_start: int
    retained: int
    mrr_at_start: float
    mrr_after: float
    mrr_change: float
    mrr_change_variance: float

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OutcomeCounts:
        """From a row of :func:`tenure.metrics.outcomes.outcomes_after` (nulls become NaN)."""

        def number(key: str) -> float:
            value = row.get(key)
            return math.nan if value is None else float(value)

        return cls(
            kind=str(row["kind"]),
            group=str(row["group"]),
            horizon_days=int(row["horizon_days"]),
            enrolled=int(row["enrolled"]),
            matured=int(row["matured"]),
            paying_at_start=int(row["paying_at_start"]),
            retained=int(row["retained"]),
            mrr_at_start=number("mrr_at_start"),
            mrr_after=number("mrr_after"),
            mrr_change=number("mrr_change"),
            mrr_change_variance=number("mrr_change_variance"),
        )


@dataclass(frozen=True)
class RetentionArm:
    """An arm's (or variant's) enrolments at one horizon, and its retention rate."""

    name: str
    enrolled: int
    matured: int
    too_young: int
    paying_at_entry: int
    retained: int
    rate: Estimate


@dataclass(frozen=True)
class MrrArm:
    """An arm's (or variant's) mean MRR at entry and ``N`` days later, and the change."""

    name: str
    matured: int
    mrr_at_entry: float
    mrr_after: float
    change: Estimate


@dataclass(frozen=True)
class VariantLift:
    """An A/B variant against the first variant (by name): ``variant − baseline``.

    ``p_always_valid`` is the mSPRT p-value for a rate (None for a mean).
    """

    variant: str
    baseline: str
    lift: Estimate
    p_always_valid: float | None


def variant_lifts(
    variants: Sequence[tuple[str, int, int]], *, confidence: float = 0.95
) -> list[VariantLift]:
    """Each variant's rate against the first one's, from ``(name, successes, n)``.

    >>> [
    ...     (v.variant, round(v.lift.value, 2))
    ...     for v in variant_lifts([("a", 30, 100), ("b", 45, 100)])
    ... ]
    [('b', 0.15)]
    """
    if len(variants) < 2:
        return []
    base, s0, n0 = variants[0]
    return [
        VariantLift(
            name,
            base,
            difference_in_proportions(s, n, s0, n0, confidence),
            always_valid_proportions_p(s, n, s0, n0),
        )
        for name, s, n in variants[1:]
    ]


def always_valid_proportions_p(
    successes_a: int, n_a: int, successes_b: int, n_b: int, *, tau: float = TAU
) -> float:
    """The mSPRT p-value for "rate a = rate b" at this look (1 when an arm is empty)."""
    if n_a == 0 or n_b == 0:
        return 1.0
    look = proportions_look(successes_a, n_a, successes_b, n_b)
    return always_valid([look], tau=tau)[-1].p_value


@dataclass(frozen=True)
class HorizonResult:
    """Retention and MRR ``horizon_days`` after enrolment: arms, variants and lifts."""

    horizon_days: int
    retention: list[RetentionArm]
    retention_variants: list[RetentionArm]
    retention_lift: Estimate
    retention_p_always_valid: float
    mrr: list[MrrArm]
    mrr_variants: list[MrrArm]
    mrr_lift: Estimate
    notes: list[str]
    retention_variant_lifts: list[VariantLift] = field(default_factory=list)
    mrr_variant_lifts: list[VariantLift] = field(default_factory=list)


def _empty(kind: str, group: str, horizon: int) -> OutcomeCounts:
    nan = math.nan
    return OutcomeCounts(kind, group, horizon, 0, 0, 0, 0, nan, nan, nan, nan)


def _retention(c: OutcomeCounts, name: str, confidence: float) -> RetentionArm:
    return RetentionArm(
        name=name,
        enrolled=c.enrolled,
        matured=c.matured,
        too_young=c.enrolled - c.matured,
        paying_at_entry=c.paying_at_start,
        retained=c.retained,
        rate=wilson(c.retained, c.matured, confidence),
    )


def _mrr(c: OutcomeCounts, name: str, confidence: float) -> MrrArm:
    return MrrArm(
        name=name,
        matured=c.matured,
        mrr_at_entry=c.mrr_at_start,
        mrr_after=c.mrr_after,
        change=mean_interval(c.mrr_change, c.mrr_change_variance, c.matured, confidence),
    )


def _notes(horizon: int, t: OutcomeCounts, k: OutcomeCounts) -> list[str]:
    total, matured = t.enrolled + k.enrolled, t.matured + k.matured
    notes: list[str] = []
    if total == 0:
        return [f"No enrolments yet: nothing to measure at {horizon} days."]
    if matured == 0:
        return [
            f"No enrolment is {horizon} days old yet ({total} too young): retention and MRR "
            f"at {horizon} days are not measured."
        ]
    if k.enrolled == 0:
        notes.append(
            "No enrolment was kept out (the control share and the holdout are 0, or too "
            "small): treatment has nothing to be compared with."
        )
    elif t.matured < 2 or k.matured < 2:
        notes.append(
            f"Too few enrolments are {horizon} days old for a comparison "
            f"(treatment {t.matured}, kept out {k.matured}; at least 2 each)."
        )
    elif min(t.matured, k.matured) < FEW:
        notes.append(
            f"Few enrolments are {horizon} days old in an arm (treatment {t.matured}, kept "
            f"out {k.matured}): the MRR intervals are large-sample approximations and may "
            "be too narrow; the retention intervals stay valid."
        )
    young = total - matured
    if young and not notes:
        notes.append(f"{young} of {total} enrolments are younger than {horizon} days and wait.")
    return notes


def _mrr_variant_lifts(variants: Sequence[OutcomeCounts], confidence: float) -> list[VariantLift]:
    if len(variants) < 2:
        return []
    b = variants[0]
    return [
        VariantLift(
            v.group,
            b.group,
            difference_in_means(
                v.mrr_change,
                v.mrr_change_variance,
                v.matured,
                b.mrr_change,
                b.mrr_change_variance,
                b.matured,
                confidence,
            ),
            None,
        )
        for v in variants[1:]
    ]


def horizon_results(
    counts: Iterable[OutcomeCounts], *, confidence: float = 0.95
) -> list[HorizonResult]:
    """One :class:`HorizonResult` per horizon in ``counts``, shortest first.

    ``counts`` has, per horizon, rows of kind ``arm`` (groups ``treatment``, ``control``,
    ``holdout`` and ``kept out``; a missing one has no enrolments) and of kind
    ``variant`` (one per A/B variant within treatment).
    """
    by_horizon: dict[int, list[OutcomeCounts]] = {}
    for c in counts:
        by_horizon.setdefault(c.horizon_days, []).append(c)
    out = []
    for horizon in sorted(by_horizon):
        rows = by_horizon[horizon]
        arms = {c.group: c for c in rows if c.kind == "arm"}
        got = [arms.get(name, _empty("arm", name, horizon)) for name in ARMS]
        variants = sorted((c for c in rows if c.kind == "variant"), key=lambda c: c.group)
        t, k = got[0], got[3]
        out.append(
            HorizonResult(
                horizon_days=horizon,
                retention=[_retention(c, c.group, confidence) for c in got],
                retention_variants=[_retention(c, c.group, confidence) for c in variants],
                retention_lift=difference_in_proportions(
                    t.retained, t.matured, k.retained, k.matured, confidence
                ),
                retention_p_always_valid=always_valid_proportions_p(
                    t.retained, t.matured, k.retained, k.matured
                ),
                mrr=[_mrr(c, c.group, confidence) for c in got],
                mrr_variants=[_mrr(c, c.group, confidence) for c in variants],
                mrr_lift=difference_in_means(
                    t.mrr_change,
                    t.mrr_change_variance,
                    t.matured,
                    k.mrr_change,
                    k.mrr_change_variance,
                    k.matured,
                    confidence,
                ),
                notes=_notes(horizon, t, k),
                retention_variant_lifts=variant_lifts(
                    [(v.group, v.retained, v.matured) for v in variants], confidence=confidence
                ),
                mrr_variant_lifts=_mrr_variant_lifts(variants, confidence),
            )
        )
    return out
