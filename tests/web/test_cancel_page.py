"""The hosted cancel page: tokens, framing, and the whole flow in Debian's chromium."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tenure.act.webhooks import SIGNATURE_HEADER, verify
from tests.api.conftest import Site, make_world
from tests.api.test_cancel_flows import SECRET, Receiver, paying, receiver, wait_received
from tests.web.conftest import PASSWORD, USERS, add_users, login

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
PRODUCT = "https://app.acme.test"
__all__ = ["receiver"]  # the fixture, used by name


@pytest.fixture
def hosted(
    tmp_path: Path,
    demo_world: Path,
    receiver: tuple[str, type[Receiver]],
    start_server: Callable[..., Site],
) -> Site:
    """Tenant a with [webhooks] to ``receiver`` and the product's origin allowed to frame."""
    site = make_world(tmp_path / "deployment", "sqlite:///tenure.sqlite", demo_world)
    toml = site.folder / "workspaces" / "a" / "tenure.toml"
    with toml.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[webhooks]\nurl = "{receiver[0]}"\nsecret = "{SECRET}"\n')
        fh.write(f'\n[offers]\nframe_ancestors = ["\'self\'", "{PRODUCT}"]\n')
    return start_server(add_users(site))


def token_for(site: Site, customer: str) -> str:
    with site.client("a_write") as c:
        r = c.post("/v1/cancel-flows/token", json={"customer_id": customer})
    assert r.status_code == 201, r.text
    return str(r.json()["token"])


def test_page_needs_a_valid_token_and_may_be_framed_only_by_the_product(hosted: Site) -> None:
    customer, _ = paying(hosted, control=False)
    token = token_for(hosted, customer)
    with httpx.Client(base_url=hosted.url, timeout=30) as web:
        page = web.get("/cancel", params={"token": token})
        assert page.status_code == 200
        assert 'value="too_expensive"' in page.text and "It is too expensive" in page.text
        assert page.headers["content-security-policy"] == f"frame-ancestors 'self' {PRODUCT}"
        assert "x-frame-options" not in page.headers
        for bad in ("", "v1.x.y.1.z", token[:-2] + "00"):
            refused = web.get("/cancel", params={"token": bad})
            assert refused.status_code == 401 and "not valid" in refused.text
        # a form posted without the token (e.g. from another site) does nothing
        forged = web.post("/cancel", data={"action": "answer", "reason": "other"})
        assert forged.status_code == 401
        # a flow of another customer cannot be acted on with this customer's token
        other, _ = paying(hosted, control=True)
        with hosted.client("a_write") as api:
            theirs = api.post("/v1/cancel-flows", json={"customer_id": other}).json()["id"]
            api.post(f"/v1/cancel-flows/{theirs}/answer", json={"reason": "other"})
        stolen = web.post("/cancel", data={"token": token, "action": "decline", "flow_id": theirs})
        assert stolen.status_code == 404
    with hosted.client("a_read") as api:
        assert api.get(f"/v1/cancel-flows/{theirs}").json()["status"] == "answered"


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        yield chromium
        chromium.close()


@pytest.mark.browser
def test_a_customer_chooses_a_reason_accepts_an_offer_and_the_backend_is_told(
    hosted: Site, browser, receiver: tuple[str, type[Receiver]]
) -> None:
    _, handler = receiver
    customer, mrr = paying(hosted, control=False)
    token = token_for(hosted, customer)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{hosted.url}/cancel?token={token}")
    assert page.locator("h1").inner_text() == "We are sorry to see you go"
    page.check("input[name=reason][value=too_expensive]")
    page.fill("textarea[name=text]", "Budget cuts")
    page.click("#continue")
    page.wait_for_selector("main[data-step=offers]")
    offers = page.locator("form.offer button").evaluate_all(
        "buttons => buttons.map(b => b.dataset.offer)"
    )
    assert offers == ["discount_25_3m", "downgrade"]
    assert "25% off for 3 months" in page.locator("form.offer").first.inner_text()
    flow_id = page.locator("input[name=flow_id]").first.get_attribute("value")
    page.click("button[data-offer=discount_25_3m]")
    page.wait_for_selector("main[data-step=done]")
    assert page.locator("h1").inner_text() == "Thank you for staying"
    assert "25% off" in page.locator("#accepted").inner_text()
    assert errors == []
    # a second click (or a resubmitted form) shows where the flow is and changes nothing
    again = httpx.post(
        f"{hosted.url}/cancel",
        data={"token": token, "action": "decline", "flow_id": flow_id or ""},
        timeout=30,
    )
    assert again.status_code == 200 and "Thank you for staying" in again.text

    with hosted.client("a_read") as api:
        flow = api.get(f"/v1/cancel-flows/{flow_id}").json()
    assert (flow["outcome"], flow["accepted_offer"], flow["reason"]) == (
        "saved",
        "discount_25_3m",
        "too_expensive",
    )
    assert flow["text"] == "Budget cuts" and flow["mrr_after"] == pytest.approx(mrr * 0.75)
    wait_received(handler)
    assert len(handler.received) == 1
    headers, body = handler.received[0]
    assert verify(SECRET, body, headers[SIGNATURE_HEADER], now=int(time.time())) > 0
    event = json.loads(body)
    assert event["cancel_flow_id"] == flow_id and event["customer"]["id"] == customer
    assert event["offer"]["name"] == "discount_25_3m"


def finish_flows(site: Site) -> tuple[str, str]:
    """One offered flow (discount accepted) and one control flow (canceled), via the API."""
    offered, _ = paying(site, control=False)
    control, _ = paying(site, control=True)
    with site.client("a_write") as c:
        for customer, step, body in (
            (offered, "accept", {"offer": "discount_25_3m"}),
            (control, "decline", {"outcome": "canceled"}),
        ):
            fid = c.post("/v1/cancel-flows", json={"customer_id": customer}).json()["id"]
            c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "too_expensive"})
            assert c.post(f"/v1/cancel-flows/{fid}/{step}", json=body).status_code == 200
    return offered, control


def test_dashboard_page_is_the_tenants_own(hosted: Site) -> None:
    finish_flows(hosted)
    with login(hosted, USERS["a"]) as client:
        page = client.get("/t/a/cancel-flows")
        assert page.status_code == 200
        assert 'id="cancel-flows-table"' in page.text and "too_expensive" in page.text
        assert "discount_25_3m" in page.text
    with login(hosted, USERS["b"]) as client:
        assert client.get("/t/a/cancel-flows").status_code == 404
        empty = client.get("/t/b/cancel-flows")
        assert "No finished cancel flows yet" in empty.text
        assert "[webhooks] url is not set" in empty.text  # b has no [webhooks]


@pytest.mark.browser
def test_dashboard_shows_the_report_with_its_chart(
    hosted: Site, browser, receiver: tuple[str, type[Receiver]]
) -> None:
    finish_flows(hosted)
    wait_received(receiver[1])
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{hosted.url}/login")
    page.fill("input[name=email]", USERS["a"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("nav.pages >> text=Cancel flows")
    page.wait_for_selector("#save-rates .main-svg", timeout=30_000)
    rows = page.locator("#cancel-flows-table tbody tr").all_inner_texts()
    assert rows[0].split("\t")[:4] == ["all", "all", "1", "1"]
    assert any(r.startswith("offer\tdiscount_25_3m") for r in rows)
    assert "1 sent" in page.locator("#webhooks-note").inner_text()
    assert errors == []
