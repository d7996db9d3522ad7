"""What the cancel flow saved: save rates, saved MRR, discount cost and net impact.

Read from the operational store's ``cancel_flows`` (finished flows only) and compared
with the control group (``[offers] control_share``, no offer). Definitions
(docs/cancel-flow.md, "Measurement"):

- a flow is a **save** when its outcome is saved, paused or downgraded;
- **MRR kept**: 0 when canceled, the new MRR when downgraded, else the MRR before;
- **saved MRR**: the MRR kept by saves; **discount cost**: the revenue the accepted offers
  give up over their terms (``discount_cost`` of each flow);
- **net value** of a flow: ``MRR kept × value_months − discount cost``;
- **lift**: treatment save rate − control save rate (Newcombe interval), and the
  difference of mean net value per flow (Welch interval); **net impact** = that
  difference × the treated flows: what offering earned over not offering.

Rates carry Wilson intervals. Aggregates are computed by polars over the flows' table;
only the intervals are computed per group.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Table, select
from sqlalchemy.exc import SQLAlchemyError

from tenure.errors import StoreError
from tenure.measure.intervals import difference_in_means, difference_in_proportions, wilson
from tenure.store.operational import CancelFlowRow

if TYPE_CHECKING:
    import polars as pl

__all__ = ["DIMENSIONS", "REPORT_COLUMNS", "CancelFlowReport", "cancel_flow_report", "flow_frame"]

_FLOWS: Table = CancelFlowRow.__table__  # type: ignore[assignment]
DIMENSIONS = ("all", "reason", "offer", "segment")
"""The report's breakdowns: every flow, by reason, by offer shown, by segment."""
REPORT_COLUMNS = (
    "dimension",
    "group",
    "flows",
    "control_flows",
    "saves",
    "save_rate",
    "save_rate_low",
    "save_rate_high",
    "control_save_rate",
    "lift",
    "lift_low",
    "lift_high",
    "accepted",
    "saved_mrr",
    "discount_cost",
    "net_per_flow",
    "net_per_flow_low",
    "net_per_flow_high",
    "net_impact",
)


def flow_frame(engine: Engine, tenant_id: str) -> pl.DataFrame:
    """The tenant's finished cancel flows, one row each, with ``saved`` and ``mrr_kept``."""
    import polars as pl

    t = _FLOWS
    query = select(
        t.c.id,
        t.c.customer_id,
        t.c.started_at,
        t.c.reason,
        t.c.control,
        t.c.offers,
        t.c.segments,
        t.c.accepted_offer,
        t.c.outcome,
        t.c.currency,
        t.c.mrr_before,
        t.c.mrr_after,
        t.c.discount_cost,
    ).where(t.c.tenant_id == tenant_id, t.c.status == "finished")
    try:
        with engine.connect() as con:
            result = con.execute(query)
            columns = list(result.keys())
            rows = result.all()
    except SQLAlchemyError as exc:
        raise StoreError(f"the cancel flows could not be read: {exc}") from exc
    schema: dict[str, Any] = {
        "id": pl.String,
        "customer_id": pl.String,
        "started_at": pl.Datetime("us"),
        "reason": pl.String,
        "control": pl.Boolean,
        "offers": pl.List(pl.String),
        "segments": pl.List(pl.String),
        "accepted_offer": pl.String,
        "outcome": pl.String,
        "currency": pl.String,
        "mrr_before": pl.Float64,
        "mrr_after": pl.Float64,
        "discount_cost": pl.Float64,
    }
    types = list(zip(columns, schema.values(), strict=True))
    frame = pl.DataFrame([tuple(r) for r in rows], schema=types, orient="row")
    saved = pl.col("outcome").is_in(["saved", "paused", "downgraded"])
    kept = (
        pl.when(pl.col("outcome") == "canceled")
        .then(0.0)
        .when(pl.col("outcome") == "downgraded")
        .then(pl.col("mrr_after"))
        .otherwise(pl.col("mrr_before"))
    )
    return frame.with_columns(
        saved=saved, mrr_kept=kept, control=pl.col("control").fill_null(False)
    )


