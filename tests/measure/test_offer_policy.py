"""Offer policies on logged decisions: the estimators' arithmetic and their invariants."""

from __future__ import annotations

import math

import polars as pl
import pytest

from tenure.measure import evaluate_ground_truth, evaluate_logged

TERMS = {"percent": 50.0, "months": 3, "value_months": 12.0}  # cost = 1.5 MRR, value 12 MRR


def _frame() -> pl.DataFrame:
    """Eight decisions, MRR 100: four offered (two accepted and stayed), four not."""
    return pl.DataFrame(
        {
            "treated": [True, True, True, True, False, False, False, False],
            "accepted": [True, True, False, False, False, False, False, False],
            "retained": [True, True, False, False, True, False, False, False],
            "mrr": [100.0] * 8,
            "uplift": [0.9, 0.8, 0.01, 0.01, 0.9, 0.8, 0.01, 0.01],
            "would_save": [True, True, False, False, True, True, False, False],
        }
    )


def test_logged_estimates_scale_each_arm_to_all_decisions_when_policy_is_fixed() -> None:
    """Everyone: 8 × mean over the offered (2 of 4 stay, cost 150 each accepted).

    saved = 8 × 2/4 = 4; saved MRR 400; cost 8 × (2 × 150) / 4 = 600;
    net = 12 × 400 − 600 = 4200. None: 8 × 1/4 = 2 saved, cost 0, net 12 × 200 = 2400.
    """
    report = evaluate_logged(_frame(), **TERMS)
    everyone, none = report.policy("everyone"), report.policy("none")
    assert everyone.saved.value == pytest.approx(4.0)
    assert everyone.discount_cost.value == pytest.approx(600.0)
    assert everyone.net_revenue.value == pytest.approx(4200.0)
    assert none.saved.value == pytest.approx(2.0)
    assert none.discount_cost.value == 0.0 and none.net_revenue.value == pytest.approx(2400.0)
    assert everyone.offered == 8 and none.offered == 0
    assert everyone.saved.low < 4.0 < everyone.saved.high


def test_logged_targeted_combines_offered_high_uplift_with_unoffered_low_when_mixed() -> None:
    """Targeted offers the four with uplift 0.8-0.9 (0.8 × 1200 > 150), not the 0.01 ones.

    Offered stratum (4 decisions): logged offered rows 0, 1 both stayed → 4 saved, cost
    4 × 150 = 600. Not-offered stratum (4): logged unoffered rows 6, 7 left → 0 saved.
    """
    targeted = evaluate_logged(_frame(), **TERMS).policy("targeted")
    assert targeted.offered == 4
    assert targeted.saved.value == pytest.approx(4.0)
    assert targeted.discount_cost.value == pytest.approx(600.0)
    assert targeted.net_revenue.value == pytest.approx(12 * 400 - 600)


def test_targeted_weighs_the_cost_by_the_chance_of_acceptance_when_it_is_predicted() -> None:
    """uplift 0.1 × 1200 = 120 < cost 150, but a declined offer costs nothing.

    With P(accept) 0.5 the expected cost is 75 < 120: offered. With P(accept) 0.9 (a
    customer who takes it and stays anyway) it is 135 > 12 (uplift 0.01): not offered.
    """
    frame = _frame().with_columns(
        uplift=pl.Series([0.1, 0.1, 0.01, 0.01, 0.1, 0.1, 0.01, 0.01]),
        accept_probability=pl.Series([0.5, 0.5, 0.9, 0.9, 0.5, 0.5, 0.9, 0.9]),
    )
    assert evaluate_logged(frame, **TERMS).policy("targeted").offered == 4
    full_cost = frame.drop("accept_probability")
    assert evaluate_logged(full_cost, **TERMS).policy("targeted").offered == 0


