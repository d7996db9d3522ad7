"""The segments, engagement and feedback pages in a real browser (Debian's chromium, headless).

Against the live ``tenure serve`` of ``test_browser.py``: each page opens, each chart
renders (plotly's ``.main-svg``) with no console error; the rule editor validates as
one types (htmx) and previews the members; the feedback filters change the comments.
With ``TENURE_SCREENSHOTS=1`` the pages are saved to ``docs/screenshots/``.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import USERS
from tests.web.test_browser import _charts_rendered, _log_in, _shot, browser, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

__all__ = ["browser", "served"]  # fixtures shared with test_browser.py


def test_segments_engagement_and_feedback_pages_render_and_respond(served: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    _log_in(page, served, USERS["a"])

    page.click("nav.pages >> text=Segments")
    _charts_rendered(page, ["segment-sizes"])
    assert page.locator("#segments-table tbody tr").count() > 4
    page.fill("textarea[name=rule]", 'plan == "pro" and helth < 40')
    page.wait_for_selector("#rule-preview .rule-error", timeout=30_000)
    assert "column 19" in page.locator("#rule-preview").inner_text()
    page.fill("textarea[name=rule]", "mrr > 0 and health < 60")
    page.wait_for_selector("#preview-table", timeout=30_000)
    assert int(page.locator("#preview-count").inner_text().replace(",", "")) > 0
    assert page.locator("#preview-table tbody tr").count() > 0
    _shot(page, "segments")
    page.fill("input[name=name]", "low_health")
    page.click("#segment-form button[type=submit]")
    page.wait_for_url("**/segments/low_health")
    _charts_rendered(page, ["segment-size", "segment-changes"])
    assert page.locator("#members-table tbody tr").count() > 0
    assert "entered" in page.locator("#history-table").inner_text()

    page.click("nav.pages >> text=Engagement")
    charts = ["active-users", "stickiness", "activation-funnel", "time-to-key-action", "conversion"]
    _charts_rendered(page, charts)
    _shot(page, "engagement")
    page.select_option("select[name=interval]", "week")
    page.wait_for_url("**interval=week**")
    page.wait_for_selector("text=DAU/WAU", timeout=30_000)
    _charts_rendered(page, ["active-users", "stickiness"])

    page.click("nav.pages >> text=Feedback")
    _charts_rendered(page, ["nps-trend", "nps-distribution"])
    _shot(page, "feedback")
    page.select_option("select[name=group]", "detractor")
    page.wait_for_url("**group=detractor**")
    page.wait_for_function(
        "() => { const s = [...document.querySelectorAll('#verbatims .score')];"
        " return s.length > 0 && s.every(e => e.classList.contains('detractor')); }"
    )

    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    for path, chart in (
        ("segments", "segment-sizes"),
        ("engagement", "activation-funnel"),
        ("feedback", "nps-distribution"),
    ):
        phone.goto(f"{served}/t/a/{path}")
        _charts_rendered(phone, [chart])
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"the {path} page is {width}px wide at phone width"
    phone.close()
    assert errors == []
    context.close()


def test_a_user_of_workspace_b_sees_what_to_ingest_and_not_a_pages(served: str, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, served, USERS["b"])
    for path, text in (
        ("/t/b/segments", "No segment sizes yet"),
        ("/t/b/engagement", "No product events yet"),
        ("/t/b/feedback", "No feedback yet"),
    ):
        page.goto(f"{served}{path}")
        assert text in page.locator("main").inner_text()
    for path in ("/t/a/segments", "/t/a/engagement", "/t/a/feedback", "/t/a/segments/at_risk"):
        response = page.goto(f"{served}{path}")
        assert response is not None and response.status == 404
    context.close()
