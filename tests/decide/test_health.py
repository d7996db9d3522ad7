"""The health score: components, weights, missing data, bands and the cancellation cap."""

from __future__ import annotations

import polars as pl
import pytest

from tenure.config import HealthSettings, Settings
from tenure.decide import health_scores
from tenure.errors import ConfigError

MEASURES = [
    {"component": "usage", "feature": "active_days_30d", "bad": 0, "good": 20},
    {"component": "usage", "feature": "days_since_seen", "bad": 30, "good": 0, "weight": 3},
    {"component": "sentiment", "feature": "nps_last", "bad": 4, "good": 9},
    {"component": "billing", "feature": "last_payment_failed", "bad": 1, "good": 0},
]


def _frame(**overrides: list[object]) -> pl.DataFrame:
    base: dict[str, list[object]] = {
        "customer_id": ["a", "b", "c"],
        "active_days_30d": [10.0, 30.0, 0.0],
        "days_since_seen": [3.0, 0.0, 45.0],
        "nps_last": [7.0, None, 2.0],
        "last_payment_failed": [False, True, False],
        "cancel_pending": [False, False, True],
        "churn_probability": [0.2, None, 1.0],
    }
    base.update(overrides)
    return pl.DataFrame(base)


def _settings(**fields: object) -> HealthSettings:
    return HealthSettings.model_validate({"measures": MEASURES, **fields})


def test_components_and_health_match_the_hand_calculation_when_defaults_weigh() -> None:
    """Weights risk .4, usage .2, sentiment .1, billing .05 (engagement, support: no measures).

    a: usage = (1 x 10/20 + 3 x 27/30) / 4 = (50 + 270) / 4 = 80.0; sentiment = 3/5 = 60;
       billing = 100; risk = 80. health = (.4x80 + .2x80 + .1x60 + .05x100) / .75 = 78.67
    b: usage = (100 + 3 x 100) / 4 = 100; no NPS, no risk: sentiment and risk drop out;
       billing = 0. health = (.2x100 + .05x0) / .25 = 80.0
    c: usage = 0, sentiment = 0, billing 100, risk 0: (0 + 0 + 0 + 5) / .75 = 6.67,
       and the cancellation cap (20) does not bind.
    """
    out = health_scores(_frame(), _settings()).sort("customer_id")
    assert out["usage"].to_list() == [80.0, 100.0, 0.0]
    assert out["sentiment"].to_list() == [60.0, None, 0.0]
    assert out["billing"].to_list() == [100.0, 0.0, 100.0]
    assert out["risk"].to_list() == [80.0, None, 0.0]
    assert out["engagement"].to_list() == [None, None, None]
    assert out["health"].to_list() == [78.7, 80.0, 6.7]
    assert out["band"].to_list() == ["green", "green", "red"]
    assert out["weakest"].to_list() == ["risk", "billing", "risk"]


def test_scheduled_cancellation_caps_health_when_components_look_fine() -> None:
    frame = _frame(active_days_30d=[20.0] * 3, days_since_seen=[0.0] * 3, nps_last=[10.0] * 3)
    frame = frame.with_columns(churn_probability=pl.lit(0.0))
    out = health_scores(frame, _settings(cancel_pending_cap=25)).sort("customer_id")
    assert out["health"].to_list()[0] == 100.0
    assert out["health"].to_list()[2] == 25.0
    assert out["band"].to_list()[2] == "red"


def test_weights_change_the_score_when_a_component_is_weighed_to_zero() -> None:
    heavy = health_scores(_frame(), _settings(weights={"risk": 0, "billing": 1, "usage": 0}))
    b = heavy.filter(pl.col("customer_id") == "b")
    # only sentiment (no NPS for b) and billing remain: billing alone decides
    assert b["health"].item() == 0.0 and b["band"].item() == "red"


def test_bands_follow_the_thresholds_when_they_are_moved() -> None:
    out = health_scores(_frame(), _settings(green_at=90, red_below=5)).sort("customer_id")
    assert out["band"].to_list() == ["yellow", "yellow", "yellow"]


def test_customer_without_any_data_has_no_score_when_every_component_is_missing() -> None:
    """No component has data: no score, unless a cancellation is scheduled (c), which
    is itself a signal: such a customer gets the cap."""
    frame = (
        _frame()
        .with_columns(
            pl.lit(None, pl.Float64).alias(c)
            for c in ("active_days_30d", "days_since_seen", "nps_last", "churn_probability")
        )
        .with_columns(last_payment_failed=pl.lit(None, pl.Boolean))
    )
    out = health_scores(frame, _settings())
    out = out.sort("customer_id")
    assert out["health"].to_list() == [None, None, 20.0]
    assert out["band"].to_list() == [None, None, "red"]


def test_unknown_feature_is_rejected_with_a_suggestion_when_misspelled() -> None:
    bad = _settings(
        measures=[{"component": "usage", "feature": "active_day_30d", "bad": 0, "good": 1}]
    )
    with pytest.raises(ConfigError, match="'active_days_30d'") as info:
        health_scores(_frame(), bad)
    assert info.value.location is not None
    assert info.value.location.field == "health.measures[0].feature"


def test_category_feature_is_rejected_when_used_as_a_measure() -> None:
    bad = _settings(measures=[{"component": "usage", "feature": "plan", "bad": 0, "good": 1}])
    with pytest.raises(ConfigError, match="category"):
        health_scores(_frame(plan=["pro"] * 3), bad)


def test_settings_from_toml_are_checked_when_loaded(tmp_path) -> None:
    (tmp_path / "tenure.toml").write_text(
        "[health]\ngreen_at = 30\nred_below = 50\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="red_below <= green_at"):
        Settings.load(tmp_path)
    (tmp_path / "tenure.toml").write_text(
        '[health.weights]\nusage = 0.7\n\n[[health.measures]]\ncomponent = "usage"\n'
        'feature = "events_30d"\nbad = 0\ngood = 100\n',
        encoding="utf-8",
    )
    loaded = Settings.load(tmp_path).health
    assert loaded.weights.usage == 0.7 and loaded.weights.risk == 0.4
    assert [m.feature for m in loaded.measures] == ["events_30d"]
