"""``GET /v1/metrics``: the MRR series, the document ``tenure metrics --json`` prints."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from tenure.api.deps import WorkspaceDep
from tenure.api.schemas import Interval, MetricsPeriodPublic, MetricsPublic

router = APIRouter(tags=["metrics"])


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    """Floats to 6 decimals, as the CLI's JSON has them."""
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()}


@router.get(
    "/metrics",
    summary="MRR, movements, customers, churn and retention per period",
    response_model_exclude_unset=True,  # 'group' only with 'by', as in the CLI's JSON
)
def read_metrics(
    ws: WorkspaceDep,
    start: Annotated[dt.date | None, Query(alias="from", description="First day.")] = None,
    end: Annotated[dt.date | None, Query(alias="to", description="Last day.")] = None,
    interval: Interval = "month",
    by: Annotated[
        str | None, Query(min_length=1, max_length=63, description="A breakdown: plan, ...")
    ] = None,
    as_of: dt.date | None = None,
) -> MetricsPublic:
    ctx = ws.metrics_context(as_of=as_of)
    df = ws.metrics(interval=interval, start=start, end=end, by=by, as_of=ctx.as_of)
    if by is None:
        df = df.drop("group")
    return MetricsPublic(
        as_of=ctx.as_of,
        currency=ctx.currency,
        interval=interval,
        by=by,
        series=[MetricsPeriodPublic(**_rounded(row)) for row in df.to_dicts()],
    )
