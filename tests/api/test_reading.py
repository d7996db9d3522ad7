"""Reading through HTTP: customer profiles and lists, metrics, segments, tenant by tenant.

The ``world`` site (tests/api/conftest.py): tenant ``a`` holds a small refreshed demo
world, tenant ``b`` one customer, so every id of one is unknown to the other.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tenure.cli.main import app
from tenure.metrics import SERIES_COLUMNS
from tests.api.conftest import ONLY_B, Site

pytestmark = pytest.mark.slow


def get(site: Site, key: str, path: str, **params: Any) -> Any:
    with site.client(key) as c:
        return c.get(path, params=params)


def assert_problem(r: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = r.json()
    if field is not None:
        assert problem["errors"][0]["field"] == field, problem
    return problem


def test_profile_has_health_segments_timeline_and_billing_when_read(world: Site) -> None:
    page = get(world, "a_read", "/v1/customers", sort="-health", limit=5).json()
    customer_id = page["items"][0]["customer_id"]
    r = get(world, "a_read", f"/v1/customers/{customer_id}", timeline=5)
    assert r.status_code == 200, r.text
    profile = r.json()
    assert profile["customer_id"] == customer_id
    assert profile["as_of"] == page["as_of"]
    assert 0 <= profile["health"]["score"] <= 100
    assert profile["health"]["band"] in ("green", "yellow", "red")
    assert set(profile["health"]["components"]) == {
        "risk", "usage", "engagement", "support", "sentiment", "billing"
    }  # fmt: skip
    assert isinstance(profile["segments"], list)
    assert 1 <= len(profile["timeline"]) <= 5
    assert {"subscriptions", "open_invoices", "failed_payments"} == set(profile["billing"])
    assert profile["billing"]["subscriptions"]
    assert_problem(get(world, "a_read", "/v1/customers/cus_never_seen"), 404)
    assert_problem(
        get(world, "a_read", f"/v1/customers/{customer_id}", timeline=-1), 422, "timeline"
    )


def test_list_pages_filters_and_refuses_bad_values_naming_the_field(world: Site) -> None:
    first = get(world, "a_read", "/v1/customers", sort="-mrr", limit=20).json()
    second = get(
        world, "a_read", "/v1/customers", sort="-mrr", limit=20, cursor=first["next_cursor"]
    ).json()
    ids = [c["customer_id"] for c in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 40
    mrr = [c["mrr"] for c in first["items"] + second["items"]]
    assert mrr == sorted(mrr, reverse=True)
    red = get(world, "a_read", "/v1/customers", health_band="red", limit=500).json()["items"]
    assert red and {c["health_band"] for c in red} == {"red"}
    members = get(world, "a_read", "/v1/segments/high_ltv/members", limit=1000).json()
    listed = get(world, "a_read", "/v1/customers", segment="high_ltv", limit=500).json()
    assert {m["customer_id"] for m in members["items"]} == {
        c["customer_id"] for c in listed["items"]
    }
    for params, field in [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"risk_min": 2}, "risk_min"),
        ({"risk_max": "high"}, "risk_max"),
        ({"sort": "-helth"}, "sort"),
        ({"health_band": "blue"}, "health_band"),
        ({"segment": "no_such_segment"}, "segment"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ]:
        problem = assert_problem(get(world, "a_read", "/v1/customers", **params), 422, field)
        assert repr(field) in problem["detail"] or "segment" in problem["detail"]


def test_metrics_have_the_keys_of_the_cli_json_when_read(world: Site, demo_world: Path) -> None:
    r = get(world, "a_read", "/v1/metrics", interval="quarter")
    assert r.status_code == 200, r.text
    doc = r.json()
    cli = CliRunner().invoke(
        app, ["metrics", "--json", "--interval", "quarter", "-w", str(demo_world)]
    )
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.stdout)
    assert doc == expected
    assert list(doc["series"][0]) == [c for c in SERIES_COLUMNS if c != "group"]
    by_plan = get(world, "a_read", "/v1/metrics", by="plan", **{"from": "2026-01-01"}).json()
    assert by_plan["by"] == "plan" and all("group" in row for row in by_plan["series"])
    assert_problem(get(world, "a_read", "/v1/metrics", interval="fortnight"), 422, "interval")
    assert_problem(get(world, "a_read", "/v1/metrics", **{"from": "yesterday"}), 422, "from")
    assert_problem(get(world, "a_read", "/v1/metrics", by="bogus"), 422, "by")


def test_segments_are_listed_created_with_write_scope_and_checked(world: Site) -> None:
    names = {s["name"] for s in get(world, "a_read", "/v1/segments").json()}
    assert {"high_ltv", "at_risk", "rfm_champions"} <= names
    body = {"name": "pro_unhealthy", "rule": 'plan == "pro" and health < 60'}
    with world.client("a_read") as c:
        assert_problem(c.post("/v1/segments", json=body), 403)
    with world.client("a_write") as c:
        created = c.post("/v1/segments", json=body | {"description": "Pro, health under 60"})
        assert created.status_code == 201, created.text
        assert created.json()["kind"] == "rule" and created.json()["members"] > 0
        assert_problem(c.post("/v1/segments", json=body), 409)
        bad = assert_problem(
            c.post("/v1/segments", json={"name": "typo", "rule": "plan == 'pro' and helth < 3"}),
            422,
            "rule",
        )
        assert bad["errors"][0]["column"] == 19 and "'health'" in bad["detail"]
        assert_problem(c.post("/v1/segments", json={"name": "Bad Name", "rule": "mrr > 0"}), 422)
    detail = get(world, "a_read", "/v1/segments/pro_unhealthy").json()
    assert detail["members"] == created.json()["members"] and detail["trend"]
    members = get(world, "a_read", "/v1/segments/pro_unhealthy/members", limit=3).json()
    assert members["total"] == detail["members"] and len(members["items"]) == 3
    assert all(m["plan"] == "pro" and m["health"] < 60 for m in members["items"])
    assert_problem(get(world, "a_read", "/v1/segments/nope"), 404)
    assert_problem(get(world, "a_read", "/v1/segments/nope/members"), 404)


def test_key_of_a_reads_nothing_of_b_when_it_guesses_ids_and_names(world: Site) -> None:
    assert get(world, "b_read", f"/v1/customers/{ONLY_B}").status_code == 200
    assert_problem(get(world, "a_read", f"/v1/customers/{ONLY_B}"), 404)
    a_id = get(world, "a_read", "/v1/customers", limit=1).json()["items"][0]["customer_id"]
    assert_problem(get(world, "b_admin", f"/v1/customers/{a_id}"), 404)
    assert get(world, "b_read", "/v1/customers").json()["items"] == []  # b never refreshed
    with world.client("b_write") as c:
        r = c.post("/v1/segments", json={"name": "b_secret", "rule": "mrr > 0"})
        assert r.status_code == 201, r.text
    assert "b_secret" in {s["name"] for s in get(world, "b_read", "/v1/segments").json()}
    assert "b_secret" not in {s["name"] for s in get(world, "a_read", "/v1/segments").json()}
    assert_problem(get(world, "a_admin", "/v1/segments/b_secret"), 404)
    assert_problem(get(world, "a_admin", "/v1/segments/b_secret/members"), 404)
    with world.client("a_pk") as c:  # a publishable key reads nothing at all
        assert_problem(c.get(f"/v1/customers/{a_id}"), 403)


def test_many_concurrent_reads_all_answer_when_they_queue_for_the_workspace(world: Site) -> None:
    """More waiting reads than the request threadpool has threads (40) must not hang it.

    The workspace lock is taken off the request pool and released on the event loop, so
    the reads waiting for it cannot starve the holder of a thread to release it.
    """
    page = get(world, "a_read", "/v1/customers", limit=20).json()
    ids = [item["customer_id"] for item in page["items"]]

    async def read_all() -> list[int]:
        headers = {"Authorization": f"Bearer {world.keys['a_read']}"}
        limits = httpx.Limits(max_connections=120)
        async with httpx.AsyncClient(
            base_url=world.url, headers=headers, timeout=60, limits=limits
        ) as client:
            responses = await asyncio.gather(
                *(client.get(f"/v1/customers/{ids[i % len(ids)]}") for i in range(120))
            )
        return [r.status_code for r in responses]

    assert asyncio.run(asyncio.wait_for(read_all(), timeout=90)) == [200] * 120


def test_winback_says_how_to_train_when_the_tenant_has_no_model(world: Site) -> None:
    problem = assert_problem(get(world, "a_read", "/v1/winback", limit=5), 404)
    assert "tenure winback train" in problem["detail"]
    assert_problem(get(world, "a_read", "/v1/winback", limit=0), 422, "limit")
