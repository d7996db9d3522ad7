"""The 0-100 health score: the churn model's risk blended with components a team weighs.

Like Gainsight's scorecards or Vitally's health scores, health is a weighted average of
component scores, each 0-100:

- ``risk``: ``100 * (1 - churn_probability)`` from the churn model;
- ``usage``, ``engagement``, ``support``, ``sentiment``, ``billing``: each the weighted
  mean of its *measures*, a measure being one customer feature scored linearly between a
  ``bad`` value (0) and a ``good`` value (100), clipped.

Weights, measures and band thresholds live in ``[health]`` of ``tenure.toml``
(:class:`tenure.config.HealthSettings`). A measure without a value for a customer (no NPS
answer yet) is left out of its component, and a component without any value (or without a
model, for ``risk``) is left out of the score: the remaining weights are renormalised, so
missing data never counts as bad data. A scheduled cancellation caps health at
``cancel_pending_cap``. Bands: green from ``green_at``, red below ``red_below``, yellow
between. docs/health.md has the formulas and defaults.

Examples
--------
>>> import polars as pl
>>> from tenure.config import HealthSettings
>>> frame = pl.DataFrame(
...     {
...         "customer_id": ["a", "b"],
...         "active_days_30d": [15.0, 0.0],
...         "open_tickets": [0.0, 3.0],
...         "cancel_pending": [False, False],
...         "churn_probability": [0.1, 0.6],
...     }
... )
>>> settings = HealthSettings.model_validate(
...     {
...         "measures": [
...             {"component": "usage", "feature": "active_days_30d", "bad": 0, "good": 15},
...             {"component": "support", "feature": "open_tickets", "bad": 3, "good": 0},
...         ]
...     }
... )
>>> scores = health_scores(frame, settings)
>>> scores.select("customer_id", "health", "band").rows()
[('a', 94.3, 'green'), ('b', 22.9, 'red')]
"""

from __future__ import annotations

import difflib

import polars as pl

from tenure.config import HEALTH_COMPONENTS, HealthSettings
from tenure.errors import ConfigError, Location
from tenure.features import FEATURES

__all__ = ["BANDS", "HEALTH_COLUMNS", "health_scores"]

BANDS = ("green", "yellow", "red")
HEALTH_COLUMNS = ("customer_id", "health", "band", *HEALTH_COMPONENTS, "weakest")

_KINDS = {f.name: f.kind for f in FEATURES}


def _check_measures(settings: HealthSettings, columns: list[str]) -> None:
    for i, measure in enumerate(settings.measures):
        where = Location(field=f"health.measures[{i}].feature")
        kind = _KINDS.get(measure.feature)
        if kind is None and measure.feature not in columns:
            close = difflib.get_close_matches(measure.feature, list(_KINDS), n=3)
            hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
            raise ConfigError(
                f"The health measure feature {measure.feature!r} is not a customer feature."
                f"{hint} The features are listed in docs/features.md.",
                location=where,
            )
        if kind == "category":
            raise ConfigError(
                f"The health measure feature {measure.feature!r} is a category; a measure "
                "needs a number or a yes/no feature (docs/features.md).",
                location=where,
            )


def _weighted_mean(pairs: list[tuple[pl.Expr, float]]) -> pl.Expr:
    """Mean of the non-null expressions, weighted; null when all are null."""
    if not pairs:
        return pl.lit(None, pl.Float64)
    num = pl.sum_horizontal([(e * w).fill_null(0.0) for e, w in pairs])
    den = pl.sum_horizontal([pl.when(e.is_null()).then(0.0).otherwise(w) for e, w in pairs])
    return pl.when(den > 0).then(num / den).otherwise(None)


def health_scores(frame: pl.DataFrame, settings: HealthSettings | None = None) -> pl.DataFrame:
    """Health of every row of a feature frame (one row per customer).

    Parameters
    ----------
    frame
        Point-in-time features (:func:`tenure.features.feature_frame`), with an optional
        ``churn_probability`` column (null or absent: no ``risk`` component).
    settings
        Weights, measures and bands; the defaults of :class:`~tenure.config.HealthSettings`.

    Returns
    -------
    polars.DataFrame
        ``customer_id``, ``health`` (0-100, one decimal), ``band`` (green, yellow or red),
        the six component scores (null where a component has no data) and ``weakest``, the
        weighted component that pulls health down most.

    Raises
    ------
    ConfigError
        A measure names an unknown feature, or a category.
    """
    settings = settings or HealthSettings()
    _check_measures(settings, frame.columns)
    if "churn_probability" not in frame.columns:
        frame = frame.with_columns(churn_probability=pl.lit(None, pl.Float64))
    components: dict[str, pl.Expr] = {
        "risk": (100.0 * (1.0 - pl.col("churn_probability").cast(pl.Float64))).clip(0, 100)
    }
    for name in HEALTH_COMPONENTS[1:]:
        pairs = []
        for m in settings.measures:
            if m.component != name:
                continue
            x = pl.col(m.feature).cast(pl.Float64)
            share = ((x - m.bad) / (m.good - m.bad)).clip(0.0, 1.0)
            pairs.append((share * 100.0 + 0.0, m.weight))  # + 0.0 turns -0.0 into 0.0
        components[name] = _weighted_mean(pairs)
    weights = settings.weights.model_dump()
    scored = frame.select(
        "customer_id",
        pl.col("cancel_pending").fill_null(False).alias("_pending"),
        *(expr.alias(name) for name, expr in components.items()),
    )
    health = _weighted_mean([(pl.col(n), weights[n]) for n in HEALTH_COMPONENTS if weights[n]])
    health = (
        pl.when(pl.col("_pending"))
        .then(pl.min_horizontal(health, pl.lit(settings.cancel_pending_cap)))
        .otherwise(health)
    )
    # The component that costs most health points: weight x (100 - score).
    loss = [
        pl.struct(
            pl.lit(n).alias("name"),
            (pl.lit(weights[n]) * (100.0 - pl.col(n))).alias("loss"),
        )
        for n in HEALTH_COMPONENTS
        if weights[n]
    ]
    out = scored.with_columns(health=health.round(1))
    out = out.with_columns(
        band=pl.when(pl.col("health").is_null())
        .then(pl.lit(None, pl.String))
        .when(pl.col("health") >= settings.green_at)
        .then(pl.lit("green"))
        .when(pl.col("health") < settings.red_below)
        .then(pl.lit("red"))
        .otherwise(pl.lit("yellow")),
        weakest=pl.concat_list(loss)
        .list.eval(pl.element().filter(pl.element().struct.field("loss").is_not_null()))
        .list.eval(pl.element().sort_by(pl.element().struct.field("loss"), descending=True))
        .list.first()
        .struct.field("name"),
    )
    return out.select(*HEALTH_COLUMNS).with_columns(pl.col(HEALTH_COMPONENTS).round(1))
