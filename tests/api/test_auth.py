"""Keys: Bearer and Basic auth, 401 for missing, bad and revoked keys, 403 for scopes."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.api.conftest import Site

pytestmark = pytest.mark.slow

TRACK = {"userId": "u1", "event": "Signed Up", "messageId": "auth-1"}


def _problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = r.json()
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_request_is_refused_with_401_when_key_is_missing_bad_or_revoked(site: Site) -> None:
    with site.client() as c:
        body = _problem(c.post("/v1/track", json=TRACK), 401)
        assert "Bearer" in str(body["detail"])
        _problem(c.post("/v1/track", json=TRACK, headers={"Authorization": "Bearer nope"}), 401)
        _problem(c.post("/v1/track", json=TRACK, headers={"Authorization": "Token x"}), 401)
    with site.client("a_admin") as admin:
        assert admin.delete(f"/v1/keys/{site.key_ids['a_pk']}").status_code == 200
    with site.client("a_pk") as c:
        body = _problem(c.post("/v1/track", json=TRACK), 401)
        assert "revoked" in str(body["detail"])


def test_key_is_accepted_when_sent_as_basic_user_name_segment_style(site: Site) -> None:
    token = base64.b64encode(f"{site.keys['a_pk']}:".encode()).decode()
    with site.client() as c:
        r = c.post("/v1/track", json=TRACK, headers={"Authorization": f"Basic {token}"})
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
    with site.client(auth=(site.keys["a_read"], "")) as c:  # Stripe style, httpx Basic
        assert c.get("/v1/events/auth-1").status_code == 200


def test_publishable_key_cannot_read_or_manage_keys_when_it_may_only_send(site: Site) -> None:
    with site.client("a_pk") as c:
        assert c.post("/v1/track", json=TRACK).status_code == 200
        body = _problem(c.get("/v1/events/auth-1"), 403)
        assert "publishable" in str(body["detail"])
        _problem(c.get("/v1/keys"), 403)


def test_scopes_are_enforced_when_secret_key_lacks_them(site: Site) -> None:
    with site.client("a_read") as c:
        _problem(c.post("/v1/track", json=TRACK), 403)  # read cannot send
        _problem(c.get("/v1/keys"), 403)
    with site.client("a_write") as c:
        assert c.post("/v1/track", json=TRACK).status_code == 200
        body = _problem(c.get("/v1/events/auth-1"), 403)  # write cannot read
        assert "--scope read" in str(body["detail"])
    with site.client("a_admin") as c:  # admin may do everything
        assert c.post("/v1/track", json=TRACK).status_code == 200
        assert c.get("/v1/events/auth-1").status_code == 200
        assert c.get("/v1/keys").status_code == 200


def test_admin_creates_a_key_that_works_when_shown_once(site: Site) -> None:
    with site.client("a_admin") as c:
        r = c.post("/v1/keys", json={"scope": "read"})
        assert r.status_code == 201, r.text
        new = r.json()
        assert new["key"].startswith("tn_sk_") and new["prefix"] == new["key"][:12]
        listed = c.get("/v1/keys").json()
        assert new["id"] in {k["id"] for k in listed}
        assert all("key" not in k for k in listed)
    with httpx.Client(base_url=site.url, headers={"Authorization": f"Bearer {new['key']}"}) as c:
        assert c.get("/v1/events/none").status_code == 404
