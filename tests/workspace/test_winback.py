"""Win-back on the demo world: the reactivation model, the ranked list, CLI and API."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tenure import Workspace
from tenure.cli.main import app
from tenure.errors import NotFoundError

pytestmark = pytest.mark.slow


def test_winback_ranks_churned_customers_with_offers_by_reason_when_trained(
    trained_workspace: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(trained_workspace, root)
    with (root / "tenure.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[winback]\norigins = 8\nhorizon_days = 120\n")
    with Workspace.open(root) as ws:
        with pytest.raises(NotFoundError, match="tenure winback train"):
            ws.winback()
        report = ws.winback_train()
        assert report["came_back"] > 0 and report["rows"] > report["came_back"]
        ranked = ws.winback()
        day = ws.scoring_day()
        churned = ws.churned()

    assert ranked.height == churned.height > 0
    assert (ranked["churned_on"] < day).all() and (ranked["mrr_before_churn"] > 0).all()
    assert ranked["probability"].is_between(0, 1).all()
    assert ranked["expected_value"].to_list() == sorted(ranked["expected_value"], reverse=True)
    reasons = ranked.filter(pl.col("cancel_reason") == "too_expensive")
    assert reasons.height and set(reasons["offer"]) == {"discount"}
    not_using = ranked.filter(pl.col("cancel_reason") == "not_using")
    assert set(not_using["offer"]) <= {"onboarding_help"}
    assert 0 < ranked["high_ltv"].sum() <= 0.2 * ranked.height + 1

    runner = CliRunner()
    audience = tmp_path / "audience.csv"
    result = runner.invoke(
        app, ["winback", "list", "-w", str(root), "--json", "--limit", "5", "--out", str(audience)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["count"] == ranked.height and len(payload["items"]) == 5
    assert payload["items"][0]["customer_id"] == ranked["customer_id"][0]
    with audience.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == ranked.height and {"email", "offer", "message"} <= set(rows[0])
