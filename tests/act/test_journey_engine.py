"""The journey engine on a real world: SMTP (aiosmtpd), an HTTP receiver, SQLite or PostgreSQL.

Each test writes a small workspace that is its own deployment (tests/act/journey_world.py),
runs ticks of the worker at a fixed clock and checks what reached the receivers.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

from tenure.act import verify
from tenure.act.outbox import status_counts
from tenure.clock import FixedClock
from tenure.workspace import Deployment

from .conftest import HttpSink, SmtpSink, serving
from .journey_world import WEBHOOK_SECRET, customer_id, make_world

pytestmark = pytest.mark.slow

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

LIMIT = """\
name: limit
trigger: {type: event, event: usage_limit_reached}
goal: {event: upgraded}
steps:
  - id: hello
    type: send
    channel: email
    subject: "{{ customer.name }}, you reached your limit"
    text: "Hello {{ customer.name }}, upgrade? {{ unsubscribe_url }}"
    html: "<p>Hello {{ customer.name }}</p>"
  - {id: note, type: send, channel: inapp, title: "Limit reached", body: "Upgrade for more"}
  - {id: pause, type: wait, duration: 1d}
  - {id: trait, type: set_trait, trait: nudged, value: true}
  - {id: call, type: task, title: "Call {{ customer.name }}", due_in: 2d}
  - {id: again, type: send, channel: email, subject: "Still there?", text: "Second mail"}
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url.replace("postgres://", "postgresql+psycopg://", 1)


def _world(
    tmp_path: Path,
    smtp: SmtpSink,
    *,
    journeys: dict[str, str],
    customers: int = 6,
    events: list[tuple[int, str, dt.datetime]] | None = None,
    store_url: str | None = None,
    extra_toml: str = "",
) -> Path:
    folder = tmp_path / "acme"
    if events is None:
        events = [(i, "usage_limit_reached", NOW - 2 * HOUR) for i in range(4)]
    make_world(
        folder,
        customers=customers,
        events=events,
        journeys=journeys,
        store_url=store_url,
        smtp_port=smtp.port,
        extra_toml=extra_toml,
    )
    return folder


def test_every_step_runs_once_and_nothing_repeats_when_ticks_repeat(
    tmp_path: Path, smtp_sink: SmtpSink, store_url: str | None
) -> None:
    folder = _world(tmp_path, smtp_sink, journeys={"limit": LIMIT}, store_url=store_url)
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        first = d.run_journeys()["acme"]
        assert (first.enrolled, first.sent) == (4, {"email": 4, "inapp": 4})
        again = d.run_journeys()["acme"]  # nothing is due yet: the wait holds them
        assert (again.enrolled, again.steps, again.sent) == (0, 0, {})
        assert len(smtp_sink.messages) == 4
        clock.at = NOW + dt.timedelta(days=1, minutes=1)
        later = d.run_journeys()["acme"]
        assert later.sent == {"email": 4}
        d.run_journeys()
        tenant = d.tenant("acme")
        enrolments = d.store.enrolments(tenant.id)
        assert {e.status for e in enrolments} == {"completed"}
        assert {customer_id(i) for i in range(4)} == {e.customer_id for e in enrolments}
        tasks = d.tasks("acme")
        assert sorted(t.title for t in tasks) == [f"Call Customer {i}" for i in range(4)]
        assert all(t.due_at == clock.at + dt.timedelta(days=2) for t in tasks)
        assert d.store.traits(tenant.id, customer_id(0)) == {"nudged": True}
        inbox = d.inbox(tenant, customer_id(0))
        assert [(m.title, m.body) for m in inbox] == [("Limit reached", "Upgrade for more")]
    ids = smtp_sink.ids()
    assert len(ids) == 8 and len(set(ids)) == 8
    first_mail = smtp_sink.messages[0]
    assert first_mail["Subject"].endswith("you reached your limit")
    assert first_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(first_mail["List-Unsubscribe"]).strip("<>")
    assert link.startswith("http://127.0.0.1:8000/unsubscribe?token=")
    parts = {p.get_content_type(): p.get_content() for p in first_mail.iter_parts()}
    assert parts["text/html"].strip().startswith("<p>Hello Customer")
    assert link in parts["text/plain"]


