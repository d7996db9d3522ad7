"""What the segments, engagement and feedback pages read: previews, sizes, funnel, NPS, comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tenure import Workspace
from tenure.errors import ConfigError, SegmentError
from tests.api import conftest as api

demo_world = api.demo_world  # 300 customers, 12 months, refreshed (once per session)


@pytest.fixture
def world(demo_world: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo_world, tmp_path / "ws")
    return tmp_path / "ws"


def test_segment_preview_matches_the_saved_segment_without_storing_it(world: Path) -> None:
    rule = 'mrr > 0 and health < 60 and plan != "free"'
    with Workspace.open(world) as ws:
        preview = ws.segment_preview(rule, limit=5)
        assert "preview" not in {s["name"] for s in ws.segments()}
        ws.segment_create("low_health", rule)
        members = ws.segment_members("low_health")
        assert preview["as_of"] == members["as_of"][0]
        assert preview["members"] == members.height > 5
        assert preview["customers"] > preview["members"]
        top = [m["customer_id"] for m in preview["items"]]
        assert top == members["customer_id"].head(5).to_list()
        assert all(m["name"] and m["mrr"] > 0 and m["health"] < 60 for m in preview["items"])


def test_segment_preview_names_the_column_when_the_rule_is_wrong(world: Path) -> None:
    with Workspace.open(world) as ws, pytest.raises(SegmentError) as err:
        ws.segment_preview('plan == "pro" and helth < 40')
    assert err.value.column == 19 and "Did you mean 'health'" in err.value.message


def test_segment_size_history_has_every_segment_on_every_stored_day(world: Path) -> None:
    with Workspace.open(world) as ws:
        history = ws.segment_size_history()
        sizes = {s["name"]: s["members"] for s in ws.segments()}
        days = history["as_of"].unique().to_list()
        assert history.height == len(sizes) * len(days)
        latest = history.filter(history["as_of"] == max(days))
        assert dict(zip(latest["segment"], latest["members"], strict=True)) == sizes


def test_activation_funnel_steps_shrink_and_buckets_add_up(world: Path) -> None:
    with Workspace.open(world) as ws:
        funnel = ws.activation_funnel()
        counts = [s["customers"] for s in funnel["steps"]]
        assert counts == sorted(counts, reverse=True) and counts[0] == 300
        assert funnel["steps"][0]["share_of_start"] == 1.0
        did = funnel["steps"][2]["customers"]
        assert sum(b["customers"] for b in funnel["time_to_key_action"]) == did > 0
        assert funnel["median_days_to_key_action"] > 0


def test_nps_distribution_has_eleven_scores_and_verbatims_check_filters(world: Path) -> None:
    with Workspace.open(world) as ws:
        scores = ws.nps_distribution()
        assert scores["score"].to_list() == list(range(11))
        nps = ws.metric_table("nps")
        assert scores["responses"].sum() == nps["responses"].sum()
        low = ws.feedback_verbatims(kind="nps", group="detractor", limit=10)
        assert 0 < low.height <= 10 and (low["score"] <= 6).all()
        with pytest.raises(ConfigError, match=r"'group' parameter .* Got 'fans'"):
            ws.feedback_verbatims(group="fans")
        with pytest.raises(ConfigError, match=r"range \[1, 500\]"):
            ws.feedback_verbatims(limit=0)
