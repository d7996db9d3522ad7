"""The lift of a journey: conversion, retention and MRR per arm and A/B variant, with intervals.

From a journey's enrolments (arm, variant, status): an enrolment *converted* when it
ended because the goal was met. Treatment is compared with the customers kept out
(the global control group and the journey's holdout together): the difference of the
conversion rates with Newcombe's interval, each rate with Wilson's, and an
**always-valid p-value** (a mixture sequential probability ratio test, Johari, Pekelis
and Walsh 2017, "Always valid inference"), which stays valid however often the report is
looked at. Retention and MRR ``N`` days after enrolment come from the warehouse as
aggregates per arm (:mod:`tenure.measure.journey_outcomes`). docs/journeys.md,
"Measurement", has the formulas.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from tenure.measure.intervals import Estimate, difference_in_proportions, wilson
from tenure.measure.journey_outcomes import (
    HorizonResult,
    OutcomeCounts,
    VariantLift,
    horizon_results,
    variant_lifts,
)
from tenure.measure.journey_outcomes import (
    always_valid_proportions_p as always_valid_p,
)

__all__ = ["ArmResult", "JourneyReport", "always_valid_p", "journey_report"]


@dataclass(frozen=True)
class ArmResult:
    """Enrolments of one arm (or variant), how many converted, and the rate's interval."""

    name: str
    enrolled: int
    converted: int
    rate: Estimate


@dataclass(frozen=True)
class JourneyReport:
    """Treatment against the kept-out customers, and the A/B variants within treatment.

    ``arms``, ``lift``, ``p_always_valid``, ``variants`` and ``variant_lifts`` (each A/B
    variant against the first) are goal conversion;
    ``horizons`` holds retention and MRR at each horizon (as of ``as_of``, money in
    ``currency``); ``notes`` say in words where there is not enough data.
    """

    journey: str
    arms: list[ArmResult]
    lift: Estimate
    p_always_valid: float
    variants: list[ArmResult]
    confidence: float
    as_of: dt.date | None = None
    currency: str | None = None
    horizons: list[HorizonResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    variant_lifts: list[VariantLift] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values: NaN becomes None, a day ISO text."""
        plain: dict[str, Any] = _plain(asdict(self))
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _conversion_notes(t: ArmResult, k: ArmResult) -> list[str]:
    if t.enrolled + k.enrolled == 0:
        return ["No enrolments yet: nothing to measure."]
    if k.enrolled == 0:
        return [
            "No enrolment was kept out (the control share and the holdout are 0, or too "
            "small): treatment has nothing to be compared with."
        ]
    if t.enrolled == 0:
        return ["No enrolment is in treatment: every enrolment was kept out."]
    return []


def _arm(name: str, rows: list[tuple[str, str | None, str]], confidence: float) -> ArmResult:
    converted = sum(1 for _, _, status in rows if status == "converted")
    return ArmResult(name, len(rows), converted, wilson(converted, len(rows), confidence))


def journey_report(
    journey: str,
    enrolments: Iterable[tuple[str, str | None, str]],
    *,
    confidence: float = 0.95,
    outcomes: Iterable[OutcomeCounts] = (),
    as_of: dt.date | None = None,
    currency: str | None = None,
) -> JourneyReport:
    """The report from ``(arm, variant, status)`` of each enrolment of ``journey``.

    ``outcomes`` are the warehouse's retention and MRR aggregates per arm, variant and
    horizon (:func:`tenure.metrics.outcomes.outcomes_after`), computed as of ``as_of``;
    without them the report has goal conversion only.
    """
    rows = list(enrolments)
    treated = [r for r in rows if r[0] == "treatment"]
    kept_out = [r for r in rows if r[0] in ("control", "holdout")]
    arms = [
        _arm("treatment", treated, confidence),
        _arm("control", [r for r in rows if r[0] == "control"], confidence),
        _arm("holdout", [r for r in rows if r[0] == "holdout"], confidence),
        _arm("kept out", kept_out, confidence),
    ]
    t, k = arms[0], arms[3]
    lift = difference_in_proportions(t.converted, t.enrolled, k.converted, k.enrolled, confidence)
    names = sorted({v for _, v, _ in treated if v is not None})
    variants = [_arm(v, [r for r in treated if r[1] == v], confidence) for v in names]
    return JourneyReport(
        journey=journey,
        arms=arms,
        lift=lift,
        p_always_valid=always_valid_p(t.converted, t.enrolled, k.converted, k.enrolled),
        variants=variants,
        confidence=confidence,
        as_of=as_of,
        currency=currency,
        horizons=horizon_results(outcomes, confidence=confidence),
        notes=_conversion_notes(t, k),
        variant_lifts=variant_lifts(
            [(v.name, v.converted, v.enrolled) for v in variants], confidence=confidence
        ),
    )
