"""StrataUplift: three principal strata recovered from a randomised experiment's two arms."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from tenure.errors import NotFittedError
from tenure.models import StrataUplift, TLearner


def experiment(n: int = 6000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Cancel decisions whose kinds are known: stays anyway, saved by the offer, leaves anyway.

    Customers whose use faded (low ``use``) are saved by the offer or leave anyway; the
    ones who kept using the product mostly ask for a deal and stay anyway; ``plan`` is
    noise. Half are offered, at random.
    """
    rng = np.random.default_rng(seed)
    use = rng.random(n)
    plan = rng.choice(["monthly", "annual"], n)
    logits = np.column_stack([-2.0 + 4.0 * use, 0.5 - 2.0 * use, np.zeros(n)])
    strata = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    kind = (rng.random(n)[:, None] > strata.cumsum(axis=1)).sum(axis=1)
    t = rng.integers(0, 2, n)
    y = ((kind == 0) | ((kind == 1) & (t == 1))).astype(int)
    X = pd.DataFrame({"use": use, "plan": plan})
    X.attrs["strata"] = strata
    return X, t, y


def test_strata_are_recovered_when_fitted_on_an_experiment():
    X, t, y = experiment()
    test_X, _, _ = experiment(seed=1)
    found = StrataUplift().fit(X, t, y).predict_strata(test_X)
    truth = test_X.attrs["strata"]
    assert np.abs(found - truth).mean() < 0.03  # measured: 0.013
    np.testing.assert_allclose(found.sum(axis=1), 1.0)


def test_uplift_is_the_saved_share_and_never_negative_when_predicted():
    X, t, y = experiment()
    model = StrataUplift(confidence=0.5).fit(X, t, y)
    uplift = model.predict(X)
    stays, saved, _ = model.predict_strata(X).T
    mu0, mu1 = model.predict_outcomes(X)
    np.testing.assert_allclose(uplift, saved)
    np.testing.assert_allclose(mu0, stays)
    np.testing.assert_allclose(mu1, stays + saved)
    assert (uplift >= 0).all()


def test_saved_share_of_acceptors_is_closer_to_the_truth_than_a_t_learners_on_few_rows():
    """On 400 decisions, ``π_v / (π_s + π_v)`` (what the offer rule acts on) from one model
    beats the ratio of a T-learner's two separately fitted arms."""
    X, t, y = experiment(400)
    test_X, _, _ = experiment(2000, seed=1)
    truth = test_X.attrs["strata"]
    want = truth[:, 1] / (truth[:, 0] + truth[:, 1])
    strata = StrataUplift().fit(X, t, y).predict_strata(test_X)
    mine = strata[:, 1] / (strata[:, 0] + strata[:, 1])
    mu0, mu1 = TLearner(random_state=0).fit(X, t, y).predict_outcomes(test_X)
    theirs = np.clip(1 - mu0 / np.maximum(mu1, 1e-9), 0, 1)
    assert np.abs(mine - want).mean() < 0.5 * np.abs(theirs - want).mean()  # 0.05 vs 0.27


def test_upper_bound_of_the_saved_share_narrows_when_there_are_more_decisions():
    """``predict`` takes the saved share of acceptors at its 95% upper bound: at least the
    point estimate, and closer to it with more decisions."""
    test_X, _, _ = experiment(2000, seed=1)
    gaps = []
    for n in (300, 6000):
        X, t, y = experiment(n)
        cautious = StrataUplift().fit(X, t, y)
        point = cautious.set_params(confidence=0.5).predict(test_X)
        upper = cautious.set_params(confidence=0.95).predict(test_X)
        assert (upper >= point - 1e-12).all()
        stays, saved, _ = cautious.predict_strata(test_X).T
        assert (upper <= stays + saved + 1e-12).all()  # never above P(accept)
        gaps.append(float((upper - point).mean()))
    assert gaps[0] > 3 * gaps[1] > 0


def test_stronger_penalty_pulls_every_customer_toward_the_average_when_c_is_small():
    X, t, y = experiment(1000)
    loose = StrataUplift(C=10.0, confidence=0.5).fit(X, t, y).predict(X)
    tight = StrataUplift(C=0.001, confidence=0.5).fit(X, t, y).predict(X)
    assert tight.std() < 0.2 * loose.std()


def test_pickle_round_trip_gives_identical_uplift_when_reloaded():
    X, t, y = experiment(500)
    model = StrataUplift().fit(X, t, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(model.predict(X), again.predict(X))


def test_unfitted_model_raises_tenure_not_fitted_error_when_predicting():
    X, _, _ = experiment(20)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        StrataUplift().predict(X)


def test_a_numeric_outcome_is_rejected_when_fitting():
    X, t, _ = experiment(100)
    with pytest.raises(ValueError, match="0/1 outcome"):
        StrataUplift().fit(X, t, np.linspace(0, 3, 100))
