"""Rolling-origin backtests: train on the past, score the next ``as_of``, repeat.

For each test origin ``T`` the model may learn only from origins ``D`` whose label window
has closed by then (``D + horizon <= T``): the latest such origin is the validation window
(early stopping and calibration), the earlier ones are the training set. Every origin is
scored by the model, by the logistic baseline fitted on the same rows, and, where the
data's generator left its true hazard (the demo), by that oracle, so the gap to the
ceiling is visible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from tenure.errors import ModelError
from tenure.features import feature_names
from tenure.models.evaluate import Scores, calibration_table, score_ranking
from tenure.progress import NullProgress, Progress

__all__ = ["BacktestReport", "Fold", "backtest", "design_matrix", "split_origins"]

Factory = Callable[[], Any]


def design_matrix(frame: pl.DataFrame, columns: list[str] | None = None) -> Any:
    """The model's input: the feature columns as a pandas DataFrame."""
    return frame.select(columns or feature_names()).to_pandas()


def split_origins(
    origins: list[dt.date], test: dt.date, horizon_days: int
) -> tuple[list[dt.date], dt.date] | None:
    """(training origins, validation origin) usable for ``test``, or None if too few."""
    usable = sorted(d for d in origins if d + dt.timedelta(days=horizon_days) <= test)
    if len(usable) < 2:
        return None
    return usable[:-1], usable[-1]


@dataclass(frozen=True)
class Fold:
    """One test origin's results."""

    as_of: dt.date
    train_origins: list[dt.date]
    validation_origin: dt.date
    model: Scores
    baseline: Scores
    oracle: Scores | None = None


@dataclass
class BacktestReport:
    """Per-origin and pooled scores of a rolling-origin backtest."""

    horizon_days: int
    folds: list[Fold] = field(default_factory=list)
    model: Scores | None = None
    baseline: Scores | None = None
    oracle: Scores | None = None
    calibration: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def scores(s: Scores | None) -> dict[str, Any] | None:
            return None if s is None else s.to_dict()

        return {
            "horizon_days": self.horizon_days,
            "model": scores(self.model),
            "baseline": scores(self.baseline),
            "oracle": scores(self.oracle),
            "calibration": self.calibration,
            "folds": [
                {
                    "as_of": f.as_of.isoformat(),
                    "train_origins": [d.isoformat() for d in f.train_origins],
                    "validation_origin": f.validation_origin.isoformat(),
                    "model": f.model.to_dict(),
                    "baseline": f.baseline.to_dict(),
                    "oracle": scores(f.oracle),
                }
                for f in self.folds
            ],
        }


def _both_classes(frame: pl.DataFrame) -> bool:
    return 0 < int(frame["churned"].sum()) < frame.height


def _fit(make: Factory, train: pl.DataFrame, valid: pl.DataFrame, eval_set: bool) -> Any:
    model = make()
    x, y = design_matrix(train), train["churned"].to_numpy().astype(int)
    if eval_set:
        xv, yv = design_matrix(valid), valid["churned"].to_numpy().astype(int)
        return model.fit(x, y, eval_set=(xv, yv))
    both = pl.concat([train, valid])
    return model.fit(design_matrix(both), both["churned"].to_numpy().astype(int))


def backtest(
    frame: pl.DataFrame,
    *,
    horizon_days: int,
    test_origins: list[dt.date],
    make_model: Factory,
    make_baseline: Factory,
    oracle: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> BacktestReport:
    """Score each of ``test_origins`` with models trained on the origins before it.

    Parameters
    ----------
    frame
        Stacked labelled frames (``tenure.features.stacked_frames``): features,
        ``as_of``, ``churned`` and ``observed``.
    make_model, make_baseline
        Return a new unfitted estimator. The model's ``fit`` takes ``eval_set``; the
        baseline is fitted on training and validation rows together.
    oracle
        ``customer_id`` and ``score`` (a true hazard) to score the same rows with.

    Raises
    ------
    ModelError
        When no test origin has enough earlier origins to train on.
    """
    progress = progress or NullProgress()
    frame = frame.filter(pl.col("observed"))
    origins = sorted(set(frame["as_of"].to_list()))
    report = BacktestReport(horizon_days=horizon_days)
    pooled: dict[str, list[np.ndarray]] = {"y": [], "model": [], "baseline": [], "oracle": []}
    with progress.task("backtesting", total=len(test_origins)) as task:
        for test in test_origins:
            split = split_origins(origins, test, horizon_days)
            rows = frame.filter(pl.col("as_of") == test)
            task.advance(1)
            if split is None or rows.is_empty():
                continue
            train_days, valid_day = split
            train = frame.filter(pl.col("as_of").is_in(train_days))
            valid = frame.filter(pl.col("as_of") == valid_day)
            if not (_both_classes(train) and _both_classes(valid)):
                continue  # nobody churned (or everybody did): nothing to learn or stop on
            model = _fit(make_model, train, valid, eval_set=True)
            base = _fit(make_baseline, train, valid, eval_set=False)
            y = rows["churned"].to_numpy().astype(int)
            p_model = model.predict_proba(design_matrix(rows))[:, 1]
            p_base = base.predict_proba(design_matrix(rows))[:, 1]
            fold_oracle = None
            if oracle is not None:
                o = rows.select("customer_id").join(oracle, on="customer_id", how="left")
                p_oracle = o["score"].fill_null(0.0).to_numpy()
                fold_oracle = score_ranking(y, p_oracle)
                pooled["oracle"].append(p_oracle)
            report.folds.append(
                Fold(
                    as_of=test,
                    train_origins=train_days,
                    validation_origin=valid_day,
                    model=score_ranking(y, p_model),
                    baseline=score_ranking(y, p_base),
                    oracle=fold_oracle,
                )
            )
            pooled["y"].append(y)
            pooled["model"].append(p_model)
            pooled["baseline"].append(p_base)
    if not report.folds:
        raise ModelError(
            f"no backtest origin among {[d.isoformat() for d in test_origins]} has two "
            f"earlier origins whose {horizon_days}-day label window has closed and in which "
            "customers both churned and stayed; ingest more history or customers, or change "
            "churn.horizon_days in tenure.toml"
        )
    y_all = np.concatenate(pooled["y"])
    p_all = np.concatenate(pooled["model"])
    report.model = score_ranking(y_all, p_all)
    report.baseline = score_ranking(y_all, np.concatenate(pooled["baseline"]))
    if pooled["oracle"]:
        report.oracle = score_ranking(y_all, np.concatenate(pooled["oracle"]))
    report.calibration = calibration_table(y_all, p_all)
    return report
