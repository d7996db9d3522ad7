"""``tenure survival`` and ``tenure ltv`` on the demo workspace: tables and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tenure.cli.main import app

runner = CliRunner()


def test_survival_prints_a_table_and_json_when_run_on_the_demo(demo_workspace: Path) -> None:
    ws = str(demo_workspace)
    result = runner.invoke(app, ["survival", "-w", ws, "--by", "channel"])
    assert result.exit_code == 0, result.output
    assert "Kaplan-Meier" in result.output and "partner" in result.output
    assert "12 mo" in result.output and "median months" in result.output
    result = runner.invoke(app, ["survival", "-w", ws, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["by"] == "plan"
    assert {g["group"] for g in payload["groups"]} == {"starter", "pro", "business"}
    assert all(0 < g["survival_6m"] <= 1 for g in payload["groups"])


def test_survival_fails_clearly_when_the_grouping_is_unknown(demo_workspace: Path) -> None:
    result = runner.invoke(app, ["survival", "-w", str(demo_workspace), "--by", "segment:nope"])
    assert result.exit_code == 2
    assert "segment" in result.output


def test_ltv_prints_groups_and_top_customers_when_run_on_the_demo(demo_copy: Path) -> None:
    toml = demo_copy / "tenure.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[ltv]\norigins = 2\n", encoding="utf-8")
    result = runner.invoke(app, ["ltv", "-w", str(demo_copy), "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [g["group"] for g in report["groups"]][-1] == "all"
    assert len(report["top"]) == 3
    ltvs = [row["ltv"] for row in report["top"]]
    assert ltvs == sorted(ltvs, reverse=True)
    assert {"customer_id", "expected_remaining_months", "ltv", "mrr", "plan", "name"} <= set(
        report["top"][0]
    )
    result = runner.invoke(app, ["ltv", "-w", str(demo_copy), "--by", "channel"])  # stored slice
    assert result.exit_code == 0, result.output
    assert "Lifetime value by channel" in result.output and "Top 10 customers" in result.output
