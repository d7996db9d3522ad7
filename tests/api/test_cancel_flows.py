"""The cancel flow through the API of a live server: survey, offers, outcome, webhook, tokens."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from tenure._settings_decide import CANCEL_REASONS
from tenure.act.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from tenure.clock import FixedClock
from tenure.decide.offers import in_control
from tenure.errors import SignatureError
from tenure.workspace import Deployment

from .conftest import Site, make_world

pytestmark = pytest.mark.slow
SECRET = "whsec_cancel_flow_test"


class Receiver(http.server.BaseHTTPRequestHandler):
    """The product's backend: records each webhook it receives."""

    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[Receiver]]]:
    handler = type("Backend", (Receiver,), {"received": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tenure-hooks", handler
    server.shutdown()
    server.server_close()


def wait_received(handler: type[Receiver], count: int = 1, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while len(handler.received) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(handler.received)} webhooks received, not {count}")
        time.sleep(0.05)


@pytest.fixture
def shop(
    tmp_path: Path,
    store_url: str,
    demo_world: Path,
    receiver: tuple[str, type[Receiver]],
    start_server: Callable[..., Site],
) -> Site:
    """The API world, with tenant a's [webhooks] pointing at ``receiver``."""
    site = make_world(tmp_path / "deployment", store_url, demo_world)
    toml = site.folder / "workspaces" / "a" / "tenure.toml"
    with toml.open("a", encoding="utf-8") as fh:
        fh.write(f'\n[webhooks]\nurl = "{receiver[0]}"\nsecret = "{SECRET}"\n')
    return start_server(site)


def paying(site: Site, *, control: bool) -> tuple[str, float]:
    """A paying customer of tenant a in (or out of) the control group, and their MRR."""
    deployment: Deployment = site.app.state.deployment
    with deployment.workspace(deployment.tenant("a")) as ws:
        p = ws.warehouse.table("customer_profiles")
        rows = (
            p.filter((p.as_of == p.as_of.max()) & (p.mrr > 20))
            .select("customer_id", "mrr")
            .order_by("customer_id")
            .to_pyarrow()
            .to_pylist()
        )
    for row in rows:
        if in_control(row["customer_id"], 0.1) == control:
            return str(row["customer_id"]), float(row["mrr"])
    raise AssertionError("no such customer in the demo world")


def test_flow_answers_with_offers_records_the_outcome_and_posts_a_signed_webhook(
    shop: Site, receiver: tuple[str, type[Receiver]]
) -> None:
    _, handler = receiver
    customer, mrr = paying(shop, control=False)
    with shop.client("a_write") as c:
        r = c.post("/v1/cancel-flows", json={"customer_id": customer})
        assert r.status_code == 201, r.text
        flow = r.json()
        assert flow["status"] == "started" and flow["reasons"] == list(CANCEL_REASONS)
        assert flow["mrr_before"] == pytest.approx(mrr) and flow["offers"] == []
        fid = flow["id"]

        early = c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": "downgrade"})
        assert early.status_code == 409 and "answer the survey" in early.json()["detail"]
        bad = c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "too_pricey"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"

        r = c.post(
            f"/v1/cancel-flows/{fid}/answer",
            json={"reason": "too_expensive", "text": "Our budget was cut"},
        )
        assert r.status_code == 200, r.text
        answered = r.json()
        assert [o["name"] for o in answered["offers"]] == ["discount_25_3m", "downgrade"]
        assert answered["control"] is False and answered["text"] == "Our budget was cut"
        assert answered["decision"]["rule"] == "reason=too_expensive"
        discount = answered["decision"]["considered"][0]
        assert discount["expected_value"] == pytest.approx(0.1 * mrr * 12 - mrr * 0.75, abs=0.01)
        assert c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "other"}).status_code == 409

        not_shown = c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": "free_month"})
        assert not_shown.status_code == 422 and "offers shown" in not_shown.json()["detail"]

        r = c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": "discount_25_3m"})
        assert r.status_code == 200, r.text
        done = r.json()
        assert (done["status"], done["outcome"], done["accepted_offer"]) == (
            "finished",
            "saved",
            "discount_25_3m",
        )
        assert done["mrr_after"] == pytest.approx(mrr * 0.75)
        assert done["mrr_effect"] == pytest.approx(-mrr * 0.25)
        assert done["discount_cost"] == pytest.approx(mrr * 0.75)
        assert done["webhook_queued"] is True
        assert c.post(f"/v1/cancel-flows/{fid}/decline").status_code == 409
    with shop.client("a_read") as c:
        assert c.get(f"/v1/cancel-flows/{fid}").json()["outcome"] == "saved"
    with shop.client("b_read") as c:
        assert c.get(f"/v1/cancel-flows/{fid}").status_code == 404  # another tenant's flow

    wait_received(handler)  # the server's webhook sender posted it
    headers, body = handler.received[0]
    assert verify(SECRET, body, headers[SIGNATURE_HEADER], now=int(time.time())) > 0
    event = json.loads(body)
    assert headers[EVENT_ID_HEADER] == event["id"] == f"offer.accepted:{fid}"
    assert event["type"] == "offer.accepted" and event["customer"]["id"] == customer
    assert event["billing_action"] == {
        "type": "apply_discount",
        "percent_off": 25.0,
        "months": 3,
        "annual_only": False,
    }
    assert event["outcome"] == "saved" and event["reason"] == "too_expensive"


