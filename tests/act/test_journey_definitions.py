"""Journey YAML: every trigger and step kind loads, and each error names file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tenure.act.journeys import load_journey, load_journeys, parse_duration
from tenure.act.journeys.definition import (
    BillingTrigger,
    BranchStep,
    ScheduleTrigger,
    ScoreTrigger,
    SegmentTrigger,
    WaitStep,
)
from tenure.cli.main import app
from tenure.errors import ConfigError

EVERY_KIND = """\
name: everything
description: one of each step
trigger: {type: event, event: usage_limit_reached}
goal: {event: upgraded}
reenter: true
holdout: 0.1
steps:
  - {id: w1, type: wait, duration: 2h}
  - {id: w2, type: wait, until_time: "09:30"}
  - {id: w3, type: wait, until_event: report_created, timeout: 3d, on_timeout: mail}
  - id: b1
    type: branch
    condition: 'plan == "pro" and health < 40'
    then: mail
  - {id: b2, type: branch, segment: at_risk, else: mail}
  - id: ab
    type: branch
    split:
      - {variant: a, weight: 50}
      - {variant: b, weight: 50, goto: note}
  - id: mail
    type: send
    channel: email
    subject: "Hi {{ customer.name }}"
    text: "Hello"
    html: "<p>Hello</p>"
  - {id: hook, type: send, channel: webhook, url: "http://127.0.0.1:9/x", payload: {k: v}}
  - {id: note, type: send, channel: inapp, title: T, body: B}
  - {id: trait, type: set_trait, trait: nudged, value: true}
  - {id: task, type: task, title: "Call {{ customer.name }}", due_in: 2d}
  - {id: done, type: exit}
