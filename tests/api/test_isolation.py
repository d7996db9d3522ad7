"""Tenant isolation: a key of tenant A reaches nothing of tenant B, ids guessed or not."""

from __future__ import annotations

import pytest

from tests.api.conftest import Site

pytestmark = pytest.mark.slow


def test_key_of_a_cannot_read_or_revoke_anything_of_b_when_it_guesses_ids(site: Site) -> None:
    with site.client("b_pk") as c:
        r = c.post("/v1/track", json={"userId": "bob", "event": "Secret", "messageId": "b-only"})
        assert r.status_code == 200
    site.wait_moved("b_read", "b-only")
    with site.client("a_admin") as a:
        # B's message id and B's key ids are not found for A: 404, never 403
        r = a.get("/v1/events/b-only")
        assert r.status_code == 404, r.text
        assert "b-only" in r.json()["detail"]
        for key_id in (site.key_ids["b_read"], site.key_ids["b_pk"]):
            r = a.delete(f"/v1/keys/{key_id}")
            assert r.status_code == 404, r.text
        assert {k["id"] for k in a.get("/v1/keys").json()}.isdisjoint(
            {v for k, v in site.key_ids.items() if k.startswith("b_")}
        )
    with site.client("b_read") as b:  # B's keys still work
        assert b.get("/v1/events/b-only").status_code == 200


def test_events_of_a_land_only_in_a_when_both_send_the_same_message_id(site: Site) -> None:
    for slug in ("a", "b"):
        with site.client(f"{slug}_pk") as c:
            body = {"userId": f"user-{slug}", "event": f"From {slug}", "messageId": "same-id"}
            assert c.post("/v1/track", json=body).status_code == 200
    a = site.wait_moved("a_read", "same-id")
    b = site.wait_moved("b_read", "same-id")
    assert a["payload"]["event"] == "From a" and b["payload"]["event"] == "From b"
    assert [r["event"] for r in site.warehouse_events("a")] == ["From a"]
    assert [r["event"] for r in site.warehouse_events("b")] == ["From b"]
