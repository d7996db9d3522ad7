"""The shipped playbooks (playbooks/*.yaml): each is valid, and each runs on the demo world.

The demo workspace (1000 customers, 18 months) is refreshed on three weekly days (so
health can cross a threshold), made a deployment of itself, and the worker runs every
playbook through a real SMTP server and a real HTTP receiver.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from tenure.act.journeys import load_journey, load_journeys
from tenure.act.outbox import status_counts
from tenure.clock import FixedClock
from tenure.errors import ConfigError
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
        "onboarding-by-role", "winback-series", "feature-asked-live",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("trigger: {type: new_user}\nreenter: true\nsteps:\n  - {id: x, type: exit}\n",
         "reenter does not apply"),
        ("trigger: {type: event, event: e}\nsteps:\n"
         "  - {id: b, type: branch, user: {role: admin}, then: x}\n  - {id: x, type: exit}\n",
         "new_user trigger"),
        ("trigger: {type: feature_request, features: {SSO: []}}\nsteps:\n  - {id: x, type: exit}\n",
         "at least one non-empty keyword"),
        ("trigger: {type: churned}\ngoal: {mrr: comeback}\nsteps:\n  - {id: x, type: exit}\n",
         "goal.mrr"),
        ("trigger: {type: schedule, every: 7d, segment: s, condition: 'mrr > 0'}\n"
         "steps:\n  - {id: x, type: exit}\n", "a segment or a condition, not both"),
        ("trigger: {type: schedule, every: 7d, condition: 'no_such_field > 0'}\n"
         "steps:\n  - {id: x, type: exit}\n", "no_such_field"),
        ("trigger: {type: churned}\ngoal: {mrr: reactivation, event: e}\n"
         "steps:\n  - {id: x, type: exit}\n", "exactly one of event, segment or mrr"),
    ],
)  # fmt: skip
def test_user_churn_and_feature_journeys_are_checked_when_loaded(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "j.yaml"
    path.write_text("name: j\n" + text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_journey(path)


def _identified_users(ws: Workspace) -> dict[str, set[str]]:
    """Each e-mail -> its users' roles, from the identify calls (the warehouse, read directly).

    The demo has a few namesakes at one company, so an address may have two users.
    """
    e = ws.warehouse.ibis.table("events")
    e = e.filter(e.type == "identify")
    rows = e.select(traits=e.traits.cast("string"), at=e.occurred_at).to_polars()
    roles: dict[str, set[str]] = {}
    for row in rows.sort("at").iter_rows(named=True):
        traits = json.loads(row["traits"])
        if traits.get("email") and traits.get("role"):
            roles.setdefault(traits["email"], set()).add(traits["role"])
    return roles


def _asked(ws: Workspace, features: dict[str, list[str]]) -> set[tuple[str, str]]:
    """``(customer_id, feature)`` of feedback or tickets naming a keyword before its release."""
    con = ws.warehouse.ibis
    e = con.table("events")
    e = e.filter(e.event == "Feature Released")
    released = e.select(p=e.properties.cast("string"), t=e.occurred_at).to_polars()
    at = {json.loads(p)["feature"]: t for p, t in released.rows()}
    f = con.table("feedback").select("customer_id", text="comment", at="submitted_at").to_polars()
    t = con.table("support_tickets").select("customer_id", text="subject", at="opened_at")
    texts = pl.concat([f, t.to_polars()]).drop_nulls("text")
    pairs = set()
    for feature, words in features.items():
        if feature not in at:
            continue
        hit = pl.any_horizontal(
            [pl.col("text").str.to_lowercase().str.contains(w, literal=True) for w in words]
        )
        for (c,) in texts.filter(hit & (pl.col("at") < at[feature])).select("customer_id").rows():
            pairs.add((c, feature))
    return pairs


def _cancel_reasons(ws: Workspace) -> dict[str, str]:
    """Each customer's e-mail -> why they left (docs/winback.md, "Why they left")."""
    con = ws.warehouse.ibis
    f = con.table("feedback")
    f = f.filter(f.kind == "cancel_reason").select("customer_id", "cancel_reason", "submitted_at")
    survey = f.to_polars().sort("submitted_at").group_by("customer_id").last()
    s = con.table("subscriptions")
    s = s.filter(s.ended_at.notnull()).select(
        "customer_id", "ended_at", "cancellation_reason", "cancellation_feedback"
    )
    ended = s.to_polars().sort("ended_at").group_by("customer_id").last()
    stripe = {"unused": "not_using", "low_quality": "technical_issues"}
    stripe |= {"customer_service": "poor_support", "switched_service": "switched_competitor"}
    frame = ended.join(survey, on="customer_id", how="full", coalesce=True).with_columns(
        reason=pl.when(pl.col("cancellation_reason").is_in(["payment_failed", "payment_disputed"]))
        .then(pl.lit("payment_failed"))
        .otherwise(pl.coalesce("cancel_reason", pl.col("cancellation_feedback").replace(stripe)))
    )
    c = con.table("customers").select("customer_id", "email").to_polars()
    return dict(frame.join(c, on="customer_id").select("email", "reason").rows())


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
    with Workspace.open(folder) as ws:
        roles = _identified_users(ws)
        feature_file = load_journey(PLAYBOOKS / "feature-asked-live.yaml").trigger
        asked = _asked(ws, feature_file.features)  # type: ignore[union-attr]
        reasons = _cancel_reasons(ws)
        p = ws.warehouse.ibis.table("customer_profiles")
        p = p.filter(p.as_of == p.as_of.max())
        not_activated = p.filter(~p.key_action_done).count().to_pyarrow().as_py()
        detractors = p.filter(p.nps_last <= 6).count().to_pyarrow().as_py()
    entered = Counter()
    for row in counts["enrolments"]:
        entered[row["journey"]] += row["enrolments"]
    assert all(entered[j] > 0 for j in (
        "usage-limit-upgrade", "payment-failed", "at-risk-save", "activation-nudge",
        "nps-detractor", "trial-ending", "card-expiry",
        "onboarding-by-role", "winback-series", "feature-asked-live",
    )), entered  # fmt: skip
    # a schedule with a condition enrols exactly the customers whose latest profile meets it
    assert entered["activation-nudge"] == not_activated > 0
    assert entered["nps-detractor"] == detractors > 0
    done = Counter()
    for row in counts["steps"]:
        if row["status"] == "done":
            done[(row["journey"], row["step_id"])] += row["runs"]
    subjects = Counter(str(m["Subject"]) for m in smtp_sink.messages)
    assert sum(subjects.values()) == sum(
        n for (j, s), n in done.items() if (j, s) in {
            ("usage-limit-upgrade", "mail"), ("trial-ending", "reminder"),
            ("card-expiry", "ask"), ("payment-failed", "tell"), ("at-risk-save", "check-in"),
            ("onboarding-by-role", "admin-welcome"), ("onboarding-by-role", "editor-welcome"),
            ("onboarding-by-role", "viewer-welcome"), ("feature-asked-live", "tell"),
            ("winback-series", "first"),
        }
    )  # fmt: skip
    assert any(s.endswith("unlock more with a paid plan") for s in subjects)
    assert subjects["Your payment did not go through"] > 0
    assert outbox["sent"] == done[("payment-failed", "backend")] == len(http_sink.posts)
    titles = {t.title.split(":")[0] for t in tasks}
    assert any(t.startswith("Call ") for t in titles)
    assert any(t.startswith("Follow up on") for t in titles)
    assert all(m["List-Unsubscribe"] for m in smtp_sink.messages)
    _check_new_playbooks(smtp_sink, entered, done, roles, asked, reasons)


