"""Churn risk on a workspace: train, backtest, score with reasons, report; CLI end to end."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.errors import ModelError
from tenure.models.backtest import backtest, split_origins
from tenure.models.evaluate import calibration_table, score_ranking
from tenure.models.explain import reasons
from tenure.workspace import CHURN_SCORES, Workspace


def test_split_origins_keeps_label_windows_closed() -> None:
    months = [dt.date(2026, m, 1) for m in range(1, 7)]
    train, valid = split_origins(months, dt.date(2026, 6, 1), 30)  # type: ignore[misc]
    assert valid == dt.date(2026, 5, 1) and train[-1] == dt.date(2026, 4, 1)
    train, valid = split_origins(months, dt.date(2026, 6, 1), 60)  # type: ignore[misc]
    assert valid == dt.date(2026, 4, 1)  # May's 60-day window is still open on June 1
    assert split_origins(months, dt.date(2026, 2, 1), 30) is None


def test_scores_and_calibration_by_hand() -> None:
    y = [0] * 18 + [1, 1]
    p = [i / 100 for i in range(18)] + [0.9, 0.05]
    s = score_ranking(y, p)
    assert (s.n, s.positives, s.base_rate) == (20, 2, 0.1)
    assert s.capture_top10 == 0.5 and s.lift_top10 == pytest.approx(5.0)
    assert s.roc_auc == pytest.approx((18 + 5 + 0.5) / 36)  # one tie at 0.05
    table = calibration_table(y, p, bins=4)
    assert [r["n"] for r in table] == [5, 5, 5, 5]
    assert table[-1]["observed"] == pytest.approx(0.2)
    assert math.isnan(score_ranking([0, 0], [0.1, 0.2]).roc_auc)


def test_reasons_only_raise_risk_and_tell_each_story_once() -> None:
    row = {"failed_payments_30d": 2.0, "failed_payments_90d": 3.0, "nps_last": 3.0, "mrr": 99.0}
    shares = {"failed_payments_90d": 0.9, "failed_payments_30d": 0.8, "nps_last": 0.5, "mrr": -1}
    assert reasons(row, shares) == [
        "3 failed payments in the last 90 days",
        "last NPS answer 3 of 10",
    ]
    assert reasons(row, shares, lang="de", top=1) == [
        "3 fehlgeschlagene Zahlungen in den letzten 90 Tagen"
    ]


def test_backtest_needs_two_closed_origins() -> None:
    frame = pl.DataFrame(
        {"as_of": [dt.date(2026, 1, 1)] * 4, "churned": [True, False] * 2, "observed": [True] * 4}
    )
    with pytest.raises(ModelError, match="horizon_days"):
        backtest(
            frame,
            horizon_days=30,
            test_origins=[dt.date(2026, 1, 1)],
            make_model=object,
            make_baseline=object,
        )


@pytest.fixture
def trained(trained_workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the session's trained demo workspace."""
    import shutil

    shutil.copytree(trained_workspace, tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.slow
def test_train_saves_a_backtested_model(trained: Path) -> None:
    with Workspace.open(trained) as ws:
        meta = ws.churn_model().metadata
    assert meta["horizon_days"] == 30 and meta["window"]["positives"] > 0
    bt = meta["metrics"]
    assert len(bt["folds"]) >= 2
    assert bt["model"]["roc_auc"] > 0.6, bt["model"]  # ~20 churners: quality is in bench/
    assert bt["baseline"]["roc_auc"] > 0.5
    assert bt["oracle"] is not None  # the demo's latent hazard, scored on the same rows
    assert sum(r["n"] for r in bt["calibration"]) == bt["model"]["n"]
    assert "versions" in meta and "lightgbm" in meta["versions"]


@pytest.mark.slow
def test_score_stores_one_slice_per_day_with_reasons(trained: Path) -> None:
    with Workspace.open(trained) as ws:
        day = ws.scoring_day()
        first = ws.churn_score()
        again = ws.churn_score()  # the same day again replaces its slice
        stored = ws.churn_scores()
        count = ws.warehouse.table(CHURN_SCORES).count().execute()
    assert stored is not None and stored.height == first.height == again.height == count
    assert set(stored["as_of"].to_list()) == {day}
    assert stored["rank"].to_list() == list(range(1, stored.height + 1))
    probs = first["churn_probability"].to_numpy()
    assert np.all((probs >= 0) & (probs <= 1))
    assert (first.filter(pl.col("cancel_pending"))["churn_probability"] == 1.0).all()
    top = first.row(0, named=True)
    assert top["reasons_en"] and top["reasons_de"] and top["reasons_en"] != top["reasons_de"]


@pytest.mark.slow
def test_cli_train_score_report(trained: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["churn", "score", "-w", str(trained), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Riskiest customers" in result.stdout
    csv = pl.read_csv(out)
    assert {"customer_id", "churn_probability", "reasons"} <= set(csv.columns)
    result = runner.invoke(app, ["churn", "report", "-w", str(trained), "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert len(report["riskiest"]) == 3 and report["riskiest"][0]["reasons_en"]
    assert report["scored"] > 0 and report["backtest"]["model"]["roc_auc"] > 0.5
    probs = [r["churn_probability"] for r in report["riskiest"]]
    assert probs == sorted(probs, reverse=True)
    result = runner.invoke(app, ["churn", "report", "-w", str(trained), "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert "Kündigung" in result.stdout or "letzten" in result.stdout


def test_score_without_a_model_says_how_to_train(ws: Workspace) -> None:
    with pytest.raises(ModelError, match="tenure churn train"):
        ws.churn_score()
