"""The stored daily activity (``daily_activity``, ``first_track_events``) equals the events.

Engagement, the activation funnel and activation read the two small tables that every
load keeps, instead of the events; the numbers must be those computed from the events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from tenure import Workspace
from tenure.metrics import (
    ActivityTable,
    MetricsContext,
    activation,
    activation_funnel,
    engagement,
    key_action_days,
)
from tenure.metrics._activity_table import DAILY_TABLE, FIRSTS_TABLE, stored_activity


def _frames(ctx: MetricsContext) -> dict[str, pl.DataFrame]:
    out = {
        f"engagement/{interval}": engagement(ctx, interval=interval).to_polars()
        for interval in ("day", "week", "month", "quarter")
    }
    out["funnel"] = activation_funnel(ctx).to_polars()
    out["funnel/2025"] = activation_funnel(
        ctx, start=dt.date(2025, 3, 1), end=dt.date(2025, 9, 30)
    ).to_polars()
    out["key_action_days"] = key_action_days(ctx).to_polars()
    out["activation"] = activation(ctx, interval="month").to_polars()
    return out


def _assert_same(ws: Workspace, as_of: dt.date) -> None:
    stored = ws.metrics_context(as_of=as_of)
    direct = dataclasses.replace(stored, stored=False)
    assert stored_activity(stored) is not None  # the stored path is the one compared
    assert stored_activity(direct) is None
    got, want = _frames(stored), _frames(direct)
    for name, frame in want.items():
        assert frame.height > 0 or name == "key_action_days", name
        assert got[name].equals(frame), name


def test_stored_activity_gives_the_numbers_of_the_events_when_demo_is_loaded(
    demo_copy: Path,
) -> None:
    """Each engagement interval, the funnel, time to key action and activation, at two days.

    The earlier day (mid-2025) keeps only part of the stored rows: days after it, and
    first events after it, must count as not seen.
    """
    with Workspace.open(demo_copy) as ws:
        assert ActivityTable(ws.warehouse.ibis).is_current()  # kept by the demo's loads
        for as_of in (ws.metrics_context().as_of, dt.date(2025, 6, 15)):
            _assert_same(ws, as_of)


def _track(message_id: str, at: str, *, user: str | None, customer: str | None) -> str:
    body = {
        "type": "track",
        "event": "Report Created",
        "messageId": message_id,
        "timestamp": at,
        "properties": {},
    }
    if user:
        body["userId"] = user
    else:
        body["anonymousId"] = f"anon-{message_id}"
    if customer:
        body["context"] = {"groupId": customer}
    return json.dumps(body)


def test_a_load_keeps_the_stored_activity_equal_to_a_full_rebuild_when_events_arrive(
    demo_copy: Path, tmp_path: Path
) -> None:
    """A batch with a new user-day, an earlier key action and a repeat of a stored day."""
    with Workspace.open(demo_copy) as ws:
        con = ws.warehouse.ibis
        ev = con.table("events")
        row = (
            ev.filter((ev.type == "track") & ev.customer_id.notnull() & ev.user_id.notnull())
            .order_by("occurred_at")
            .select("user_id", "customer_id", "occurred_at")
            .limit(1)
            .to_pyarrow()
            .to_pylist()[0]
        )
        customer, user = row["customer_id"], row["user_id"]
        earlier = (row["occurred_at"] - dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
        same_day = row["occurred_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
        daily_before = con.table(DAILY_TABLE).count().to_pyarrow().as_py()
        batch = tmp_path / "batch.jsonl"
        lines = [
            _track("t-earlier", earlier, user=user, customer=customer),  # a new first event
            _track("t-same", same_day, user=user, customer=customer),  # a day already stored
            _track("t-anon", "2025-05-05T10:00:00Z", user=None, customer=None),  # no account
        ]
        batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        [result] = ws.ingest([batch], format="segment")
        assert result.rows.get("events") == 3
        daily_after = con.table(DAILY_TABLE).count().to_pyarrow().as_py()
        assert daily_after == daily_before + 2  # the earlier day and the anonymous one
        firsts = con.table(FIRSTS_TABLE)
        first = firsts.filter(
            (firsts.customer_id == customer) & (firsts.event == "Report Created")
        ).first_at.to_pyarrow()
        assert first.to_pylist() == [row["occurred_at"] - dt.timedelta(days=40)]
        kept = {
            name: con.table(name).order_by(*con.table(name).columns).to_polars()
            for name in (DAILY_TABLE, FIRSTS_TABLE)
        }
        ActivityTable(con).build()  # everything from the events again
        for name, frame in kept.items():
            rebuilt = con.table(name).order_by(*con.table(name).columns).to_polars()
            assert rebuilt.equals(frame), name
        _assert_same(ws, ws.metrics_context().as_of)


def test_readers_use_the_events_when_the_stored_activity_is_of_another_definition(
    demo_copy: Path,
) -> None:
    with Workspace.open(demo_copy) as ws:
        con = ws.warehouse.ibis
        con.raw_sql("UPDATE daily_activity_state SET fingerprint = 'older'")
        ctx = ws.metrics_context()
        assert stored_activity(ctx) is None
        assert not ActivityTable(con).is_current()
        ActivityTable(con).build()
        assert stored_activity(ws.metrics_context()) is not None


@pytest.mark.slow
@pytest.mark.postgres
def test_stored_activity_is_kept_on_postgres_when_files_are_loaded(
    postgres_url: str, demo_workspace: Path, tmp_path: Path
) -> None:
    """The same maintenance runs in a PostgreSQL load's transaction."""
    root = tmp_path / "pg"
    root.mkdir()
    (root / "tenure.toml").write_text(
        f'[warehouse]\nurl = "{postgres_url}"\n[metrics]\nactivation_event = "Report Created"\n'
    )
    with Workspace.init(root) as ws:
        data = demo_workspace / "data"
        ws.ingest([data / "stripe", data / "segment", data / "tables"])
        assert ActivityTable(ws.warehouse.ibis).is_current()
        _assert_same(ws, ws.metrics_context().as_of)
