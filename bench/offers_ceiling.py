"""How much of the oracle's gain the decision-time features could give, on a demo world.

    python bench/offers_ceiling.py --workspace DIR

Reads the demo workspace's cancel decisions (``Workspace.offer_decisions``, built and
cached by ``bench/offers_sim.py``) and scores every decision with a known outcome out of
fold (five customer folds, as ``tenure offers simulate``'s cross-fitting), with:

- **ceiling**: a classifier trained on the *ground truth* (would the discount save this
  customer, are they a discount seeker, or neither) from the same features; the discount
  goes where ``P(savable) × 7 ≥ P(seeker)`` (SAVE50: a missed save costs 10.5 × MRR, a
  wasted discount 1.5 × MRR). No real company has these labels: this bounds what the
  features can tell, not what a model trained on outcomes can learn.
- **T raw**, **X raw**: the shipped learners (``[offers] uplift_learner`` settings)
  *without* the calibration, acting on their own uplift.
- **T calibrated**: ``[offers] uplift_learner = "t"`` (``CalibratedUplift``).
- **strata (shipped)**: the default, ``[offers] uplift_learner = "strata"``
  (``StrataUplift``, its own ``P(accept)``).

Prints one row per policy: offers, net revenue against "discount everyone" on the ground
truth (paired, 95% interval) and the oracle's, as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, required=True)
    args = parser.parse_args()
    from tenure import Workspace

    with Workspace.open(args.workspace) as ws:
        frame = ws.offer_decisions().filter(pl.col("observed"))
        scorers: dict[str, Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]] = {
            "ceiling": _ceiling,
            "T raw": _raw("t"),
            "X raw": _raw("x"),
            "T calibrated": _shipped(ws, "t"),
            "strata (shipped)": _shipped(ws, "strata"),
        }
        rows = []
        for name, score in scorers.items():
            start = time.perf_counter()
            rows.append({"policy": name, **_evaluate(frame, score)})
            rows[-1]["seconds"] = round(time.perf_counter() - start, 1)
    json.dump(
        {"workspace": str(args.workspace), "decisions": frame.height, "rows": rows},
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


def _features(frame: pl.DataFrame) -> list[str]:
    from tenure.workspace._offer_uplift import _feature_columns

    return _feature_columns(frame)


def _evaluate(
    frame: pl.DataFrame, score: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]
) -> dict[str, Any]:
    from tenure.measure.offer_policy import evaluate_ground_truth
    from tenure.workspace._offer_crossfit import cross_fitted

    scored = cross_fitted(frame, score, folds=5).scored
    report = evaluate_ground_truth(scored, percent=50.0, months=3, value_months=12).to_dict()
    by = {p["policy"]: p for p in report["policies"]}
    gain = by["targeted"]["net_vs_everyone"]
    return {
        "offered": by["targeted"]["offered"],
        "net_vs_everyone": [round(gain["value"]), round(gain["low"]), round(gain["high"])],
        "oracle_vs_everyone": round(by["oracle"]["net_vs_everyone"]["value"]),
    }


def _ceiling(train: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
    import lightgbm as lgb

    from tenure.models._frame import TableEncoder

    features = _features(test)
    kind = (
        train["seeker"].cast(pl.Int8) * 2 + (train["would_save"] & ~train["seeker"]).cast(pl.Int8)
    ).to_numpy()  # 0 neither, 1 savable, 2 seeker
    encoder = TableEncoder().fit(train.select(features).to_pandas())
    model = lgb.LGBMClassifier(
        n_estimators=200, learning_rate=0.05, num_leaves=4, min_child_samples=20, verbose=-1
    ).fit(encoder.matrix(train.select(features).to_pandas()), kind)
    p = model.predict_proba(encoder.matrix(test.select(features).to_pandas()))
    offer = p[:, 1] * 7 >= p[:, 2]
    return test.with_columns(
        uplift=pl.Series(np.where(offer, 1.0, 0.0)), accept_probability=pl.lit(0.5)
    )


def _shipped(ws: Any, learner: str) -> Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]:
    """What ``offers_simulate`` does with ``[offers] uplift_learner = learner``."""

    def score(train: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
        offers = ws.settings.offers.model_copy(update={"uplift_learner": learner})
        ws.settings = ws.settings.model_copy(update={"offers": offers})
        return ws._scored(train, test)

    return score


def _raw(learner: str) -> Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]:
    from tenure.models import TLearner, XLearner
    from tenure.workspace._offer_acceptance import accept_probability, fit_acceptance

    def score(train: pl.DataFrame, test: pl.DataFrame) -> pl.DataFrame:
        features = _features(test)
        kind = TLearner if learner == "t" else XLearner
        model = kind(random_state=0, num_leaves=4, min_child_samples=20).fit(
            train.select(features).to_pandas(),
            train["treated"].to_numpy(),
            train["retained"].cast(pl.Int8).to_numpy(),
        )
        return test.with_columns(
            uplift=pl.Series(model.predict(test.select(features).to_pandas())),
            accept_probability=accept_probability(fit_acceptance(train, features), test, features),
        )

    return score


if __name__ == "__main__":
    main()
