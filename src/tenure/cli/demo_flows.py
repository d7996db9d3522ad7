"""``tenure demo``'s simulated cancel flows: the riskiest paying customers try to leave.

The demo runs a handful of cancel flows on its world through the workspace's cancel-flow
methods (docs/demo.md, "Simulated cancel flows"). The customers are the paying ones with
the highest churn risk on the latest refreshed day; each answers the survey with their
ground-truth reason (``data/ground_truth/churn_drivers.parquet``: ``true_cancel_reason``)
and takes a discount offered when it would save them (``discount_would_save``) or when
they are after a deal anyway (``discount_seeker``), a pause offered when their reason is
``temporary_budget``, and otherwise declines.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.cli.console import console
from tenure.cli.metrics import render

if TYPE_CHECKING:
    from tenure.workspace import Workspace

__all__ = ["demo_cancel_flows", "print_demo_flows"]

_TRUTH = Path("data") / "ground_truth" / "churn_drivers.parquet"


def _riskiest(ws: Workspace, count: int) -> list[str]:
    p = ws.warehouse.table("customer_profiles")
    latest = p.filter((p.as_of == p.as_of.max()) & (p.mrr > 0))
    ranked = latest.order_by([latest.churn_probability.desc(nulls_first=False), "customer_id"])
    return [
        str(r["customer_id"])
        for r in ranked.select("customer_id").limit(count).to_pyarrow().to_pylist()
    ]


def _uplift_source(ws: Workspace, customer_id: str, decision: dict[str, Any] | None) -> str:
    for candidate in (decision or {}).get("considered", []):
        if candidate.get("kind") == "discount" and "uplift_source" in candidate:
            return str(candidate["uplift_source"])
    return "model" if ws.flow_uplift(customer_id) is not None else "default"


def demo_cancel_flows(ws: Workspace, *, count: int = 8) -> list[dict[str, Any]] | str:
    """Run ``count`` cancel flows for the riskiest paying customers; one row each.

    A message instead when the world has no ground truth or no refreshed profiles.
    """
    import polars as pl

    path = ws.root / _TRUTH
    if not path.exists():
        return "no ground truth to answer the survey with (not a demo world)"
    truth = {r["customer_id"]: r for r in pl.read_parquet(path).iter_rows(named=True)}
    reasons = ws.settings.offers.reasons
    rows: list[dict[str, Any]] = []
    for customer in _riskiest(ws, count):
        known = truth.get(customer, {})
        reason = known.get("true_cancel_reason") or "other"
        reason = reason if reason in reasons else "other"
        flow = ws.cancel_flow_start(customer, key=f"demo:{customer}")
        if flow.status == "started":
            flow = ws.cancel_flow_answer(flow.id, reason)
        shown = {o.kind: o.name for o in reversed(flow.offers)}  # the first of each kind
        if flow.status == "answered":
            takes_discount = known.get("discount_would_save") or known.get("discount_seeker")
            if "discount" in shown and takes_discount:
                flow = ws.cancel_flow_accept(flow.id, shown["discount"])
            elif "pause" in shown and reason == "temporary_budget":
                flow = ws.cancel_flow_accept(flow.id, shown["pause"])
            else:
                flow = ws.cancel_flow_decline(flow.id)
        names = ", ".join(o.name for o in flow.offers)
        accepted = f" ({flow.accepted_offer})" if flow.accepted_offer else ""
        rows.append(
            {
                "customer_id": customer,
                "reason": reason,
                "offers": names or ("none (control group)" if flow.control else "none"),
                "uplift": _uplift_source(ws, customer, flow.decision),
                "outcome": f"{flow.outcome}{accepted}",
                "mrr_effect": flow.mrr_effect,
            }
        )
    return rows


def print_demo_flows(rows: list[dict[str, Any]] | str, currency: str, directory: Path) -> None:
    """The demo's cancel flows as a table, and where to read their report."""
    import polars as pl

    if isinstance(rows, str):
        console.print(f"No simulated cancel flows: {rows}")
        return
    render(
        pl.DataFrame(rows),
        title=f"Simulated cancel flows of the riskiest paying customers ({currency})",
        columns={
            "customer_id": "customer",
            "reason": "reason",
            "offers": "offers shown",
            "uplift": "uplift used",
            "outcome": "outcome",
            "mrr_effect": "MRR effect",
        },
    )
    console.print(f"Report: tenure offers report -w {directory}")
