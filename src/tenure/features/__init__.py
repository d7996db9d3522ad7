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
from tenure.features.point_in_time import RULES, PointInTimeContext, cutoff_of, known_before
from tenure.features.send_time import SEND_HOUR_COLUMNS, active_hours, send_hours
from tenure.features.spec import FEATURES, Feature, feature_names

__all__ = [
    "FEATURES",
    "INVOLUNTARY_REASONS",
    "RULES",
    "SEND_HOUR_COLUMNS",
    "Feature",
    "PointInTimeContext",
    "active_hours",
    "churn_labels",
    "customer_features",
    "cutoff_of",
    "feature_frame",
    "feature_names",
    "known_before",
    "labelled_frame",
    "monthly_origins",
    "population",
    "send_hours",
    "stacked_frames",
]
