"""What the dashboard reads beside the library's lists: customer notes, plans, the result cache."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tenure import Workspace
from tenure.errors import ConfigError
from tests.api import conftest as api

demo_world = api.demo_world  # 300 customers, 12 months, refreshed (once per session)


@pytest.fixture
def world(demo_world: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo_world, tmp_path / "ws")
    return tmp_path / "ws"


def test_customer_notes_give_reason_segments_and_last_seen_of_the_day(world: Path) -> None:
    with Workspace.open(world) as ws:
        page = ws.customers(limit=20)
        day = page["as_of"]
        ids = [i["customer_id"] for i in page["items"]]
        notes = ws.customer_notes([*ids, "cus_unknown"], as_of=day)
        for cid in ids:
            profile = ws.customer_profile(cid, timeline=0)
            reasons = (profile["churn"] or {}).get("reasons", {}).get("en") or [None]
            assert notes[cid]["top_reason"] == reasons[0]
            assert notes[cid]["segments"] == profile["segments"]
            seen = notes[cid]["last_seen_on"]
            assert seen is None or (isinstance(seen, dt.date) and seen <= day)
        assert notes["cus_unknown"] == {"top_reason": None, "segments": [], "last_seen_on": None}
        assert ws.customer_notes([], as_of=day) == {}
        with pytest.raises(ConfigError, match="at most 5000 ids"):
            ws.customer_notes([f"c{i}" for i in range(5001)], as_of=day)
        plans = ws.customer_plans(as_of=day)
        assert plans == sorted(plans) and {i["plan"] for i in page["items"]} - {None} <= set(plans)
        history = ws.churn_history(ids[0])
        scored = ws.customer_profile(ids[0], timeline=0)["churn"] is not None
        assert history.columns == ["as_of", "churn_probability"]
        assert history.height == (1 if scored else 0)


def test_metrics_are_computed_again_only_after_new_data(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tenure.metrics

    calls: list[str] = []
    series = tenure.metrics.mrr_series

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("series")
        return series(*args, **kwargs)

    monkeypatch.setattr(tenure.metrics, "mrr_series", counted)
    # The refresh saved the default views to disk; this test is about the in-memory cache.
    shutil.rmtree(world / "cache" / "results", ignore_errors=True)
    with Workspace.open(world) as ws:
        first = ws.metrics(interval="month")
        again = ws.metrics(interval="month")
        assert calls == ["series"] and again.equals(first)
        again[0, "mrr"] = -1.0  # a caller's change does not reach the cache
        assert ws.metrics(interval="month").equals(first)
        ws.metrics(interval="week")
        assert calls == ["series", "series"]
        version = ws.data_version()
        created = {"id": "cus_new", "object": "customer", "name": "New", "created": 1735689600}
        event = {"id": "evt_new", "object": "event", "type": "customer.created"}
        ws.ingest_stripe_events([event | {"created": 1735689700, "data": {"object": created}}])
        assert ws.data_version() == version + 1
        ws.metrics(interval="month")
        assert calls == ["series", "series", "series"]


def test_warm_up_computes_the_default_views_of_tenants_with_billing_data(
    world: Path, tmp_path: Path
) -> None:
    from tenure.workspace import Deployment

    folder = tmp_path / "deployment"
    folder.mkdir()
    (folder / "tenure.toml").write_text('[store]\nurl = "sqlite:///tenure.sqlite"\n')
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        deployment.create_tenant("a", folder=str(world))  # an existing workspace
        deployment.create_tenant("b")  # empty: nothing to warm
        assert deployment.warm_up(breakdowns=("plan",)) == 1
        with deployment.reader(deployment.tenant("a")) as ws:  # the dashboard's
            kinds = [key[0][0] for key in ws._results]  # (key, currency, rules) -> key's kind
            assert kinds[:3] == ["series", "cohorts", "series"]  # monthly, cohorts, by plan
            # then the engagement and feedback pages' (the funnel keeps two frames)
            assert kinds[3:] == ["table"] * 4 + ["funnel", "kad", "table", "nps_distribution"]
        with pytest.raises(ConfigError, match="not a Tenure workspace"):
            deployment.create_tenant("c", folder="nowhere")
