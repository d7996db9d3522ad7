"""Point-in-time customer features and churn labels: only data before ``as_of``.

See ``docs/features.md`` for the feature catalog and the point-in-time rules.
"""

from __future__ import annotations

from tenure.features.customer import customer_features
from tenure.features.frames import (
    feature_frame,
    labelled_frame,
    monthly_origins,
    population,
    stacked_frames,
)
from tenure.features.labels import INVOLUNTARY_REASONS, churn_labels
from tenure.features.offer_decisions import (
    OFFER_LOG_COLUMNS,
    cancel_decisions,
    demo_offer_log,
    offer_decision_frame,
)
from tenure.features.point_in_time import RULES, PointInTimeContext, cutoff_of, known_before
from tenure.features.send_time import SEND_HOUR_COLUMNS, active_hours, send_hours
from tenure.features.spec import FEATURES, Feature, feature_names

__all__ = [
    "FEATURES",
    "INVOLUNTARY_REASONS",
    "OFFER_LOG_COLUMNS",
    "RULES",
    "SEND_HOUR_COLUMNS",
    "Feature",
    "PointInTimeContext",
    "active_hours",
    "cancel_decisions",
    "churn_labels",
    "customer_features",
    "cutoff_of",
    "demo_offer_log",
    "feature_frame",
    "feature_names",
    "known_before",
    "labelled_frame",
    "monthly_origins",
    "offer_decision_frame",
    "population",
    "send_hours",
    "stacked_frames",
]
