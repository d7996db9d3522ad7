"""Request and response bodies: ``XCreate`` comes in, ``XPublic`` goes out.

The tracking models follow Segment's HTTP API (https://segment.com/docs/connections/
sources/catalog/libraries/server/http-api/): the same field names, the ``batch``
envelope and the ``{"success": true}`` answer, so Segment and RudderStack clients work by
changing their host. Known fields are checked strictly (type, length, ISO 8601 times);
fields Tenure does not know are kept in the stored message, as Segment keeps them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

__all__ = [
    "AcceptedPublic",
    "ActivityPublic",
    "AliasCreate",
    "ApiKeyCreate",
    "ApiKeyPublic",
    "BatchCreate",
    "BillingPublic",
    "ChurnPublic",
    "CustomerItemPublic",
    "CustomerPublic",
    "CustomersPublic",
    "EventPublic",
    "GroupCreate",
    "HealthBand",
    "HealthComponentsPublic",
    "HealthPublic",
    "IdentifyCreate",
    "Interval",
    "LifetimeValuePublic",
    "MessageCreate",
    "MetricsPeriodPublic",
    "MetricsPublic",
    "NewApiKeyPublic",
    "PageCreate",
    "ReasonsPublic",
    "ScreenCreate",
    "SegmentCreate",
    "SegmentDetailPublic",
    "SegmentMemberPublic",
    "SegmentMembersPublic",
    "SegmentPublic",
    "SegmentSizePublic",
    "SortField",
    "StatusPublic",
    "StripeWebhookPublic",
    "TrackCreate",
]


def _id(value: Any) -> Any:
    """Segment ids are strings; clients may send numbers, which Segment turns into text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Id = Annotated[str, BeforeValidator(_id), Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, strict=False)

    user_id: Id | None = Field(default=None, alias="userId")
    anonymous_id: Id | None = Field(default=None, alias="anonymousId")
    message_id: Id | None = Field(
        default=None, alias="messageId", description="Deduplication key (made up when absent)."
    )
    timestamp: AwareDatetime | None = Field(
        default=None, description="When it happened (ISO 8601 with offset); default: received."
    )
    original_timestamp: AwareDatetime | None = Field(default=None, alias="originalTimestamp")
    sent_at: AwareDatetime | None = Field(default=None, alias="sentAt")
    context: dict[str, Any] | None = None
    integrations: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _someone(self) -> _Message:
        if self.user_id is None and self.anonymous_id is None:
            raise ValueError("either 'userId' or 'anonymousId' is required (Segment spec)")
        return self


class TrackCreate(_Message):
    """A ``track`` call: a named action with properties."""

    type: Literal["track"] = "track"
    event: Name
    properties: dict[str, Any] | None = None


class IdentifyCreate(_Message):
    """An ``identify`` call: who the user is (traits)."""

    type: Literal["identify"] = "identify"
    traits: dict[str, Any] | None = None


class PageCreate(_Message):
    """A ``page`` call: a page view."""

    type: Literal["page"] = "page"
    name: Name | None = None
    category: Name | None = None
    properties: dict[str, Any] | None = None


class ScreenCreate(_Message):
    """A ``screen`` call: a mobile screen view."""

    type: Literal["screen"] = "screen"
    name: Name | None = None
    category: Name | None = None
    properties: dict[str, Any] | None = None


class GroupCreate(_Message):
    """A ``group`` call: the account a user belongs to."""

    type: Literal["group"] = "group"
    group_id: Id = Field(alias="groupId")
    traits: dict[str, Any] | None = None


class AliasCreate(_Message):
    """An ``alias`` call: two ids of one user."""

    type: Literal["alias"] = "alias"
    previous_id: Id = Field(alias="previousId")


MessageCreate = Annotated[
    TrackCreate | IdentifyCreate | PageCreate | ScreenCreate | GroupCreate | AliasCreate,
    Field(discriminator="type"),
]


