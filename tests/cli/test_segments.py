from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.decide import CUSTOMER_PROFILES
from tenure.store.results import replace_slice
from tenure.workspace import Workspace
from tests.decide.test_segments import TINY, profiles

runner = CliRunner()
D1, D2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)


def workspace_with_profiles(tmp_path: Path) -> str:
    root = tmp_path / "ws"
    with Workspace.init(root) as ws:
        con = ws.warehouse.ibis
        replace_slice(con, CUSTOMER_PROFILES, D1, profiles(D1, TINY))
        ws.refresh_segments(D1)
        rows = [r | ({"health": 35.0} if r["customer_id"] == "b" else {}) for r in TINY]
        replace_slice(con, CUSTOMER_PROFILES, D2, profiles(D2, rows))
    return str(root)


def test_segment_commands_create_list_show_members_history_when_run_in_order(
    tmp_path: Path,
) -> None:
    ws = workspace_with_profiles(tmp_path)
    rule = 'plan == "pro" and health < 40'
    result = runner.invoke(app, ["segments", "create", "pro_risk", rule, "-w", ws])
    assert result.exit_code == 0, result.output
    assert "pro_risk" in result.output and "1 members" in result.output
    with Workspace.open(ws) as opened:
        opened.refresh_segments(D2)
    result = runner.invoke(app, ["segments", "list", "-w", ws, "--json"])
    listed = {r["name"]: r for r in json.loads(result.output)}
    assert listed["pro_risk"]["members"] == 2 and listed["pro_risk"]["rule"] == rule
    result = runner.invoke(app, ["segments", "list", "-w", ws])
    assert "high_ltv" in result.output and "rfm_champions" in result.output
    result = runner.invoke(app, ["segments", "show", "pro_risk", "-w", ws, "--json"])
    shown = json.loads(result.output)
    assert shown["members"] == 2 and shown["mean_health"] == 32.5
    assert [t["members"] for t in shown["trend"]] == [1, 2]
    result = runner.invoke(app, ["segments", "show", "pro_risk", "-w", ws])
    assert result.exit_code == 0 and "2 members as of 2026-01-02" in result.output
    result = runner.invoke(
        app, ["segments", "members", "pro_risk", "--as-of", "2026-01-01", "-w", ws, "--json"]
    )
    assert [r["customer_id"] for r in json.loads(result.output)["rows"]] == ["a"]
    result = runner.invoke(app, ["segments", "members", "pro_risk", "--limit", "1", "-w", ws])
    assert result.exit_code == 0 and "2 members (showing 1)" in result.output
    result = runner.invoke(app, ["segments", "history", "pro_risk", "-w", ws, "--json"])
    changes = [(r["customer_id"], r["on"], r["change"]) for r in json.loads(result.output)["rows"]]
    assert changes == [("a", "2026-01-01", "entered"), ("b", "2026-01-02", "entered")]
    result = runner.invoke(app, ["segments", "history", "pro_risk", "-w", ws])
    assert result.exit_code == 0 and "entered" in result.output
    result = runner.invoke(app, ["segments", "delete", "pro_risk", "-w", ws])
    assert result.exit_code == 0 and "Deleted" in result.output


def test_create_prints_the_rule_error_when_field_is_misspelt(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    Workspace.init(ws).close()
    result = runner.invoke(app, ["segments", "create", "x", "helth < 40", "-w", ws])
    assert result.exit_code == 2
    assert "unknown field 'helth'" in result.output and "Did you mean 'health'" in result.output


def test_show_fails_clearly_when_segment_does_not_exist(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    Workspace.init(ws).close()
    result = runner.invoke(app, ["segments", "show", "high_ltw", "-w", ws])
    assert result.exit_code == 2 and "Did you mean 'high_ltv'" in result.output
