"""The discount uplift is shrunk toward what acceptance implies, by the signal the learner shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tenure.models import TLearner
from tenure.workspace._offer_acceptance import CalibratedUplift


def _experiment(
    *, signal: bool, n: int = 2000
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Half offered. Offered customers accept with 0.6 and then stay; the rest stay with 0.3.

    With ``signal``, ``x > 0`` customers would have stayed anyway (uplift 0) and the others
    leave without the offer (uplift 0.6); without it, ``x`` is noise.
    """
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    t = (rng.random(n) < 0.5).astype(int)
    accepts = rng.random(n) < 0.6
    stays_anyway = (x > 0) if signal else (rng.random(n) < 0.3)
    y = np.where(t == 1, accepts | stays_anyway, stays_anyway).astype(int)
    return pd.DataFrame({"x": x, "z": rng.normal(size=n)}), t, y, (t == 1) & accepts


def test_uplift_falls_back_to_acceptance_times_the_save_rate_when_the_learner_is_noise() -> None:
    X, t, y, accepted = _experiment(signal=False)
    model = CalibratedUplift(TLearner(random_state=0, num_leaves=4)).fit(X, t, y, accepted)
    assert model.slope_ < 0.3
    rate = accepted[t == 1].mean()
    effect = y[t == 1].mean() - y[t == 0].mean()
    assert model.save_rate_ == pytest.approx(effect / rate)
    uplift = model.predict(X)
    # no customer looks different: one uplift, the average effect (± what the slope keeps)
    assert uplift.mean() == pytest.approx(effect, abs=0.05) and uplift.std() < 0.05


def test_uplift_keeps_the_learners_ranking_when_it_holds_out_of_fold() -> None:
    X, t, y, accepted = _experiment(signal=True)
    model = CalibratedUplift(TLearner(random_state=0, num_leaves=4)).fit(X, t, y, accepted)
    assert model.slope_ > 0.5 and model.slope_estimate_ > 0.7
    uplift = model.predict(X)
    stays, leaves = uplift[X["x"] > 0.5].mean(), uplift[X["x"] < -0.5].mean()
    assert stays < 0.2 < 0.4 < leaves
    mu0, mu1 = model.predict_outcomes(X)
    assert mu0.shape == mu1.shape == (len(X),)


def test_folds_shrink_to_the_smallest_cell_when_the_history_is_small() -> None:
    """Three offered customers stayed: at most three folds, and no warning about it."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"x": rng.normal(size=40)})
    t = np.tile([1, 0], 20)
    y = np.zeros(40, dtype=int)
    y[[0, 2, 4]] = 1  # offered and stayed
    y[[1, 3, 5, 7, 9]] = 1  # not offered and stayed
    accepted = (t == 1) & (y == 1)
    model = CalibratedUplift(TLearner(random_state=0, min_child_samples=2)).fit(X, t, y, accepted)
    assert 0.0 <= model.slope_ <= 1.0
    assert model.predict(X).shape == (40,)


def test_a_slope_the_rows_cannot_tell_from_zero_is_taken_as_zero_when_fitted() -> None:
    """300 decisions of noise: the slope comes out positive by chance, its lower bound not."""
    X, t, y, accepted = _experiment(signal=False, n=300)
    model = CalibratedUplift(TLearner(random_state=0, num_leaves=4, min_child_samples=20))
    model.fit(X, t, y, accepted)
    assert model.slope_estimate_ > 0.2
    assert model.slope_ == 0.0
    assert model.predict(X).std() < 0.05  # one uplift for all: offer to all or none
