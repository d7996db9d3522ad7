"""Measure: honest lift of what Tenure did, against control groups, with intervals."""

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    wilson,
)
from tenure.measure.offer_policy import (
    POLICIES,
    PolicyOutcome,
    PolicyReport,
    evaluate_ground_truth,
    evaluate_logged,
    policy_actions,
)

__all__ = [
    "POLICIES",
    "Estimate",
    "PolicyOutcome",
    "PolicyReport",
    "difference_in_means",
    "difference_in_proportions",
    "evaluate_ground_truth",
    "evaluate_logged",
    "policy_actions",
    "wilson",
]