class BatchCreate(BaseModel):
    """Segment's ``batch`` envelope; its ``context`` and ``integrations`` apply to each item."""

    model_config = ConfigDict(extra="allow")

    batch: list[MessageCreate] = Field(min_length=1, max_length=10_000)
    context: dict[str, Any] | None = None
    integrations: dict[str, Any] | None = None
    sent_at: AwareDatetime | None = Field(default=None, alias="sentAt")


class AcceptedPublic(BaseModel):
    """Segment's answer: the messages are stored durably."""

    success: Literal[True] = True


class EventPublic(BaseModel):
    """A received message: when it arrived and whether it is in the warehouse yet."""

    message_id: str
    type: str
    received_at: dt.datetime
    moved_at: dt.datetime | None
    payload: dict[str, Any]


class ApiKeyCreate(BaseModel):
    """A new key for the caller's tenant."""

    model_config = ConfigDict(extra="forbid")

    scope: Literal["read", "write", "admin"] = "read"
    publishable: bool = False


class ApiKeyPublic(BaseModel):
    """A key as stored: its id and the first characters of the key, never the key."""

    id: str
    kind: Literal["publishable", "secret"]
    scope: Literal["read", "write", "admin"]
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class NewApiKeyPublic(ApiKeyPublic):
    """A key just made: ``key`` is shown this once."""

    key: str


class StatusPublic(BaseModel):
    """The server is up."""

    status: Literal["ok"] = "ok"
    version: str


# -- Stripe webhooks ---------------------------------------------------------------------------


class StripeWebhookPublic(BaseModel):
    """A delivery was accepted: its event is in the warehouse (now, or from before)."""

    received: Literal[True] = True
    event_id: str
    type: str
    duplicate: bool = Field(description="The event was received before; nothing changed.")


# -- customers ---------------------------------------------------------------------------------

SortField = Literal[
    "churn_probability",
    "-churn_probability",
    "health",
    "-health",
    "mrr",
    "-mrr",
    "ltv",
    "-ltv",
    "account_age_days",
    "-account_age_days",
    "renewal_in_days",
    "-renewal_in_days",
    "customer_id",
    "-customer_id",
]
HealthBand = Literal["green", "yellow", "red"]


class HealthComponentsPublic(BaseModel):
    """The health score's components, each 0-100 (None when it does not apply)."""

    risk: float | None = None
    usage: float | None = None
    engagement: float | None = None
    support: float | None = None
    sentiment: float | None = None
    billing: float | None = None


class HealthPublic(BaseModel):
    """The 0-100 health score of the day, its band and weakest component (docs/health.md)."""

    score: float
    band: HealthBand | None
    components: HealthComponentsPublic
    weakest: str | None


class ReasonsPublic(BaseModel):
    """Why the model scores the customer at risk, in plain English and German."""

    en: list[str]
    de: list[str]


class ChurnPublic(BaseModel):
    """Churn risk within the model's horizon, its rank, and the drivers as sentences."""

    probability: float
    rank: int | None
    drivers: list[str]
    reasons: ReasonsPublic


class LifetimeValuePublic(BaseModel):
    """Expected lifetime value (reporting currency, major units) and remaining months."""

    ltv: float
    expected_remaining_months: float | None
    currency: str


class ActivityPublic(BaseModel):
    """A timeline, billing or feedback item; fields that do not apply are null."""

    kind: str | None = Field(
        default=None,
        description="product, subscription, invoice, payment, support or feedback (timeline)",
    )
    at: dt.datetime | None = None
    id: str | None = None
    title: str | None = None
    status: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    score: float | None = None
    detail: str | None = None
    ends_at: dt.datetime | None = None


class BillingPublic(BaseModel):
    """Current subscriptions, open invoices and the latest failed payments."""

    subscriptions: list[ActivityPublic]
    open_invoices: list[ActivityPublic]
    failed_payments: list[ActivityPublic]


