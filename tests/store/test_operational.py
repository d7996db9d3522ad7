"""The operational store: migrations, hashed keys, the event log and errors at its edge."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.errors import NotFoundError, StoreError
from tenure.store.operational import OperationalStore, RawJson, hash_key, sqlalchemy_url
from tenure.store.operational._migrate import head_revision
from tenure.workspace import Deployment

pytestmark = pytest.mark.slow


def test_db_upgrade_is_idempotent_when_run_twice(folder: Path) -> None:
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "-w", str(folder)])
        assert result.exit_code == 0, result.output
        assert f"revision {head_revision()}" in result.output
    with Deployment.open(folder) as deployment:
        engine = deployment.store.engine
        tables = set(inspect(engine).get_table_names())
        assert {"tenants", "api_keys", "inbound_events", "stripe_events"} <= tables
        assert {"journey_enrolments", "journey_steps", "inapp_messages", "suppressions"} <= tables
        with engine.connect() as con:
            assert con.execute(text("SELECT version_num FROM alembic_version")).all() == [
                (head_revision(),)
            ]


def test_deployment_refuses_to_open_when_store_is_not_upgraded(folder: Path) -> None:
    with pytest.raises(StoreError, match="tenure db upgrade"):
        Deployment.open(folder)


def test_store_holds_only_a_hash_when_a_key_is_created(folder: Path) -> None:
    Deployment.upgrade(folder)
    runner = CliRunner()
    assert runner.invoke(app, ["tenants", "create", "acme", "-w", str(folder)]).exit_code == 0
    result = runner.invoke(
        app, ["keys", "create", "--tenant", "acme", "--scope", "admin", "-w", str(folder)]
    )
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert plain.startswith("tn_sk_") and len(plain) > 40
    with Deployment.open(folder) as deployment:
        with deployment.store.engine.connect() as con:
            rows = [tuple(map(str, r)) for r in con.execute(text("SELECT * FROM api_keys"))]
        assert deployment.store.authenticate(plain) is not None
    assert len(rows) == 1
    assert not any(plain in value for value in rows[0])
    assert hash_key(plain) in rows[0]
    sqlite = folder / "tenure.sqlite"
    if sqlite.exists():  # nor anywhere in the SQLite file or its write-ahead log
        for path in folder.glob("tenure.sqlite*"):
            assert plain.encode() not in path.read_bytes()


def test_revoked_key_lists_as_revoked_when_revoked_by_cli(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        deployment.create_tenant("acme")
        key = deployment.create_key("acme", scope="read", publishable=True).key
    assert key.kind == "publishable" and key.scope == "write"
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "revoke", key.id, "-w", str(folder)]).exit_code == 0
    listed = runner.invoke(app, ["keys", "list", "--tenant", "acme", "-w", str(folder)])
    assert "revoked" in listed.output
    assert runner.invoke(app, ["keys", "revoke", "key_nope", "-w", str(folder)]).exit_code == 2


def test_event_log_drops_a_message_id_when_it_is_sent_again(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        a = deployment.create_tenant("a")
        b = deployment.create_tenant("b")
        store = deployment.store
        store.append_events(a.id, [("m1", "track", {"n": 1}), ("m2", "track", {"n": 2})])
        store.append_events(a.id, [("m1", "track", {"n": 99})])
        store.append_events(b.id, [("m1", "track", {"n": 3})])  # another tenant's m1
        assert store.event(a.id, "m1").payload == {"n": 1}
        assert store.event(b.id, "m1").payload == {"n": 3}
        assert store.pending_count() == 3
        with pytest.raises(NotFoundError):
            store.event(b.id, "m2")
        assert store.record_stripe_event(a.id, "evt_1") is True
        assert store.record_stripe_event(a.id, "evt_1") is False
        assert store.record_stripe_event(b.id, "evt_1") is True


def test_duplicate_slug_is_a_store_error_when_created_twice(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        deployment.create_tenant("acme")
        with pytest.raises(StoreError, match="exists already"):
            deployment.create_tenant("acme")
        assert [t.slug for t in deployment.tenants()] == ["acme"]


def test_unreachable_server_is_a_store_error_when_opened() -> None:
    store = OperationalStore("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError) as info:
        store.upgrade()
    assert info.value.__cause__ is not None
    store.close()


def test_postgres_urls_use_psycopg_3_when_given_without_a_driver() -> None:
    assert sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("sqlite:///x.sqlite") == "sqlite:///x.sqlite"


def test_pending_lines_give_the_stored_json_text_when_payloads_were_sent_serialised(
    folder: Path,
) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        a = deployment.create_tenant("a")
        store = deployment.store
        text = RawJson('{"type":"track","messageId":"m1","properties":{"n":1.5,"ü":"ß"}}')
        store.append_events(a.id, [("m1", "track", text), ("m2", "track", {"n": 2})])
        lines = store.pending_lines(limit=10)
        assert [json.loads(line.payload) for line in lines] == [json.loads(text), {"n": 2}]
        assert {line.tenant_id for line in lines} == {a.id}
        assert store.event(a.id, "m1").payload == json.loads(text)  # still JSON to the store
        store.mark_moved([lines[0].id], batch_id="b1")
        assert [line.id for line in store.pending_lines(limit=10)] == [lines[1].id]


def test_reader_is_not_held_up_when_the_writer_workspace_is_busy(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        tenant = deployment.create_tenant("a")
        with deployment.reader(tenant) as ws:  # opens both
            assert ws.counts()["customers"] == 0
        held, release = threading.Event(), threading.Event()

        def busy_writer() -> None:
            with deployment.workspace(tenant) as writer:
                writer.warehouse.con.execute("BEGIN TRANSACTION")
                writer.warehouse.con.execute(
                    "INSERT INTO customers_versions (customer_id) VALUES ('cus_uncommitted')"
                )
                held.set()
                release.wait(30)
                writer.warehouse.con.execute("COMMIT")

        thread = threading.Thread(target=busy_writer)
        thread.start()
        try:
            assert held.wait(30)
            started = time.monotonic()
            with deployment.reader(tenant) as ws:
                assert ws.counts()["customers"] == 0  # the last committed state
            assert time.monotonic() - started < 5  # did not wait for the writer
        finally:
            release.set()
            thread.join()
        with deployment.reader(tenant) as ws:
            assert ws.warehouse.con.execute(
                "SELECT count(*) FROM customers_versions"
            ).fetchone() == (1,)
