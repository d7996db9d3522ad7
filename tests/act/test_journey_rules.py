"""Delivery rules on a real SMTP server: frequency caps across journeys, quiet hours in the
customer's time zone, and texts in the customer's locale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.config import Settings
from tenure.errors import ConfigError
from tenure.workspace import Deployment

from .conftest import SmtpSink
from .journey_world import customer_id, make_world

pytestmark = pytest.mark.slow

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)

THREE = """\
name: three
trigger: {type: event, event: usage_limit_reached}
steps:
  - id: one
    type: send
    channel: email
    subject: "Hello"
    text: "one"
    locales:
      de: {subject: "Hallo {{ customer.name }}"}
  - {id: two, type: send, channel: email, subject: Two, text: two}
  - {id: three, type: send, channel: email, subject: Three, text: three}
"""
OTHER = """\
name: other
trigger: {type: event, event: usage_limit_reached}
steps:
  - {id: extra, type: send, channel: email, subject: Other, text: other}
  - {id: note, type: send, channel: inapp, title: T, body: B}
"""


def _world(tmp_path: Path, smtp: SmtpSink, toml: str, journeys: dict[str, str]) -> Path:
    folder = tmp_path / "acme"
    events = [(i, "usage_limit_reached", NOW - dt.timedelta(hours=1)) for i in range(3)]
    make_world(
        folder, customers=3, events=events, journeys=journeys, smtp_port=smtp.port,
        extra_toml=toml,
    )  # fmt: skip
    return folder


def test_cap_holds_across_journeys_when_several_send_e_mail(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    toml = '[journeys]\ncaps = {email = "2/7d"}\n'
    folder = _world(tmp_path, smtp_sink, toml, {"three": THREE, "other": OTHER})
    with Deployment.open(folder, clock=FixedClock(NOW)) as d:
        result = d.run_journeys()["acme"]
        runs = {(r["journey"], r["step_id"], r["status"]): r["runs"]
                for r in d.store.step_runs(d.tenant("acme").id)}  # fmt: skip
    per_customer: dict[str, int] = {}
    for m in smtp_sink.messages:
        per_customer[str(m["To"])] = per_customer.get(str(m["To"]), 0) + 1
    assert per_customer == {f"c{i}@example.test": 2 for i in range(3)}
    assert result.capped == 3 * 2  # four e-mails a customer were due, two went out
    capped = sum(n for (j, s, st), n in runs.items() if st == "capped")
    assert capped == 6 and runs[("other", "note", "done")] == 3  # in-app has no cap


def test_quiet_hours_hold_e_mail_until_they_end_and_texts_follow_the_locale(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    toml = '[journeys]\nquiet_hours = "12:00-14:00"\n'
    folder = _world(tmp_path, smtp_sink, toml, {"three": THREE})
    clock = FixedClock(NOW)  # 13:00 in Berlin (quiet), 07:00 in New York, 12:00 UTC (quiet)
    with Deployment.open(folder, clock=clock) as d:
        d.run_journeys()
        assert sorted(str(m["To"]) for m in smtp_sink.messages) == ["c1@example.test"] * 3
        due = {e.customer_id: e.next_run_at for e in d.store.enrolments(d.tenant("acme").id)}
        assert due[customer_id(0)] == dt.datetime(2026, 11, 23, 13, tzinfo=dt.UTC)  # 14:00 CET
        assert due[customer_id(2)] == dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC)
        clock.at = dt.datetime(2026, 11, 23, 13, tzinfo=dt.UTC)
        d.run_journeys()
        assert sum(str(m["To"]) == "c0@example.test" for m in smtp_sink.messages) == 3
        assert sum(str(m["To"]) == "c2@example.test" for m in smtp_sink.messages) == 0
        clock.at = dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC)
        d.run_journeys()
    assert len(smtp_sink.messages) == 9 and len(set(smtp_sink.ids())) == 9
    german = [str(m["Subject"]) for m in smtp_sink.messages if str(m["To"]) == "c0@example.test"]
    assert german[0] == "Hallo Customer 0"
    english = [str(m["Subject"]) for m in smtp_sink.messages if str(m["To"]) == "c1@example.test"]
    assert english[0] == "Hello"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("caps", '{email = "often"}', "'3/7d'"),
        ("caps", '{sms = "1/1d"}', "email, webhook or inapp"),
        ("quiet_hours", '"late"', "HH:MM-HH:MM"),
    ],
)
def test_bad_caps_and_quiet_hours_name_the_setting(
    tmp_path: Path, key: str, value: str, words: str
) -> None:
    (tmp_path / "tenure.toml").write_text(f"[journeys]\n{key} = {value}\n")
    with pytest.raises(ConfigError, match=words) as info:
        Settings.load(tmp_path)
    assert info.value.location is not None and info.value.location.line == 2


def test_cli_previews_a_step_in_the_customers_locale_and_test_sends_it(
    tmp_path: Path, smtp_sink: SmtpSink
) -> None:
    from typer.testing import CliRunner

    from tenure.cli.main import app

    folder = _world(tmp_path, smtp_sink, "", {"three": THREE})
    runner = CliRunner()
    args = ["journeys", "preview", "three", "one", "--customer", customer_id(0), "-w", str(folder)]
    shown = runner.invoke(app, [*args, "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"subject": "Hallo Customer 0"' in shown.output and '"locale": "de"' in shown.output
    english = runner.invoke(app, [*args[:4], "--customer", customer_id(1), "-w", str(folder)])
    assert english.exit_code == 0 and "subject: Hello" in english.output
    wrong = runner.invoke(app, [*args[:3], "nope", "--customer", customer_id(0), "-w", str(folder)])
    assert wrong.exit_code == 2 and "no step 'nope'" in wrong.output
    sent = runner.invoke(
        app,
        ["journeys", "test-send", "three", "one", "--customer", customer_id(0),
         "--to", "qa@acme.test", "-w", str(folder)],
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    [message] = smtp_sink.messages
    assert str(message["To"]) == "qa@acme.test" and message["Subject"] == "[test] Hallo Customer 0"
