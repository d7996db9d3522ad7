"""Estimators with the scikit-learn contract: churn risk, reasons, survival and lifetime value."""

from __future__ import annotations

from tenure.models.baseline import LogisticBaseline
from tenure.models.churn import ChurnModel
from tenure.models.clv import LifetimeValueModel, customer_lifetime_values, ltv_summary
from tenure.models.persist import ModelArtifact, ModelVersionWarning, load_model, save_model
from tenure.models.survival import kaplan_meier, spell_frame, spells, survival_summary
from tenure.models.tabular import (
    ModelScores,
    TabularData,
    TabularReport,
    cross_validate_table,
    fit_table,
    prepare_table,
    read_table,
    score_table,
)

__all__ = [
    "ChurnModel",
    "LifetimeValueModel",
    "LogisticBaseline",
    "ModelArtifact",
    "ModelScores",
    "ModelVersionWarning",
    "TabularData",
    "TabularReport",
    "cross_validate_table",
    "customer_lifetime_values",
    "fit_table",
    "kaplan_meier",
    "load_model",
    "ltv_summary",
    "prepare_table",
    "read_table",
    "save_model",
    "score_table",
    "spell_frame",
    "spells",
    "survival_summary",
]
