"""``GET /v1/customers`` (a filtered, sorted page) and ``GET /v1/customers/{id}`` (the 360)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from tenure.api.deps import WorkspaceDep
from tenure.api.errors import ProblemError
from tenure.api.schemas import CustomerPublic, CustomersPublic, HealthBand, SortField
from tenure.errors import SegmentError

router = APIRouter(prefix="/customers", tags=["customers"])

AsOf = Annotated[
    dt.date | None,
    Query(description="The day of the stored scores (default: the latest refreshed day)."),
]


@router.get("", summary="A page of customers, filtered and sorted (keyset cursor)")
def list_customers(
    ws: WorkspaceDep,
    segment: Annotated[str | None, Query(min_length=1, max_length=63)] = None,
    risk_min: Annotated[float | None, Query(ge=0, le=1)] = None,
    risk_max: Annotated[float | None, Query(ge=0, le=1)] = None,
    plan: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    health_band: HealthBand | None = None,
    sort: SortField = "-churn_probability",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2000)] = None,
    as_of: AsOf = None,
) -> CustomersPublic:
    try:
        page = ws.customers(
            segment=segment,
            risk_min=risk_min,
            risk_max=risk_max,
            plan=plan,
            health_band=health_band,
            sort=sort,
            limit=limit,
            cursor=cursor,
            as_of=as_of,
        )
    except SegmentError as exc:  # an unknown segment name: the 'segment' parameter is wrong
        raise ProblemError(
            422, str(exc), errors=[{"field": "segment", "message": str(exc)}]
        ) from exc
    return CustomersPublic.model_validate(page)


@router.get(
    "/{customer_id}",
    summary="One customer's profile: the customer 360",
    response_model=CustomerPublic,
)
def read_customer(
    customer_id: Annotated[str, Path(min_length=1, max_length=255)],
    ws: WorkspaceDep,
    as_of: AsOf = None,
    timeline: Annotated[int, Query(ge=0, le=500, description="Newest items to return.")] = 50,
) -> Response:
    profile = CustomerPublic.model_validate(
        ws.customer_profile(customer_id, as_of=as_of, timeline=timeline)
    )
    # validated once, serialised in Rust: FastAPI would validate and encode it again
    return Response(profile.model_dump_json(), media_type="application/json")
