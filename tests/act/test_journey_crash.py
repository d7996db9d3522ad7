"""SIGKILL the journey worker mid-run: no step is lost, no e-mail is sent twice.

A real SMTP server (aiosmtpd) and a real HTTP receiver take the journey's e-mails and
webhooks (queued in the outbox with their step, posted by the worker); ``tenure
worker`` runs as a subprocess and is killed with SIGKILL while it sends, then
restarted. On PostgreSQL two workers run side by side and each is killed once.
Afterwards, per channel (docs/journeys.md, "The engine and its guarantees"):

- every step of every enrolment has exactly one recorded run with an outcome;
- in-app messages: exactly one per customer;
- e-mail: no Message-ID arrived twice; every ``done`` e-mail arrived; a run is
  ``unconfirmed`` only when a kill fell between its data and the server's answer (at
  most one per kill), and its e-mail arrived once or not at all;
- webhooks: every one arrived; a repeat (at most one per kill) carries the same
  ``Tenure-Event-Id`` and the same signed body, so a receiver that drops known ids acts
  on each exactly once.

``test_an_email_whose_answer_never_came_is_not_sent_again`` puts a kill inside that
window on purpose.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from tenure.act.outbox import status_counts
from tenure.workspace import Deployment

from .conftest import HttpSink, SmtpSink, free_port
from .journey_world import WEBHOOK_SECRET, make_world

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CUSTOMERS = 240
SENDS = """\
name: crash
trigger: {type: event, event: usage_limit_reached}
steps:
  - {id: first, type: send, channel: email, subject: "One {{ customer.name }}", text: one}
  - {id: hook, type: send, channel: webhook, payload: {n: "{{ customer.customer_id }}"}}
  - {id: note, type: send, channel: inapp, title: T, body: B}
  - {id: second, type: send, channel: email, subject: "Two {{ customer.name }}", text: two}
  - {id: third, type: send, channel: email, subject: "Three {{ customer.name }}", text: three}
"""
STEPS = 5
EMAILS = 3


class SlowSink(SmtpSink):
    """An SMTP server that takes 5 ms to accept each message, so a run lasts seconds."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.005)
        return await super().handle_DATA(server, session, envelope)


