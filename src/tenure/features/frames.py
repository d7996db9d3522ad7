"""Feature frames at one or several ``as_of`` days, with churn labels for training.

The frames are polars DataFrames built by the warehouse (one query per ``as_of``).

Training the churn, lifetime-value, win-back and offer models reads the frames of many
overlapping days. A caller that trains several of them on the same data passes one
``cache`` (a mapping from day to frame, e.g. :class:`FrameCache`), so each day's frame is
built once. The cache must be dropped when the data or the settings change.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import MutableMapping

import polars as pl
from ibis.backends import BaseBackend

from tenure.config import FeatureSettings, MetricsSettings
from tenure.features.customer import customer_features
from tenure.features.labels import churn_labels
from tenure.features.point_in_time import PointInTimeContext
from tenure.metrics import MetricsContext
from tenure.progress import NullProgress, Progress

__all__ = [
    "FrameCache",
    "feature_frame",
    "labelled_frame",
    "monthly_origins",
    "population",
    "stacked_frames",
]


def feature_frame(
    con: BaseBackend,
    as_of: dt.date,
    *,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    settings: FeatureSettings | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """Features of every customer created before ``as_of``, from data before ``as_of``.

    With ``cache``, a frame already built for ``as_of`` is returned instead of built again.
    """
    if cache is not None and as_of in cache:
        return cache[as_of]
    ctx = PointInTimeContext(
        con, as_of - dt.timedelta(days=1), currency, rules or MetricsSettings()
    )
    frame: pl.DataFrame = customer_features(ctx, settings).to_polars()
    if cache is not None:
        cache[as_of] = frame
    return frame


class FrameCache(OrderedDict[dt.date, pl.DataFrame]):
    """Feature frames by day, the least recently used dropped beyond ``max_bytes``.

    >>> cache = FrameCache(max_bytes=100)
    >>> cache[dt.date(2026, 1, 1)] = pl.DataFrame({"x": list(range(10))})
    >>> cache[dt.date(2026, 2, 1)] = pl.DataFrame({"x": list(range(10))})
    >>> list(cache)
    [datetime.date(2026, 2, 1)]
    """

    def __init__(self, max_bytes: int = 1 << 30) -> None:
        super().__init__()
        self.max_bytes = max_bytes

    def __getitem__(self, day: dt.date) -> pl.DataFrame:
        frame = super().__getitem__(day)
        self.move_to_end(day)
        return frame

    def __setitem__(self, day: dt.date, frame: pl.DataFrame) -> None:
        super().__setitem__(day, frame)
        self.move_to_end(day)
        while len(self) > 1 and sum(f.estimated_size() for f in self.values()) > self.max_bytes:
            self.popitem(last=False)


def population(frame: pl.DataFrame) -> pl.DataFrame:
    """The customers a churn model is for: paying, and with no cancellation scheduled.

    A customer who already scheduled their cancellation has told us; they are handled
    by the cancel and win-back flows, and scored as certain to leave.
    """
    return frame.filter((pl.col("mrr") > 0) & ~pl.col("cancel_pending"))


def labelled_frame(
    con: BaseBackend,
    as_of: dt.date,
    horizon_days: int,
    *,
    data_through: dt.date,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    settings: FeatureSettings | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """The population's features at ``as_of`` with ``churned``, ``churn_type``, ``observed``."""
    rules = rules or MetricsSettings()
    frame = population(
        feature_frame(con, as_of, currency=currency, rules=rules, settings=settings, cache=cache)
    )
    full = MetricsContext(con, data_through, currency, rules)
    labels = churn_labels(full, as_of, horizon_days, data_through=data_through).to_polars()
    out = frame.join(labels, on="customer_id", how="left")
    return out.with_columns(
        pl.col("churned").fill_null(False),
        pl.col("observed").fill_null(as_of + dt.timedelta(days=horizon_days - 1) <= data_through),
    )


def monthly_origins(last: dt.date, count: int) -> list[dt.date]:
    """``count`` first-of-month days, the latest on or before ``last``, oldest first."""
    year, month = last.year, last.month
    days = []
    for _ in range(count):
        days.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return days[::-1]


def stacked_frames(
    con: BaseBackend,
    origins: list[dt.date],
    horizon_days: int,
    *,
    data_through: dt.date,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
    settings: FeatureSettings | None = None,
    progress: Progress | None = None,
    cache: MutableMapping[dt.date, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """:func:`labelled_frame` at each origin, stacked (``as_of`` tells them apart)."""
    progress = progress or NullProgress()
    frames = []
    with progress.task("building features", total=len(origins)) as task:
        for day in origins:
            frames.append(
                labelled_frame(
                    con,
                    day,
                    horizon_days,
                    data_through=data_through,
                    currency=currency,
                    rules=rules,
                    settings=settings,
                    cache=cache,
                )
            )
            task.advance(1)
    return pl.concat(frames, how="vertical_relaxed")