def test_logged_policy_is_not_estimable_when_no_logged_row_matches_its_action() -> None:
    frame = _frame().with_columns(treated=pl.lit(value=False), accepted=pl.lit(value=False))
    assert math.isnan(evaluate_logged(frame, **TERMS).policy("everyone").saved.value)


def test_ground_truth_oracle_is_best_and_none_costs_nothing_when_demo_truth_is_known() -> None:
    """On the four unoffered decisions: row 4 stays anyway, row 5 is saved only by an offer.

    Everyone: rows 4 and 5 accept (would_save), so cost 2 × 150 for one extra save; the
    oracle offers only row 5. Scaled from 4 rows to 8 decisions (× 2).
    """
    report = evaluate_ground_truth(_frame(), **TERMS)
    none, everyone = report.policy("none"), report.policy("everyone")
    targeted, oracle = report.policy("targeted"), report.policy("oracle")
    assert report.rows_used == 4 and report.decisions == 8
    assert none.discount_cost.value == 0.0 and none.saved.value == pytest.approx(2.0)
    assert everyone.saved.value == pytest.approx(4.0)
    assert everyone.discount_cost.value == pytest.approx(600.0)
    assert oracle.discount_cost.value == pytest.approx(300.0)
    assert everyone.discount_cost.value >= targeted.discount_cost.value
    for policy in report.policies:
        assert oracle.net_revenue.value >= policy.net_revenue.value
        # the paired difference is the difference of the totals, estimated per decision
        assert policy.net_vs_everyone is not None
        gap = policy.net_revenue.value - everyone.net_revenue.value
        assert policy.net_vs_everyone.value == pytest.approx(gap)
    assert oracle.net_revenue.value == pytest.approx(12 * 400 - 300)
    # the oracle spares the 150 of the control row 4 that stays anyway: 300 over 8 rows
    assert oracle.net_vs_everyone is not None and oracle.net_vs_everyone.value == 300.0
    assert everyone.net_vs_everyone is not None
    assert (everyone.net_vs_everyone.value, everyone.net_vs_everyone.high) == (0.0, 0.0)
    assert report.to_dict()["policies"][3]["net_vs_everyone"]["value"] == 300.0


def test_ground_truth_charges_seekers_discount_and_counts_no_save_when_they_accept() -> None:
    """Row 4 is a discount seeker: it stays without an offer, and takes one when offered.

    Everyone: rows 4 (seeker) and 5 (would_save) accept, cost 2 × 150, saved rows 4, 5
    as without seekers (row 4 stayed anyway); × 2 → 4 saved, cost 600. The oracle offers
    only row 5 (cost 300), so seekers make "everyone" pay 300 more for nothing. Without
    the seeker flag on row 4 (it would not take the deal), "everyone" costs 300 less.
    """
    frame = _frame().with_columns(
        would_save=pl.Series([True, True, False, False, False, True, False, False]),
        seeker=pl.Series([False, False, False, False, True, False, False, False]),
    )
    report = evaluate_ground_truth(frame, **TERMS)
    everyone, oracle = report.policy("everyone"), report.policy("oracle")
    assert everyone.saved.value == pytest.approx(4.0) == oracle.saved.value
    assert everyone.discount_cost.value == pytest.approx(600.0)
    assert oracle.discount_cost.value == pytest.approx(300.0)
    assert everyone.net_revenue.value == pytest.approx(12 * 400 - 600)
    without = evaluate_ground_truth(frame.drop("seeker"), **TERMS).policy("everyone")
    assert without.discount_cost.value == pytest.approx(300.0)
    assert without.saved.value == pytest.approx(4.0)


def test_report_serialises_nan_as_null_when_written_as_json() -> None:
    frame = _frame().with_columns(treated=pl.lit(value=False), accepted=pl.lit(value=False))
    payload = evaluate_logged(frame, **TERMS).to_dict()
    everyone = next(p for p in payload["policies"] if p["policy"] == "everyone")
    assert everyone["saved"]["value"] is None
