"""Segment's own Python library (segment-analytics-python) works against tenure serve."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from tests.api.conftest import Site

pytestmark = pytest.mark.slow


def test_events_sent_by_the_segment_library_arrive_when_host_points_at_tenure(
    site: Site,
) -> None:
    from segment.analytics.client import Client

    errors: list[object] = []
    client = Client(
        site.keys["a_pk"],  # the publishable key is Segment's write key
        host=site.url,
        upload_interval=0.1,  # the default threaded consumer, as in production
        max_retries=1,
        on_error=lambda exc, batch: errors.append(exc),
    )
    client.identify("user-1", {"email": "ada@example.com", "customer_id": "cus_1"})
    client.track(
        "user-1",
        "Report Created",
        {"rows": 12},
        context={"groupId": "cus_1"},
        timestamp=dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC),
    )
    client.page("user-1", "Docs", "Pricing", {"path": "/pricing"})
    client.group("user-1", "cus_1", {"name": "Acme"})
    client.flush()
    client.shutdown()
    assert not errors

    deadline = time.monotonic() + 30
    while True:
        rows = site.warehouse_events("a")
        if len(rows) == 4 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    by_type = {r["type"]: r for r in rows}
    assert set(by_type) == {"identify", "track", "page", "group"}
    track = by_type["track"]
    assert track["event"] == "Report Created"
    assert track["customer_id"] == "cus_1"
    assert track["occurred_at"] == dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    assert by_type["page"]["name"] == "Pricing"
    assert by_type["page"]["page_path"] == "/pricing"
