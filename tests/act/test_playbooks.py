"""The shipped playbooks (playbooks/*.yaml): each is valid, and each runs on the demo world.

The demo workspace (1000 customers, 18 months) is refreshed on three weekly days (so
health can cross a threshold), made a deployment of itself, and the worker runs every
playbook through a real SMTP server and a real HTTP receiver.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import pytest

from tenure.act.journeys import load_journeys
from tenure.act.outbox import status_counts
from tenure.clock import FixedClock
from tenure.workspace import Deployment, Workspace

from .conftest import HttpSink, SmtpSink
from .journey_world import UNSUBSCRIBE_SECRET, WEBHOOK_SECRET

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # the demo world's last day


def test_every_playbook_is_a_valid_journey() -> None:
    names = {j.name for j in load_journeys(PLAYBOOKS)}
    assert names == {
        "activation-nudge", "at-risk-save", "card-expiry", "nps-detractor",
        "payment-failed", "trial-ending", "usage-limit-upgrade",
    }  # fmt: skip


@pytest.mark.slow
def test_playbooks_run_end_to_end_on_the_demo_world(
    demo_workspace: Path, tmp_path: Path, smtp_sink: SmtpSink, http_sink: HttpSink
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo_workspace, folder)
    with Workspace.open(folder) as ws:
        ws.refresh(since=NOW.date() - dt.timedelta(days=14), every_days=7)
    with (folder / "tenure.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            f'\n[email]\nport = {smtp_sink.port}\nunsubscribe_secret = "{UNSUBSCRIBE_SECRET}"\n'
            f'[webhooks]\nurl = "{http_sink.url}"\nsecret = "{WEBHOOK_SECRET}"\n'
            "[journeys]\nlookback_hours = 480\ncontrol_share = 0.1\n"
        )
    shutil.copytree(PLAYBOOKS, folder / "journeys")
    Deployment.upgrade(folder)
    clock = FixedClock(NOW)
    with Deployment.open(folder, clock=clock) as d:
        d.create_tenant("demo", name="Demo", folder=".")
        for days in (0, 1, 15):  # past the waits (hours, the next morning, 14 days)
            clock.at = NOW + dt.timedelta(days=days)
            d.run_journeys()
        tenant = d.tenant("demo")
        counts = d.journey_counts("demo")
        tasks = d.tasks("demo")
        outbox = status_counts(d.store.engine, tenant_id=tenant.id)
    entered = Counter()
    for row in counts["enrolments"]:
        entered[row["journey"]] += row["enrolments"]
    assert all(entered[j] > 0 for j in (
        "usage-limit-upgrade", "payment-failed", "at-risk-save", "activation-nudge",
        "nps-detractor", "trial-ending", "card-expiry",
    )), entered  # fmt: skip
    done = Counter()
    for row in counts["steps"]:
        if row["status"] == "done":
            done[(row["journey"], row["step_id"])] += row["runs"]
    subjects = Counter(str(m["Subject"]) for m in smtp_sink.messages)
    assert sum(subjects.values()) == sum(
        n for (j, s), n in done.items() if (j, s) in {
            ("usage-limit-upgrade", "mail"), ("trial-ending", "reminder"),
            ("card-expiry", "ask"), ("payment-failed", "tell"), ("at-risk-save", "check-in"),
        }
    )  # fmt: skip
    assert any(s.endswith("unlock more with a paid plan") for s in subjects)
    assert subjects["Your payment did not go through"] > 0
    assert outbox["sent"] == done[("payment-failed", "backend")] == len(http_sink.posts)
    titles = {t.title.split(":")[0] for t in tasks}
    assert any(t.startswith("Call ") for t in titles)
    assert any(t.startswith("Follow up on") for t in titles)
    assert all(m["List-Unsubscribe"] for m in smtp_sink.messages)
