"""Subscription metrics: MRR and its movements, churn, NRR/GRR, cohorts, conversion, NPS.

Every metric is an Ibis expression over the canonical tables, so the same code runs on
DuckDB, PostgreSQL, Spark, ClickHouse or BigQuery. Definitions: ``docs/metrics.md``.
"""

from __future__ import annotations

from tenure.metrics._activity_table import ActivityTable
from tenure.metrics._attributes import BREAKDOWNS, breakdowns
from tenure.metrics._base import INTERVALS, Interval, MetricsContext, period_label
from tenure.metrics._changes_table import ChangesTable
from tenure.metrics.cohorts import COHORT_COLUMNS, CohortQuery, cohort_tables, month_end_mrr
from tenure.metrics.conversion import activation, freemium_conversion, trial_conversion
from tenure.metrics.engagement import ACTIVE_TYPES, engagement
from tenure.metrics.feedback import NPS_GROUPS, nps, nps_distribution, verbatims
from tenure.metrics.funnel import (
    FUNNEL_STEPS,
    KEY_ACTION_BUCKETS,
    activation_funnel,
    key_action_days,
)
from tenure.metrics.mrr import (
    CHANGES_TABLE,
    MOVEMENTS,
    check_currencies,
    fx_windows,
    mrr_changes,
    mrr_segments,
)
from tenure.metrics.outcomes import OUTCOME_COLUMNS, mrr_on, outcomes_after
from tenure.metrics.payments import payment_health
from tenure.metrics.series import SERIES_COLUMNS, SeriesQuery, mrr_series

__all__ = [
    "ACTIVE_TYPES",
    "BREAKDOWNS",
    "CHANGES_TABLE",
    "COHORT_COLUMNS",
    "FUNNEL_STEPS",
    "INTERVALS",
    "KEY_ACTION_BUCKETS",
    "MOVEMENTS",
    "NPS_GROUPS",
    "OUTCOME_COLUMNS",
    "SERIES_COLUMNS",
    "ActivityTable",
    "ChangesTable",
    "CohortQuery",
    "Interval",
    "MetricsContext",
    "SeriesQuery",
    "activation",
    "activation_funnel",
    "breakdowns",
    "check_currencies",
    "cohort_tables",
    "engagement",
    "freemium_conversion",
    "fx_windows",
    "key_action_days",
    "month_end_mrr",
    "mrr_changes",
    "mrr_on",
    "mrr_segments",
    "mrr_series",
    "nps",
    "nps_distribution",
    "outcomes_after",
    "payment_health",
    "period_label",
    "trial_conversion",
    "verbatims",
]
