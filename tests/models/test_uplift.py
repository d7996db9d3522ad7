"""T- and X-learners: the estimator contract, a synthetic experiment with a known effect, and
the Hillstrom e-mail experiment (``../shared/data/hillstrom``).

Published reference for Hillstrom (``hillstrom/PROVENANCE.md``): scikit-uplift's class
transformation (women's e-mail against none, target visit, one 50% test split, seed 42)
reaches uplift@30% = 0.066 against an average effect of 0.045.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from tenure.errors import DataError, NotFittedError
from tenure.models import (
    TLearner,
    XLearner,
    cross_validate_uplift_table,
    prepare_uplift_table,
    qini_auc_score,
    read_table,
    uplift_at_k,
)
from tests.conftest import data_path

LEARNERS = [TLearner, XLearner]


def experiment(n: int = 6000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A randomised experiment whose effect is known and hidden from a response model.

    Customers with a high ``spend`` respond often, treated or not (base rate 0.05 to 0.55),
    and the treatment does nothing for them. It helps only the ``monthly`` customers with
    a low ``spend``: +0.30 at spend 0, falling to 0 at spend 0.5. A response model ranks
    the high spenders first, which is the wrong way round.
    """
    rng = np.random.default_rng(seed)
    spend = rng.random(n)
    plan = rng.choice(["monthly", "annual"], n)
    noise = rng.normal(size=n)
    t = rng.integers(0, 2, n)
    effect = 0.3 * np.clip(1 - 2 * spend, 0, None) * (plan == "monthly")
    y = (rng.random(n) < 0.05 + 0.5 * spend + effect * t).astype(int)
    X = pd.DataFrame({"spend": spend, "plan": plan, "noise": noise})
    X.attrs["effect"] = effect
    return X, t, y


@pytest.mark.parametrize("make", LEARNERS, ids=lambda c: c.__name__)
def test_learner_recovers_the_known_effect_when_fitted_on_an_experiment(make):
    X, t, y = experiment()
    test_X, test_t, test_y = experiment(seed=1)
    uplift = make().fit(X, t, y).predict(test_X)
    effect = test_X.attrs["effect"]
    assert np.corrcoef(uplift, effect)[0, 1] > 0.6  # measured: T 0.65, X 0.71
    assert uplift[effect > 0.2].mean() > 0.15 > 0.02 > abs(uplift[effect == 0].mean())
    # Ranking by the true effect scores only 0.058 on this sample (outcomes are noisy and
    # the perfect ranking knows them); measured: T 0.052, X 0.044
    truth = qini_auc_score(test_y, effect, test_t)
    assert qini_auc_score(test_y, uplift, test_t) > 0.7 * truth
    ate = test_y[test_t == 1].mean() - test_y[test_t == 0].mean()
    assert uplift_at_k(test_y, uplift, test_t) > ate + 0.04  # measured: 0.109 and 0.122


def test_learners_beat_random_and_response_rankings_when_the_effect_is_heterogeneous():
    report = cross_validate_uplift_table(
        _table(*experiment()), treatment="arm", control="none", outcome="bought", folds=3
    )
    # Measured (3 folds, seed 0): Qini AUC T 0.046, X 0.040, response 0.002, random 0.003;
    # uplift@30% T 0.113, X 0.076, response 0.025, random 0.035 (average effect 0.041).
    random, response = report.model("random"), report.model("response")
    assert response.qini_auc < 0.01  # the response model ranks by base rate, not by effect
    for name in ("t_learner", "x_learner"):
        learner = report.model(name)
        assert learner.qini_auc > random.qini_auc + 0.025
        assert learner.qini_auc > response.qini_auc + 0.025
        assert learner.uplift_at_k > response.uplift_at_k + 0.03
        assert learner.uplift_at_k > report.ate + 0.02


