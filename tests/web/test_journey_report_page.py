"""A journey's dashboard page shows its report: tables per measure and charts with intervals.

The world is ``tests/workspace/journey_report_world.py`` (retention per arm known); the
server runs in a thread at the report's clock. The numbers on the page are checked
against the report, and the page is opened in chromium (Playwright) to see both plotly
charts drawn with their error bars and no console error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.workspace import Deployment
from tests.act.conftest import serving
from tests.workspace.journey_report_world import REPORT_AT, Truth, build

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a-long-password"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Truth]:
    folder = tmp_path_factory.mktemp("journey-page") / "acme"
    truth = build(folder, smtp_port=2525)
    with Deployment.open(folder) as d:
        d.add_user("cs@acme.test", tenant="acme", password=PASSWORD)
    return folder, truth


@pytest.fixture
def served(world: tuple[Path, Truth]) -> Iterator[str]:
    folder, _ = world
    with serving(folder, clock=FixedClock(REPORT_AT)) as client:
        yield str(client.base_url).rstrip("/")


def _cells(html: str, table: str) -> dict[str, list[str]]:
    body = re.search(rf'<table id="{table}">.*?</table>', html, re.S)
    assert body is not None, table
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", body[0], re.S)
    return {
        name: [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for name, r in rows
    }


def test_the_page_tables_show_the_report_numbers_per_arm_and_variant(
    world: tuple[Path, Truth], served: str
) -> None:
    import httpx

    folder, truth = world
    with Deployment.open(folder, clock=FixedClock(REPORT_AT)) as d:
        report = d.journey_report("acme", "ab")
    with httpx.Client(base_url=served, timeout=60) as client:
        form = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        data = {"login_token": token[1], "email": "cs@acme.test", "password": PASSWORD}
        assert client.post("/login", data={**data, "next": "/"}).status_code == 303
        page = client.get("/t/acme/journeys/ab")
    assert page.status_code == 200, page.text
    html = page.text
    retention = _cells(html, "journey-retention-30")
    [h30, _h90] = report.horizons
    assert list(retention) == [
        "treatment",
        "control",
        "holdout",
        "kept out",
        "variant a",
        "variant b",
    ]
    for r in [*h30.retention, *h30.retention_variants]:
        name = r.name if r in h30.retention else f"variant {r.name}"
        measured, young, paying, retained, rate = retention[name]
        assert (measured, young, paying, retained) == (
            f"{r.matured:,}",
            f"{r.too_young:,}",
            f"{r.paying_at_entry:,}",
            f"{r.retained:,}",
        )
        assert (
            rate == f"{r.rate.value * 100:.1f}% [{r.rate.low * 100:.1f}%, {r.rate.high * 100:.1f}%]"
        )
    treated = truth.members("ab", "treatment")
    assert retention["treatment"][3] == f"{sum(truth.kept[k] for k in treated):,}"
    mrr = _cells(html, "journey-mrr-30")
    change = h30.mrr[0].change
    assert mrr["treatment"][3] == f"{change.value:+.2f} [{change.low:+.2f}, {change.high:+.2f}]"
    assert "journey-retention-90" not in html  # nothing is 90 days old: only the note
    assert "No enrolment is 90 days old yet (900 too young)" in html
    assert "The journey has no goal" in html
    [b_vs_a] = h30.retention_variant_lifts
    lift = b_vs_a.lift
    assert (
        f'Variant b − variant a: {lift.value * 100:+.1f} pp <span class="ci">'
        f"[{lift.low * 100:+.1f}, {lift.high * 100:+.1f}]</span>; always-valid p = "
        f"{b_vs_a.p_always_valid:.3g}."
    ) in html
    conversion = _cells(html, "journey-conversion")
    assert conversion["treatment"][:2] == [f"{report.arms[0].enrolled:,}", "0"]


def test_the_page_draws_rate_and_mrr_charts_with_interval_bars_in_chromium(served: str) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{served}/login?next=/t/acme/journeys/ab")
        page.fill("input[name=email]", "cs@acme.test")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/t/acme/journeys/ab")
        for chart in ("journey-rates", "journey-mrr"):
            page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)
        # plotly draws one error bar per bar that has an interval: 6 arms x (conversion,
        # retention at 30 days) and 6 MRR changes
        bars = page.locator("#journey-rates g.errorbar").count()
        assert bars == 12, bars
        assert page.locator("#journey-mrr g.errorbar").count() == 6
        legend = page.locator("#journey-rates .legendtext").evaluate_all(
            "nodes => nodes.map(n => n.textContent)"
        )
        assert legend == ["goal conversion", "retention 30 days"]
        assert errors == []
        if os.environ.get("TENURE_SCREENSHOTS") == "1":
            shots = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
            page.screenshot(path=str(shots / "journey-report.png"), full_page=True)
        browser.close()
