"""Churn risk on a workspace: train on stacked monthly origins, backtest, score with reasons.

- :func:`train_churn` builds labelled feature frames at monthly ``as_of`` origins, runs a
  rolling-origin backtest (model, logistic baseline, and the oracle where there is one),
  then fits the model on the latest origins with the newest one as the time-based
  validation window (early stopping and calibration).
- :func:`score_churn` scores every paying customer at ``as_of`` and writes each one's top
  reasons in English and German. A customer with a scheduled cancellation is certain to
  leave unless saved: probability 1 and the reason "cancellation scheduled".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from ibis.backends import BaseBackend

from tenure.config import ChurnSettings, FeatureSettings, MetricsSettings
from tenure.errors import ModelError
from tenure.features import feature_frame, feature_names, monthly_origins, stacked_frames
from tenure.models.backtest import BacktestReport, backtest, design_matrix, split_origins
from tenure.models.baseline import LogisticBaseline
from tenure.models.churn import ChurnModel
from tenure.models.explain import LANGUAGES, ColumnRow, ranked_reasons
from tenure.progress import NullProgress, Progress

__all__ = ["TrainResult", "score_churn", "train_churn", "training_origins"]


def training_origins(data_through: dt.date, horizon_days: int, count: int) -> list[dt.date]:
    """``count`` monthly origins whose label windows end by ``data_through``, oldest first."""
    last = data_through - dt.timedelta(days=horizon_days - 1)
    return monthly_origins(last, count)


@dataclass
class TrainResult:
    """A fitted churn model with what it was trained on and how well it backtested."""

    model: ChurnModel
    horizon_days: int
    train_origins: list[dt.date]
    validation_origin: dt.date
    rows: int
    positives: int
    backtest: BacktestReport
    features: list[str] = field(default_factory=feature_names)

    def metadata(self) -> dict[str, Any]:
        return {
            "kind": "churn",
            "horizon_days": self.horizon_days,
            "features": self.features,
            "window": {
                "train_origins": [d.isoformat() for d in self.train_origins],
                "validation_origin": self.validation_origin.isoformat(),
                "rows": self.rows,
                "positives": self.positives,
            },
            "metrics": self.backtest.to_dict(),
        }


def train_churn(
    con: BaseBackend,
    *,
    data_through: dt.date,
    churn: ChurnSettings | None = None,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    features: FeatureSettings | None = None,
    oracle: pl.DataFrame | None = None,
    random_state: int = 0,
    progress: Progress | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> TrainResult:
    """Backtest and fit the churn model on the warehouse behind ``con``.

    Raises
    ------
    ModelError
        When the history is too short or holds no churn to learn from.
    """
    churn = churn or ChurnSettings()
    progress = progress or NullProgress()
    h = churn.horizon_days
    gap = -(-h // 28)  # months between a training origin and the next usable test origin
    all_origins = training_origins(data_through, h, churn.origins + churn.backtest_origins + gap)
    frame = stacked_frames(
        con,
        all_origins,
        h,
        data_through=data_through,
        currency=currency,
        rules=rules,
        settings=features,
        progress=progress,
        cache=cache,
    )
    frame = frame.filter(pl.col("observed"))
    if frame.is_empty() or not frame["churned"].any():
        raise ModelError(
            f"no customer churned within {h} days of any origin from "
            f"{all_origins[0].isoformat()} to {all_origins[-1].isoformat()}; a churn model "
            "needs churned customers to learn from (ingest more history)"
        )

    def make_model() -> ChurnModel:
        return ChurnModel(
            learning_rate=churn.learning_rate,
            num_leaves=churn.num_leaves,
            random_state=random_state,
        )

    def make_baseline() -> LogisticBaseline:
        return LogisticBaseline()

    report = backtest(
        frame,
        horizon_days=h,
        test_origins=all_origins[-churn.backtest_origins :],
        make_model=make_model,
        make_baseline=make_baseline,
        oracle=oracle,
        progress=progress,
    )
    final = all_origins[-churn.origins :]
    split = split_origins(final, final[-1] + dt.timedelta(days=h), h)
    if split is None:
        raise ModelError(f"too few origins to train on (churn.origins = {churn.origins})")
    train_days, _ = split
    valid_day = final[-1]
    train = frame.filter(pl.col("as_of").is_in(train_days))
    valid = frame.filter(pl.col("as_of") == valid_day)
    for part, name in ((train, "training"), (valid, "validation")):
        if not 0 < int(part["churned"].sum()) < part.height:
            raise ModelError(
                f"the {name} origins ({name} window ending {valid_day.isoformat()}) hold "
                f"no churned customer among {part.height:,}; ingest more history or raise "
                "churn.origins or churn.horizon_days in tenure.toml"
            )
    with progress.task("fitting the churn model"):
        model = make_model().fit(
            design_matrix(train),
            train["churned"].to_numpy().astype(int),
            eval_set=(design_matrix(valid), valid["churned"].to_numpy().astype(int)),
        )
    return TrainResult(
        model=model,
        horizon_days=h,
        train_origins=train_days,
        validation_origin=valid_day,
        rows=train.height + valid.height,
        positives=int(train["churned"].sum()) + int(valid["churned"].sum()),
        backtest=report,
    )


def _explain(
    frame: pl.DataFrame, contrib: Any, pending: np.ndarray, top: int
) -> tuple[list[list[str]], dict[str, list[list[str]]]]:
    """Each row's drivers (positive contributions, strongest first) and reasons per language.

    A scheduled cancellation is every such customer's first driver.
    """
    names = np.array(list(contrib.columns))
    values = contrib.to_numpy()
    order = np.argsort(-values, axis=1, kind="stable")
    columns = frame.to_dict(as_series=False)
    drivers: list[list[str]] = []
    texts: dict[str, list[list[str]]] = {lang: [] for lang in LANGUAGES}
    for i in range(values.shape[0]):
        idx = order[i]
        ranked = list(names[idx[values[i, idx] > 0]])
        if pending[i]:
            ranked = ["cancel_pending", *(n for n in ranked if n != "cancel_pending")]
        drivers.append(ranked[:top])
        row = ColumnRow(columns, i)
        for lang in LANGUAGES:
            texts[lang].append(ranked_reasons(row, ranked, lang=lang, top=top))
    return drivers, texts


def score_churn(
    con: BaseBackend,
    model: Any,
    *,
    as_of: dt.date,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    features: FeatureSettings | None = None,
    top: int = 3,
    frame: pl.DataFrame | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Every paying customer's churn probability at ``as_of``, riskiest first, with reasons.

    ``frame``: the features at ``as_of`` when the caller has them already
    (:func:`tenure.features.feature_frame`); built here otherwise.

    Returns
    -------
    polars.DataFrame
        ``customer_id``, ``as_of``, ``churn_probability``, ``rank`` (1 = riskiest),
        ``drivers`` (feature names, strongest first), ``reasons_en``, ``reasons_de``
        (sentences) and the feature columns.
    """
    progress = progress or NullProgress()
    with progress.task("scoring churn risk"):
        if frame is None:
            frame = feature_frame(con, as_of, currency=currency, rules=rules, settings=features)
        frame = frame.filter(pl.col("mrr") > 0)
        if frame.is_empty():
            return frame.with_columns(churn_probability=pl.lit(None, pl.Float64))
        x = design_matrix(frame)
        prob = model.predict_proba(x)[:, 1]
        contrib = model.feature_contributions(x)
    pending = frame["cancel_pending"].to_numpy()
    prob = np.where(pending, 1.0, prob)
    drivers, texts = _explain(frame, contrib, pending, top)
    out = frame.with_columns(
        churn_probability=pl.Series(prob, dtype=pl.Float64),
        drivers=pl.Series(drivers, dtype=pl.List(pl.String)),
        reasons_en=pl.Series(texts["en"], dtype=pl.List(pl.String)),
        reasons_de=pl.Series(texts["de"], dtype=pl.List(pl.String)),
    )
    out = out.sort(["churn_probability", "mrr"], descending=True)
    out = out.with_columns(rank=pl.int_range(1, out.height + 1))
    lead = ["customer_id", "as_of", "churn_probability", "rank", "drivers"]
    return out.select(*lead, "reasons_en", "reasons_de", *feature_names())