_FIRST_WINBACK = {  # the win-back's first subject by cancel reason ([winback] offers)
    "too_expensive": "Come back for less", "temporary_budget": "Come back for less",
    "technical_issues": "We fixed what got in your way",
    "not_using": "Let us set it up with you", "too_complex": "Let us set it up with you",
    "poor_support": "A named contact for", "payment_failed": "Pick up where you left",
}  # fmt: skip


def _check_new_playbooks(
    smtp_sink: SmtpSink,
    entered: Counter[str],
    done: Counter[tuple[str, str]],
    roles: dict[str, set[str]],
    asked: set[tuple[str, str]],
    reasons: dict[str, str],
) -> None:
    """Onboarding by role, the win-back series and the feature announcement sent as meant."""
    by_role = {"admin": "set up", "editor": "build your first report", "viewer": "the dashboards"}
    de_role = {"admin": "einrichten", "editor": "Ihr erster Bericht", "viewer": "die Dashboards"}
    seen_roles = Counter()
    for m in smtp_sink.messages:
        subject, to = str(m["Subject"]), str(m["To"])
        role = next((r for r, w in by_role.items() if w in subject), None)
        role = role or next((r for r, w in de_role.items() if w in subject), None)
        if role is None:
            continue
        # a new user's onboarding goes to that user, with their role's content
        assert role in roles.get(to, set()), (to, subject)
        seen_roles[role] += 1
    assert set(seen_roles) == {"admin", "editor", "viewer"}, seen_roles
    assert sum(seen_roles.values()) == sum(
        n for (j, _), n in done.items() if j == "onboarding-by-role" and _.endswith("-welcome")
    )
    # each customer who named a released feature before it shipped entered once per feature
    assert entered["feature-asked-live"] == len(asked) > 0
    live = re.compile(r"^(?:You asked for it|Sie haben danach gefragt): (.+) (?:is live|ist da)$")
    told = [m for m in smtp_sink.messages if live.match(str(m["Subject"]))]
    features = {live.match(str(m["Subject"])).group(1) for m in told}  # type: ignore[union-attr]
    assert features == {f for _, f in asked}
    assert len(told) == done[("feature-asked-live", "tell")] > 0
    # the win-back's first mail follows why the customer it went to left
    firsts, by_reason = 0, Counter[str]()
    for m in smtp_sink.messages:
        subject = str(m["Subject"])
        firsts_of = ("Come back", "We fixed", "Let us set", "A named", "We miss", "Pick up where")
        if not subject.startswith(firsts_of):
            continue
        firsts += 1
        expected = _FIRST_WINBACK.get(reasons.get(str(m["To"]), "other"), "We miss you")
        assert subject.startswith(expected), (m["To"], reasons.get(str(m["To"])), subject)
        by_reason[reasons.get(str(m["To"]), "other")] += 1
        if subject.startswith("Come back for less"):  # the message names their last plan
            text = m.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
            assert re.search(r"a cheaper plan than (Starter|Pro|Business)\.", text), text
    assert firsts == done[("winback-series", "first")] > 0
    assert by_reason["payment_failed"] > 0, by_reason  # an involuntary churn: update the card


