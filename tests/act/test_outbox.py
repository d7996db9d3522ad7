"""The outbox on a real SQLite file and PostgreSQL, posting to a real HTTP receiver."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from sqlalchemy import Engine

from tenure.act.outbox import _claim, deliver_due, enqueue, messages
from tenure.act.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from tenure.config import WebhookSettings
from tenure.errors import ConfigError
from tenure.store.operational import OperationalStore, sqlalchemy_url

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
HOOKS = WebhookSettings(
    secret="whk_test", max_attempts=3, backoff_seconds=30, backoff_cap_seconds=600
)


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []
    statuses: ClassVar[list[int]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cls = type(self)
        with cls.lock:
            cls.received.append((dict(self.headers.items()), body))
            status = cls.statuses.pop(0) if cls.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "statuses": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", handler
    server.shutdown()
    server.server_close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'ops.sqlite'}"
    if request.param == "postgres":
        url = sqlalchemy_url(request.getfixturevalue("postgres_url"))
    store = OperationalStore(url)
    store.upgrade()
    yield store.engine
    store.close()


def _add(engine: Engine, key: str, url: str, tenant: str = "ten_a") -> bool:
    with engine.begin() as con:
        return enqueue(
            con,
            tenant_id=tenant,
            kind="offer.accepted",
            key=key,
            destination=url,
            body={"type": "offer.accepted", "key": key},
            now=NOW,
        )


def test_enqueue_is_idempotent_by_key_and_commits_with_the_callers_transaction(
    engine: Engine,
) -> None:
    assert _add(engine, "k1", "http://x.test/")
    assert not _add(engine, "k1", "http://x.test/")  # same tenant and key: nothing added
    assert _add(engine, "k1", "http://x.test/", tenant="ten_b")  # keys are per tenant
    with pytest.raises(RuntimeError), engine.begin() as con:
        enqueue(con, tenant_id="ten_a", kind="k", key="k2", destination="u", body="{}", now=NOW)
        raise RuntimeError("the caller's change failed")
    assert [(m.tenant_id, m.key) for m in messages(engine)] == [("ten_a", "k1"), ("ten_b", "k1")]


def test_due_rows_are_posted_signed_once_and_marked_sent(
    engine: Engine, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    _add(engine, "k1", url)
    _add(engine, "k2", url)
    with httpx.Client() as client:
        report = deliver_due(engine, client, HOOKS, NOW)
        again = deliver_due(engine, client, HOOKS, NOW + dt.timedelta(hours=1))
    assert (report.sent, report.retried, report.dead) == (2, 0, 0)
    assert again.sent == 0 and len(handler.received) == 2
    headers, body = handler.received[0]
    assert json.loads(body) == {"type": "offer.accepted", "key": "k1"}
    assert headers[EVENT_ID_HEADER] == "k1"
    assert verify("whk_test", body, headers[SIGNATURE_HEADER], now=int(NOW.timestamp())) > 0
    rows = messages(engine)
    assert {m.status for m in rows} == {"sent"} and rows[0].sent_at == NOW
    assert rows[0].attempts == 1 and rows[0].last_status == 200


def test_failures_back_off_then_dead_letter_and_4xx_is_dead_at_once(
    engine: Engine, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    _add(engine, "flaky", url)
    handler.statuses[:] = [503]
    with httpx.Client() as client:
        first = deliver_due(engine, client, HOOKS, NOW)
        (row,) = messages(engine)
        assert (first.retried, row.status, row.attempts) == (1, "pending", 1)
        assert row.next_attempt_at == NOW + dt.timedelta(seconds=30)
        assert "HTTP 503" in (row.last_error or "")
        # not due before the backoff has passed
        assert deliver_due(engine, client, HOOKS, NOW + dt.timedelta(seconds=29)).retried == 0
        handler.statuses[:] = [429, 500]
        second = deliver_due(engine, client, HOOKS, NOW + dt.timedelta(seconds=30))
        assert messages(engine)[0].next_attempt_at == NOW + dt.timedelta(seconds=90)
        third = deliver_due(engine, client, HOOKS, NOW + dt.timedelta(seconds=90))
        assert (second.retried, third.dead) == (1, 1)  # max_attempts 3 made
        assert messages(engine)[0].status == "dead"

        _add(engine, "bad", url)
        handler.statuses[:] = [400]
        fourth = deliver_due(engine, client, HOOKS, NOW + dt.timedelta(hours=1))
    assert fourth.dead == 1
    bad = messages(engine, status="dead")[-1]
    assert (bad.key, bad.attempts, bad.last_status) == ("bad", 1, 400)
    assert len(handler.received) == 4


def test_a_row_claimed_by_a_worker_that_died_is_retried_when_its_lease_ends(
    engine: Engine, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    _add(engine, "k1", url)
    lease = dt.timedelta(minutes=5)
    claimed = _claim(engine, NOW, 10, lease, HOOKS.max_attempts, None)  # then the worker dies
    assert [r.event_key for r in claimed] == ["k1"]
    with httpx.Client() as client:
        assert deliver_due(engine, client, HOOKS, NOW + dt.timedelta(minutes=4)).sent == 0
        assert deliver_due(engine, client, HOOKS, NOW + lease).sent == 1
    assert len(handler.received) == 1 and messages(engine)[0].attempts == 2


def test_without_a_secret_nothing_is_sent(engine: Engine) -> None:
    _add(engine, "k1", "http://127.0.0.1:9/")
    with httpx.Client() as client, pytest.raises(ConfigError, match=r"\[webhooks\] secret"):
        deliver_due(engine, client, WebhookSettings(), NOW)
    assert messages(engine)[0].attempts == 0


@pytest.mark.slow
def test_workers_side_by_side_post_each_row_once(
    engine: Engine, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    keys = [f"k{i}" for i in range(40)]
    for key in keys:
        _add(engine, key, url, tenant="ten_a" if int(key[1:]) % 2 else "ten_b")
    reports = []

    def work() -> None:
        with httpx.Client() as client:
            for _ in range(10):
                reports.append(deliver_due(engine, client, HOOKS, NOW, limit=3))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    posted = sorted(h[EVENT_ID_HEADER] for h, _ in handler.received)
    assert posted == sorted(keys)  # every row once: no row claimed by two workers
    assert sum(r.sent for r in reports) == 40
    assert {m.status for m in messages(engine)} == {"sent"}
