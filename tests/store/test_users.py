"""Dashboard users, memberships and sessions in the operational store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.errors import ConfigError, NotFoundError, StoreError
from tenure.store.operational import hash_password, verify_password
from tenure.workspace import Deployment

T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


class Tick:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.at = T0

    def now(self) -> dt.datetime:
        return self.at


def test_password_hash_is_salted_scrypt_and_verifies_only_the_password() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first.startswith("scrypt$16384$8$1$") and first != second  # a random salt each
    assert verify_password("correct horse", first)
    assert not verify_password("correct horsE", first)
    assert not verify_password("correct horse", "sha256$x")  # unknown scheme
    assert not verify_password("correct horse", "garbage")


def test_login_opens_a_session_only_with_the_right_password(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder, clock=FixedClock(T0)) as deployment:
        deployment.create_tenant("acme")
        user = deployment.add_user(" Ana@Acme.test ", tenant="acme", password="correct horse")
        assert user.email == "ana@acme.test"
        assert deployment.login("ana@acme.test", "wrong horse!") is None
        assert deployment.login("nobody@acme.test", "correct horse") is None
        new = deployment.login("ANA@acme.test", "correct horse")
        assert new is not None and new.session.user == user
        assert new.session.expires_at == T0 + dt.timedelta(hours=24 * 7)
        found = deployment.web_session(new.token)
        assert found is not None and found.user.email == "ana@acme.test"
        assert [t.slug for t in deployment.user_tenants(user)] == ["acme"]
        deployment.logout(new.token)
        assert deployment.web_session(new.token) is None


def test_session_ends_when_it_expires(folder: Path) -> None:
    Deployment.upgrade(folder)
    clock = Tick()
    with Deployment.open(folder, clock=clock) as deployment:
        deployment.create_tenant("acme")
        deployment.add_user("ana@acme.test", tenant="acme", password="correct horse")
        new = deployment.login("ana@acme.test", "correct horse")
        assert new is not None
        clock.at = T0 + dt.timedelta(hours=24 * 7) - dt.timedelta(seconds=1)
        assert deployment.web_session(new.token) is not None
        clock.at = T0 + dt.timedelta(hours=24 * 7)
        assert deployment.web_session(new.token) is None


def test_only_the_token_hash_is_stored(folder: Path) -> None:
    from sqlalchemy import text

    Deployment.upgrade(folder)
    with Deployment.open(folder, clock=FixedClock(T0)) as deployment:
        deployment.create_tenant("acme")
        deployment.add_user("ana@acme.test", tenant="acme", password="correct horse")
        new = deployment.login("ana@acme.test", "correct horse")
        assert new is not None
        with deployment.store.engine.connect() as con:
            stored = con.execute(text("SELECT token_hash FROM web_sessions")).scalars().all()
            hashes = con.execute(text("SELECT password_hash FROM users")).scalars().all()
    assert new.token not in stored and len(stored) == 1 and len(stored[0]) == 64
    assert "correct horse" not in hashes[0]


def test_add_user_gives_an_existing_user_another_tenant_and_can_reset_the_password(
    folder: Path,
) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder, clock=FixedClock(T0)) as deployment:
        deployment.create_tenant("acme")
        deployment.create_tenant("beta")
        deployment.add_user("ana@acme.test", tenant="acme", password="correct horse")
        old = deployment.login("ana@acme.test", "correct horse")
        deployment.add_user("ana@acme.test", tenant="beta")  # no password: kept
        assert deployment.users()[0][1] == ["acme", "beta"]
        assert deployment.login("ana@acme.test", "correct horse") is not None
        deployment.add_user("ana@acme.test", tenant="beta", password="battery staple")
        assert deployment.login("ana@acme.test", "correct horse") is None
        assert old is not None and deployment.web_session(old.token) is None  # sessions ended


def test_add_user_rejects_bad_input_with_what_to_do(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder, clock=FixedClock(T0)) as deployment:
        deployment.create_tenant("acme")
        with pytest.raises(ConfigError, match="needs a password"):
            deployment.add_user("ana@acme.test", tenant="acme")
        with pytest.raises(ConfigError, match="at least 10 characters"):
            deployment.add_user("ana@acme.test", tenant="acme", password="short")
        with pytest.raises(ConfigError, match="must be an e-mail address"):
            deployment.add_user("not-an-address", tenant="acme", password="correct horse")
        with pytest.raises(NotFoundError, match="no tenant 'nope'"):
            deployment.add_user("ana@acme.test", tenant="nope", password="correct horse")
        deployment.store.create_user("bo@acme.test", password="correct horse")
        with pytest.raises(StoreError, match="exists already"):
            deployment.store.create_user("BO@acme.test", password="correct horse")


def test_users_add_cli_reads_the_password_from_stdin_and_lists_tenants(folder: Path) -> None:
    from typer.testing import CliRunner

    from tenure.cli.main import app

    runner = CliRunner()
    w = ["-w", str(folder)]
    assert runner.invoke(app, ["db", "upgrade", *w]).exit_code == 0
    for slug in ("acme", "beta"):
        assert runner.invoke(app, ["tenants", "create", slug, *w]).exit_code == 0
    add = ["users", "add", "Ana@Acme.test", "--tenant", "acme", "--password-stdin", *w]
    result = runner.invoke(app, add, input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert "ana@acme.test" in result.output and "acme" in result.output
    result = runner.invoke(app, ["users", "add", "ana@acme.test", "--tenant", "beta", *w])
    assert result.exit_code == 0, result.output  # no prompt: the user exists
    assert "acme, beta" in result.output
    result = runner.invoke(
        app,
        ["users", "add", "bo@acme.test", "--tenant", "acme", "--password-stdin", *w],
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    listed = runner.invoke(app, ["users", "list", "--json", *w])
    assert '"email": "ana@acme.test"' in listed.output and "correct horse" not in listed.output
    with Deployment.open(folder) as deployment:
        assert deployment.login("ana@acme.test", "correct horse") is not None