@pytest.mark.slow
def test_mrr_goal_converts_exactly_the_customers_whose_mrr_came_back(
    demo_workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo_workspace, folder)
    (folder / "journeys").mkdir()
    (folder / "journeys" / "comeback.yaml").write_text(
        "name: comeback\ntrigger: {type: schedule, every: 1d}\ngoal: {mrr: reactivation}\n"
        "steps:\n  - {id: wait, type: wait, duration: 30d}\n",
        encoding="utf-8",
    )
    start = NOW - dt.timedelta(days=200)
    Deployment.upgrade(folder)
    clock = FixedClock(start)
    with Deployment.open(folder, clock=clock) as d:
        d.create_tenant("demo", name="Demo", folder=".")
        for days in (0, 31):
            clock.at = start + dt.timedelta(days=days)
            d.run_journeys()
        enrolments = d.store.enrolments(d.tenant("demo").id, journey="comeback")
    with Workspace.open(folder) as ws:
        ch = ws.warehouse.ibis.table("mrr_changes")
        back = ch.filter((ch.movement == "reactivation") & (ch.day >= start.date()))
        expected = set(back.select("customer_id").to_pyarrow().column(0).to_pylist())
    assert len(enrolments) > 100
    converted = {e.customer_id for e in enrolments if e.status == "converted"}
    assert converted == expected & {e.customer_id for e in enrolments} != set()
    assert {e.status for e in enrolments} == {"converted", "completed"}
