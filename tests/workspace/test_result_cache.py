"""Results kept until the next load, served stale while they are recomputed, and kept on disk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import tenure.metrics
from tenure import Workspace
from tenure.metrics import engagement
from tenure.workspace import Freshness


def _new_user_events(ws: Workspace, folder: Path, n: int = 3) -> Path:
    """Track events of ``n`` new users on the last day of the data (they raise its MAU)."""
    as_of = ws.metrics_context().as_of
    at = dt.datetime.combine(as_of, dt.time(9), tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        json.dumps(
            {
                "type": "track",
                "event": "Logged In",
                "messageId": f"swr-{k}",
                "userId": f"swr-user-{k}",
                "timestamp": at,
            }
        )
        for k in range(n)
    ]
    path = folder / "new-users.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_result_older_than_the_data_is_served_at_once_and_recomputed_when_serving_stale(
    demo_copy: Path, tmp_path: Path
) -> None:
    with Workspace.open(demo_copy) as ws:
        with ws.serve_stale() as fresh:
            before = ws.metric_table("engagement")
        assert isinstance(fresh, Freshness) and fresh.updated_at is not None
        assert not fresh.refreshing
        ws.ingest([_new_user_events(ws, tmp_path)], format="segment")
        with ws.serve_stale() as fresh:
            stale = ws.metric_table("engagement")  # at once: the numbers before the load
        assert stale.equals(before) and fresh.refreshing
        assert ws.wait_for_results(timeout=300)
        with ws.serve_stale() as fresh:
            after = ws.metric_table("engagement")
        assert not fresh.refreshing
        assert after["active_users"][-1] == before["active_users"][-1] + 3
        assert after.equals(engagement(ws.metrics_context(), interval="month").to_polars())


def test_a_result_older_than_the_data_is_computed_again_when_not_serving_stale(
    demo_copy: Path, tmp_path: Path
) -> None:
    """The API, the CLI and library calls never get numbers older than the data."""
    with Workspace.open(demo_copy) as ws:
        before = ws.metric_table("engagement")
        ws.ingest([_new_user_events(ws, tmp_path)], format="segment")
        after = ws.metric_table("engagement")
        assert after["active_users"][-1] == before["active_users"][-1] + 3


def test_results_of_an_earlier_run_are_served_when_the_data_has_not_changed(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace.open(demo_copy) as ws:
        first = ws.metrics(interval="quarter")
    assert list((demo_copy / "cache" / "results").glob("*.parquet"))
    calls: list[str] = []
    original = tenure.metrics.mrr_series

    def counted(*args: object, **kwargs: object) -> object:
        calls.append("series")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tenure.metrics, "mrr_series", counted)
    with Workspace.open(demo_copy) as ws:  # a new process would read the same files
        assert ws.metrics(interval="quarter").equals(first)
        assert calls == []
        ws.ingest([_new_user_events(ws, tmp_path)], format="segment")
        with ws.serve_stale() as fresh:  # the data moved: served, and recomputed behind
            assert ws.metrics(interval="quarter").equals(first)
        assert fresh.refreshing and ws.wait_for_results(timeout=300)
        assert calls == ["series"]


def test_a_refreshed_workspace_serves_the_dashboards_first_views_from_disk(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``refresh`` ends with the default views; a new workspace reads them, computing none."""
    with Workspace.open(demo_copy) as ws:
        started = ws.clock.now()
        ws.refresh()
        ended = ws.clock.now()
    kept = list((demo_copy / "cache" / "results").glob("*.json"))
    assert len(kept) >= 20  # series of 4 intervals, breakdowns, cohorts, engagement, feedback

    def computed(*args: object, **kwargs: object) -> object:
        raise AssertionError("computed instead of read from cache/results")

    for name in ("mrr_series", "cohort_tables", "engagement", "activation_funnel"):
        monkeypatch.setattr(tenure.metrics, name, computed)
    with Workspace.open(demo_copy) as ws, ws.serve_stale() as fresh:
        ws.metrics(interval="month")
        ws.metrics(interval="quarter", by="channel")
        ws.metrics(interval="day")
        ws.cohorts()
        ws.metric_table("engagement")
        ws.metric_table("engagement", interval="week")
        ws.activation_funnel()
    assert fresh.updated_at is not None and started <= fresh.updated_at <= ended
    assert not fresh.refreshing
