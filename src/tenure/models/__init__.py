"""Estimators with the scikit-learn contract: churn, reasons, survival, lifetime value, uplift."""

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
from tenure.models.uplift import TLearner, UpliftModel, XLearner
from tenure.models.uplift_metrics import (
    perfect_qini_curve,
    perfect_uplift_curve,
    qini_auc_score,
    qini_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
)
from tenure.models.uplift_strata import StrataUplift
from tenure.models.uplift_tabular import (
    UpliftData,
    UpliftReport,
    UpliftScores,
    cross_validate_uplift_table,
    fit_uplift_table,
    make_uplift_model,
    prepare_uplift_table,
    score_uplift_table,
)

__all__ = [
    "ChurnModel",
    "LifetimeValueModel",
    "LogisticBaseline",
    "ModelArtifact",
    "ModelScores",
    "ModelVersionWarning",
    "StrataUplift",
    "TLearner",
    "TabularData",
    "TabularReport",
    "UpliftData",
    "UpliftModel",
    "UpliftReport",
    "UpliftScores",
    "XLearner",
    "cross_validate_table",
    "cross_validate_uplift_table",
    "customer_lifetime_values",
    "fit_table",
    "fit_uplift_table",
    "kaplan_meier",
    "load_model",
    "ltv_summary",
    "make_uplift_model",
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "prepare_table",
    "prepare_uplift_table",
    "qini_auc_score",
    "qini_curve",
    "read_table",
    "save_model",
    "score_table",
    "score_uplift_table",
    "spell_frame",
    "spells",
    "survival_summary",
    "uplift_at_k",
    "uplift_auc_score",
    "uplift_curve",
]
