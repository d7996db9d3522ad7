"""Hour habits of the demo world: each account's events gather around its own active hour,
and a message near that hour is more likely to be opened (tenure.demo._habits)."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tenure.demo import generate
from tenure.demo._habits import FAR, NEAR, open_probability


def test_each_accounts_events_peak_near_its_own_active_hour_when_generated(
    tmp_path: Path,
) -> None:
    generate(tmp_path, customers=300, months=6, seed=11)
    truth = pl.read_parquet(tmp_path / "ground_truth/churn_drivers.parquet")
    active = dict(zip(truth["customer_id"], truth["active_hour"], strict=True))
    zones = dict(zip(truth["customer_id"], truth["timezone"], strict=True))
    hours: dict[str, Counter[int]] = defaultdict(Counter)
    with (tmp_path / "segment/events.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            customer = (m.get("context") or {}).get("groupId")
            if m["type"] not in ("track", "page") or customer not in active:
                continue
            at = dt.datetime.fromisoformat(m["timestamp"].replace("Z", "+00:00"))
            hours[customer][at.astimezone(zoneinfo.ZoneInfo(zones[customer])).hour] += 1
    busy = sorted(c for c, n in hours.items() if sum(n.values()) >= 30)
    assert len(busy) >= 50

    def near(peak: dict[str, int]) -> float:
        gaps = [abs(hours[c].most_common(1)[0][0] - peak[c]) for c in busy]
        return float(np.mean([min(g, 24 - g) <= 2 for g in gaps]))

    others = dict(zip(busy, busy[1:] + busy[:1], strict=True))  # another account's hour
    assert near(active) > 0.75
    assert near(active) > near({c: active[others[c]] for c in busy}) + 0.3
    assert len({active[c] for c in busy}) >= 10  # habits differ between accounts


def test_a_message_near_the_active_hour_is_more_likely_opened() -> None:
    engagement = np.asarray([0.5, 0.5, 0.5, 0.5])
    active = np.asarray([9, 9, 23, 23])
    p = open_probability(engagement, active, np.asarray([9.0, 21.0, 0.5, 11.0]))
    assert p[0] == pytest.approx(NEAR / FAR * p[1])  # at the hour vs. 12 hours away
    assert p[2] > 2 * p[3] and p[3] == p[1]  # across midnight is near; 12 h away is far
