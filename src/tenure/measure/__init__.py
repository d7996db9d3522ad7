"""Measure: honest lift of what Tenure did, against control groups, with intervals."""

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    wilson,
)
from tenure.measure.sequential import Look, SequentialEstimate, always_valid, proportions_look

__all__ = [
    "Estimate",
    "Look",
    "SequentialEstimate",
    "always_valid",
    "difference_in_means",
    "difference_in_proportions",
    "proportions_look",
    "wilson",
]
