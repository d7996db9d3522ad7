"""Saved models: round trip, metadata, and clear errors for missing or damaged folders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tenure.clock import FixedClock
from tenure.errors import ModelError
from tenure.models import ChurnModel, ModelVersionWarning, load_model, save_model

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def fitted() -> tuple[ChurnModel, pd.DataFrame]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"months": rng.integers(1, 60, 500), "plan": rng.choice(["a", "b"], 500)})
    y = (rng.random(500) < np.where(X["months"] < 12, 0.6, 0.15)).astype(int)
    return ChurnModel().fit(X, y), X


@pytest.fixture
def saved(tmp_path: Path, fitted) -> Path:
    model, _ = fitted
    save_model(
        model,
        tmp_path / "model",
        {"window": "tabular", "metrics": {"cv_auc": 0.8, "nan": float("nan")}},
        clock=FixedClock(NOW),
    )
    return tmp_path / "model"


def test_round_trip_gives_identical_probabilities_when_loaded(saved, fitted):
    model, X = fitted
    artifact = load_model(saved)
    np.testing.assert_array_equal(artifact.model.predict_proba(X), model.predict_proba(X))
    assert artifact.features == ["months", "plan"]


def test_metadata_records_window_metrics_versions_and_time_when_saved(saved):
    meta = json.loads((saved / "metadata.json").read_text())
    assert meta["format"] == 1
    assert meta["model_class"] == "tenure.models.churn.ChurnModel"
    assert meta["created_at"] == "2026-11-23T12:00:00+00:00"
    assert meta["window"] == "tabular"
    assert meta["metrics"] == {"cv_auc": 0.8, "nan": None}
    assert set(meta["versions"]) >= {"tenure", "python", "scikit-learn", "lightgbm"}
    assert meta["params"]["calibration"] == "sigmoid"
    assert len(meta["sha256"]) == 64


def test_missing_folder_is_a_model_error_when_loading(tmp_path):
    with pytest.raises(ModelError, match=r"no saved model at .*nowhere: the folder does not exist"):
        load_model(tmp_path / "nowhere")


def test_missing_model_file_is_named_when_loading(saved):
    (saved / "model.joblib").unlink()
    with pytest.raises(ModelError, match=r"model\.joblib is missing"):
        load_model(saved)


def test_damaged_model_file_is_reported_not_unpickled_when_loading(saved):
    data = (saved / "model.joblib").read_bytes()
    (saved / "model.joblib").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="does not match the checksum"):
        load_model(saved)


def test_invalid_metadata_names_the_line_when_loading(saved):
    (saved / "metadata.json").write_text('{\n"format": 1,\n oops\n}')
    with pytest.raises(ModelError, match=r"not valid JSON.*metadata.json, line 3"):
        load_model(saved)


def test_other_library_versions_warn_when_loading(saved):
    path = saved / "metadata.json"
    meta = json.loads(path.read_text())
    meta["versions"]["lightgbm"] = "3.0.0"
    path.write_text(json.dumps(meta))
    with pytest.warns(ModelVersionWarning, match=r"lightgbm 3\.0\.0 \(running "):
        artifact = load_model(saved)
    assert artifact.metadata["versions"]["lightgbm"] == "3.0.0"


def test_reserved_metadata_keys_are_refused_when_saving(tmp_path, fitted):
    model, _ = fitted
    with pytest.raises(ModelError, match="versions are written by save_model"):
        save_model(model, tmp_path / "m", {"versions": {}})


def test_unfitted_model_is_refused_when_saving(tmp_path):
    with pytest.raises(ModelError, match="only a fitted model can be saved"):
        save_model(ChurnModel(), tmp_path / "m", {})