def test_goal_met_ends_the_journey_as_converted_before_the_next_send(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    folder = _world(tmp_path, smtp_sink, journeys={"limit": LIMIT})
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
    # customer 1 upgrades after entering; the event arrives in the warehouse
    upgrade = folder / "data" / "upgrade.jsonl"
    upgrade.write_text(
        json.dumps(
            {
                "type": "track",
                "event": "upgraded",
                "userId": "u1",
                "context": {"groupId": customer_id(1)},
                "messageId": "m-upgrade-1",
                "timestamp": (NOW + HOUR).isoformat().replace("+00:00", "Z"),
            }
        )
        + "\n"
    )
    from tenure.workspace import Workspace

    with Workspace.open(folder) as ws:
        ws.ingest([upgrade], format="segment")
    clock.at = NOW + dt.timedelta(days=2)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        status = {e.customer_id: e.status for e in d.store.enrolments(d.tenant("acme").id)}
    assert status[customer_id(1)] == "converted"
    assert status[customer_id(0)] == "completed"
    to = [str(m["To"]) for m in smtp_sink.messages if m["Subject"] == "Still there?"]
    assert "c1@example.test" not in to and len(to) == 3


def test_suppressed_and_unsubscribed_customers_get_no_email_when_a_send_runs(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    folder = _world(tmp_path, smtp_sink, journeys={"limit": LIMIT})
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.suppress("acme", customer_id(2), channel="all")
        d.run_journeys()
    assert sorted(str(m["To"]) for m in smtp_sink.messages) == [
        "c0@example.test", "c1@example.test", "c3@example.test",
    ]  # fmt: skip
    # customer 0 follows the one-click unsubscribe link of their e-mail
    mail = next(m for m in smtp_sink.messages if str(m["To"]) == "c0@example.test")
    link = str(mail["List-Unsubscribe"]).strip("<>")
    path = link.removeprefix("http://127.0.0.1:8000")
    with serving(folder, clock=clock) as client:
        page = client.get(path)
        assert page.status_code == 200 and '<form method="post"' in page.text
        assert client.post("/unsubscribe?token=forged.token-value").status_code == 400
        done = client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "Unsubscribed" in done.text
    clock.at = NOW + dt.timedelta(days=1, minutes=1)
    with Deployment.open(folder, clock=clock) as d:
        result = d.run_journeys()["acme"]
        runs = {
            (r["step_id"], r["status"]): r["runs"] for r in d.store.step_runs(d.tenant("acme").id)
        }
    assert result.sent == {"email": 2}
    assert runs[("again", "suppressed")] == 2 and runs[("hello", "suppressed")] == 1
    assert runs[("note", "suppressed")] == 1  # 'all' also stops the in-app message
    second = [str(m["To"]) for m in smtp_sink.messages if m["Subject"] == "Still there?"]
    assert sorted(second) == ["c1@example.test", "c3@example.test"]


def test_control_group_and_holdout_get_no_messages_but_walk_the_steps(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    journey = LIMIT.replace("goal: {event: upgraded}\n", "holdout: 0.2\n")
    events = [(i, "usage_limit_reached", NOW - 2 * HOUR) for i in range(200)]
    folder = _world(
        tmp_path,
        smtp_sink,
        journeys={"limit": journey},
        customers=200,
        events=events,
        extra_toml="[journeys]\ncontrol_share = 0.1\n",
    )
    with Deployment.open(folder, clock=FixedClock(NOW)) as d:
        d.run_journeys()
        enrolments = d.store.enrolments(d.tenant("acme").id)
        arms = {e.customer_id: e.arm for e in enrolments}
        runs = {
            (r["step_id"], r["status"]): r["runs"] for r in d.store.step_runs(d.tenant("acme").id)
        }
    counts = {a: list(arms.values()).count(a) for a in ("control", "holdout", "treatment")}
    assert 8 <= counts["control"] <= 35 and 20 <= counts["holdout"] <= 60  # 10% and 18%
    assert runs[("hello", "withheld")] == counts["control"] + counts["holdout"]
    assert runs[("hello", "done")] == counts["treatment"] == len(smtp_sink.messages)
    treated = {f"c{int(c[4:])}@example.test" for c, a in arms.items() if a == "treatment"}
    assert {str(m["To"]) for m in smtp_sink.messages} == treated
    from tenure.act.journeys import assign_arm, load_journey

    definition = load_journey(folder / "journeys" / "limit.yaml")
    tenant_id = enrolments[0].tenant_id
    assert all(assign_arm(tenant_id, definition, c, 0.1) == a for c, a in arms.items())
    from typer.testing import CliRunner

    from tenure.cli.main import app

    shown = CliRunner().invoke(
        app, ["journeys", "report", "limit", "--tenant", "acme", "-w", str(folder), "--json"]
    )
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.output)
    enrolled = {a["name"]: a["enrolled"] for a in report["arms"]}
    assert enrolled["treatment"] == counts["treatment"]
    assert enrolled["kept out"] == counts["control"] + counts["holdout"]
    assert report["lift"]["value"] == 0.0 and report["p_always_valid"] == 1.0  # no goal


SPLIT = """\
name: ab
trigger: {type: event, event: usage_limit_reached}
steps:
  - id: split
    type: branch
    split:
      - {variant: a, weight: 3, goto: mail_a}
      - {variant: b, weight: 1, goto: mail_b}
  - {id: mail_a, type: send, channel: inapp, title: A, body: a}
  - {id: end_a, type: exit}
  - {id: mail_b, type: send, channel: inapp, title: B, body: b}
"""


def test_random_split_follows_the_weights_and_each_customer_sees_one_variant(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    events = [(i, "usage_limit_reached", NOW - HOUR) for i in range(400)]
    folder = _world(tmp_path, smtp_sink, journeys={"ab": SPLIT}, customers=400, events=events)
    with Deployment.open(folder, clock=FixedClock(NOW)) as d:
        d.run_journeys()
        tenant = d.tenant("acme")
        enrolments = d.store.enrolments(tenant.id)
        titles = {
            e.customer_id: [m.title for m in d.inbox(tenant, e.customer_id)] for e in enrolments
        }
    variants = [e.variant for e in enrolments]
    assert 260 <= variants.count("a") <= 340  # 3:1 of 400
    assert all(titles[e.customer_id] == [e.variant.upper()] for e in enrolments)  # type: ignore[union-attr]
    assert {e.status for e in enrolments} == {"exited", "completed"}


WAITS = """\
name: waits
trigger: {type: event, event: usage_limit_reached}
steps:
  - {id: morning, type: wait, until_time: "09:00"}
  - {id: tip, type: send, channel: inapp, title: Tip, body: Try reports}
  - {id: report, type: wait, until_event: report_created, timeout: 2d, on_timeout: nudge}
  - {id: praise, type: send, channel: inapp, title: Well done, body: Great}
  - {id: done, type: exit}
  - {id: nudge, type: send, channel: inapp, title: Nudge, body: still no report}
"""


def test_waits_until_local_morning_then_until_an_event_or_its_timeout(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    # at 12:00 UTC: 13:00 in Berlin (customer 0: tomorrow 09:00), 07:00 in New York
    # (customer 1: today 09:00); customer 0 creates a report the next day
    events = [
        (0, "usage_limit_reached", NOW - HOUR),
        (1, "usage_limit_reached", NOW - HOUR),
        (0, "report_created", NOW + dt.timedelta(hours=30)),
    ]
    folder = _world(tmp_path, smtp_sink, journeys={"waits": WAITS}, events=events)
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        tenant = d.tenant("acme")
        due = {e.customer_id: e.next_run_at for e in d.store.enrolments(tenant.id)}
        berlin = dt.datetime(2026, 11, 24, 9, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
        new_york = dt.datetime(2026, 11, 23, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
        assert due[customer_id(0)] == berlin.astimezone(dt.UTC)
        assert due[customer_id(1)] == new_york.astimezone(dt.UTC)
        for hours in (10, 21, 40, 70, 90):  # each zone's morning; the report (+30 h); the timeouts
            clock.at = NOW + dt.timedelta(hours=hours)
            d.run_journeys()
        assert [m.title for m in d.inbox(tenant, customer_id(0))] == ["Well done", "Tip"]
        assert [m.title for m in d.inbox(tenant, customer_id(1))] == ["Nudge", "Tip"]


WEBHOOK = """\
name: hooks
trigger: {type: event, event: usage_limit_reached}
steps:
  - id: tell
    type: send
    channel: webhook
    payload: {reason: "limit for {{ customer.name }}"}
  - {id: after, type: send, channel: inapp, title: After, body: hook}
"""


def test_webhooks_go_through_the_outbox_signed_retried_and_dead_lettered(
    tmp_path: Path, smtp_sink: SmtpSink, http_sink: HttpSink
) -> None:
    toml = (
        f'[webhooks]\nurl = "{http_sink.url}"\nsecret = "{WEBHOOK_SECRET}"\n'
        "max_attempts = 3\nbackoff_seconds = 60\n"
    )
    events = [(0, "usage_limit_reached", NOW - HOUR)]
    folder = _world(
        tmp_path, smtp_sink, journeys={"hooks": WEBHOOK}, events=events, extra_toml=toml
    )
    http_sink.fail_first = 1  # the first attempt gets 503, the second succeeds
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        tenant = d.tenant("acme")
        # the step is done once queued; the journey goes on while the outbox retries
        assert [m.title for m in d.inbox(tenant, customer_id(0))] == ["After"]
        assert len(http_sink.posts) == 1
        d.run_journeys()  # the retry is not due yet
        assert len(http_sink.posts) == 1
        clock.at = NOW + dt.timedelta(seconds=61)
        d.run_journeys()
        assert status_counts(d.store.engine, tenant_id=tenant.id)["sent"] == 1
    assert len(http_sink.posts) == 2
    (h1, body1, raw1), (h2, _, raw2) = http_sink.posts
    assert raw1 == raw2 and h1["Tenure-Event-Id"] == h2["Tenure-Event-Id"] == body1["id"]
    assert body1["data"] == {"reason": "limit for Customer 0"} and body1["journey"] == "hooks"
    verify(WEBHOOK_SECRET, raw2, h2["Tenure-Signature"], now=int(clock.at.timestamp()))
    # a receiver that never answers 2xx: three attempts, then the webhook is dead-lettered
    http_sink.posts.clear()
    http_sink.status = 500
    folder2 = _world(
        tmp_path / "two", smtp_sink, journeys={"hooks": WEBHOOK}, events=events, extra_toml=toml
    )
    clock = FixedClock(NOW)
    with Deployment.open(folder2, clock=clock) as d:
        for minutes in (0, 2, 5, 10):
            clock.at = NOW + dt.timedelta(minutes=minutes)
            d.run_journeys()
        counts = status_counts(d.store.engine, tenant_id=d.tenant("acme").id)
        runs = {
            (r["step_id"], r["status"]): r["runs"] for r in d.store.step_runs(d.tenant("acme").id)
        }
    assert len(http_sink.posts) == 3 and (counts["dead"], counts["sent"]) == (1, 0)
    assert runs[("tell", "done")] == 1 and runs[("after", "done")] == 1


def test_inbox_api_lists_and_marks_read_only_the_keys_tenant_customer(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    folder = _world(tmp_path, smtp_sink, journeys={"limit": LIMIT})
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        read = d.create_key("acme", scope="read").secret
        write = d.create_key("acme", scope="write").secret
    with serving(folder, clock=clock) as client:
        auth = {"Authorization": f"Bearer {read}"}
        got = client.get(f"/v1/customers/{customer_id(0)}/messages", headers=auth)
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["unread"] == 1 and body["items"][0]["title"] == "Limit reached"
        message_id = body["items"][0]["id"]
        url = f"/v1/customers/{customer_id(0)}/messages/{message_id}/read"
        assert client.post(url, headers=auth).status_code == 403  # a read key may not write
        wauth = {"Authorization": f"Bearer {write}"}
        marked = client.post(url, headers=wauth)
        assert marked.status_code == 200 and marked.json()["read_at"] is not None
        other = f"/v1/customers/{customer_id(1)}/messages/{message_id}/read"
        assert client.post(other, headers=wauth).status_code == 404
        after = client.get(f"/v1/customers/{customer_id(0)}/messages?unread=true", headers=auth)
        assert after.json() == {"customer_id": customer_id(0), "unread": 0, "items": []}


def test_serve_with_worker_runs_journeys_beside_the_api(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    import time

    now = dt.datetime.now(dt.UTC)  # the server's worker runs on the system clock
    events = [(i, "usage_limit_reached", now - HOUR) for i in range(3)]
    folder = _world(
        tmp_path,
        smtp_sink,
        journeys={"limit": LIMIT},
        events=events,
        extra_toml="[journeys]\npoll_seconds = 0.2\n",
    )
    with Deployment.open(folder) as d:
        key = d.create_key("acme", scope="read").secret
    with serving(folder, worker=True) as client:
        deadline = time.monotonic() + 60
        while True:
            got = client.get(
                f"/v1/customers/{customer_id(2)}/messages",
                headers={"Authorization": f"Bearer {key}"},
            )
            if got.status_code == 200 and got.json()["items"]:
                break
            assert time.monotonic() < deadline, got.text
            time.sleep(0.1)
    assert got.json()["items"][0]["title"] == "Limit reached"
    assert len(smtp_sink.messages) == 3
