"""The event log's group commit: requests share commits, and each waits for its own."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tenure.api import EventAppender
from tenure.errors import StoreError


class SlowStore:
    """Records each commit's groups; a commit takes 20 ms; fails when told to."""

    def __init__(self) -> None:
        self.commits: list[list[tuple[str, Any]]] = []
        self.fail = False

    def append_event_groups(self, groups: list[tuple[str, Any]]) -> None:
        time.sleep(0.02)
        if self.fail:
            raise StoreError("the operational store failed to record events: disk full")
        self.commits.append(list(groups))


def run_threads(appender: EventAppender, count: int) -> list[BaseException | None]:
    results: list[BaseException | None] = [None] * count

    def send(i: int) -> None:
        try:
            appender.append(f"ten_{i % 2}", [(f"m{i}", "track", {"i": i})])
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_requests_share_commits_and_all_are_committed_when_sent_at_once() -> None:
    store = SlowStore()
    appender = EventAppender(store)  # type: ignore[arg-type]
    assert run_threads(appender, 16) == [None] * 16
    committed = [m for commit in store.commits for _, msgs in commit for m, _, _ in msgs]
    assert sorted(committed) == sorted(f"m{i}" for i in range(16))
    assert len(store.commits) < 16  # grouped: fewer commits than requests


def test_every_request_of_a_failed_commit_raises_when_the_store_fails() -> None:
    store = SlowStore()
    store.fail = True
    appender = EventAppender(store)  # type: ignore[arg-type]
    results = run_threads(appender, 8)
    assert all(isinstance(r, StoreError) for r in results)
    store.fail = False
    appender.append("ten_0", [("after", "track", {})])  # the appender is usable again
    assert store.commits[-1] == [("ten_0", [("after", "track", {})])]


@pytest.mark.parametrize("count", [1, 3])
def test_a_lone_request_commits_itself_when_nothing_else_waits(count: int) -> None:
    store = SlowStore()
    appender = EventAppender(store)  # type: ignore[arg-type]
    for i in range(count):
        appender.append("ten_0", [(f"m{i}", "track", {})])
    assert len(store.commits) == count