class CustomerPublic(BaseModel):
    """The customer 360 (docs/customers.md): scores are those stored for ``as_of``."""

    customer_id: str
    as_of: dt.date | None
    name: str | None
    email: str | None
    country: str | None
    locale: str | None
    timezone: str | None
    currency: str | None
    created_at: dt.datetime | None
    delinquent: bool | None
    plan: str | None
    billing_interval: str | None
    mrr: float | None
    mrr_currency: str
    tenure_days: float | None
    paying_days: float | None
    cancel_pending: bool | None
    health: HealthPublic | None
    churn: ChurnPublic | None
    segments: list[str]
    lifetime_value: LifetimeValuePublic | None
    timeline: list[ActivityPublic]
    billing: BillingPublic
    feedback: list[ActivityPublic]


class CustomerItemPublic(BaseModel):
    """One customer of a list page."""

    customer_id: str
    name: str | None
    email: str | None
    plan: str | None
    mrr: float | None
    health: float | None
    health_band: HealthBand | None
    churn_probability: float | None
    ltv: float | None
    account_age_days: float | None
    renewal_in_days: float | None
    cancel_pending: bool | None


class CustomersPublic(BaseModel):
    """A page of customers; pass ``next_cursor`` as ``cursor`` for the next (null: last)."""

    as_of: dt.date | None
    sort: str
    items: list[CustomerItemPublic]
    next_cursor: str | None


# -- metrics -----------------------------------------------------------------------------------

Interval = Literal["day", "week", "month", "quarter"]


class MetricsPeriodPublic(BaseModel):
    """One period of the MRR series (money in major units of the reporting currency).

    ``group`` is there only with ``by``. Rates are fractions; null when undefined.
    """

    period: str
    group: str | None = None
    mrr: float | None
    arr: float | None
    mrr_start: float | None
    new: float | None
    expansion: float | None
    contraction: float | None
    churn: float | None
    reactivation: float | None
    net_new_mrr: float | None
    customers: int | None
    customers_start: int | None
    new_customers: int | None
    reactivated_customers: int | None
    churned_customers: int | None
    arpa: float | None
    customer_churn_rate: float | None
    gross_mrr_churn_rate: float | None
    net_mrr_churn_rate: float | None
    nrr: float | None
    grr: float | None
    nrr_ttm: float | None
    grr_ttm: float | None
    retention_rate: float | None
    ltv: float | None


class MetricsPublic(BaseModel):
    """The document ``tenure metrics --json`` prints."""

    as_of: dt.date
    currency: str
    interval: Interval
    by: str | None
    series: list[MetricsPeriodPublic]


# -- segments ----------------------------------------------------------------------------------


class SegmentCreate(BaseModel):
    """A rule segment over the profile columns (docs/segments.md)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=63,
        description="Lowercase letters, digits and _, starting with a letter.",
        examples=["pro_at_risk"],
    )
    rule: str = Field(min_length=1, max_length=2000, examples=['plan == "pro" and health < 40'])
    description: str = Field(default="", max_length=1000)


class SegmentPublic(BaseModel):
    """A segment and its member count on the latest day segments were evaluated."""

    name: str
    kind: Literal["rule", "value", "rfm"]
    rule: str
    description: str
    as_of: dt.date | None
    members: int | None


class SegmentSizePublic(BaseModel):
    """Members on one evaluated day."""

    as_of: dt.date
    members: int


class SegmentDetailPublic(SegmentPublic):
    """A segment with its size on every evaluated day and its members' means."""

    trend: list[SegmentSizePublic]
    mean_health: float | None
    mean_mrr: float | None


class SegmentMemberPublic(BaseModel):
    """A member on the day, with its profile's plan, MRR, health and LTV."""

    customer_id: str
    plan: str | None = None
    mrr: float | None = None
    health: float | None = None
    health_band: HealthBand | None = None
    ltv: float | None = None


class SegmentMembersPublic(BaseModel):
    """A page of a segment's members on ``as_of``, largest MRR first."""

    segment: str
    as_of: dt.date | None
    total: int
    items: list[SegmentMemberPublic]
