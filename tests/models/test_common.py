"""The estimator contract: scikit-learn's common checks, then Tenure's own."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from tenure.errors import NotFittedError
from tenure.models import (
    ChurnModel,
    LifetimeValueModel,
    LogisticBaseline,
    StrataUplift,
    TLearner,
    XLearner,
)

ESTIMATORS = [ChurnModel(), LogisticBaseline()]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_contract_holds_when_checked(estimator, check):
    check(estimator)


def _frame(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    months = rng.integers(1, 72, n)
    plan = rng.choice(["basic", "pro", "team"], n)
    charges = rng.normal(60, 20, n).round(2)
    risk = 1 / (1 + np.exp(-(-1.0 + 1.5 * (months < 12) + 0.8 * (plan == "basic"))))
    y = (rng.random(n) < risk).astype(int)
    text = pd.Series(charges * months).round(2).astype(str)
    text[rng.random(n) < 0.02] = " "
    X = pd.DataFrame({"months": months, "plan": plan, "charges": charges, "total": text})
    return X, y


@pytest.mark.parametrize("make", [ChurnModel, LogisticBaseline], ids=lambda c: c.__name__)
def test_same_random_state_gives_same_probabilities_when_fitted_twice(make):
    X, y = _frame()
    first = make().fit(X, y).predict_proba(X)
    second = make().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("make", [ChurnModel, LogisticBaseline], ids=lambda c: c.__name__)
def test_pickle_round_trip_gives_identical_probabilities_when_reloaded(make):
    X, y = _frame()
    model = make().fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.predict_proba(X), again.predict_proba(X))


@pytest.mark.parametrize("make", [ChurnModel, LogisticBaseline], ids=lambda c: c.__name__)
def test_unfitted_model_raises_tenure_not_fitted_error_when_predicting(make):
    X, _ = _frame(20)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        make().predict_proba(X)


def test_different_random_state_changes_the_trees_when_sampling():
    X, y = _frame()
    a = ChurnModel(random_state=0).fit(X, y).predict_proba(X)
    b = ChurnModel(random_state=1).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, b)


# LifetimeValueModel takes a table of spells with named columns (lifelines' shape:
# fit(df, duration_col=..., event_col=...)), not X, y: a duration with censoring is not a
# scikit-learn target, so parametrize_with_checks cannot feed it. Its API checks (which
# need no data) run here, then Tenure's own checks; tests/models/test_clv.py checks the
# numbers against closed forms, and tests/workspace/test_value.py that data after as_of
# changes nothing.
API_CHECKS = [
    "check_parameters_default_constructible",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_repr",
    "check_estimator_cloneable",
    "check_do_not_raise_errors_in_init_or_set_params",
]


@pytest.mark.parametrize("name", API_CHECKS)
def test_sklearn_api_checks_hold_when_the_model_takes_a_spell_table(name: str) -> None:
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, name)("LifetimeValueModel", LifetimeValueModel())


# The uplift learners take fit(X, treatment, y), causalml's order: a treatment is not a
# scikit-learn argument, so only the API checks apply; tests/models/test_uplift.py holds
# Tenure's own checks (same seed same uplift, pickle round trip, not fitted).
@pytest.mark.parametrize("make", [StrataUplift, TLearner, XLearner], ids=lambda c: c.__name__)
@pytest.mark.parametrize("name", API_CHECKS)
def test_sklearn_api_checks_hold_when_the_model_takes_a_treatment(name: str, make) -> None:
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, name)(make.__name__, make())


def _spells(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "pro"], n)
    t = rng.exponential(np.where(plan == "pro", 24.0, 8.0))
    return pd.DataFrame({"plan": plan, "months": np.minimum(t, 18) + 0.01, "churned": t < 18})


def test_same_spells_give_same_remaining_months_when_fitted_twice() -> None:
    df = _spells()
    first = LifetimeValueModel().fit(df).expected_remaining_months(df)
    second = LifetimeValueModel().fit(df).expected_remaining_months(df)
    np.testing.assert_array_equal(first, second)


def test_pickle_round_trip_gives_identical_remaining_months_when_reloaded() -> None:
    df = _spells()
    model = LifetimeValueModel().fit(df)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(
        model.expected_remaining_months(df), again.expected_remaining_months(df)
    )


def test_unfitted_lifetime_model_raises_tenure_not_fitted_error_when_predicting() -> None:
    with pytest.raises(NotFittedError, match="not fitted yet"):
        LifetimeValueModel().expected_remaining_months(_spells(5))
