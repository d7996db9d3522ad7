"""Policies from scores to decisions: health score and segments."""

from tenure.decide._rules import check_rule, compile_rule
from tenure.decide._segment_store import (
    SEGMENT_MEMBERS,
    SEGMENTS,
    backfill_segment,
    delete_segment,
    save_segment,
    segment_history,
    segment_sizes,
    stored_segments,
    write_members,
)
from tenure.decide.health import BANDS, HEALTH_COLUMNS, health_scores
from tenure.decide.segments import (
    CUSTOMER_PROFILES,
    RFM_SEGMENTS,
    Segment,
    SegmentKind,
    builtin_segments,
    check_segment,
    invoice_purchases,
    profile_schema,
    rfm_scores,
    segment_members,
)

__all__ = [
    "BANDS",
    "CUSTOMER_PROFILES",
    "HEALTH_COLUMNS",
    "RFM_SEGMENTS",
    "SEGMENTS",
    "SEGMENT_MEMBERS",
    "Segment",
    "SegmentKind",
    "backfill_segment",
    "builtin_segments",
    "check_rule",
    "check_segment",
    "compile_rule",
    "delete_segment",
    "health_scores",
    "invoice_purchases",
    "profile_schema",
    "rfm_scores",
    "save_segment",
    "segment_history",
    "segment_members",
    "segment_sizes",
    "stored_segments",
    "write_members",
]
