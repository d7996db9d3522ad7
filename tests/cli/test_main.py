from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tenure.cli.main import app

runner = CliRunner()


def test_init_ingest_rejects_and_status_work_when_run_in_order(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    assert (ws / "tenure.toml").exists() and (ws / "warehouse.duckdb").exists()
    f = tmp_path / "events.jsonl"
    good = {
        "type": "track",
        "messageId": "m1",
        "userId": "u1",
        "event": "Logged In",
        "timestamp": "2025-01-01T00:00:00Z",
    }
    f.write_text(json.dumps(good) + "\n{oops\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(f), "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "events.jsonl" in result.output and "line 2" in result.output
    result = runner.invoke(app, ["rejects", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["line"] == 2 and "not valid JSON" in row["reason"]
    result = runner.invoke(app, ["status", "--workspace", str(ws)])
    assert "events" in result.output


def test_commands_fail_clearly_when_folder_is_not_a_workspace(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--workspace", str(tmp_path)])
    assert result.exit_code == 2
    assert "tenure init" in result.output


def test_ingest_fails_clearly_when_path_does_not_exist(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.jsonl"), "-w", str(tmp_path)])
    assert result.exit_code == 2
    assert "no such file" in result.output
