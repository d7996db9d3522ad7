"""ChurnModel and LogisticBaseline behaviour on small synthetic tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.utils._param_validation import InvalidParameterError

from tenure.errors import NotFittedError
from tenure.models import ChurnModel, LogisticBaseline


def customers(n: int, *, seed: int, shift: float = 0.0) -> tuple[pd.DataFrame, np.ndarray]:
    """Churn driven by short tenure, the basic plan and high charges; ``shift`` moves the base rate.

    Columns: an identifier, a constant, a plan (text), months (int), monthly charges
    (float) and total charges as text with blanks, as in the Telco export.
    """
    rng = np.random.default_rng(seed)
    months = rng.integers(0, 72, n)
    plan = rng.choice(["basic", "pro", "team"], n, p=[0.5, 0.3, 0.2])
    charges = rng.normal(60, 20, n).round(2)
    logit = -1.5 + 1.8 * (months < 12) + 0.9 * (plan == "basic") + 0.02 * (charges - 60) + shift
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    total = pd.Series(charges * months).round(2).astype(str)
    total[months == 0] = " "
    X = pd.DataFrame(
        {
            "customer_id": [f"c{seed}-{i:05d}" for i in range(n)],
            "country": "DE",
            "plan": plan,
            "months": months,
            "charges": charges,
            "total": total,
        }
    )
    return X, y


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return customers(3000, seed=1)


@pytest.fixture(scope="module")
def model(data: tuple[pd.DataFrame, np.ndarray]) -> ChurnModel:
    X, y = data
    return ChurnModel().fit(X, y)


def test_columns_are_typed_without_preprocessing_when_frame_has_text_and_blanks(model):
    kinds = {c.name: (c.kind, c.source) for c in model.encoder_.columns_}
    assert kinds == {
        "plan": ("category", "text"),
        "months": ("numeric", "number"),
        "charges": ("numeric", "number"),
        "total": ("numeric", "numeric text"),
    }
    assert model.encoder_.dropped_ == {
        "customer_id": "identifier: every value is different",
        "country": "constant: a single value",
    }
    assert list(model.feature_names_in_) == [
        "customer_id",
        "country",
        "plan",
        "months",
        "charges",
        "total",
    ]


def test_model_ranks_nearly_as_well_as_the_true_risk_when_scored_on_new_rows(model, data):
    """The generator's own log-odds score 0.722 here; the model 0.709, the baseline 0.680.

    The baseline cannot see the step at 12 months (it is linear in ``months``).
    """
    X, y = customers(2000, seed=2)
    true_logit = -1.5 + 1.8 * (X.months < 12) + 0.9 * (X.plan == "basic") + 0.02 * (X.charges - 60)
    oracle = roc_auc_score(y, true_logit)
    auc = roc_auc_score(y, model.predict_proba(X)[:, 1])
    auc_baseline = roc_auc_score(y, LogisticBaseline().fit(*data).predict_proba(X)[:, 1])
    assert oracle == pytest.approx(0.722, abs=0.001)
    assert auc > oracle - 0.02
    assert auc > auc_baseline + 0.02


def test_unseen_category_is_treated_as_missing_when_predicting(model, data):
    X, _ = data
    rows = X.head(5).copy()
    unseen, missing = rows.copy(), rows.copy()
    unseen["plan"] = "enterprise"
    missing["plan"] = None
    p_unseen = model.predict_proba(unseen)[:, 1]
    np.testing.assert_allclose(p_unseen, model.predict_proba(missing)[:, 1])
    assert np.isfinite(p_unseen).all()
    assert np.isfinite(LogisticBaseline().fit(*data).predict_proba(unseen)).all()


def test_blank_numeric_text_is_missing_when_encoded(model, data):
    X, _ = data
    encoded = model.encoder_.transform(X)
    blank = (X["total"].str.strip() == "").to_numpy()
    assert blank.any()
    assert encoded["total"].isna().to_numpy()[blank].all()
    assert encoded["total"].notna().to_numpy()[~blank].all()


def test_early_stopping_uses_eval_set_when_given(data):
    X, y = data
    X_valid, y_valid = customers(800, seed=3)
    noise = np.random.default_rng(0).integers(0, 2, len(y_valid))
    informative = ChurnModel().fit(X, y, eval_set=(X_valid, y_valid))
    uninformative = ChurnModel().fit(X, y, eval_set=(X_valid, noise))
    assert informative.validation_scores_["rows"] == len(y_valid)
    assert uninformative.best_iteration_ < informative.best_iteration_
    assert uninformative.best_iteration_ < 60  # no round helps on random labels
    # rows of eval_set are not trained on, so there is no refit
    assert informative.n_iter_ == informative.best_iteration_


def test_refit_grows_more_rounds_on_all_rows_when_holdout_was_internal(model):
    assert model.n_iter_ == round(model.best_iteration_ / 0.8) or (
        abs(model.n_iter_ - model.best_iteration_ / 0.8) <= 1
    )
    assert model.n_iter_ > model.best_iteration_


def test_sigmoid_calibration_lowers_brier_when_later_window_churns_more(data):
    """Training rows churn less than the later window: calibrating on the window fixes it."""
    X, y = data
    X_valid, y_valid = customers(1500, seed=4, shift=1.0)
    X_test, y_test = customers(3000, seed=5, shift=1.0)
    raw = ChurnModel(calibration=None).fit(X, y, eval_set=(X_valid, y_valid))
    calibrated = ChurnModel().fit(X, y, eval_set=(X_valid, y_valid))
    p_raw = raw.predict_proba(X_test)[:, 1]
    p_cal = calibrated.predict_proba(X_test)[:, 1]
    assert brier_score_loss(y_test, p_cal) < brier_score_loss(y_test, p_raw) - 0.005
    # a monotone map: the ranking, and so ROC-AUC, is unchanged
    assert roc_auc_score(y_test, p_cal) == pytest.approx(roc_auc_score(y_test, p_raw), abs=1e-9)


def test_calibration_keeps_brier_when_window_matches_training(data):
    X, y = data
    X_test, y_test = customers(3000, seed=6)
    raw = ChurnModel(calibration=None).fit(X, y)
    calibrated = ChurnModel().fit(X, y)
    isotonic = ChurnModel(calibration="isotonic").fit(X, y)
    b_raw = brier_score_loss(y_test, raw.predict_proba(X_test)[:, 1])
    assert brier_score_loss(y_test, calibrated.predict_proba(X_test)[:, 1]) < b_raw + 0.002
    assert brier_score_loss(y_test, isotonic.predict_proba(X_test)[:, 1]) < b_raw + 0.005


def test_feature_contributions_sum_to_raw_margin_when_added_to_base(model, data):
    X, _ = data
    rows = X.head(50)
    contributions = model.feature_contributions(rows)
    assert list(contributions.columns) == list(model.feature_names_in_)
    assert (contributions[["customer_id", "country"]] == 0).all().all()
    np.testing.assert_allclose(
        contributions.sum(axis=1) + model.base_margin_, model.raw_margin(rows), atol=1e-8
    )
    # short tenure pushes risk up
    short = rows["months"] < 6
    assert contributions.loc[short, "months"].mean() > contributions.loc[~short, "months"].mean()


def test_polars_and_numpy_input_give_the_same_probabilities_when_columns_match(data):
    X, y = data
    numeric = X[["months", "charges"]]
    from_pandas = ChurnModel().fit(numeric, y).predict_proba(numeric)
    from_polars = ChurnModel().fit(pl.from_pandas(numeric), y).predict_proba(numeric)
    fitted = ChurnModel().fit(numeric.to_numpy(), y)
    np.testing.assert_allclose(from_pandas, from_polars)
    np.testing.assert_allclose(from_pandas, fitted.predict_proba(numeric.to_numpy()))
    assert not hasattr(fitted, "feature_names_in_")
    assert list(fitted.feature_contributions(numeric.to_numpy()).columns) == ["x0", "x1"]


@pytest.mark.parametrize("method", ["predict_proba", "predict", "feature_contributions"])
def test_not_fitted_error_is_raised_when_model_is_unfitted(method, data):
    X, _ = data
    with pytest.raises(NotFittedError, match="This ChurnModel is not fitted yet"):
        getattr(ChurnModel(), method)(X)


def test_invalid_parameter_is_named_with_its_range_when_fitting(data):
    X, y = data
    message = (
        r"The 'learning_rate' parameter of ChurnModel must be a float in the range "
        r"\(0\.0, inf\)\. Got 0 instead\."
    )
    with pytest.raises(InvalidParameterError, match=message):
        ChurnModel(learning_rate=0).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'calibration' parameter of ChurnModel"):
        ChurnModel(calibration="platt").fit(X, y)


def test_multiclass_target_is_rejected_when_fitting(data):
    X, _ = data
    y = np.arange(len(X)) % 3
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        ChurnModel().fit(X, y)


def test_eval_set_with_unknown_labels_is_rejected_when_fitting(data):
    X, y = data
    with pytest.raises(ValueError, match="eval_set of ChurnModel has labels that are not in y"):
        ChurnModel().fit(X, y, eval_set=(X.head(20), np.full(20, 7)))


def test_string_labels_map_probability_to_second_class_when_fitted(data):
    X, y = data
    labels = np.where(y == 1, "Yes", "No")
    model = ChurnModel().fit(X[["months", "plan"]], labels)
    assert list(model.classes_) == ["No", "Yes"]
    assert set(model.predict(X[["months", "plan"]].head(100))) <= {"No", "Yes"}
