"""A workspace builds each day's feature frame once per data version, whoever asks for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import tenure.features.frames as frames_module
from tenure.features.frames import FrameCache
from tenure.workspace import Workspace


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[dt.date]:
    """The days whose features the warehouse computed (a spy around the real function)."""
    days: list[dt.date] = []
    real = frames_module.customer_features

    def spy(ctx: Any, settings: Any = None) -> Any:
        days.append(ctx.as_of + dt.timedelta(days=1))
        return real(ctx, settings)

    monkeypatch.setattr(frames_module, "customer_features", spy)
    return days


def test_training_and_scoring_share_frames_until_the_data_changes(
    demo_copy: Path, builds: list[dt.date]
) -> None:
    with Workspace.open(demo_copy) as ws:
        day = ws.scoring_day()
        first = ws.features(as_of=day)
        again = ws.features(as_of=day)
        assert builds == [day]
        assert again.equals(first)

        ws.churn_train()
        churn_days = list(builds[1:])
        assert len(churn_days) == len(set(churn_days))  # every origin built once

        ws.lifetime_values(as_of=day)
        ltv_days = builds[1 + len(churn_days) :]
        # The lifetime model's origins overlap the churn model's: those are not rebuilt.
        assert not set(ltv_days) & set(churn_days)
        assert len(ltv_days) < ws.settings.ltv.origins
        assert day not in ltv_days

        # A load moves the data version: the next read builds again.
        csv = demo_copy / "extra_customers.csv"
        pl.DataFrame({"customer_id": ["cus_cache_test"], "name": ["New"]}).write_csv(csv)
        ws.ingest([csv], format="table", table="customers")
        before = len(builds)
        ws.features(as_of=day)
        assert builds[before:] == [day]


def test_the_cache_drops_the_least_recently_used_frames_beyond_its_budget() -> None:
    frame = pl.DataFrame({"x": list(range(1000))})  # 8 kB
    cache = FrameCache(max_bytes=20_000)
    days = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    cache[days[0]] = frame
    cache[days[1]] = frame
    _ = cache[days[0]]  # used: now the most recent
    cache[days[2]] = frame
    assert list(cache) == [days[0], days[2]]