def test_control_group_sees_no_offer_and_a_decline_records_the_lost_mrr(shop: Site) -> None:
    customer, mrr = paying(shop, control=True)
    with shop.client("a_write") as c:
        fid = c.post("/v1/cancel-flows", json={"customer_id": customer}).json()["id"]
        answered = c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "too_expensive"})
        assert answered.json()["control"] is True and answered.json()["offers"] == []
        done = c.post(f"/v1/cancel-flows/{fid}/decline", json={"outcome": "canceled"}).json()
    assert (done["outcome"], done["mrr_after"]) == ("canceled", 0.0)
    assert done["mrr_effect"] == pytest.approx(-mrr) and done["webhook_queued"] is False


def test_downgrade_is_priced_from_a_cheaper_plan_and_pause_is_a_pause(shop: Site) -> None:
    customer, mrr = paying(shop, control=False)
    with shop.client("a_write") as c:
        fid = c.post("/v1/cancel-flows", json={"customer_id": customer}).json()["id"]
        c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "too_expensive"})
        r = c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": "downgrade"})
        if r.status_code == 422:  # the customer is on the cheapest plan: priced by the caller
            assert "mrr_after" in r.json()["detail"]
            r = c.post(
                f"/v1/cancel-flows/{fid}/accept", json={"offer": "downgrade", "mrr_after": 9.0}
            )
        done = r.json()
        assert done["outcome"] == "downgraded" and done["mrr_after"] < mrr
        assert done["mrr_effect"] == pytest.approx(done["mrr_after"] - mrr)

        fid = c.post("/v1/cancel-flows", json={"customer_id": customer}).json()["id"]
        offers = c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "temporary_budget"})
        assert offers.json()["offers"][0]["name"] == "pause_3m"
        paused = c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": "pause_3m"}).json()
    assert (paused["outcome"], paused["mrr_after"]) == ("paused", 0.0)
    assert paused["discount_cost"] == pytest.approx(3 * mrr)


def test_tokens_need_a_write_key_name_a_real_customer_and_expire(shop: Site) -> None:
    customer, _ = paying(shop, control=False)
    with shop.client("a_read") as c:
        assert c.post("/v1/cancel-flows/token", json={"customer_id": customer}).status_code == 403
    with shop.client("a_write") as c:
        missing = c.post("/v1/cancel-flows/token", json={"customer_id": "cus_nobody"})
        assert missing.status_code == 404
        for path in ("/v1/cancel-flows/token", "/v1/cancel-flows"):  # never reaches SQL
            control = c.post(path, json={"customer_id": "cus\x00nul"})
            assert control.status_code == 422 and control.json()["errors"][0]["field"]
        r = c.post("/v1/cancel-flows/token", json={"customer_id": customer})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert r.json()["path"] == f"/cancel?token={token}"
    deployment: Deployment = shop.app.state.deployment
    tenant, who = deployment.verify_cancel_token(token)
    assert (tenant.slug, who) == ("a", customer)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(SignatureError, match="not valid"):
        deployment.verify_cancel_token(forged)
    later = FixedClock(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16))
    with (
        Deployment.open(shop.folder, clock=later) as future,
        pytest.raises(SignatureError, match="expired"),
    ):
        future.verify_cancel_token(token)


def test_flows_are_listed_newest_first_a_page_at_a_time_and_filtered_when_asked(
    shop: Site,
) -> None:
    customer, _ = paying(shop, control=False)
    ids = []
    with shop.client("a_write") as c:
        for step in ("decline", "pause", None):
            fid = c.post("/v1/cancel-flows", json={"customer_id": customer}).json()["id"]
            ids.append(fid)
            if step is None:
                continue  # left started
            c.post(f"/v1/cancel-flows/{fid}/answer", json={"reason": "temporary_budget"})
            if step == "decline":
                c.post(f"/v1/cancel-flows/{fid}/decline", json={"outcome": "canceled"})
            else:
                c.post(f"/v1/cancel-flows/{fid}/accept", json={"offer": "pause_3m"})
    newest_first = ids[::-1]
    with shop.client("a_read") as c:
        first = c.get("/v1/cancel-flows", params={"limit": 2}).json()
        assert [f["id"] for f in first["items"]] == newest_first[:2]
        assert first["items"][0]["status"] == "started"
        assert first["items"][1]["outcome"] == "paused"
        rest = c.get("/v1/cancel-flows", params={"limit": 2, "cursor": first["next_cursor"]})
        assert [f["id"] for f in rest.json()["items"]] == newest_first[2:]
        assert rest.json()["next_cursor"] is None
        canceled = c.get("/v1/cancel-flows", params={"outcome": "canceled"}).json()["items"]
        assert [(f["id"], f["mrr_after"]) for f in canceled] == [(ids[0], 0.0)]
        finished = c.get("/v1/cancel-flows", params={"status": "finished"}).json()["items"]
        assert [f["id"] for f in finished] == [ids[1], ids[0]]
        mine = c.get("/v1/cancel-flows", params={"customer_id": customer}).json()["items"]
        assert len(mine) == 3
        bad = c.get("/v1/cancel-flows", params={"cursor": "not-a-cursor"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
        assert c.get("/v1/cancel-flows", params={"status": "lost"}).status_code == 422
    with shop.client("b_read") as c:  # another tenant's flows are not listed
        assert c.get("/v1/cancel-flows").json() == {"items": [], "next_cursor": None}
