"""Cancel-flow measurement on a real SQLite store, checked against numbers worked by hand."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.measure.intervals import difference_in_proportions, wilson
from tenure.store.operational import CancelFlowRow
from tenure.workspace import Workspace

AT = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
BOTH = ["discount_25_3m", "downgrade"]
# id, reason, control, offers, segments, accepted, outcome, mrr before, after, cost
FLOWS = [
    ("f1", "too_expensive", False, BOTH, ["high_ltv"], "discount_25_3m", "saved", 100, 75, 75),
    ("f2", "too_expensive", False, BOTH, [], None, "canceled", 50, 0, 0),
    ("f3", "too_expensive", False, BOTH, ["high_ltv"], "downgrade", "downgraded", 80, 40, 0),
    ("f4", "temporary_budget", False, ["pause_3m", "discount_25_3m"], [], "pause_3m",
     "paused", 60, 0, 180),
    ("c1", "too_expensive", True, [], [], None, "canceled", 100, 0, 0),
    ("c2", "too_expensive", True, [], [], None, "saved", 30, 30, 0),
    ("c3", "temporary_budget", True, [], [], None, "canceled", 20, 0, 0),
]  # fmt: skip


def record(ws: Workspace, *, open_flow: bool = True) -> None:
    """The flows above, finished, and one still open (not counted)."""
    tenant = ws._tenant_id
    rows = [
        {
            "id": f[0], "tenant_id": tenant, "customer_id": f"cus_{f[0]}", "status": "finished",
            "started_at": AT, "segments": f[4], "currency": "USD", "mrr_before": f[7],
            "reason": f[1], "control": f[2], "offers": f[3], "accepted_offer": f[5],
            "outcome": f[6], "mrr_after": f[8], "mrr_effect": f[8] - f[7], "discount_cost": f[9],
        }
        for f in FLOWS
    ]  # fmt: skip
    if open_flow:
        rows.append(
            {"id": "open", "tenant_id": tenant, "customer_id": "cus_x", "status": "answered",
             "started_at": AT, "segments": [], "currency": "USD", "mrr_before": 10.0}
        )  # fmt: skip
    with ws.operational.engine.begin() as con:
        for row in rows:
            con.execute(CancelFlowRow.__table__.insert().values(**row))


def test_report_matches_the_hand_worked_numbers(ws: Workspace) -> None:
    record(ws)
    report = ws.cancel_flow_report()
    assert report.flows == 7  # the open flow is not counted
    rows = {(r["dimension"], r["group"]): r for r in report.rows.to_dicts()}
    everything = rows[("all", "all")]
    assert (everything["flows"], everything["saves"], everything["control_flows"]) == (4, 3, 3)
    assert everything["save_rate"] == 0.75
    assert everything["save_rate_low"] == pytest.approx(wilson(3, 4).low)
    assert everything["lift"] == pytest.approx(0.75 - 1 / 3)
    assert everything["lift_low"] == pytest.approx(difference_in_proportions(3, 4, 1, 3).low)
    assert everything["saved_mrr"] == 200  # 100 kept + 40 downgraded + 60 paused
    assert everything["discount_cost"] == 255
    # net per flow: (1125 + 0 + 480 + 540) / 4 offered vs (0 + 360 + 0) / 3 control
    assert everything["net_per_flow"] == pytest.approx(536.25 - 120)
    assert everything["net_impact"] == pytest.approx((536.25 - 120) * 4)
    assert everything["net_per_flow_low"] < everything["net_per_flow"]

    expensive = rows[("reason", "too_expensive")]
    assert (expensive["flows"], expensive["saves"], expensive["control_flows"]) == (3, 2, 2)
    assert expensive["control_save_rate"] == 0.5

    discount = rows[("offer", "discount_25_3m")]
    assert (discount["flows"], discount["accepted"], discount["saves"]) == (4, 1, 3)
    assert discount["control_flows"] == 3  # control flows of the reasons that showed it
    pause = rows[("offer", "pause_3m")]
    assert (pause["flows"], pause["accepted"], pause["control_flows"]) == (1, 1, 1)

    high = rows[("segment", "high_ltv")]
    assert (high["flows"], high["saves"], high["control_flows"]) == (2, 2, 0)
    assert math.isnan(high["lift"])  # no control flow in the segment: no lift to claim
    assert report.webhooks["note"] and "[webhooks] url is not set" in report.webhooks["note"]


def test_empty_workspace_reports_nothing_and_says_webhooks_are_off(ws: Workspace) -> None:
    report = ws.cancel_flow_report()
    assert report.flows == 0 and report.rows.is_empty()
    assert report.webhooks["sent"] == 0 and "nothing is sent" in report.webhooks["note"]


def test_cli_report_prints_a_table_and_json(ws: Workspace) -> None:
    record(ws, open_flow=False)
    runner = CliRunner()
    result = runner.invoke(app, ["offers", "report", "-w", str(ws.root), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["flows"] == 7 and payload["currency"] == "USD"
    first = payload["rows"][0]
    assert (first["dimension"], first["group"], first["saves"]) == ("all", "all", 3)
    high = next(r for r in payload["rows"] if r["group"] == "high_ltv")
    assert high["lift"] is None  # NaN becomes null
    table = runner.invoke(app, ["offers", "report", "-w", str(ws.root)])
    assert table.exit_code == 0, table.output
    assert "Cancel flows: 7 finished" in table.output and "too_expensive" in table.output
    assert "[webhooks] url is not set" in table.output


def test_cli_reports_one_tenant_of_a_deployment(tmp_path: Path) -> None:
    from tenure.workspace import Deployment

    folder = tmp_path / "deployment"
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        for slug in ("acme", "other"):
            deployment.create_tenant(slug)
        acme = deployment.tenant("acme")
        with deployment.workspace(acme) as ws:
            record(ws, open_flow=False)  # bound to the deployment's store as acme
            assert ws.cancel_flow_report().flows == 7
        with deployment.workspace(deployment.tenant("other")) as ws:
            assert ws.cancel_flow_report().flows == 0  # another tenant sees none of them
    runner = CliRunner()
    result = runner.invoke(
        app, ["offers", "report", "-w", str(folder), "--tenant", "acme", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["flows"] == 7
    missing = runner.invoke(app, ["offers", "report", "-w", str(folder), "--tenant", "nope"])
    assert missing.exit_code == 2 and "no tenant 'nope'" in missing.output
