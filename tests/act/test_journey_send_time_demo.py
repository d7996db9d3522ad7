"""Send-time optimisation on the demo world, test-sized (bench/send_time.py is the full run).

A 50/50 split sends an in-app message ``at: best_hour`` or ``at: "10:00"`` to the demo's
recently active customers through the real worker; the ground truth's response model
says the best-hour arm's messages are opened more often.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tenure.clock import FixedClock
from tenure.demo._habits import open_probability
from tenure.workspace import Deployment

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # the demo world's end
JOURNEY = Path(__file__).parents[2] / "bench" / "journeys" / "send-time.yaml"
"""The benchmark's journey (bench/send_time.py), sent here at test size."""


@pytest.mark.slow
def test_best_hour_messages_are_opened_more_than_ten_oclock_ones_on_the_demo_world(
    demo_workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo_workspace, folder)
    with (folder / "tenure.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[journeys]\nlookback_hours = 336\n")
    (folder / "journeys").mkdir()
    shutil.copy(JOURNEY, folder / "journeys" / "send-time.yaml")
    Deployment.upgrade(folder)
    clock = FixedClock(NOW)
    rows = []
    with Deployment.open(folder, clock=clock) as d:
        d.create_tenant("demo", name="Demo", folder=".")
        for hour in range(27):
            clock.at = NOW + dt.timedelta(hours=hour)
            d.run_journeys()
        tenant = d.tenant("demo")
        for e in d.store.enrolments(tenant.id):
            rows += [
                (e.customer_id, e.variant, m.created_at) for m in d.inbox(tenant, e.customer_id)
            ]
            assert e.status in ("exited", "completed")
    truth = pl.read_parquet(folder / "data/ground_truth/churn_drivers.parquet")
    known = {r["customer_id"]: r for r in truth.to_dicts()}
    assert len(rows) > 100
    p: dict[str, list[float]] = {"best": [], "fixed": []}
    utc_hours: dict[str, set[int]] = {"best": set(), "fixed": set()}
    for customer, variant, at in rows:
        t = known[customer]
        sent = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        local = sent.astimezone(zoneinfo.ZoneInfo(t["timezone"]))
        p[variant].append(
            float(
                open_probability(t["engagement"], t["active_hour"], local.hour + local.minute / 60)
            )
        )
        utc_hours[variant].add(sent.astimezone(dt.UTC).hour)
        assert sent >= NOW
    assert len(utc_hours["best"]) >= 12  # personal hours, spread over the day
    assert np.mean(p["best"]) > np.mean(p["fixed"]) + 0.08
