"""Tenants' Stripe webhook secrets: migration 0002, the CLI, and never shown in full."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.errors import ConfigError, NotFoundError
from tenure.store.operational import OperationalStore
from tenure.store.operational._migrate import _config, head_revision
from tenure.workspace import Deployment

pytestmark = pytest.mark.slow

SECRET = "whsec_Zx8kP2mQ7rT4vW9yB3nC6dF1"


def test_tenants_are_kept_when_a_0001_store_is_upgraded_to_0002(folder: Path) -> None:
    from tenure.config import Settings

    with OperationalStore(Settings.load(folder).store_url()) as store:
        config = _config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO tenants (id, slug, name, folder, created_at) VALUES "
                    "('ten_old', 'old', 'Old', 'workspaces/old', CURRENT_TIMESTAMP)"
                )
            )
        assert store.upgrade() == head_revision()
        columns = {c["name"] for c in inspect(store.engine).get_columns("tenants")}
        assert "stripe_webhook_secret" in columns
        assert store.stripe_endpoint("old")[1] is None
        assert store.tenant("old").id == "ten_old"


def test_cli_sets_the_secret_and_prints_it_masked_when_given(folder: Path) -> None:
    Deployment.upgrade(folder)
    runner = CliRunner()
    assert runner.invoke(app, ["tenants", "create", "acme", "-w", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["tenants", "stripe-secret", "acme", SECRET, "-w", str(folder)])
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output and SECRET[6:] not in result.output
    assert "whsec_...6dF1" in result.output.replace("\n", "")
    assert "/v1/stripe/webhook/acme" in result.output
    with Deployment.open(folder) as deployment:
        tenant, secret = deployment.store.stripe_endpoint("acme")
        assert secret == SECRET
        assert SECRET not in repr(tenant)
    piped = runner.invoke(
        app, ["tenants", "stripe-secret", "acme", "-", "-w", str(folder)], input=SECRET + "2\n"
    )
    assert piped.exit_code == 0, piped.output
    cleared = runner.invoke(app, ["tenants", "stripe-secret", "acme", "--clear", "-w", str(folder)])
    assert cleared.exit_code == 0 and "removed" in cleared.output
    with Deployment.open(folder) as deployment:
        assert deployment.store.stripe_endpoint("acme")[1] is None


def test_secret_is_refused_when_it_is_not_a_signing_secret(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        deployment.create_tenant("acme")
        with pytest.raises(ConfigError, match=r"'whsec_'.*Got sk_\.\.\.cdef instead") as info:
            deployment.set_stripe_secret("acme", "sk_live_0123456789abcdef")
        assert "0123456789" not in str(info.value)
        with pytest.raises(NotFoundError):
            deployment.set_stripe_secret("nobody", SECRET)
    result = CliRunner().invoke(app, ["tenants", "stripe-secret", "acme", "-w", str(folder)])
    assert result.exit_code == 2
