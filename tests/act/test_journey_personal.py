"""Personal template variables: metrics, risk, reasons, segment and offers (docs/journeys.md).

The preview and the worker render the same values, read from what the daily refresh
stored; a template that uses a variable templates do not have fails when the file loads,
and one that reads a missing attribute fails the preview, both naming the file, the line
and the variable.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from tenure.act.journeys import TemplateRenderError, load_journey, personal_context
from tenure.clock import FixedClock
from tenure.config import Settings
from tenure.errors import ConfigError
from tenure.workspace import Deployment, Workspace

from .journey_world import customer_id, make_world

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # the demo world's last day

QUOTE = """\
name: quote
trigger: {type: schedule, every: 1d, segment: at_risk}
steps:
  - id: note
    type: send
    channel: inapp
    title: "{{ metrics.plan }}|{{ metrics.mrr }}|{{ metrics.tenure_days }}|{{ metrics.seats }}"
    body: >-
      {{ risk.health }}|{{ risk.health_band }}|{{ risk.churn_pct }}|{{ reasons | join(';') }}|{{
      segment.names | join(',') }}|{% if offers.best %}{{ offers.best.name }}{% endif %}
"""


@pytest.mark.slow
def test_preview_and_worker_render_a_demo_customers_stored_numbers_reasons_and_segments(
    trained_workspace: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(trained_workspace, folder)
    clock = FixedClock(NOW)
    with Workspace.open(folder, clock=clock) as ws:
        ws.refresh(since=NOW.date(), every_days=7)
        con = ws.warehouse.ibis
        p = con.table("customer_profiles")
        p = p.filter((p.as_of == NOW.date()) & (p.mrr > 0) & (p.health < 40))
        profiles = {r["customer_id"]: r for r in p.to_pyarrow().to_pylist()}
        s = con.table("churn_scores")
        s = s.filter(s.as_of == NOW.date()).select("customer_id", "reasons_en")
        reasons = {r["customer_id"]: r["reasons_en"] for r in s.to_pyarrow().to_pylist()}
        m = con.table("segment_members")
        m = m.filter(m.as_of == NOW.date())
        segments: dict[str, list[str]] = {}
        for r in m.to_pyarrow().to_pylist():
            segments.setdefault(r["customer_id"], []).append(r["segment"])
        c = con.table("customers").select("customer_id", "locale").to_pyarrow().to_pylist()
        locales = {r["customer_id"]: r["locale"] for r in c}
    english = [c for c in sorted(profiles) if not str(locales.get(c) or "").startswith("de")]
    assert english, "the demo has paying English customers in poor health"
    (folder / "journeys").mkdir()
    (folder / "journeys" / "quote.yaml").write_text(QUOTE, encoding="utf-8")

    def expected(cid: str) -> tuple[str, list[str]]:
        row = profiles[cid]
        title = "|".join(
            str(v)
            for v in (
                row["plan"], round(row["mrr"], 2), int(row["account_age_days"]), int(row["seats"])
            )
        )  # fmt: skip
        said = reasons[cid]
        said = json.loads(said) if isinstance(said, str) else said
        return title, list(said)

    with Workspace.open(folder, clock=clock) as ws:
        for cid in english[:3]:
            shown = ws.journey_preview("quote", "note", cid)
            title, said = expected(cid)
            assert shown["title"] == title
            health, band, pct, text, names, offer = shown["body"].split("|")
            row = profiles[cid]
            assert float(health) == pytest.approx(row["health"]) and band == row["health_band"]
            assert int(pct) == round(100 * row["churn_probability"])
            assert text == ";".join(said) and said, "the stored plain-language reasons"
            assert names.split(",") == sorted(segments[cid]) and "at_risk" in names
            assert offer  # the offer policy chose something ([offers] rules end with '*')

    Deployment.upgrade(folder)
    with Deployment.open(folder, clock=clock) as d:
        d.create_tenant("demo", name="Demo", folder=".")
        d.run_journeys()
        tenant = d.tenant("demo")
        with Workspace.open(folder, clock=clock) as ws:
            for cid in english[:3]:
                [message] = d.inbox(tenant, cid)
                shown = ws.journey_preview("quote", "note", cid)
                assert (message.title, message.body) == (shown["title"], shown["body"])


def test_a_template_using_an_unknown_variable_fails_loading_with_file_line_and_name(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\n"
        "trigger: {type: event, event: x}\n"
        "steps:\n"
        "  - id: mail\n"
        "    type: send\n"
        "    channel: email\n"
        "    subject: Hi\n"
        "    text: |\n"
        "      Hello {{ customer.name }},\n"
        "      your risk is {{ riskk.health }}.\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="'riskk'") as info:
        load_journey(path)
    assert info.value.location is not None
    assert (info.value.location.file, info.value.location.line) == (path, 10)
    assert info.value.location.field == "steps.0.text"
    assert "bad.yaml, line 10, steps.0.text" in str(info.value)


def test_unsubscribe_url_outside_an_e_mail_and_broken_jinja_fail_loading(tmp_path: Path) -> None:
    inapp = tmp_path / "inapp.yaml"
    inapp.write_text(
        "name: inapp\ntrigger: {type: event, event: x}\nsteps:\n"
        "  - {id: n, type: send, channel: inapp, title: T, body: 'Bye {{ unsubscribe_url }}'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"'unsubscribe_url'.*e-mail texts only") as info:
        load_journey(inapp)
    assert info.value.location is not None and info.value.location.line == 4
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "name: broken\ntrigger: {type: event, event: x}\nsteps:\n"
        "  - id: t\n    type: task\n    title: Call\n    note: |\n"
        "      fine\n      {% if risk %}no end\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="not valid Jinja") as info:
        load_journey(broken)
    assert info.value.location is not None and info.value.location.field == "steps.0.note"


def test_personal_variables_are_none_without_a_stored_day_and_offers_follow_the_policy() -> None:
    settings = Settings()
    out = personal_context("cus_1", None, locale="de", settings=settings, today=NOW.date())
    assert out["metrics"] is None and out["risk"] is None and out["reasons"] is None
    assert out["segment"] == {"names": [], "value": [], "rfm": None, "rule": []}
    # no stated reason: the policy's '*' rule (pause_1m), unless in its control group
    assert out["offers"]["reason"] is None
    assert [o["name"] for o in out["offers"]["items"]] in (["pause_1m"], [])
    row = {
        "p_as_of": NOW.date(), "p_mrr": 100.0, "p_plan": "pro", "p_account_age_days": 400.7,
        "p_health": 31.5, "p_health_band": "red", "p_churn_probability": 0.42,
        "s_as_of": NOW.date(), "s_reasons_en": ["few logins"], "s_reasons_de": ["wenige Logins"],
        "m_segments": ["rfm_at_risk", "at_risk", "pro_users"], "f_reason": "too_expensive",
    }  # fmt: skip
    out = personal_context("cus_2", row, locale="de-AT", settings=settings, today=NOW.date())
    assert out["metrics"]["tenure_days"] == 400 and out["metrics"]["tenure_months"] == 13
    assert out["risk"]["churn_pct"] == 42 and out["reasons"] == ["wenige Logins"]
    assert out["segment"] == {
        "names": ["at_risk", "pro_users", "rfm_at_risk"], "value": ["at_risk"],
        "rfm": "rfm_at_risk", "rule": ["pro_users"],
    }  # fmt: skip
    if not out["offers"]["control"]:
        best = out["offers"]["best"]
        assert (best["name"], best["percent"], best["months"]) == ("discount_25_3m", 25, 3)
    recent = {**row, "d_last": dt.datetime(2026, 9, 1)}  # a discount 2 months ago
    again = personal_context("cus_2", recent, locale="en", settings=settings, today=NOW.date())
    assert all(o["kind"] != "discount" for o in again["offers"]["items"])  # cooldown holds


@pytest.mark.slow
def test_preview_of_a_missing_attribute_names_file_line_and_variable(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "acme"
    journey = (
        "name: nudge\n"
        "trigger: {type: event, event: x}\n"
        "steps:\n"
        "  - id: n\n"
        "    type: send\n"
        "    channel: inapp\n"
        "    title: Hi\n"
        "    body: |\n"
        "      {{ segment.names | length }} segments\n"
        "      health {{ risk.health }}\n"
    )
    make_world(folder, customers=2, events=[], journeys={"nudge": journey})
    with Workspace.open(folder) as ws, pytest.raises(TemplateRenderError) as info:
        ws.journey_preview("nudge", "n", customer_id(1))
    err = info.value
    assert err.variable == "risk.health"  # no stored score: risk is None
    assert err.location is not None
    assert err.location.file == folder / "journeys" / "nudge.yaml" and err.location.line == 10
    assert "nudge.yaml, line 10, steps.0.body" in str(err) and "'risk.health'" in str(err)
