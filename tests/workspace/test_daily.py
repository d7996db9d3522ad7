"""Health on a workspace and the daily refresh: stored per day, trends, CLI."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.features import labelled_frame
from tenure.workspace import HEALTH_SCORES, Workspace


@pytest.fixture
def trained(trained_workspace: Path, tmp_path: Path) -> Path:
    shutil.copytree(trained_workspace, tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.slow
def test_health_ranks_churners_lower_when_no_model_is_trained(demo_copy: Path) -> None:
    """Without a model the risk component drops out; usage, engagement, support, sentiment
    and billing alone still put the customers who churn in the next 90 days lower."""
    churned, health = [], []
    with Workspace.open(demo_copy) as ws:
        through = ws.data_through()
        assert through is not None
        for back in (120, 240):
            day = through - dt.timedelta(days=back)
            scores = ws.health(as_of=day)
            assert scores["risk"].null_count() == scores.height
            labels = labelled_frame(ws.warehouse.ibis, day, 90, data_through=through)
            joined = labels.join(scores, on="customer_id")
            churned += joined["churned"].to_list()
            health += joined["health"].to_list()
    y, h = np.array(churned), np.array(health)
    assert 10 <= y.sum() < len(y)
    assert h[y].mean() < h[~y].mean()
    assert roc_auc_score(y, -h) > 0.65


@pytest.mark.slow
def test_health_is_stored_per_day_and_rerun_replaces_when_days_repeat(trained: Path) -> None:
    with Workspace.open(trained) as ws:
        last = ws.scoring_day()
        first_day = last - dt.timedelta(days=30)
        ws.health(as_of=first_day)
        latest = ws.health()
        ws.health()  # the same day again
        stored = ws.warehouse.table(HEALTH_SCORES).count().execute()
        history = ws.health_history()
        one = latest.row(0, named=True)["customer_id"]
        mine = ws.health_history(customer_id=one)
        scores = ws.churn_scores()
    assert history["as_of"].to_list() == [first_day, last]
    assert stored == history["customers"].sum()
    assert history["green"].sum() + history["yellow"].sum() + history["red"].sum() == stored
    assert mine["customer_id"].unique().to_list() == [one] and mine.height >= 1
    # with a model, paying customers get a risk component: 100 x (1 - probability)
    assert scores is not None
    joined = latest.join(scores.select("customer_id", "churn_probability"), on="customer_id")
    assert joined.height == scores.height
    expected = (100 * (1 - joined["churn_probability"])).round(1)
    assert np.allclose(joined["risk"].to_numpy(), expected.to_numpy(), atol=0.051)
    pending = scores.filter(pl.col("churn_probability") == 1.0)["customer_id"]
    capped = latest.filter(pl.col("customer_id").is_in(pending.to_list()))
    assert (capped["health"] <= 20).all() and (capped["band"] == "red").all()


@pytest.mark.slow
def test_cli_health_prints_bands_and_json_when_asked(trained: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["health", "-w", str(trained), "--top", "5"])
    assert result.exit_code == 0, result.output
    assert "Least healthy customers" in result.stdout and "[health.weights]" in result.stdout
    result = runner.invoke(app, ["health", "-w", str(trained), "--json", "--band", "red"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sum(report["bands"].values()) == report["customers"] > 0
    assert report["lowest"] and {r["band"] for r in report["lowest"]} == {"red"}
    healths = [r["health"] for r in report["lowest"]]
    assert healths == sorted(healths)
    who = report["lowest"][0]["customer_id"]
    result = runner.invoke(app, ["health", "show", who, "-w", str(trained), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["history"][0]["customer_id"] == who
    result = runner.invoke(app, ["health", "-w", str(trained), "--band", "blue"])
    assert result.exit_code == 2 and "green, yellow or red" in result.output


@pytest.mark.slow
def test_refresh_stores_profiles_scores_and_segments_when_run_for_two_days(
    trained: Path,
) -> None:
    from tenure.decide import CUSTOMER_PROFILES
    from tenure.features import feature_names

    runner = CliRunner()
    with Workspace.open(trained) as ws:
        last = ws.scoring_day()
        ws.segment_create("red_payers", "health < 40 and mrr > 0")
        first = last - dt.timedelta(days=14)
    result = runner.invoke(
        app, ["refresh", "-w", str(trained), "--since", str(first), "--every", "14", "--json"]
    )
    assert result.exit_code == 0, result.output
    days = json.loads(result.stdout)["days"]
    assert [d["as_of"] for d in days] == [str(first), str(last)]
    with Workspace.open(trained) as ws:
        again = ws.refresh()  # the same day again replaces its slices
        profiles = ws.warehouse.table(CUSTOMER_PROFILES)
        counts = profiles.group_by("as_of").aggregate(n=profiles.count()).to_pyarrow()
        today = pl.from_arrow(profiles.filter(profiles.as_of == last).to_pyarrow())
        health = ws.health_history(days=0)
        members = set(ws.segment_members("red_payers")["customer_id"].to_list())
    assert isinstance(today, pl.DataFrame)
    assert sorted(counts.column("as_of").to_pylist()) == [first, last]
    assert again[0].customers == today.height == days[1]["customers"]
    assert {
        "churn_probability",
        "health",
        "health_band",
        "ltv",
        "expected_remaining_months",
        *feature_names(),
    } <= set(today.columns)
    assert health["customers"].to_list() == [sum(days[1]["health"].values())]
    paying = today.filter(pl.col("mrr") > 0)
    assert paying["churn_probability"].null_count() == 0
    assert paying["ltv"].null_count() < paying.height  # values for the paying customers
    expected = today.filter((pl.col("health") < 40) & (pl.col("mrr") > 0))["customer_id"]
    assert members == set(expected.to_list()) and members
