"""Measure: honest lift of what Tenure did, against control groups, with intervals."""

from tenure.measure.intervals import (
    Estimate,
    difference_in_means,
    difference_in_proportions,
    mean_interval,
    wilson,
)
from tenure.measure.journey_outcomes import (
    HorizonResult,
    MrrArm,
    OutcomeCounts,
    RetentionArm,
    VariantLift,
    horizon_results,
    variant_lifts,
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
    "HorizonResult",
    "JourneyReport",
    "Look",
    "MrrArm",
    "OutcomeCounts",
    "PolicyOutcome",
    "PolicyReport",
    "RetentionArm",
    "SequentialEstimate",
    "VariantLift",
    "always_valid",
    "always_valid_p",
    "difference_in_means",
    "difference_in_proportions",
    "evaluate_ground_truth",
    "evaluate_logged",
    "horizon_results",
    "journey_report",
    "mean_interval",
    "policy_actions",
    "proportions_look",
    "variant_lifts",
    "wilson",
]
