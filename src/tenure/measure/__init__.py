"""Measure: honest lift of what Tenure did, against control groups, with intervals."""

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    wilson,
)
from tenure.measure.journeys import ArmResult, JourneyReport, always_valid_p, journey_report
from tenure.measure.offer_policy import (
    POLICIES,
    PolicyOutcome,
    PolicyReport,
    evaluate_ground_truth,
    evaluate_logged,
    policy_actions,
)
from tenure.measure.sequential import Look, SequentialEstimate, always_valid, proportions_look

__all__ = [
    "POLICIES",
    "ArmResult",
    "Estimate",
    "JourneyReport",
    "Look",
    "PolicyOutcome",
    "PolicyReport",
    "SequentialEstimate",
    "always_valid",
    "always_valid_p",
    "difference_in_means",
    "difference_in_proportions",
    "evaluate_ground_truth",
    "evaluate_logged",
    "journey_report",
    "policy_actions",
    "proportions_look",
    "wilson",
]
