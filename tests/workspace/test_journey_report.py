"""The journey report on a world whose retention and MRR per arm are known.

The world (``journey_report_world.py``) runs two journeys through the real worker and then
ingests the billing that followed; the report joins the store's enrolments to the
warehouse's MRR. The expected numbers are counted here from the world's own rows.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.measure import Estimate, JourneyReport
from tenure.workspace import Deployment
from tests.workspace.journey_report_world import REPORT_AT, REPORT_ON, Truth, build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    folder = tmp_path_factory.mktemp("journey-report") / "acme"
    return folder, build(folder, smtp_port=2525)


def _report(folder: Path, journey: str, **kwargs: object) -> JourneyReport:
    with Deployment.open(folder, clock=FixedClock(REPORT_AT)) as d:
        return d.journey_report("acme", journey, **kwargs)  # type: ignore[arg-type]


def _contains(e: Estimate, value: float) -> bool:
    return e.low <= value <= e.high


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_retention_and_mrr_per_arm_and_variant_match_the_world_when_30_days_have_passed(
    world: tuple[Path, Truth],
) -> None:
    folder, truth = world
    report = _report(folder, "ab")
    assert report.as_of == REPORT_ON and report.currency == "USD"
    [h30, h90] = report.horizons
    assert (h30.horizon_days, h90.horizon_days) == (30, 90)

    groups = ["treatment", "control", "holdout", "kept out", "a", "b"]
    retention = {r.name: r for r in [*h30.retention, *h30.retention_variants]}
    mrr = {m.name: m for m in [*h30.mrr, *h30.mrr_variants]}
    assert sorted(retention) == sorted(groups)
    late = 100  # customers 800-899 entered 10 days before the report
    for name in groups:
        members = truth.members("ab", name)
        r = retention[name]
        assert r.matured == len(members) > 20, name
        assert r.retained == sum(truth.kept[k] for k in members), name
        assert r.paying_at_entry == sum(truth.price[k] > 0 for k in members), name
        assert r.rate.value == pytest.approx(r.retained / r.matured)
        assert _contains(r.rate, _mean([truth.keep[k] for k in members])), name  # the truth
        m = mrr[name]
        assert m.mrr_at_entry == pytest.approx(_mean([truth.price[k] for k in members]))
        assert m.change.value == pytest.approx(_mean([truth.change[k] for k in members]))
        assert _contains(m.change, _mean([truth.expected_change[k] for k in members])), name
    assert sum(retention[a].too_young for a in ("treatment", "control", "holdout")) == late
    assert retention["kept out"].too_young == retention["control"].too_young + (
        retention["holdout"].too_young
    )

    treated, kept_out = truth.members("ab", "treatment"), truth.members("ab", "kept out")
    true_lift = _mean([truth.keep[k] for k in treated]) - _mean([truth.keep[k] for k in kept_out])
    assert true_lift > 0.15 and _contains(h30.retention_lift, true_lift)
    assert h30.retention_lift.low > 0  # the effect is found ...
    assert h30.retention_p_always_valid < 0.05  # ... also by the always-valid test
    true_mrr_lift = _mean([truth.expected_change[k] for k in treated]) - _mean(
        [truth.expected_change[k] for k in kept_out]
    )
    assert _contains(h30.mrr_lift, true_mrr_lift) and h30.mrr_lift.low > 0
    assert any("younger than 30 days" in n for n in h30.notes)
    [b_vs_a] = h30.retention_variant_lifts  # the A/B test: b keeps fewer than a
    true_ab = _mean([truth.keep[k] for k in truth.members("ab", "b")]) - _mean(
        [truth.keep[k] for k in truth.members("ab", "a")]
    )
    assert (b_vs_a.variant, b_vs_a.baseline) == ("b", "a") and _contains(b_vs_a.lift, true_ab)
    assert b_vs_a.lift.high < 0

    # 90 days after 2026-03-02 is after the report's day: nothing is measured yet
    assert all(r.matured == 0 and math.isnan(r.rate.value) for r in h90.retention)
    assert h90.notes == [
        "No enrolment is 90 days old yet (900 too young): retention and MRR at 90 days are "
        "not measured."
    ]
    assert math.isnan(h90.retention_lift.value) and h90.retention_p_always_valid == 1.0


def test_always_valid_p_stays_above_five_percent_when_the_arms_are_alike(
    world: tuple[Path, Truth],
) -> None:
    folder, truth = world
    report = _report(folder, "aa", days=[30])
    [h30] = report.horizons
    assert {r.name: r.matured for r in h30.retention} == {
        name: len(truth.members("aa", name))
        for name in ("treatment", "control", "holdout", "kept out")
    }
    assert h30.retention_p_always_valid > 0.05
    assert _contains(h30.retention_lift, 0.0) and _contains(h30.mrr_lift, 0.0)
    assert report.notes == [  # both arms have enrolments: only the missing goal is said
        "The journey has no goal: no enrolment can convert (add 'goal' to its file)."
    ]


def test_report_days_come_from_the_settings_and_earlier_days_see_fewer_enrolments(
    world: tuple[Path, Truth],
) -> None:
    folder, _ = world
    on_day_29 = _report(folder, "ab", days=[7, 30], as_of=REPORT_ON.replace(month=3, day=31))
    [h7, h30] = on_day_29.horizons
    assert sum(r.matured for r in h7.retention[:3]) == 800  # the first batch is 29 days old
    assert sum(r.matured for r in h30.retention[:3]) == 0


def test_cli_report_prints_every_measure_and_its_json_has_no_nan(
    world: tuple[Path, Truth],
) -> None:
    from typer.testing import CliRunner

    from tenure.cli.main import app

    folder, truth = world
    args = ["journeys", "report", "ab", "--tenant", "acme", "-w", str(folder), "--as-of"]
    shown = CliRunner().invoke(app, [*args, REPORT_ON.isoformat(), "--json"])
    assert shown.exit_code == 0, shown.output
    payload = json.loads(shown.output)  # strict JSON: NaN would not parse as None
    assert payload["as_of"] == REPORT_ON.isoformat()
    h30 = payload["horizons"][0]
    treated = next(r for r in h30["retention"] if r["name"] == "treatment")
    assert treated["retained"] == sum(truth.kept[k] for k in truth.members("ab", "treatment"))
    assert payload["horizons"][1]["retention_lift"]["value"] is None
    text = CliRunner().invoke(app, [*args, REPORT_ON.isoformat(), "--days", "30"])
    assert text.exit_code == 0, text.output
    out = text.output
    for expected in ("Goal conversion", "Retention 30 days", "MRR 30 days", "always-valid"):
        assert expected in out, out
    assert "younger than 30 days" in out


def test_report_days_default_to_30_and_90_and_a_day_under_one_is_rejected(
    tmp_path: Path, world: tuple[Path, Truth]
) -> None:
    from tenure.config import Settings
    from tenure.errors import ConfigError

    assert Settings.load(tmp_path).journeys.report_days == [30, 90]
    (tmp_path / "tenure.toml").write_text("[journeys]\nreport_days = [30, 0]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"range \[1, 3650\]") as info:
        Settings.load(tmp_path)
    location = info.value.location
    assert location is not None and (location.line, location.field) == (2, "journeys.report_days")
    folder, _ = world
    with pytest.raises(ConfigError, match=r"'days' parameter of journey_report .* Got \[0\]"):
        _report(folder, "ab", days=[0])
