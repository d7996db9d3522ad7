"""Limits: 429 with Retry-After per key, 413 for large bodies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.api.conftest import Site, make_site

pytestmark = pytest.mark.slow


@pytest.fixture
def limited(tmp_path: Path, store_url: str, start_server: Callable[[Site], Site]) -> Site:
    site = make_site(
        tmp_path / "deployment",
        store_url,
        rate_limit_per_second=1.0,
        rate_limit_burst=3,
        max_body_bytes=2048,
    )
    return start_server(site)


def test_key_gets_429_with_retry_after_when_it_exceeds_its_rate(limited: Site) -> None:
    body = {"userId": "u", "event": "x"}
    with limited.client("a_pk") as c:
        codes = [c.post("/v1/track", json=body).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        r = c.post("/v1/track", json=body)
    assert r.status_code == 429
    assert r.headers["content-type"].startswith("application/problem+json")
    assert int(r.headers["Retry-After"]) >= 1
    with limited.client("b_pk") as other:  # the limit is per key
        assert other.post("/v1/track", json=body).status_code == 200


def test_body_over_the_limit_is_refused_with_413_when_sent(limited: Site) -> None:
    big = {"userId": "u", "event": "x", "properties": {"blob": "x" * 4000}}
    with limited.client("a_pk") as c:
        r = c.post("/v1/track", json=big)
        assert r.status_code == 413
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "max_body_bytes" in r.json()["detail"]
        # chunked, without Content-Length: counted while read
        chunks = (b'{"userId": "u", "event": "x", "properties": {"blob": "', b"y" * 4000, b'"}}')
        r = c.post("/v1/track", content=iter(chunks), headers={"content-type": "application/json"})
        assert r.status_code == 413, r.text
