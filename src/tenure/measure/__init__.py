"""Measure: honest lift of what Tenure did, against control groups, with intervals."""

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    wilson,
)
from tenure.measure.journeys import ArmResult, JourneyReport, always_valid_p, journey_report

__all__ = [
    "ArmResult",
    "Estimate",
    "JourneyReport",
    "always_valid_p",
    "difference_in_means",
    "difference_in_proportions",
    "journey_report",
    "wilson",
]
