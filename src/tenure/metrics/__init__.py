"""Subscription metrics: MRR and its movements, churn, NRR/GRR, cohorts, conversion, NPS.

Every metric is an Ibis expression over the canonical tables, so the same code runs on
DuckDB, PostgreSQL, Spark, ClickHouse or BigQuery. Definitions: ``docs/metrics.md``.
"""

from __future__ import annotations

from tenure.metrics._attributes import BREAKDOWNS, breakdowns
from tenure.metrics._base import INTERVALS, Interval, MetricsContext, period_label
from tenure.metrics.mrr import MOVEMENTS, check_currencies, mrr_changes, mrr_segments
from tenure.metrics.series import SERIES_COLUMNS, SeriesQuery, mrr_series

__all__ = [
    "BREAKDOWNS",
    "INTERVALS",
    "MOVEMENTS",
    "SERIES_COLUMNS",
    "Interval",
    "MetricsContext",
    "SeriesQuery",
    "breakdowns",
    "check_currencies",
    "mrr_changes",
    "mrr_segments",
    "mrr_series",
    "period_label",
]
