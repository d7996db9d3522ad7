"""``tenure demo`` headline metrics and the ``tenure metrics`` commands, end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tenure import Workspace
from tenure.cli.main import app

runner = CliRunner()

SERIES_KEYS = {
    "period",
    "mrr",
    "new",
    "expansion",
    "contraction",
    "churn",
    "reactivation",
    "customers",
    "arpa",
    "customer_churn_rate",
    "net_mrr_churn_rate",
    "nrr",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("cli-metrics") / "demo"
    result = runner.invoke(
        app,
        [
            "demo",
            "--dir",
            str(root),
            "--customers",
            "150",
            "--months",
            "12",
            "--seed",
            "2",
            "--no-serve",
        ],
    )
    assert result.exit_code == 0, result.output
    return root, result.output


def _json(args: list[str]) -> dict[str, object]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_demo_prints_headline_metrics_when_world_is_ingested(demo: tuple[Path, str]) -> None:
    _, output = demo
    assert "Headline metrics" in output
    assert "MRR" in output and "NRR" in output
    # 150 customers over a year hold too few churners to learn from; the demo says so
    assert "No churn model" in output and "churn.horizon_days" in output
    assert "Health of" in output and "Segments:" in output  # health without the model
    # too few cancel decisions to learn whom a discount saves: the demo says why
    assert "No offer simulation" in output and "decisions" in output


def test_demo_runs_cancel_flows_for_the_riskiest_payers_when_world_is_ingested(
    demo: tuple[Path, str],
) -> None:
    root, output = demo
    assert "Simulated cancel flows" in " ".join(output.split())
    with Workspace.open(root) as ws:
        flows = ws.cancel_flow_frame()
        truth = pl.read_parquet(root / "data" / "ground_truth" / "churn_drivers.parquet")
    assert flows.height == 8  # every flow finished
    assert (flows["mrr_before"] > 0).all()
    reasons = dict(zip(truth["customer_id"], truth["true_cancel_reason"], strict=True))
    for row in flows.iter_rows(named=True):  # each answered with the ground truth's reason
        assert row["reason"] == (reasons.get(row["customer_id"]) or "other")
    # no uplift model on so small a world: the flows use [offers] default_uplift
    assert "default" in output


def test_demo_runs_the_playbooks_through_local_receivers_when_world_is_ingested(
    demo: tuple[Path, str],
) -> None:
    from tenure.act.journeys import load_journeys
    from tenure.act.journeys.definition import SendStep
    from tenure.workspace import Deployment

    root, output = demo
    text = " ".join(output.split())
    assert "Playbooks on the demo world" in text
    found = re.search(
        r"SMTP sink received ([\d,]+) e-mails and the webhook receiver ([\d,]+)", text
    )
    assert found is not None, text
    mails, posts = (int(g.replace(",", "")) for g in found.groups())
    journeys = {j.name: j for j in load_journeys(root / "journeys")}
    assert len(journeys) == 10  # every shipped playbook was copied in
    with Deployment.open(root) as d:
        counts = d.journey_counts("demo")
    channel = {
        (name, s.id): s.channel
        for name, j in journeys.items()
        for s in j.steps
        if isinstance(s, SendStep)
    }
    done = {"email": 0, "webhook": 0}
    for row in counts["steps"]:
        kind = channel.get((row["journey"], row["step_id"]))
        if row["status"] == "done" and kind in done:
            done[kind] += row["runs"]
    # the sink got exactly the e-mails the store records as sent, and so did the receiver
    assert mails == done["email"] > 0
    assert posts == done["webhook"]
    enrolled = {r["journey"] for r in counts["enrolments"] if r["enrolments"]}
    assert {"onboarding-by-role", "activation-nudge", "winback-series"} <= enrolled, enrolled
    assert "lift" in text and "kept out" in text


def test_metrics_json_has_one_object_per_month_when_asked(demo: tuple[Path, str]) -> None:
    root, _ = demo
    doc = _json(["metrics", "-w", str(root), "--json"])
    series = doc["series"]
    assert isinstance(series, list) and len(series) >= 11
    for row in series:
        assert set(row) >= SERIES_KEYS
        assert re.fullmatch(r"\d{4}-\d{2}", row["period"])
        movements = (
            row["new"] + row["expansion"] + row["reactivation"] - row["contraction"] - row["churn"]
        )
        assert row["mrr"] == pytest.approx(row["mrr_start"] + movements, abs=1e-3)
    assert series[-1]["mrr"] > 0 and series[-1]["customers"] > 0
    assert doc["currency"] == "USD"
    # Today is after the demo world ends: as_of stops at the latest invoice, so the
    # missing renewals after the export do not read as churn.
    assert "2026-10-01" <= str(doc["as_of"]) <= "2026-10-31"
    periods = [row["period"] for row in series]
    assert periods == sorted(periods)


def test_metrics_range_and_interval_select_periods_when_given(demo: tuple[Path, str]) -> None:
    root, _ = demo
    args = ["metrics", "-w", str(root), "--json", "--interval", "quarter"]
    doc = _json([*args, "--from", "2026-01-01", "--to", "2026-06-30"])
    assert [row["period"] for row in doc["series"]] == ["2026-Q1", "2026-Q2"]  # type: ignore[union-attr]


def test_breakdown_rows_sum_to_the_total_when_by_plan(demo: tuple[Path, str]) -> None:
    root, _ = demo
    total = _json(["metrics", "-w", str(root), "--json"])["series"]
    split = _json(["metrics", "-w", str(root), "--json", "--by", "plan"])["series"]
    last = total[-1]  # type: ignore[index]
    parts = [row for row in split if row["period"] == last["period"]]  # type: ignore[union-attr]
    assert {row["group"] for row in parts} >= {"pro"}
    assert sum(row["mrr"] for row in parts) == pytest.approx(last["mrr"], abs=1e-3)


def test_csv_output_has_a_header_row_when_asked(demo: tuple[Path, str]) -> None:
    root, _ = demo
    result = runner.invoke(app, ["metrics", "-w", str(root), "--csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("period,mrr,arr")


def test_table_output_shows_movements_when_run_plainly(demo: tuple[Path, str]) -> None:
    root, _ = demo
    result = runner.invoke(app, ["metrics", "-w", str(root)])
    assert result.exit_code == 0
    for header in ("MRR", "expansion", "contraction", "reactivation", "NRR"):
        assert header in result.output


def test_cohorts_json_and_table_when_asked(demo: tuple[Path, str]) -> None:
    root, _ = demo
    rows = _json(["metrics", "cohorts", "-w", str(root), "--json"])["cohorts"]
    assert isinstance(rows, list) and rows
    first = [r for r in rows if r["period_index"] == 0]
    assert first and all(0 < r["logo_retention"] <= 1 for r in first)
    assert all(r["customers"] <= r["cohort_customers"] for r in rows)
    result = runner.invoke(app, ["metrics", "cohorts", "-w", str(root)])
    assert "Logo retention" in result.output and "Net MRR retention" in result.output


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("trials", "conversion_rate"),
        ("freemium", "conversion_rate"),
        ("activation", "activation_rate"),
        ("engagement", "stickiness"),
        ("payments", "success_rate"),
        ("nps", "nps"),
    ],
)
def test_metric_tables_print_json_when_asked(
    demo: tuple[Path, str], name: str, column: str
) -> None:
    root, _ = demo
    rows = _json(["metrics", name, "-w", str(root), "--json"])[name]
    assert isinstance(rows, list) and rows
    assert any(row[column] is not None for row in rows)


def test_unknown_breakdown_fails_clearly_when_given(demo: tuple[Path, str]) -> None:
    root, _ = demo
    result = runner.invoke(app, ["metrics", "-w", str(root), "--by", "shoe_size"])
    assert result.exit_code == 2
    assert "'by' parameter must be one of" in result.output and "plan" in result.output
