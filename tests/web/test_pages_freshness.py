"""Dashboard speed: pages read the stored pre-aggregates and say how fresh their numbers are."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tenure import Workspace
from tests.api.conftest import Site, make_world
from tests.web.conftest import USERS, add_users, login

pytestmark = pytest.mark.slow


def test_engagement_page_counts_from_the_stored_activity_when_the_events_are_gone(
    tmp_path: Path, store_url: str, demo_world: Path, start_server: Callable[..., Site]
) -> None:
    """The page's numbers come from ``daily_activity`` and ``first_track_events``.

    Before the server starts, tenant a's events are moved aside (its ``events`` table is
    left empty): a page that scanned the raw events would show no active users.
    """
    site = add_users(make_world(tmp_path / "deployment", store_url, demo_world))
    with Workspace.open(site.folder / "workspaces" / "a") as ws:
        last = ws.metric_table("engagement").to_dicts()[-1]
        funnel = ws.activation_funnel()
        con = ws.warehouse.ibis.con
        con.execute("ALTER TABLE events RENAME TO events_aside")
        con.execute("CREATE TABLE events AS SELECT * FROM events_aside WHERE false")
        ws.warehouse.ibis.raw_sql("DROP TABLE events_aside")
    (site.folder / "workspaces" / "a" / "cache").rename(tmp_path / "no-results")  # none kept
    assert last["active_users"] > 0 and funnel["steps"][2]["customers"] > 0
    with login(start_server(site), USERS["a"]) as c:
        page = c.get("/t/a/engagement").text
    cards = re.findall(r'<div class="value">([^<]*)</div>', page)
    assert f"{last['active_users']:,.0f}" in cards  # MAU of the last month
    median = funnel["median_days_to_key_action"]
    assert f"{median:,.1f} d" in cards  # time to key action, from the first events
    assert re.search(r'id="freshness"[^>]*>\s*Updated \d{4}-\d\d-\d\d \d\d:\d\d UTC\.', page)


def _mau(page: str) -> str:
    found = re.search(r'MAU</div><div class="value">([^<]*)</div>', page)
    assert found is not None, page
    return found[1]


def test_engagement_page_shows_the_previous_numbers_then_the_new_when_events_arrive(
    tmp_path: Path, store_url: str, demo_world: Path, start_server: Callable[..., Site]
) -> None:
    """After events land, the page answers with what it had, says so, then shows the new."""
    import time

    site = start_server(add_users(make_world(tmp_path / "deployment", store_url, demo_world)))
    with login(site, USERS["a"]) as c:
        first = c.get("/t/a/engagement").text
        assert "being computed" not in first and 'id="freshness"' in first
        period = re.findall(r'<div class="delta">(\d{4}-\d\d)</div>', first)[0]
        with site.client("a_pk") as api:
            body = {
                "type": "track",
                "event": "Logged In",
                "userId": "fresh-user",
                "messageId": "fresh-1",
                "timestamp": f"{period}-15T10:00:00Z",
            }
            assert api.post("/v1/track", json=body).status_code == 200
        site.wait_moved("a_read", "fresh-1")
        stale = c.get("/t/a/engagement").text
        assert _mau(stale) == _mau(first)  # answered with the numbers it had
        assert "newer data has arrived and is being computed" in stale
        deadline = time.monotonic() + 120
        while True:
            page = c.get("/t/a/engagement").text
            if "being computed" not in page:
                break
            assert time.monotonic() < deadline, "the page was never refreshed"
            time.sleep(0.5)
    assert int(_mau(page).replace(",", "")) == int(_mau(first).replace(",", "")) + 1
