"""SIGKILL the journey worker mid-run: no step is lost and no step runs twice.

A real SMTP server (aiosmtpd) and a real HTTP receiver take the journey's e-mails and
webhooks (queued in the outbox with their step, posted by the worker); ``tenure
worker`` runs as a subprocess and is killed with SIGKILL while it sends, then
restarted. Afterwards every step of every enrolment has exactly one recorded run, every
e-mail and webhook arrived, and a message arrived twice only inside the documented
window (accepted by the receiver, the worker killed before recording it: at most one
per worker and kill), always with the same Message-ID / Tenure-Event-Id. On PostgreSQL
two workers run side by side and each is killed once.
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
                done = sum(r["runs"] for r in runs if r["status"] == "done")
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
    # every step of every enrolment ran exactly once (the key is unique) and is done
    assert len(rows) == CUSTOMERS * STEPS
    assert Counter((r.enrolment_id, r.step_id) for r in rows).most_common(1)[0][1] == 1
    assert {r.status for r in rows} == {"done"}
    assert inbox_total == CUSTOMERS  # in-app messages commit with their step: exactly once
    # no e-mail lost; a repeat only inside the window, with the same Message-ID
    expected = {
        f"<{r.message_id}@acme.test>" for r in rows if r.step_id in ("first", "second", "third")
    }
    received = Counter(smtp.ids())
    assert set(received) == expected
    email_repeats = sum(n - 1 for n in received.values())
    hooks = Counter(h["Tenure-Event-Id"] for h, _, _ in http.posts)
    assert set(hooks) == {r.message_id for r in rows if r.step_id == "hook"}
    hook_repeats = sum(n - 1 for n in hooks.values())
    assert email_repeats + hook_repeats <= kills, (email_repeats, hook_repeats)
    print(
        f"kills {kills}, intents pending at the kills {pending}, repeated e-mails "
        f"{email_repeats}, repeated webhooks {hook_repeats}"
    )


def _pending(folder: Path) -> int:
    """Step runs whose intent was recorded but not their outcome (the killed sends)."""
    with Deployment.open(folder) as d, d.store.engine.connect() as con:
        query = "SELECT count(*) FROM journey_steps WHERE status = 'pending'"
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
