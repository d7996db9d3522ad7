"""The cancel flow answers with the discount uplift model's prediction when one is trained."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenure import Workspace

pytestmark = pytest.mark.slow

DISCOUNT_COST = 0.25 * 3
"""discount_25_3m is kept when uplift × MRR × value_months > P(accept) × MRR × 0.25 × 3."""


@pytest.fixture(scope="module")
def flow_workspace(
    demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The demo with a refreshed day and a trained discount uplift model; no control group."""
    root = tmp_path_factory.mktemp("flow-uplift") / "ws"
    shutil.copytree(demo_workspace, root)
    with (root / "tenure.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[offers]\ncontrol_share = 0\n")
    with Workspace.open(root) as ws:
        ws.refresh()
        ws.offer_uplift_train()
    yield root


def _discount(flow_decision: dict[str, object] | None) -> dict[str, object]:
    assert flow_decision is not None
    considered = flow_decision["considered"]
    assert isinstance(considered, list)
    found: dict[str, object] = next(c for c in considered if c["kind"] == "discount")
    return found


def test_flow_uses_model_uplift_and_drops_discount_below_cost_when_model_trained(
    flow_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Workspace.open(flow_workspace) as ws:
        scores = ws.flow_uplift_scores()
        assert scores is not None
        p = ws.warehouse.table("customer_profiles")
        paying = p.filter((p.as_of == p.as_of.max()) & (p.mrr > 0)).customer_id
        profiled = sorted(set(paying.to_pyarrow().to_pylist()) & set(scores))
        below, above = profiled[0], profiled[1]
        accept = {c: ws.flow_accept_probability(c) for c in (below, above)}
    shown = {}
    # value a save (value_months) so that uplift × value is under the expected cost
    # (P(accept) × cost) for the first customer and over it for the second; the small
    # demo's model may score them alike
    for customer, factor in ((below, 0.9), (above, 1.1)):
        uplift = scores[customer]
        p_accept = accept[customer]
        assert uplift > 0 and p_accept is not None and 0 < p_accept <= 1
        months = DISCOUNT_COST * p_accept / uplift * factor
        monkeypatch.setenv("TENURE_OFFERS__VALUE_MONTHS", str(months))
        with Workspace.open(flow_workspace) as ws:
            flow = ws.cancel_flow_start(customer)
            flow = ws.cancel_flow_answer(flow.id, "too_expensive")
            alone = ws.offer_uplift([customer])  # the same as predicting the customer alone
        discount = _discount(flow.decision)
        assert discount["uplift_source"] == "model"
        assert discount["uplift"] == pytest.approx(uplift, abs=1e-6)
        assert discount["accept_probability"] == pytest.approx(p_accept, abs=1e-6)
        assert alone["uplift"][0] == pytest.approx(uplift, abs=1e-6)
        shown[customer] = [o.name for o in flow.offers]
    assert "discount_25_3m" not in shown[below]
    assert "discount_25_3m" in shown[above]
    # the scores are kept for the next process, keyed by data version, day and model
    assert (flow_workspace / "cache" / "flow_uplift" / "key.json").exists()


def test_flow_uses_default_uplift_when_no_model_is_trained(
    flow_workspace: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(flow_workspace, root)
    shutil.rmtree(root / "models" / "offer_uplift")
    with Workspace.open(root) as ws:
        p = ws.warehouse.table("customer_profiles")
        customer = (
            p.filter((p.as_of == p.as_of.max()) & (p.mrr > 0))
            .order_by("customer_id")
            .customer_id.to_pyarrow()
            .to_pylist()[0]
        )
        assert ws.flow_uplift(customer) is None
        flow = ws.cancel_flow_answer(ws.cancel_flow_start(customer).id, "too_expensive")
    discount = _discount(flow.decision)
    assert discount["uplift_source"] == "default" and discount["uplift"] == 0.1


def test_offer_log_adds_discounts_shown_in_cancel_flows_when_flows_ran(
    flow_workspace: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(flow_workspace, root)
    with Workspace.open(root) as ws:
        before = ws.cancel_flow_offer_log()
        demo = ws.offer_log().height - before.height  # the demo's simulated history
        assert demo > 0
        p = ws.warehouse.table("customer_profiles")
        paying = p.filter((p.as_of == p.as_of.max()) & (p.mrr > 0)).order_by("customer_id")
        customers = paying.customer_id.to_pyarrow().to_pylist()[-2:]
        for customer, take in zip(customers, (True, False), strict=True):
            flow = ws.cancel_flow_answer(ws.cancel_flow_start(customer).id, "too_expensive")
            assert "discount_25_3m" in [o.name for o in flow.offers]
            if take:
                ws.cancel_flow_accept(flow.id, "discount_25_3m")
            else:
                ws.cancel_flow_decline(flow.id)
        after = ws.cancel_flow_offer_log()
        log = ws.offer_log()
    assert after.columns == ["customer_id", "offered_at", "accepted", "percent", "months"]
    assert after.height == before.height + 2
    added = after.tail(2)
    assert added["customer_id"].to_list() == customers
    assert added["accepted"].to_list() == [True, False]
    assert added["percent"].to_list() == [25.0, 25.0] and added["months"].to_list() == [3, 3]
    assert str(added["offered_at"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    assert log.height == demo + after.height  # the demo's history and the real flows
