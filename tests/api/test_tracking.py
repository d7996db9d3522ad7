"""Segment-compatible tracking: bodies, validation, durability and the move to the warehouse."""

from __future__ import annotations

import pytest

from tests.api.conftest import Site

pytestmark = pytest.mark.slow


def test_calls_reach_the_warehouse_once_when_sent_twice(site: Site) -> None:
    calls = [
        ("/v1/identify", {"userId": "u1", "traits": {"email": "a@x.io"}, "messageId": "t-id"}),
        (
            "/v1/track",
            {
                "userId": "u1",
                "event": "Report Created",
                "properties": {"rows": 3},
                "context": {"groupId": "cus_1"},
                "timestamp": "2026-01-02T03:04:05Z",
                "messageId": "t-track",
            },
        ),
        ("/v1/page", {"anonymousId": "anon-1", "name": "Pricing", "messageId": "t-page"}),
    ]
    with site.client("a_pk") as c:
        for _ in range(2):
            for path, body in calls:
                r = c.post(path, json=body)
                assert r.status_code == 200, r.text
                assert r.json() == {"success": True}
    for _, body in calls:
        site.wait_moved("a_read", str(body["messageId"]))
    rows = {r["message_id"]: r for r in site.warehouse_events("a")}
    assert set(rows) == {"t-id", "t-track", "t-page"}
    assert rows["t-track"]["event"] == "Report Created"
    assert rows["t-track"]["customer_id"] == "cus_1"
    assert rows["t-track"]["occurred_at"].isoformat().startswith("2026-01-02T03:04:05")
    assert rows["t-page"]["anonymous_id"] == "anon-1"


def test_batch_items_get_the_envelope_context_when_sent_in_one_batch(site: Site) -> None:
    body = {
        "batch": [
            {"type": "track", "userId": 42, "event": "Invite Sent", "messageId": "b-1"},
            {"type": "group", "userId": "u2", "groupId": "cus_9", "messageId": "b-2"},
            {"type": "screen", "userId": "u2", "name": "Home", "messageId": "b-3"},
            {"type": "alias", "userId": "u2", "previousId": "anon-2", "messageId": "b-4"},
        ],
        "context": {"groupId": "cus_9"},
    }
    with site.client("a_write") as c:
        assert c.post("/v1/batch", json=body).status_code == 200
    moved = site.wait_moved("a_read", "b-1")
    assert moved["payload"]["userId"] == "42"
    assert moved["payload"]["context"] == {"groupId": "cus_9"}
    for m in ("b-2", "b-3", "b-4"):
        site.wait_moved("a_read", m)
    rows = {r["message_id"]: r for r in site.warehouse_events("a")}
    assert rows["b-1"]["customer_id"] == "cus_9"
    assert {rows[m]["type"] for m in rows} == {"track", "group", "screen", "alias"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/track", {"userId": "u1"}, "event"),
        ("/v1/track", {"userId": "u1", "event": "x", "timestamp": "yesterday"}, "timestamp"),
        ("/v1/track", {"userId": "u1", "event": "x", "properties": [1]}, "properties"),
        ("/v1/track", {"event": "x"}, "body"),
        ("/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": ""}]}, "batch.0.event"),
        ("/v1/batch", {"batch": [{"type": "boom", "userId": "u"}]}, "batch.0"),
        ("/v1/batch", {"batch": []}, "batch"),
    ],
)
def test_invalid_body_is_refused_with_422_naming_the_field_when_sent(
    site: Site, path: str, body: dict[str, object], field: str
) -> None:
    with site.client("a_pk") as c:
        r = c.post(path, json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["errors"][0]["field"] == field
    assert repr(field) in problem["detail"]


def test_unknown_message_is_404_when_read(site: Site) -> None:
    with site.client("a_read") as c:
        r = c.get("/v1/events/never-sent")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_openapi_document_lists_the_tracking_routes_when_fetched(site: Site) -> None:
    with site.client() as c:
        spec = c.get("/openapi.json").json()
        assert c.get("/docs").status_code == 200
    assert {"/v1/track", "/v1/identify", "/v1/page", "/v1/batch"} <= set(spec["paths"])