def _table(X: pd.DataFrame, t: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    return X.assign(arm=np.where(t == 1, "coupon", "none"), bought=np.where(y == 1, "yes", "no"))


@pytest.mark.parametrize("make", LEARNERS, ids=lambda c: c.__name__)
def test_same_random_state_gives_same_uplift_when_fitted_twice(make):
    X, t, y = experiment(2000)
    first = make(random_state=3).fit(X, t, y).predict(X)
    second = make(random_state=3).fit(X, t, y).predict(X)
    np.testing.assert_array_equal(first, second)
    other = make(random_state=4).fit(X, t, y).predict(X)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("make", LEARNERS, ids=lambda c: c.__name__)
def test_pickle_round_trip_gives_identical_uplift_when_reloaded(make):
    X, t, y = experiment(2000)
    model = make().fit(X, t, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.predict(X), again.predict(X))
    np.testing.assert_array_equal(clone(model).get_params()["random_state"], 0)


@pytest.mark.parametrize("make", LEARNERS, ids=lambda c: c.__name__)
def test_unfitted_learner_raises_tenure_not_fitted_error_when_predicting(make):
    X, _, _ = experiment(20)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        make().predict(X)


@pytest.mark.parametrize("make", LEARNERS, ids=lambda c: c.__name__)
def test_learner_gives_a_difference_of_means_when_the_outcome_is_a_number(make):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.random(3000)})
    t = rng.integers(0, 2, 3000)
    y = 10 * X.x + 5 * t + rng.normal(0, 1, 3000)
    model = make().fit(X, t, y)
    assert model.outcome_kind_ == "continuous"
    assert model.predict(X).mean() == pytest.approx(5, abs=0.3)


def test_x_learner_weights_the_effect_models_by_the_propensity_when_given():
    X, t, y = experiment(2000)
    model = XLearner(propensity=0.25).fit(X, t, y)
    assert model.propensity_ == 0.25
    assert XLearner().fit(X, t, y).propensity_ == pytest.approx(t.mean())


@pytest.mark.parametrize(
    ("treatment", "message"),
    [
        (np.full(200, 2), "must hold 0 \\(control\\) and 1"),
        (np.ones(200, dtype=int), "needs treated and control rows"),
        (np.zeros(10, dtype=int), "one value per row"),
    ],
)
def test_learner_rejects_a_bad_treatment_when_fitting(treatment, message):
    X, _, y = experiment(200)
    with pytest.raises(ValueError, match=message):
        TLearner().fit(X, treatment, y)


def test_prepare_uplift_table_maps_arms_and_leaves_out_other_arms_when_treated_is_given():
    frame = pd.DataFrame(
        {
            "arm": ["A", "B", "none", "A", None, "none"],
            "age": [1, 2, 3, 4, 5, 6],
            "spend": [0.0, 1.0, 2.0, 0.0, 1.0, 0.0],
            "bought": ["yes", "no", "no", "yes", "no", None],
        }
    )
    data = prepare_uplift_table(
        frame, treatment="arm", control="none", outcome="bought", treated=["A"], drop=["spend"]
    )
    assert data.treatment.tolist() == [1, 0, 1]
    assert data.y.tolist() == [1, 0, 1]
    assert list(data.X.columns) == ["age"]
    assert data.rows_left_out == 3  # arm B, no arm, no outcome
    with pytest.raises(DataError, match="control value 'off' is not in the treatment column"):
        prepare_uplift_table(frame, treatment="arm", control="off", outcome="bought")
    unclear = frame.iloc[1:3].assign(bought=["p", "q"])
    with pytest.raises(DataError, match="which value of 'bought' means a response"):
        prepare_uplift_table(unclear, treatment="arm", control="none", outcome="bought")


# -- the Hillstrom e-mail experiment -----------------------------------------------------------


def hillstrom() -> pd.DataFrame:
    return read_table(data_path() / "hillstrom" / "hillstrom.csv")


@pytest.mark.data
def test_t_learner_ranks_above_random_when_cross_validated_on_hillstrom():
    """Women's e-mail against none, outcome visit (42,693 rows, average effect +4.5 points).

    Measured (5 folds, seed 0; ``docs/benchmarks.md``): T-learner Qini AUC 0.053 against a
    random ranking's -0.005, uplift@30% 0.072 against the average effect 0.045.
    """
    report = cross_validate_uplift_table(
        hillstrom(),
        treatment="segment",
        control="No E-Mail",
        treated=["Womens E-Mail"],
        outcome="visit",
        drop=["conversion", "spend"],
        learner="t",
        rankings=["t_learner"],
    )
    assert report.n_rows == 42693
    assert report.ate == pytest.approx(0.0452, abs=5e-4)
    learner, random = report.model("t_learner"), report.model("random")
    assert learner.qini_auc > random.qini_auc + 0.02
    assert learner.qini_auc > 0.02
    assert learner.uplift_at_k > report.ate + 0.01