"""


def _write(tmp_path: Path, text: str, name: str = "j.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_step_kind_loads_when_the_file_is_valid(tmp_path: Path) -> None:
    journey = load_journey(_write(tmp_path, EVERY_KIND))
    assert [s.type for s in journey.steps] == [
        "wait", "wait", "wait", "branch", "branch", "branch",
        "send", "send", "send", "set_trait", "task", "exit",
    ]  # fmt: skip
    wait = journey.steps[2]
    assert isinstance(wait, WaitStep) and wait.on_timeout == "mail"
    branch = journey.steps[4]
    assert isinstance(branch, BranchStep) and branch.else_ == "mail"
    assert journey.holdout == 0.1 and journey.reenter


@pytest.mark.parametrize(
    ("trigger", "kind"),
    [
        ("{type: segment, segment: at_risk, change: leave}", SegmentTrigger),
        ("{type: score, score: health, crosses: below, threshold: 40}", ScoreTrigger),
        ("{type: score, score: churn_risk, crosses: above, threshold: 0.5}", ScoreTrigger),
        ("{type: billing, billing: payment_failed}", BillingTrigger),
        ("{type: billing, billing: card_expiring}", BillingTrigger),
        ("{type: billing, billing: trial_ending, days_before: 3}", BillingTrigger),
        ("{type: schedule, every: 7d, segment: at_risk}", ScheduleTrigger),
    ],
)
def test_every_trigger_kind_loads_when_written_as_documented(
    tmp_path: Path, trigger: str, kind: type
) -> None:
    text = f"name: t\ntrigger: {trigger}\nsteps:\n  - {{id: x, type: exit}}\n"
    assert isinstance(load_journey(_write(tmp_path, text)).trigger, kind)


def test_billing_lead_defaults_to_30_days_for_cards_and_3_for_trials(tmp_path: Path) -> None:
    card = BillingTrigger(type="billing", billing="card_expiring")
    trial = BillingTrigger(type="billing", billing="trial_ending")
    assert (card.lead, trial.lead) == (30, 3)


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        # an unknown key in the second step: its own line
        (
            "name: a\ntrigger: {type: event, event: e}\nsteps:\n  - {id: w, type: wait, "
            "duration: 1h}\n  - id: m\n    type: send\n    channel: email\n    subject: s\n"
            "    txt: t\n",
            9,
            "steps.1.txt",
            "not a known key",
        ),
        # a bad duration
        (
            "name: a\ntrigger: {type: event, event: e}\nsteps:\n  - id: w\n    type: wait\n"
            "    duration: soon\n",
            6,
            "steps.0.duration",
            "'30m'",
        ),
        # an unknown trigger type
        (
            "name: a\ntrigger:\n  type: sometimes\nsteps:\n  - {id: x, type: exit}\n",
            2,
            "trigger",
            "",
        ),
        # a goto to a step that does not exist (the journey's rule, reported at its start)
        (
            "name: a\ntrigger: {type: event, event: e}\nsteps:\n  - id: b\n    type: branch\n"
            "    segment: s\n    then: nowhere\n",
            1,
            "(document)",
            "not a step id",
        ),
        # a wait for an event without a timeout: the step's line
        (
            "name: a\ntrigger: {type: event, event: e}\nsteps:\n  - {id: x, type: exit}\n"
            "  - id: w\n    type: wait\n    until_event: e\n",
            5,
            "steps.1.wait",
            "timeout",
        ),
        # a branch condition the rule language rejects
        (
            "name: a\ntrigger: {type: event, event: e}\nsteps:\n  - id: b\n    type: branch\n"
            "    condition: 'no_such_field > 3'\n    then: x\n  - {id: x, type: exit}\n",
            1,
            "(document)",
            "no_such_field",
        ),
        # a YAML syntax error
        ("name: a\ntrigger: [\n", 3, None, "not valid YAML"),
    ],
)
def test_error_names_file_line_and_field_when_a_journey_is_invalid(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_journey(path)
    location = info.value.location
    assert location is not None
    assert (Path(str(location.file)), location.line, location.field) == (path, line, field)
    assert words in str(info.value)
    assert str(path) in str(info.value)


def test_journey_refuses_a_goto_backwards_because_a_step_runs_once(tmp_path: Path) -> None:
    text = (
        "name: a\ntrigger: {type: event, event: e}\nsteps:\n  - {id: x, type: exit}\n"
        "  - {id: b, type: branch, segment: s, then: x}\n"
    )
    with pytest.raises(ConfigError, match="goes back"):
        load_journey(_write(tmp_path, text))


def test_two_files_with_one_name_are_an_error_when_a_folder_is_loaded(tmp_path: Path) -> None:
    one = "name: same\ntrigger: {type: event, event: e}\nsteps:\n  - {id: x, type: exit}\n"
    _write(tmp_path, one, "a.yaml")
    _write(tmp_path, one, "b.yml")
    with pytest.raises(ConfigError, match="two files define the journey 'same'"):
        load_journeys(tmp_path)


def test_parse_duration_reads_units_and_rejects_words() -> None:
    assert parse_duration("90s") == dt.timedelta(seconds=90)
    assert parse_duration("1.5h") == dt.timedelta(minutes=90)
    assert parse_duration("1w") == dt.timedelta(days=7)
    with pytest.raises(ValueError, match="duration"):
        parse_duration("tomorrow")


def test_cli_validate_exits_2_and_names_the_line_when_one_file_is_bad(tmp_path: Path) -> None:
    good = _write(tmp_path, EVERY_KIND, "good.yaml")
    bad = _write(
        tmp_path,
        "name: bad\ntrigger: {type: event, event: e}\nsteps:\n  - {id: x, type: exitt}\n",
        "bad.yaml",
    )
    result = CliRunner().invoke(app, ["journeys", "validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert "ok" in result.output and "everything" in result.output
    assert "bad.yaml" in result.output and "line 4" in result.output
    ok = CliRunner().invoke(app, ["journeys", "validate", str(good)])
    assert ok.exit_code == 0, ok.output


def test_cli_lists_and_shows_the_journeys_of_a_workspace(tmp_path: Path) -> None:
    from tenure.workspace import Workspace

    Workspace.init(tmp_path / "ws").close()
    (tmp_path / "ws" / "journeys").mkdir()
    _write(tmp_path / "ws" / "journeys", EVERY_KIND, "everything.yaml")
    runner = CliRunner()
    listed = runner.invoke(app, ["journeys", "list", "-w", str(tmp_path / "ws")])
    assert listed.exit_code == 0, listed.output
    assert "everything" in listed.output and "12 steps" in listed.output
    shown = runner.invoke(app, ["journeys", "show", "everything", "-w", str(tmp_path / "ws")])
    assert shown.exit_code == 0, shown.output
    assert "usage_limit_reached" in shown.output and "ab" in shown.output
    missing = runner.invoke(app, ["journeys", "show", "nope", "-w", str(tmp_path / "ws")])
    assert missing.exit_code == 2 and "no journey 'nope'" in missing.output
