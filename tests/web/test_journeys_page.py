"""The dashboard's Journeys pages: the list with enrolments and a journey's steps with runs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.workspace import Deployment
from tests.act.conftest import running_smtp, serving
from tests.act.journey_world import make_world

pytestmark = pytest.mark.slow

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
JOURNEY = """\
name: limit
description: Nudge an upgrade.
trigger: {type: event, event: usage_limit_reached}
steps:
  - {id: note, type: send, channel: inapp, title: Limit, body: Upgrade}
  - {id: pause, type: wait, duration: 1d}
  - {id: mail, type: send, channel: email, subject: Hi, text: Hello}
"""


def test_journeys_pages_show_enrolments_and_runs_per_step(tmp_path: Path) -> None:
    with running_smtp() as smtp_sink:
        _check_pages(tmp_path / "acme", smtp_sink.port)


def _check_pages(folder: Path, smtp_port: int) -> None:
    events = [(i, "usage_limit_reached", NOW - dt.timedelta(hours=1)) for i in range(3)]
    make_world(folder, customers=3, events=events, journeys={"limit": JOURNEY}, smtp_port=smtp_port)
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        d.add_user("cs@acme.test", tenant="acme", password="a-long-password")
    with serving(folder, clock=clock) as client:
        form = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        data = {"login_token": token[1], "email": "cs@acme.test", "password": "a-long-password"}
        assert client.post("/login", data={**data, "next": "/"}).status_code == 303
        listing = client.get("/t/acme/journeys")
        assert listing.status_code == 200, listing.text
        assert 'href="/t/acme/journeys/limit"' in listing.text
        assert "event: event usage_limit_reached" in listing.text
        row = re.search(r"<tr><td><a href=\"/t/acme/journeys/limit\">.*?</tr>", listing.text, re.S)
        assert row is not None and ">3</td>" in row[0]  # three active enrolments
        page = client.get("/t/acme/journeys/limit")
        assert page.status_code == 200
        cells = re.findall(r"<tr><td class=\"num\">\d+</td><td>(\w+)</td>.*?</tr>", page.text, re.S)
        assert cells == ["note", "pause", "mail"]
        note = re.search(r"<td>note</td>.*?</tr>", page.text, re.S)
        assert note is not None and re.findall(r">(\d+)</td>", note[0])[0] == "3"  # 3 done
        assert client.get("/t/acme/journeys/nope").status_code == 404
