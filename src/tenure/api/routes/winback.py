"""``GET /v1/winback``: churned customers to win back, ranked, with offer and message."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tenure.api.deps import WorkspaceDep

router = APIRouter(prefix="/winback", tags=["winback"])


class WinbackItemPublic(BaseModel):
    """A churned customer: the chance they come back, their value, and what to offer."""

    customer_id: str
    name: str | None = None
    email: str | None = None
    churned_on: dt.date
    plan: str | None = Field(default=None, description="The product they paid for last.")
    cancel_reason: str | None = Field(
        default=None,
        description="Why they left: payment_failed for an involuntary churn, else the exit "
        "survey's reason code, else Stripe's cancellation feedback in those codes.",
    )
    reason_source: str | None = Field(
        default=None, description="Where cancel_reason comes from: payment, survey or stripe."
    )
    probability: float = Field(description="Of coming back within [winback] horizon_days.")
    value: float = Field(description="MRR before the churn × [winback] value_months.")
    expected_value: float = Field(description="probability × value; the list's order.")
    high_ltv: bool
    high_engagement: bool
    high_aov: bool
    offer: str | None = None
    message: str | None = None


class WinbackPublic(BaseModel):
    """The win-back list of a day (a campaign audience; docs/winback.md)."""

    as_of: dt.date
    currency: str
    total: int = Field(description="Churned customers on the day, before the limit.")
    items: list[WinbackItemPublic]


@router.get("", summary="Churned customers ranked by reactivation probability × value")
def read_winback(
    ws: WorkspaceDep,
    as_of: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> WinbackPublic:
    ranked = ws.winback(as_of=as_of)
    day = as_of or ws.scoring_day()
    return WinbackPublic(
        as_of=day,
        currency=ws.settings.reporting_currency,
        total=ranked.height,
        items=[WinbackItemPublic.model_validate(r) for r in ranked.head(limit).to_dicts()],
    )
