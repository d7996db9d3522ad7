"""Each trigger's query on a real DuckDB warehouse: who enters in a window, and by which key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenure.act.journeys import Journey, triggered
from tenure.workspace import Workspace

from .journey_world import make_world

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def _journey(trigger: dict[str, object], *, reenter: bool = True) -> Journey:
    return Journey.model_validate(
        {
            "name": "t",
            "trigger": trigger,
            "reenter": reenter,
            "steps": [{"id": "x", "type": "exit"}],
        }
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("triggers") / "acme"
    events = [
        (0, "usage_limit_reached", NOW - 2 * DAY),
        (1, "usage_limit_reached", NOW - dt.timedelta(hours=3)),
        (1, "usage_limit_reached", NOW - dt.timedelta(hours=2)),
        (2, "report_created", NOW - dt.timedelta(hours=2)),
    ]
    make_world(folder, customers=6, events=events, journeys={})
    data = folder / "data"
    (data / "payments.csv").write_text(
        "charge_id,customer_id,amount_minor,currency,status,card_exp_month,card_exp_year,created_at\n"
        "ch_old,cus_00000,1000,USD,succeeded,12,2026,2026-10-01T00:00:00Z\n"
        "ch_fail,cus_00003,1000,USD,failed,12,2026,2026-11-23T08:00:00Z\n"
        "ch_ok,cus_00004,1000,USD,succeeded,3,2027,2026-11-01T00:00:00Z\n"
    )
    (data / "subscriptions.csv").write_text(
        "subscription_id,customer_id,status,created_at,trial_end_at\n"
        "sub_a,cus_00001,trialing,2026-11-10T00:00:00Z,2026-11-26T06:00:00Z\n"
        "sub_b,cus_00002,trialing,2026-11-10T00:00:00Z,2026-12-20T00:00:00Z\n"
        "sub_c,cus_00005,active,2026-11-10T00:00:00Z,2026-11-26T06:00:00Z\n"
    )
    with Workspace.open(folder) as ws:
        for name in ("payments", "subscriptions"):
            [r] = ws.ingest([data / f"{name}.csv"], format="table")
            assert r.rejects == 0, ws.rejects()
        con = ws.warehouse.con
        con.execute(
            "CREATE TABLE segment_members (segment VARCHAR, customer_id VARCHAR, as_of DATE)"
        )
        con.execute(
            "INSERT INTO segment_members VALUES "
            "('at_risk', 'cus_00000', DATE '2026-11-21'), "
            "('at_risk', 'cus_00001', DATE '2026-11-21'), "
            "('at_risk', 'cus_00001', DATE '2026-11-22'), "
            "('at_risk', 'cus_00002', DATE '2026-11-22'), "
            "('other', 'cus_00003', DATE '2026-11-22')"
        )
        con.execute(
            "CREATE TABLE customer_profiles (customer_id VARCHAR, as_of DATE, health DOUBLE, "
            "churn_probability DOUBLE)"
        )
        con.execute(
            "INSERT INTO customer_profiles VALUES "
            "('cus_00000', DATE '2026-11-21', 60, 0.1), ('cus_00000', DATE '2026-11-22', 35, 0.6),"
            "('cus_00001', DATE '2026-11-21', 40, 0.2), ('cus_00001', DATE '2026-11-22', 45, 0.3),"
            "('cus_00002', DATE '2026-11-21', 30, 0.7), ('cus_00002', DATE '2026-11-22', 20, 0.8)"
        )
    return folder


def _found(world: Path, journey: Journey, since: dt.datetime, now: dt.datetime = NOW) -> list:
    with Workspace.open(world) as ws:
        return sorted(triggered(ws.warehouse.ibis, journey, since=since, now=now))


def test_event_trigger_keys_each_event_in_the_window_and_once_without_reenter(world: Path) -> None:
    t = {"type": "event", "event": "usage_limit_reached"}
    assert _found(world, _journey(t), NOW - DAY) == [("cus_00001", "m-1"), ("cus_00001", "m-2")]
    assert _found(world, _journey(t, reenter=False), NOW - 3 * DAY) == [
        ("cus_00000", "once"), ("cus_00001", "once"),
    ]  # fmt: skip


def test_segment_trigger_finds_entries_and_exits_by_day(world: Path) -> None:
    enter = _journey({"type": "segment", "segment": "at_risk", "change": "enter"})
    leave = _journey({"type": "segment", "segment": "at_risk", "change": "leave"})
    since = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)  # after the first day
    assert _found(world, enter, since) == [("cus_00002", "2026-11-22")]
    assert _found(world, leave, since) == [("cus_00000", "2026-11-22")]


def test_score_trigger_fires_on_a_crossing_between_two_days_only(world: Path) -> None:
    below = _journey({"type": "score", "score": "health", "crosses": "below", "threshold": 40})
    above = _journey({"type": "score", "score": "churn_risk", "crosses": "above", "threshold": 0.5})
    since = NOW - 5 * DAY
    # customer 2 was below 40 on both days: no crossing
    assert _found(world, below, since) == [("cus_00000", "2026-11-22")]
    assert _found(world, above, since) == [("cus_00000", "2026-11-22")]


def test_billing_triggers_find_failed_payments_trials_and_cards(world: Path) -> None:
    failed = _journey({"type": "billing", "billing": "payment_failed"})
    assert _found(world, failed, NOW - DAY) == [("cus_00003", "ch_fail")]
    trial = _journey({"type": "billing", "billing": "trial_ending", "days_before": 3})
    # sub_a's trial ends 2026-11-26 06:00, within 3 days of now; sub_c is not trialing
    assert _found(world, trial, NOW - DAY) == [("cus_00001", "sub_a:2026-11-26")]
    card = _journey({"type": "billing", "billing": "card_expiring", "days_before": 30})
    # the cards of cus_00000 and cus_00003 (their latest payments: 12/2026) stop working on
    # 2027-01-01, 30 days before is 2026-12-02; cus_00004's (3/2027) is later
    assert _found(world, card, NOW - DAY) == []
    later = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
    assert _found(world, card, later - DAY, later) == [
        ("cus_00000", "card:2026-12"), ("cus_00003", "card:2026-12"),
    ]  # fmt: skip


def test_schedule_trigger_enrols_once_per_period(world: Path) -> None:
    weekly = _journey({"type": "schedule", "every": "7d", "segment": "at_risk"})
    found = _found(world, weekly, NOW - 8 * DAY)
    assert [c for c, _ in found] == ["cus_00001", "cus_00002"]  # the latest day's members
    period = int(NOW.timestamp() // (7 * 86400))
    assert {k for _, k in found} == {f"every:{period}"}
    start = dt.datetime.fromtimestamp(period * 7 * 86400, dt.UTC)
    assert _found(world, weekly, start) == []  # the period's enrolment was made already