def _start(folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with (folder / "worker.log").open("ab") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "tenure.cli.main", "worker", "-w", str(folder)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _run_crash(folder: Path, smtp: SmtpSink, http: HttpSink, *, workers: int) -> None:
    total_emails = CUSTOMERS * EMAILS
    procs = [_start(folder) for _ in range(workers)]
    kills = pending = 0
    try:
        for i, share in enumerate((0.25, 0.6)[: max(workers, 1) + (1 if workers == 1 else 0)]):
            victim = i % workers
            _wait(lambda s=share: len(smtp.messages) >= s * total_emails, 120, f"{share:.0%} sent")
            procs[victim].send_signal(signal.SIGKILL)
            procs[victim].wait(timeout=30)
            kills += 1
            pending += _pending(folder)
            assert len(smtp.messages) < total_emails, "the run ended before the kill"
            procs[victim] = _start(folder)
        with Deployment.open(folder) as d:
            tenant = d.tenant("acme")

            def finished() -> bool:
                runs = d.store.step_runs(tenant.id, "crash")
                done = sum(r["runs"] for r in runs if r["status"] in ("done", "unconfirmed"))
                states = d.store.enrolment_counts(tenant.id, "crash")
                active = sum(r["enrolments"] for r in states if r["status"] == "active")
                sent = status_counts(d.store.engine, tenant_id=tenant.id)["sent"]
                return done == CUSTOMERS * STEPS and active == 0 and sent == CUSTOMERS

            _wait(finished, 180, "every step to be recorded")
            enrolments = d.store.enrolments(tenant.id, journey="crash")
            with d.store.engine.connect() as con:
                rows = con.execute(
                    text("SELECT enrolment_id, step_id, status, message_id FROM journey_steps")
                ).all()
            inbox_total = sum(len(d.inbox(tenant, e.customer_id)) for e in enrolments)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
    assert kills >= 2
    assert len(enrolments) == CUSTOMERS and {e.status for e in enrolments} == {"completed"}
    # every step of every enrolment ran exactly once (the key is unique) and has an outcome
    assert len(rows) == CUSTOMERS * STEPS
    assert Counter((r.enrolment_id, r.step_id) for r in rows).most_common(1)[0][1] == 1
    mails = ("first", "second", "third")
    unconfirmed = {f"<{r.message_id}@acme.test>" for r in rows if r.status == "unconfirmed"}
    assert {r.status for r in rows if r.status != "done"} <= {"unconfirmed"}
    assert {r.step_id for r in rows if r.status == "unconfirmed"} <= set(mails)
    # an e-mail is unconfirmed only when a kill fell between its data and the server's
    # answer: at most one per kill
    assert len(unconfirmed) <= kills
    assert inbox_total == CUSTOMERS  # in-app messages commit with their step: exactly once
    # e-mail: at most once, exactly once when confirmed. No Message-ID arrived twice;
    # every confirmed e-mail arrived; an unconfirmed one arrived once or not at all
    received = Counter(smtp.ids())
    assert max(received.values()) == 1, received.most_common(3)
    confirmed = {f"<{r.message_id}@acme.test>" for r in rows if r.step_id in mails} - unconfirmed
    assert confirmed <= set(received) <= confirmed | unconfirmed
    # webhooks: at least once with a stable Tenure-Event-Id and an identical signed body,
    # so a receiver that drops a known id (as the product does) acts on each exactly once
    bodies: dict[str, set[bytes]] = {}
    for headers, _, raw in http.posts:
        bodies.setdefault(headers["Tenure-Event-Id"], set()).add(raw)
    assert set(bodies) == {r.message_id for r in rows if r.step_id == "hook"}
    assert all(len(b) == 1 for b in bodies.values())
    hook_repeats = len(http.posts) - len(bodies)
    assert hook_repeats <= kills, hook_repeats
    print(
        f"kills {kills}, intents pending at the kills {pending}, unconfirmed e-mails "
        f"{len(unconfirmed)} ({len(unconfirmed & set(received))} of them delivered), "
        f"repeated e-mails 0, repeated webhooks {hook_repeats}"
    )


def _pending(folder: Path) -> int:
    """Step runs whose intent was recorded but not their outcome (the killed sends)."""
    with Deployment.open(folder) as d, d.store.engine.connect() as con:
        query = "SELECT count(*) FROM journey_steps WHERE status IN ('pending', 'sending')"
        return int(con.execute(text(query)).scalar_one())


def _world(folder: Path, smtp: SmtpSink, http: HttpSink, store_url: str | None) -> None:
    now = dt.datetime.now(dt.UTC)  # the worker runs on the system clock
    events = [(i, "usage_limit_reached", now - dt.timedelta(hours=1)) for i in range(CUSTOMERS)]
    toml = (
        f'[webhooks]\nurl = "{http.url}"\nsecret = "{WEBHOOK_SECRET}"\n'
        "[journeys]\npoll_seconds = 0.2\nlease_seconds = 3\nbatch_size = 20\n"
    )
    make_world(
        folder,
        customers=CUSTOMERS,
        events=events,
        journeys={"crash": SENDS},
        store_url=store_url,
        smtp_port=smtp.port,
        extra_toml=toml,
    )


@pytest.fixture
def slow_smtp():  # type: ignore[no-untyped-def]
    from aiosmtpd.controller import Controller

    sink = SlowSink(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def test_no_step_is_lost_or_repeated_when_the_worker_is_killed_on_sqlite(
    tmp_path: Path, slow_smtp: SmtpSink, http_sink: HttpSink
) -> None:
    _world(tmp_path / "acme", slow_smtp, http_sink, None)
    _run_crash(tmp_path / "acme", slow_smtp, http_sink, workers=1)


@pytest.mark.postgres
def test_no_step_is_lost_or_repeated_when_two_workers_are_killed_on_postgres(
    tmp_path: Path, slow_smtp: SmtpSink, http_sink: HttpSink, postgres_url: str
) -> None:
    url = postgres_url.replace("postgres://", "postgresql+psycopg://", 1)
    _world(tmp_path / "acme", slow_smtp, http_sink, url)
    _run_crash(tmp_path / "acme", slow_smtp, http_sink, workers=2)


class HangingSink(SmtpSink):
    """Keeps every message on arrival, but never answers the first one's data."""

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == 1:
            await asyncio.sleep(3600)  # the worker waits for the answer until it is killed
        return answer


def test_an_email_whose_answer_never_came_is_not_sent_again(tmp_path: Path) -> None:
    """A kill between an e-mail's data and the server's answer: ``unconfirmed``, not resent.

    The SMTP server got the whole message but the worker never heard it accepted; the
    restarted worker finds the run ``sending`` and records it ``unconfirmed`` instead of
    sending it again. The other customers' e-mails go out once each.
    """
    from aiosmtpd.controller import Controller

    smtp = HangingSink(free_port())
    controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    controller.start()
    folder = tmp_path / "acme"
    now = dt.datetime.now(dt.UTC)
    make_world(
        folder,
        customers=3,
        events=[(i, "usage_limit_reached", now - dt.timedelta(hours=1)) for i in range(3)],
        journeys={
            "one": "name: one\ntrigger: {type: event, event: usage_limit_reached}\n"
            "steps:\n  - {id: mail, type: send, channel: email, subject: Hi, text: hi}\n"
        },
        smtp_port=smtp.port,
        extra_toml="[journeys]\npoll_seconds = 0.2\nlease_seconds = 2\n",
    )
    worker = _start(folder)
    try:
        _wait(lambda: len(smtp.messages) == 1, 120, "the first e-mail's data")
        time.sleep(0.3)  # the worker is waiting for the answer
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert _pending(folder) == 1  # the run is 'sending'
        worker = _start(folder)
        with Deployment.open(folder) as d:
            tenant = d.tenant("acme")

            def ended() -> bool:
                states = d.store.enrolment_counts(tenant.id, "one")
                return sum(r["enrolments"] for r in states if r["status"] == "active") == 0

            _wait(ended, 120, "every enrolment to end")
            runs = {r["status"]: r["runs"] for r in d.store.step_runs(tenant.id, "one")}
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        controller.stop()
    assert runs == {"unconfirmed": 1, "done": 2}
    received = Counter(smtp.ids())
    assert len(received) == 3 and set(received.values()) == {1}  # each once; none again