@dataclass(frozen=True)
class CancelFlowReport:
    """The report: one row per dimension and group (:data:`REPORT_COLUMNS`)."""

    rows: pl.DataFrame
    currency: str
    value_months: float
    confidence: float
    flows: int
    webhooks: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: NaN becomes None."""

        def clean(value: Any) -> Any:
            return None if isinstance(value, float) and math.isnan(value) else value

        return {
            "currency": self.currency,
            "value_months": self.value_months,
            "confidence": self.confidence,
            "flows": self.flows,
            "webhooks": self.webhooks,
            "rows": [{k: clean(v) for k, v in r.items()} for r in self.rows.to_dicts()],
        }


def _aggregates(frame: pl.DataFrame, key: str, value_months: float) -> pl.DataFrame:
    import polars as pl

    net = pl.col("mrr_kept") * value_months - pl.col("discount_cost").fill_null(0.0)
    treated, control = ~pl.col("control"), pl.col("control")
    return (
        frame.with_columns(net=net)
        .group_by(key)
        .agg(
            flows=treated.sum(),
            saves=(treated & pl.col("saved")).sum(),
            control_flows=control.sum(),
            control_saves=(control & pl.col("saved")).sum(),
            accepted=pl.col("accepted_offer").is_not_null().sum(),
            saved_mrr=pl.col("mrr_kept").filter(pl.col("saved") & treated).sum(),
            discount_cost=pl.col("discount_cost").filter(treated).sum(),
            net_mean=pl.col("net").filter(treated).mean(),
            net_var=pl.col("net").filter(treated).var(),
            control_net_mean=pl.col("net").filter(control).mean(),
            control_net_var=pl.col("net").filter(control).var(),
        )
        .sort(key)
    )


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def cancel_flow_report(
    frame: pl.DataFrame,
    *,
    currency: str,
    value_months: float,
    confidence: float = 0.95,
    webhooks: dict[str, Any] | None = None,
) -> CancelFlowReport:
    """Save rates, saved MRR, discount cost and net impact by reason, offer and segment.

    ``frame`` is :func:`flow_frame`'s. By offer, a flow counts once for each offer it
    showed (``accepted`` is how many took that offer), and its lift is measured against
    the control flows of the reasons that showed it. ``webhooks`` is passed through
    (what was sent for accepted offers).
    """
    import polars as pl

    parts = {
        "all": frame.with_columns(group=pl.lit("all")),
        "reason": frame.with_columns(group=pl.col("reason")),
        "offer": frame.filter(~pl.col("control"))
        .explode("offers")
        .filter(pl.col("offers").is_not_null())
        .with_columns(
            group=pl.col("offers"),
            accepted_offer=pl.when(pl.col("accepted_offer") == pl.col("offers"))
            .then(pl.col("accepted_offer"))
            .otherwise(None),
        ),
        "segment": frame.explode("segments")
        .filter(pl.col("segments").is_not_null())
        .with_columns(group=pl.col("segments")),
    }
    reasons = _aggregates(frame, "reason", value_months)
    by_reason = {r["reason"]: r for r in reasons.to_dicts()}
    out: list[dict[str, Any]] = []
    for dimension, part in parts.items():
        if part.is_empty():
            continue
        for g in _aggregates(part, "group", value_months).to_dicts():
            if dimension == "offer":  # compare with the control flows of the same reasons
                shown = part.filter(pl.col("group") == g["group"])["reason"].unique().to_list()
                pool = [by_reason[r] for r in shown if r in by_reason]
                g["control_flows"] = sum(p["control_flows"] for p in pool)
                g["control_saves"] = sum(p["control_saves"] for p in pool)
                ctrl = frame.filter(pl.col("control") & pl.col("reason").is_in(shown))
                net = ctrl["mrr_kept"] * value_months - ctrl["discount_cost"].fill_null(0.0)
                g["control_net_mean"] = net.mean() if len(net) else None
                g["control_net_var"] = net.var() if len(net) > 1 else None
            out.append(_row(dimension, g, confidence))
    rows = (
        pl.DataFrame(out, schema=_schema(), orient="row") if out else pl.DataFrame(schema=_schema())
    )
    return CancelFlowReport(
        rows=rows,
        currency=currency,
        value_months=value_months,
        confidence=confidence,
        flows=frame.height,
        webhooks=webhooks or {},
    )


def _schema() -> dict[str, Any]:
    import polars as pl

    types: dict[str, Any] = dict.fromkeys(REPORT_COLUMNS, pl.Float64)
    types |= {"dimension": pl.String, "group": pl.String}
    types |= dict.fromkeys(("flows", "control_flows", "saves", "accepted"), pl.Int64)
    return types


def _row(dimension: str, g: dict[str, Any], confidence: float) -> dict[str, Any]:
    n, saves = int(g["flows"]), int(g["saves"])
    n_c, saves_c = int(g["control_flows"]), int(g["control_saves"])
    rate = wilson(saves, n, confidence)
    lift = difference_in_proportions(saves, n, saves_c, n_c, confidence)
    net = difference_in_means(
        _nan(g["net_mean"]),
        _nan(g["net_var"]),
        n,
        _nan(g["control_net_mean"]),
        _nan(g["control_net_var"]),
        n_c,
        confidence,
    )
    return {
        "dimension": dimension,
        "group": str(g["group"]),
        "flows": n,
        "control_flows": n_c,
        "saves": saves,
        "save_rate": rate.value,
        "save_rate_low": rate.low,
        "save_rate_high": rate.high,
        "control_save_rate": saves_c / n_c if n_c else float("nan"),
        "lift": lift.value,
        "lift_low": lift.low,
        "lift_high": lift.high,
        "accepted": int(g["accepted"]),
        "saved_mrr": float(g["saved_mrr"] or 0.0),
        "discount_cost": float(g["discount_cost"] or 0.0),
        "net_per_flow": net.value,
        "net_per_flow_low": net.low,
        "net_per_flow_high": net.high,
        "net_impact": net.value * n if n else float("nan"),
    }
