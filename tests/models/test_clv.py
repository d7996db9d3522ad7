"""``LifetimeValueModel``: conditional remaining lifetime, checked against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest

from tenure.errors import ModelError
from tenure.models import LifetimeValueModel, ltv_summary


def _exponential(n: int = 4000, mean: float = 12.0, seed: int = 0) -> pd.DataFrame:
    """Exponential lifetimes with the given mean, censored at 36 months."""
    rng = np.random.default_rng(seed)
    t = rng.exponential(mean, n)
    return pd.DataFrame({"months": np.minimum(t, 36.0) + 1e-6, "churned": t < 36.0})


def _plans(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "pro", "team"], n)
    seats = rng.integers(1, 20, n)
    mean = np.select([plan == "basic", plan == "pro"], [8.0, 20.0], 40.0) * (1 + seats / 20)
    t = rng.exponential(mean)
    return pd.DataFrame(
        {"plan": plan, "seats": seats, "months": np.minimum(t, 24.0) + 1e-6, "churned": t < 24.0}
    )


def test_remaining_months_match_the_exponential_closed_form_when_lifetimes_are_memoryless() -> None:
    """Exponential with mean m: S(t0 + u) / S(t0) = exp(-u / m) whatever t0, so

    E[min(T - t0, H) | T > t0] = m (1 - exp(-H / m)) = 12 (1 - exp(-5)) = 11.919 for H = 60;
    with a monthly discount d: integral of exp(-u / m) (1 + d) ** -u = (1 - exp(-H k)) / k,
    k = 1 / m + log(1 + d).
    """
    model = LifetimeValueModel(penalizer=0.0).fit(_exponential())
    X = pd.DataFrame(index=range(3))
    remaining = model.expected_remaining_months(X, conditional_after=[0.0, 6.0, 24.0])
    expected = 12 * (1 - math.exp(-60 / 12))
    assert remaining == pytest.approx([expected] * 3, rel=0.06)
    k = 1 / 12 + math.log1p(0.01)
    discounted = model.expected_remaining_months(X, discount_rate=0.01)
    assert discounted == pytest.approx([(1 - math.exp(-60 * k)) / k] * 3, rel=0.06)


def test_horizon_caps_remaining_months_when_it_is_short() -> None:
    model = LifetimeValueModel(horizon_months=3).fit(_exponential())
    remaining = model.expected_remaining_months(pd.DataFrame(index=range(2)))
    assert (remaining <= 3.0 + 1e-9).all() and (remaining > 2.0).all()  # 12 (1 - e^-1/4) = 2.65


def test_longer_lived_plans_get_more_remaining_months_when_covariates_differ() -> None:
    df = _plans()
    model = LifetimeValueModel().fit(pl.from_pandas(df))
    X = pd.DataFrame({"plan": ["basic", "pro", "team", "unseen"], "seats": [5, 5, 5, 5]})
    basic, pro, team, unseen = model.expected_remaining_months(X, conditional_after=[3] * 4)
    assert basic < pro < team
    reference = model.columns_["plan"][1][0]  # the most frequent level
    assert unseen == pytest.approx({"basic": basic, "pro": pro, "team": team}[reference])
    assert model.score(df) > 0.6  # concordance on the training rows
    assert list(model.feature_names_in_) == ["plan", "seats"]


def test_entry_col_accounts_for_left_truncation_when_spells_enter_late() -> None:
    """Spells observed only from month 6 on (those that lasted longer): without the entry
    column the fit sees only long spells and overestimates; with it, it recovers m = 12."""
    df = _exponential(6000)
    late = df[df.months > 6].assign(entry=6.0)
    model = LifetimeValueModel(penalizer=0.0).fit(late, entry_col="entry")
    [remaining] = model.expected_remaining_months(pd.DataFrame(index=[0]))
    assert remaining == pytest.approx(12 * (1 - math.exp(-5)), rel=0.1)


def test_fit_rejects_the_table_when_no_spell_churned() -> None:
    df = _exponential().assign(churned=False)
    with pytest.raises(ValueError, match="at least one churned spell"):
        LifetimeValueModel().fit(df)


def test_fit_rejects_the_table_when_a_duration_is_not_positive() -> None:
    df = _exponential()
    df.loc[0, "months"] = 0.0
    with pytest.raises(ValueError, match="finite values above 0"):
        LifetimeValueModel().fit(df)


def test_invalid_parameter_is_rejected_in_sklearn_words_when_fitting() -> None:
    with pytest.raises(ValueError, match="The 'horizon_months' parameter of LifetimeValueModel"):
        LifetimeValueModel(horizon_months=0).fit(_exponential())


def test_predicting_rejects_the_table_when_a_covariate_is_missing() -> None:
    model = LifetimeValueModel().fit(_plans())
    with pytest.raises(ValueError, match="missing the columns"):
        model.expected_remaining_months(pd.DataFrame({"plan": ["pro"]}))


def test_ltv_summary_sums_and_averages_per_group_when_grouped_by_plan() -> None:
    values = pl.DataFrame(
        {
            "plan": ["pro", "pro", "basic", None],
            "mrr": [100.0, 50.0, 10.0, 5.0],
            "ltv": [3000.0, 1000.0, 200.0, 50.0],
            "expected_remaining_months": [30.0, 20.0, 20.0, 10.0],
        }
    )
    out = ltv_summary(values, by="plan")
    assert out.rows() == [
        ("pro", 2, 150.0, 4000.0, 2000.0, 25.0),
        ("basic", 1, 10.0, 200.0, 200.0, 20.0),
        ("(none)", 1, 5.0, 50.0, 50.0, 10.0),
        ("all", 4, 165.0, 4250.0, 1062.5, 20.0),
    ]
    with pytest.raises(ModelError, match="no column 'segment'"):
        ltv_summary(values, by="segment")
