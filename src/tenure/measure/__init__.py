"""Measure: honest lift of what Tenure did, against control groups, with intervals."""

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    wilson,
)

__all__ = ["Estimate", "difference_in_means", "difference_in_proportions", "wilson"]
