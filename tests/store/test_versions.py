"""Which versions the loader keeps, on DuckDB and on PostgreSQL.

A row is a duplicate when a stored row has its key, time, event and content (the same
file ingested again), or when the version just before it in time, among the stored and
the new rows of its key, has its content (an unchanged snapshot). Content that returns
to an earlier one is a new version: a subscription canceled and then taken back
(active, canceling, active) has three versions, and the last one is current.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

import tenure.store.warehouse as warehouse_module
from tenure.ingest import plan_file
from tenure.store import IngestResult, Warehouse
from tenure.store._loader import Loader
from tests.conftest import NOW
from tests.store.test_current import SUB, _event, _write, assert_flags_match_ranking, url

__all__ = ["url"]  # the fixture, parametrised over DuckDB and PostgreSQL

CANCELING = {"cancel_at_period_end": True, "canceled_at": 1738000000}


def _load(wh: Warehouse, path: Path, now: dt.datetime = NOW) -> IngestResult:
    result = wh.write_batch(plan_file(path, now=now), now=now)
    assert result.rejects == 0, result.reasons
    return result


def _versions(wh: Warehouse) -> list[tuple[int, bool, bool]]:
    """``(version time, cancel_at_period_end, current)`` of sub_1, oldest first."""
    t = wh.table("subscriptions_versions").filter(lambda t: t.subscription_id == "sub_1")
    rows = t.select("_version_at", "cancel_at_period_end", "_current").to_pyarrow().to_pylist()
    return sorted(
        (int(r["_version_at"].timestamp()), bool(r["cancel_at_period_end"]), r["_current"])
        for r in rows
    )


def _take_back(first: int, second: int, third: int) -> list[dict[str, object]]:
    """Active, then canceling at period end, then the cancellation taken back."""
    return [
        _event(1, first, cancel_at_period_end=False),
        _event(2, second, **CANCELING),
        _event(3, third, cancel_at_period_end=False),
    ]


def test_a_taken_back_cancellation_is_a_new_version_when_one_file_holds_all_three(
    url: str, tmp_path: Path
) -> None:
    path = _write(tmp_path / "events.jsonl", _take_back(1735689600, 1738000000, 1739000000))
    with Warehouse(url) as wh:
        result = _load(wh, path)
        assert result.rows["subscriptions"] == 3
        assert _versions(wh) == [
            (1735689600, False, False),
            (1738000000, True, False),
            (1739000000, False, True),
        ]
        again = _load(wh, path)
        assert (again.inserted, again.duplicates) == (0, 6)  # 3 versions, 3 Stripe events
        assert len(_versions(wh)) == 3
        assert_flags_match_ranking(wh)


def test_a_taken_back_cancellation_is_a_new_version_when_it_arrives_in_a_later_file(
    url: str, tmp_path: Path
) -> None:
    first, second, third = _take_back(1735689600, 1738000000, 1739000000)
    before = _write(tmp_path / "before.jsonl", [first, second])
    after = _write(tmp_path / "after.jsonl", [third])
    with Warehouse(url) as wh:
        assert _load(wh, before).rows["subscriptions"] == 2
        assert _load(wh, after).rows["subscriptions"] == 1
        rows = wh.table("subscriptions").select("cancel_at_period_end").to_pyarrow().to_pylist()
        assert rows == [{"cancel_at_period_end": False}]
        for path, n in ((before, 4), (after, 2)):  # each event: a version and a Stripe event
            again = _load(wh, path, NOW + dt.timedelta(days=1))
            assert (again.inserted, again.duplicates) == (0, n), path.name
        assert [v[1:] for v in _versions(wh)] == [(False, False), (True, False), (False, True)]
        assert_flags_match_ranking(wh)


def test_unchanged_snapshots_are_dropped_when_their_content_repeats_the_version_before(
    url: str, tmp_path: Path
) -> None:
    events = [
        _event(1, 1735689600),
        _event(2, 1736000000),  # another event, nothing in the subscription changed
        _event(3, 1738000000, status="past_due"),
    ]
    export = _write(tmp_path / "export.jsonl", [{**SUB, "status": "past_due"}])
    with Warehouse(url) as wh:
        result = _load(wh, _write(tmp_path / "events.jsonl", events))
        assert (result.rows["subscriptions"], result.duplicates) == (2, 1)
        # The same object exported twice, later: the versions before it have its content.
        for day in (1, 2):
            later = _load(wh, export, NOW + dt.timedelta(days=day))
            assert (later.inserted, later.duplicates) == (0, 1)
        assert len(_versions(wh)) == 2
        assert_flags_match_ranking(wh)


def test_a_version_conflicting_with_a_stored_one_is_rejected_when_it_has_its_time_and_event(
    url: str, tmp_path: Path
) -> None:
    with Warehouse(url) as wh:
        _load(wh, _write(tmp_path / "a.jsonl", [_event(1, 1735689600), _event(2, 1738000000)]))
        # evt_1 again with other content: the first one is kept, this one rejected.
        other = _write(tmp_path / "b.jsonl", [_event(1, 1735689600, status="past_due")])
        result = wh.write_batch(plan_file(other, now=NOW), now=NOW)
        # The Stripe event itself (its id, type and time) is the same: a duplicate.
        assert (result.inserted, result.rejects, result.duplicates) == (0, 1, 1)
        assert "with different content than the version" in result.reasons[0]
        assert len(_versions(wh)) == 1


def test_versions_are_kept_when_a_taken_back_cancellation_spans_the_slices_of_a_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warehouse_module, "Loader", functools.partial(Loader, slice_lines=1))
    events = [
        *_take_back(1735689600, 1738000000, 1739000000),
        _event(4, 1739500000, cancel_at_period_end=False),
    ]
    with Warehouse(url) as wh:
        result = _load(wh, _write(tmp_path / "events.jsonl", events))
        assert (result.rows["subscriptions"], result.duplicates) == (3, 1)
        assert [v[1:] for v in _versions(wh)] == [(False, False), (True, False), (False, True)]
        assert_flags_match_ranking(wh)


def test_a_file_ingested_again_adds_nothing_when_its_versions_share_a_time(
    url: str, tmp_path: Path
) -> None:
    """Three events of one second: the second repeats the first (dropped as unchanged);
    ingested again, it still follows the first, not the stored third."""
    events = [
        _event(1, 1738000000),
        _event(2, 1738000000),
        _event(3, 1738000000, status="past_due"),
    ]
    path = _write(tmp_path / "events.jsonl", events)
    with Warehouse(url) as wh:
        first = _load(wh, path)
        assert (first.rows["subscriptions"], first.duplicates) == (2, 1)
        again = _load(wh, path, NOW + dt.timedelta(days=1))
        assert (again.inserted, again.duplicates) == (0, 6)  # 3 versions, 3 Stripe events
        assert_flags_match_ranking(wh)
