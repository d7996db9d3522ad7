"""Cross-fitting: every past cancel decision scored by a model that never saw its customer.

``tenure offers simulate`` compares the offer policies on past decisions, and a policy's
offers come from models fitted on *other* decisions. The time split (``--protocol time``)
trains on the decisions whose outcome was known before a cutoff and scores those after:
what a company would have seen had it deployed the model on that day, but with only the
decisions of the early months to learn from. Cross-fitting (the default) splits the
customers into ``k`` folds and scores each fold with models fitted on the others, so every
decision with a known outcome is scored, each by a model trained on ``(k - 1) / k`` of the
history. It answers "is there enough signal in this much history for targeting to pay?",
the question a company asks before switching its cancel flow from "discount everyone" to
"targeted". The folds are by customer: a customer's repeated requests (a discount seeker's
bluffs) never sit on both sides. Features are each decision's own point-in-time ones
either way (:mod:`tenure.features.offer_decisions`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from tenure.errors import ModelError

__all__ = ["CrossFit", "cross_fitted"]

Score = Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]
"""``score(train, test)``: ``test`` with the columns a policy needs, from models fitted on
``train``."""


@dataclass(frozen=True)
class CrossFit:
    """Every row scored out of fold, and how many rows each fold's models learned from."""

    scored: pl.DataFrame
    train_rows: tuple[int, ...]
    train_offered: tuple[int, ...]


def cross_fitted(frame: pl.DataFrame, score: Score, *, folds: int) -> CrossFit:
    """Score each of ``folds`` customer folds of ``frame`` with models fitted on the rest.

    ``frame`` needs ``customer_id``, ``treated`` and ``retained``; folds are stratified by
    arm and outcome (scikit-learn's ``StratifiedGroupKFold``, seed 0) so that every fold
    has offered and not-offered decisions of both outcomes, or by arm alone when an
    arm-and-outcome cell has fewer rows than folds. Returns the scored rows in ``frame``'s
    order.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    customers = frame["customer_id"].n_unique()
    if customers < folds:
        raise ModelError(
            f"cross-fitting in {folds} folds needs at least {folds} customers with cancel "
            f"decisions; there are {customers} (use fewer [offers] simulate_folds, or "
            "--protocol time)"
        )
    treated = frame["treated"].cast(pl.Int8).to_numpy()
    strata = treated * 2 + frame["retained"].cast(pl.Int8).to_numpy()
    if np.bincount(strata)[np.unique(strata)].min() < folds:  # a short history: arms only
        strata = treated
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=0)
    order = np.arange(frame.height)
    parts: list[pl.DataFrame] = []
    sizes: list[int] = []
    offered: list[int] = []
    for fit_rows, score_rows in splitter.split(order, strata, frame["customer_id"].to_numpy()):
        train = frame[fit_rows]
        rows = pl.Series("_row", score_rows)
        parts.append(score(train, frame[score_rows]).with_columns(rows))
        sizes.append(train.height)
        offered.append(int(train["treated"].sum()))
    scored = pl.concat(parts, how="vertical_relaxed").sort("_row").drop("_row")
    return CrossFit(scored, tuple(sizes), tuple(offered))
