"""Qini, AUUC and uplift@k: small hand calculations, then equality with scikit-uplift 0.5."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tenure.models import (
    perfect_qini_curve,
    qini_auc_score,
    qini_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
)

# Four customers, ranked by predicted uplift 0.9 > 0.5 > 0.4 > 0.1:
#   rank 1: treated, responded     rank 2: control, no response
#   rank 3: control, responded     rank 4: treated, no response
Y = [1, 0, 1, 0]
SCORE = [0.9, 0.5, 0.4, 0.1]
T = [1, 0, 0, 1]


def test_qini_curve_counts_extra_treated_responders_when_ranked():
    """Q(n) = Y_T(n) - Y_C(n) * N_T(n) / N_C(n).

    n=1: 1 - 0 = 1 (no control row yet: the second term is 0); n=2: 1 - 0 * 1/1 = 1;
    n=3: 1 - 1 * 1/2 = 0.5; n=4: 1 - 1 * 2/2 = 0.
    """
    n, q = qini_curve(Y, SCORE, T)
    assert n.tolist() == [0, 1, 2, 3, 4]
    assert q.tolist() == [0, 1, 1, 0.5, 0]


def test_uplift_curve_scales_the_rate_difference_when_ranked():
    """U(n) = (Y_T/N_T - Y_C/N_C) * n: n=1 (1 - 0)*1; n=2 (1 - 0)*2; n=3 (1 - 1/2)*3; n=4 0."""
    _, u = uplift_curve(Y, SCORE, T)
    assert u.tolist() == [0, 1, 2, 1.5, 0]


def test_tied_scores_give_one_point_when_the_curve_is_built():
    """Rows 2 and 3 tie: the curve jumps from n=1 to n=3 (1 - 1 * 1/2 = 0.5)."""
    n, q = qini_curve(Y, [0.9, 0.5, 0.5, 0.1], T)
    assert n.tolist() == [0, 1, 3, 4]
    assert q.tolist() == [0, 1, 0.5, 0]


def test_qini_auc_score_is_the_share_of_the_perfect_area_when_normalised():
    """Perfect ranking (treated responders first, control responders last): scores
    y*t - y*(1-t) = [1, 0, -1, 0], so the treated responder, then a tie of the two
    non-responders, then the control responder: points (0,0) (1,1) (3,1) (4,0), area
    0.5 + 2 + 0.5 = 3. The random line ends at (4, 0): area 0. Ours: (0,0) (1,1) (2,1)
    (3,0.5) (4,0), area 0.5 + 1 + 0.75 + 0.25 = 2.5. Score (2.5 - 0) / (3 - 0) = 5/6.
    """
    n, q = perfect_qini_curve(Y, T)
    assert n.tolist() == [0, 1, 3, 4]
    assert q.tolist() == [0, 1, 1, 0]
    assert qini_auc_score(Y, SCORE, T) == pytest.approx(5 / 6)
    assert qini_auc_score(Y, [1, 0, -1, 0], T) == pytest.approx(1.0)


def test_qini_auc_score_without_negative_effect_uses_the_straight_perfect_curve():
    """Extra responders overall: 1 - 2 * 1/2 = 0, so the perfect curve is flat at 0 and
    the score is undefined (0/0): NaN, where scikit-uplift divides by zero."""
    assert np.isnan(qini_auc_score(Y, SCORE, T, negative_effect=False))


def test_uplift_at_k_compares_the_top_of_each_group_when_by_group():
    """k=0.5: the first int(0.5*2)=1 treated row (rank 1, responded) against the first
    control row (rank 2, no response): 1 - 0 = 1. Overall: the first int(0.5*4)=2 rows
    hold one treated responder and one control non-responder: 1 - 0 = 1 too; with k=0.75
    the first 3 rows: treated 1/1, control 1/2, so 0.5."""
    assert uplift_at_k(Y, SCORE, T, k=0.5) == 1.0
    assert uplift_at_k(Y, SCORE, T, k=0.5, strategy="overall") == 1.0
    assert uplift_at_k(Y, SCORE, T, k=0.75, strategy="overall") == 0.5


@pytest.mark.parametrize(("k", "strategy"), [(0.0, "by_group"), (1.0, "by_group"), (0.3, "first")])
def test_uplift_at_k_rejects_a_bad_parameter_when_called(k, strategy):
    with pytest.raises(ValueError, match="parameter of uplift_at_k must be"):
        uplift_at_k(Y, SCORE, T, k=k, strategy=strategy)


def test_scores_reject_non_binary_treatment_when_called():
    with pytest.raises(ValueError, match="treatment must hold 0"):
        qini_auc_score(Y, SCORE, [1, 2, 0, 1])


def _experiment(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, n)
    x = rng.random(n)
    y = (rng.random(n) < 0.1 + 0.2 * t * x).astype(int)
    score = np.round(x + rng.normal(0, 0.3, n), 2)  # rounded: many ties
    return y, score, t


@pytest.mark.filterwarnings("ignore::FutureWarning")  # scikit-uplift calls stable_cumsum
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_equal_scikit_uplift_when_computed_on_the_same_predictions(seed):
    """scikit-uplift 0.5.1 (sklift.metrics) is the reference definition."""
    metrics = pytest.importorskip("sklift.metrics")
    y, score, t = _experiment(3000, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ref_qini = metrics.qini_auc_score(y, score, t)
        ref_qini_positive = metrics.qini_auc_score(y, score, t, negative_effect=False)
        ref_auuc = metrics.uplift_auc_score(y, score, t)
        ref_group = metrics.uplift_at_k(y, score, t, strategy="by_group", k=0.3)
        ref_overall = metrics.uplift_at_k(y, score, t, strategy="overall", k=0.3)
        ref_curve = metrics.qini_curve(y, score, t)
        ref_uplift_curve = metrics.uplift_curve(y, score, t)
    assert qini_auc_score(y, score, t) == pytest.approx(ref_qini, rel=1e-12)
    assert qini_auc_score(y, score, t, negative_effect=False) == pytest.approx(
        ref_qini_positive, rel=1e-12
    )
    assert uplift_auc_score(y, score, t) == pytest.approx(ref_auuc, rel=1e-12)
    assert uplift_at_k(y, score, t, k=0.3) == pytest.approx(ref_group, rel=1e-12)
    assert uplift_at_k(y, score, t, k=0.3, strategy="overall") == pytest.approx(
        ref_overall, rel=1e-12
    )
    for ours, theirs in zip(qini_curve(y, score, t), ref_curve, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    for ours, theirs in zip(uplift_curve(y, score, t), ref_uplift_curve, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
