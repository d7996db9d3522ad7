"""Cross-fitting: each decision scored once, by models that never saw its customer."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tenure.errors import ModelError
from tenure.workspace._offer_crossfit import cross_fitted


def _decisions(n_customers: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    # one to three decisions per customer (a seeker asks again)
    per = rng.integers(1, 4, n_customers)
    customers = np.repeat([f"cus_{i}" for i in range(n_customers)], per)
    n = len(customers)
    return pl.DataFrame(
        {
            "customer_id": customers,
            "treated": rng.random(n) < 0.5,
            "retained": rng.random(n) < 0.4,
            "x": rng.normal(size=n),
        }
    )


def test_every_row_is_scored_once_by_models_blind_to_its_customer_when_cross_fitted() -> None:
    frame = _decisions(120)
    seen: list[tuple[set[str], set[str]]] = []

    def score(train: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
        seen.append((set(train["customer_id"]), set(test["customer_id"])))
        # a "model" that remembers its training rows: the mean of x it saw
        return test.with_columns(uplift=pl.lit(train["x"].mean()), n_train=pl.lit(train.height))

    fit = cross_fitted(frame, score, folds=5)
    assert len(seen) == 5
    for trained_on, scored in seen:
        assert not trained_on & scored  # no customer on both sides
    # every row once, in the frame's order, each fold's training set the rest
    assert fit.scored.select(frame.columns).equals(frame)
    assert sum(len(s) for _, s in seen) == frame["customer_id"].n_unique()
    assert sorted(fit.train_rows) == sorted(
        frame.height - n for n in fit.scored.group_by("uplift").len()["len"]
    )
    assert fit.train_offered == tuple(
        int(frame.filter(pl.col("customer_id").is_in(list(t)))["treated"].sum()) for t, _ in seen
    )


def test_each_fold_holds_both_arms_and_outcomes_when_stratified() -> None:
    frame = _decisions(200, seed=3)

    def score(train: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
        cells = test.select((pl.col("treated").cast(pl.Int8) * 2 + pl.col("retained")).alias("c"))
        assert cells["c"].n_unique() == 4
        return test

    cross_fitted(frame, score, folds=4)


def test_too_few_customers_for_the_folds_is_refused_when_cross_fitted() -> None:
    frame = _decisions(3)
    with pytest.raises(ModelError, match="at least 5 customers"):
        cross_fitted(frame, lambda train, test: test, folds=5)


def test_a_rare_outcome_falls_back_to_stratifying_by_arm_when_cross_fitted() -> None:
    frame = _decisions(60).with_columns(
        retained=pl.int_range(pl.len()) < 3  # three stayed: fewer than the folds
    )
    fit = cross_fitted(frame, lambda train, test: test, folds=5)
    assert fit.scored.height == frame.height
