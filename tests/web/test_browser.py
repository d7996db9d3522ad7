"""The dashboard in a real browser: Debian's chromium driven by Playwright, headless.

A live ``tenure serve`` (a subprocess) serves tenants a (the demo world) and b. The test
logs in, opens every page, checks each chart rendered (plotly's ``.main-svg``) with no
console error, filters the customer table, opens a customer 360 from it and logs out;
then a user of b cannot open a's pages. With ``TENURE_SCREENSHOTS=1`` it saves the pages
to ``docs/screenshots/`` (CI leaves them as they are).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import free_port, make_world
from tests.web.conftest import PASSWORD, USERS, add_users

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def served(tmp_path: Path, trained_world: Path) -> Iterator[str]:
    """``tenure serve`` over tenants a (scored) and b (SQLite store), as a subprocess."""
    folder = tmp_path / "deployment"
    site = add_users(make_world(folder, "sqlite:///tenure.sqlite", trained_world))
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    command = [sys.executable, "-m", "tenure.cli.main", "serve", "-w", str(site.folder)]
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp_path / "serve.log").read_text())
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):  # .ci/run installs it: in CI the browser tests never skip
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


def _charts_rendered(page, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    for chart in ids:
        page.wait_for_selector(f"#{chart} .main-svg", timeout=30_000)


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("TENURE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _log_in(page, url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_user_logs_in_reads_every_page_filters_opens_a_customer_and_logs_out(
    served: str, browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    _log_in(page, served, USERS["a"])
    assert page.url == f"{served}/t/a/"
    _charts_rendered(page, ["movements", "trend"])
    assert page.locator(".card").count() == 7
    _shot(page, "overview")
    page.select_option("select[name=by]", "plan")  # htmx swaps the page's content
    page.wait_for_url("**by=plan**")
    page.wait_for_selector("text=MRR by plan", timeout=30_000)
    _charts_rendered(page, ["movements", "trend"])

    page.click("nav.pages >> text=Cohorts")
    _charts_rendered(page, ["logo-retention", "revenue-retention"])
    _shot(page, "cohorts")

    page.click("nav.pages >> text=Customers")
    page.wait_for_selector("#customers-table")
    before = page.locator("#customers-table tbody tr").all_inner_texts()
    _shot(page, "customers")
    page.select_option("select[name=band]", "green")
    page.wait_for_url("**band=green**")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#customers-table tbody tr .band')]"
        ".every(b => b.classList.contains('green'))"
    )
    after = page.locator("#customers-table tbody tr").all_inner_texts()
    assert after and after != before

    name = page.locator(".customer-link").first.inner_text()
    page.locator(".customer-link").first.click()
    page.wait_for_selector("#customer-name")
    assert page.locator("#customer-name").inner_text() == name
    assert "Churn risk is" in page.locator("#risk-sentence").inner_text()
    _charts_rendered(page, ["customer-trend", "customer-components"])
    _shot(page, "customer")

    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{served}/t/a/")
    _charts_rendered(phone, ["movements", "trend"])
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the overview is {width}px wide at phone width"
    _shot(phone, "overview-phone")
    phone.close()

    page.click("#logout")
    page.wait_for_url("**/login")
    assert errors == []
    page.goto(f"{served}/t/a/customers")
    assert "/login" in page.url
    context.close()


def test_a_user_of_workspace_b_cannot_open_pages_of_workspace_a(served: str, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, served, USERS["b"])
    assert page.url == f"{served}/t/b/"
    assert "No billing data yet" in page.locator("main").inner_text()
    for path in ("/t/a/", "/t/a/cohorts", "/t/a/customers"):
        response = page.goto(f"{served}{path}")
        assert response is not None and response.status == 404
        assert "Not found" in page.locator("h1").inner_text()
    assert page.locator("nav.pages a[href^='/t/a/']").count() == 0
    context.close()
