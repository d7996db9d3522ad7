"""Send-time optimisation: ``at: best_hour`` sends at each customer's own most active hour,
falls back to their group's (time zone) and then ``[journeys] send_time_default``, and
quiet hours still win (docs/journeys.md, "Send time")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenure.act.journeys import load_journey
from tenure.clock import FixedClock
from tenure.errors import ConfigError
from tenure.workspace import Deployment

from .conftest import SmtpSink
from .journey_world import customer_id, make_world

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)

BEST = """\
name: best
trigger: {type: event, event: signed_up}
steps:
  - {id: note, type: send, channel: inapp, at: best_hour, title: Hi, body: "{{ customer.name }}"}
"""
MAIL = """\
name: mail
trigger: {type: event, event: signed_up}
steps:
  - {id: mail, type: send, channel: email, at: best_hour, subject: Hi, text: Hello}
"""


def _habits() -> list[tuple[int, str, dt.datetime]]:
    """Customer 0 (Berlin) is active at 07 UTC, customer 1 (New York) at 19 UTC; 3 (Berlin),
    4 (New York), 2 and 5 (UTC) have no habits of their own. Everyone signed up an hour ago."""
    days = [NOW - dt.timedelta(days=d) for d in range(1, 7)]
    events = [(0, "report_created", d.replace(hour=7, minute=15)) for d in days]
    events += [(1, "report_created", d.replace(hour=19, minute=40)) for d in days]
    events += [(i, "signed_up", NOW - dt.timedelta(hours=1)) for i in range(6)]
    return events


@pytest.mark.slow
def test_best_hour_is_each_customers_own_then_their_groups_then_the_default(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "acme"
    make_world(folder, customers=6, events=_habits(), journeys={"best": BEST})
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        tenant = d.tenant("acme")
        d.run_journeys()
        due = {e.customer_id: e.next_run_at for e in d.store.enrolments(tenant.id)}
        day = NOW.replace(hour=0)
        assert due == {
            customer_id(0): day + dt.timedelta(days=1, hours=7),  # own: 07 UTC, tomorrow
            customer_id(1): day + dt.timedelta(hours=19),  # own: 19 UTC, today
            customer_id(3): day + dt.timedelta(days=1, hours=7),  # Berlin's hour
            customer_id(4): day + dt.timedelta(hours=19),  # New York's hour
            customer_id(2): day + dt.timedelta(days=1, hours=10),  # default 10:00 local (UTC)
            customer_id(5): day + dt.timedelta(days=1, hours=10),
        }
        assert all(not d.inbox(tenant, customer_id(i)) for i in range(6))
        clock.at = day + dt.timedelta(hours=19, minutes=5)
        d.run_journeys()
        got = {i for i in range(6) if d.inbox(tenant, customer_id(i))}
        assert got == {1, 4}
        clock.at = day + dt.timedelta(days=1, hours=7, minutes=1)
        d.run_journeys()
        assert {i for i in range(6) if d.inbox(tenant, customer_id(i))} == {0, 1, 3, 4}
        clock.at = day + dt.timedelta(days=1, hours=10)
        d.run_journeys()
        assert all(len(d.inbox(tenant, customer_id(i))) == 1 for i in range(6))


@pytest.mark.slow
def test_quiet_hours_win_over_the_best_hour(tmp_path: Path, smtp_sink: SmtpSink) -> None:
    folder = tmp_path / "acme"
    make_world(
        folder, customers=2, events=_habits(), journeys={"mail": MAIL}, smtp_port=smtp_sink.port,
        extra_toml='[journeys]\nquiet_hours = "18:00-08:00"\n', timezones=("UTC",),
    )  # fmt: skip
    clock = FixedClock(NOW)
    day = NOW.replace(hour=0)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        clock.at = day + dt.timedelta(hours=19)  # customer 1's hour, but quiet in UTC
        d.run_journeys()
        assert smtp_sink.messages == []
        due = {e.customer_id: e.next_run_at for e in d.store.enrolments(d.tenant("acme").id)}
        assert due[customer_id(1)] == day + dt.timedelta(days=1, hours=8)  # the end of quiet
        clock.at = day + dt.timedelta(days=1, hours=7)  # customer 0's hour: quiet too
        d.run_journeys()
        assert smtp_sink.messages == []
        clock.at = day + dt.timedelta(days=1, hours=8)
        d.run_journeys()
    assert sorted(str(m["To"]) for m in smtp_sink.messages) == [
        "c0@example.test", "c1@example.test",
    ]  # fmt: skip


def test_at_must_be_best_hour_or_a_local_time(tmp_path: Path) -> None:
    path = tmp_path / "j.yaml"
    path.write_text(
        "name: j\ntrigger: {type: event, event: x}\nsteps:\n"
        "  - id: n\n    type: send\n    channel: inapp\n    title: T\n    body: B\n"
        "    at: besthour\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="'best_hour' or a local time") as info:
        load_journey(path)
    assert info.value.location is not None and info.value.location.line == 9
    path.write_text(path.read_text().replace("besthour", '"09:30"'), encoding="utf-8")
    assert load_journey(path).steps[0].at == "09:30"  # type: ignore[union-attr]
