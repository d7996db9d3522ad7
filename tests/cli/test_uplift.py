"""``tenure uplift fit|predict`` on a synthetic experiment table: report, JSON, saved model."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tenure.cli.main import app
from tests.models.test_uplift import _table, experiment

runner = CliRunner()

REQUIRED_KEYS = {
    "qini_auc",
    "uplift_auc",
    "uplift_at_30",
    "random_qini_auc",
    "random_uplift_at_30",
    "response_qini_auc",
    "response_uplift_at_30",
    "ate",
    "n_rows",
    "models",
}


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    X, t, y = experiment(3000)
    frame = _table(X, t, y)
    frame.insert(0, "customer", [f"c{i:05d}" for i in range(len(frame))])
    frame["revenue"] = frame["bought"].map({"yes": 9.5, "no": 0.0})  # an outcome: leaks
    path = tmp_path_factory.mktemp("uplift") / "experiment.csv"
    frame.to_csv(path, index=False)
    return path


def _fit(table: Path, *extra: str) -> list[str]:
    return [
        "uplift",
        "fit",
        "--table",
        str(table),
        "--treatment",
        "arm",
        "--control",
        "none",
        "--outcome",
        "bought",
        "--id",
        "customer",
        "--drop",
        "revenue",
        "--folds",
        "2",
        *extra,
    ]


def test_fit_and_predict_round_trip_when_saved(table: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    result = runner.invoke(app, _fit(table, "--learner", "t", "--save", str(model), "--json"))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) >= REQUIRED_KEYS
    assert report["learner"] == "t" and report["saved_to"] == str(model)
    assert report["n_rows"] == 3000 and report["treated"] == ["coupon"]
    assert report["positive"] == "yes"
    assert report["features"] == ["spend", "plan", "noise"]  # no id, arm, outcome, revenue
    assert {m["name"] for m in report["models"]} == {
        "t_learner",
        "x_learner",
        "response",
        "random",
    }
    assert report["qini_auc"] > report["random_qini_auc"]
    assert len(report["models"][0]["qini_curve"]) == len(report["qini_curve_at"]) == 11
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["kind"] == "uplift" and meta["model_class"].endswith("TLearner")

    out = tmp_path / "scores" / "uplift.csv"
    result = runner.invoke(
        app,
        ["uplift", "predict", "--model", str(model), "--table", str(table), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "3,000 rows" in result.output
    with out.open() as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["customer", "uplift", "outcome_if_control", "outcome_if_treated"]
    assert rows[0]["customer"] == "c00000" and len(rows) == 3000
    first = rows[0]
    assert float(first["uplift"]) == pytest.approx(
        float(first["outcome_if_treated"]) - float(first["outcome_if_control"])
    )


def test_fit_prints_a_table_when_not_json(table: Path) -> None:
    result = runner.invoke(app, _fit(table, "--treated", "coupon", "--learner", "x"))
    assert result.exit_code == 0, result.output
    assert "Tenure X-learner (LightGBM) *" in result.output
    assert "random ranking" in result.output and "average effect" in result.output
    assert "treated (coupon)" in result.output


def test_fit_fails_clearly_when_the_control_value_is_unknown(table: Path) -> None:
    result = runner.invoke(
        app,
        [
            "uplift",
            "fit",
            "--table",
            str(table),
            "--treatment",
            "arm",
            "--control",
            "off",
            "--outcome",
            "bought",
        ],
    )
    assert result.exit_code == 2
    assert "control value 'off'" in result.output


def test_predict_refuses_a_churn_model_when_given_one(tmp_path: Path) -> None:
    model = tmp_path / "churn"
    churn = tmp_path / "churn.csv"
    churn.write_text(
        "months,Churn\n" + "".join(f"{i},{'Yes' if i % 3 else 'No'}\n" for i in range(60))
    )
    result = runner.invoke(
        app,
        [
            "churn",
            "fit",
            "--table",
            str(churn),
            "--target",
            "Churn",
            "--save",
            str(model),
            "--folds",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        [
            "uplift",
            "predict",
            "--model",
            str(model),
            "--table",
            str(churn),
            "--out",
            str(tmp_path / "u.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "not an uplift model" in result.output
