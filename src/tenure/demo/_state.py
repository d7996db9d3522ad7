"""Mutable state of the simulated billing objects, before they become Stripe JSON.

The lifecycle simulation changes these records as time passes; the builders in
``_stripe_objects`` turn a record into the Stripe object *as of that moment*, so an
event can carry the version of a subscription that existed when it fired.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tenure.demo._catalog import Price

__all__ = [
    "Card",
    "CustomerState",
    "DiscountState",
    "InvoiceState",
    "ItemState",
    "LineState",
    "SubState",
]

JSON = dict[str, Any]


@dataclass
class Card:
    """A payment card on file."""

    id: str
    brand: str
    funding: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    country: str

    @property
    def expires_ts(self) -> int:
        """First second after the card's expiry month (UTC)."""
        year, month = (
            (self.exp_year + 1, 1) if self.exp_month == 12 else (self.exp_year, self.exp_month + 1)
        )
        return calendar.timegm((year, month, 1, 0, 0, 0))


@dataclass
class CustomerState:
    """A Stripe customer and what the simulation knows about it."""

    index: int
    id: str
    created: int
    email: str
    name: str
    currency: str
    country: str
    locale: str
    metadata: dict[str, str]
    invoice_prefix: str
    card: Card
    tax_rate: tuple[str, float] | None
    next_invoice_sequence: int = 1
    delinquent: bool = False
    balance: int = 0


@dataclass
class DiscountState:
    """A coupon applied to a subscription."""

    id: str
    coupon_code: str
    coupon: JSON
    customer: str
    subscription: str
    start: int
    end: int | None
    used: bool = False


@dataclass
class ItemState:
    """The single item of a subscription (price x quantity)."""

    id: str
    price: Price
    quantity: int
    created: int


@dataclass
class SubState:
    """A subscription as it stands at the simulation's current time."""

    id: str
    customer: CustomerState
    created: int
    status: str
    item: ItemState
    anchor: int
    period_start: int
    period_end: int
    trial_start: int | None = None
    trial_end: int | None = None
    trial_end_behavior: str = "create_invoice"
    cancel_at_period_end: bool = False
    cancel_at: int | None = None
    canceled_at: int | None = None
    ended_at: int | None = None
    cancel_reason: str | None = None
    cancel_feedback: str | None = None
    cancel_comment: str | None = None
    pause: tuple[str, int | None] | None = None
    discount: DiscountState | None = None
    latest_invoice: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def anchor_day(self) -> int:
        """Day of month (UTC) of the billing cycle anchor."""
        return dt.datetime.fromtimestamp(self.anchor, tz=dt.UTC).day


@dataclass
class LineState:
    """One invoice line; amounts exclude tax, ``discount`` and ``tax`` are per line."""

    id: str
    kind: str
    price: Price
    quantity: int
    amount: int
    period_start: int
    period_end: int
    proration: bool
    description: str
    subscription: str | None
    subscription_item: str | None
    invoice_item: str | None
    discount: int = 0
    tax: int = 0


@dataclass
class InvoiceState:
    """An invoice and its collection state.

    ``starting_balance``/``ending_balance`` follow Stripe: a negative customer balance is
    credit, used before charging the card; a negative total adds to it.
    """

    id: str
    customer: CustomerState
    subscription: str | None
    sub_metadata: dict[str, str]
    created: int
    period_start: int
    period_end: int
    billing_reason: str
    lines: list[LineState]
    discount: DiscountState | None
    subtotal: int
    discount_total: int
    tax: int
    total: int
    amount_due: int
    tax_rate: tuple[str, float] | None
    payment_intent: str | None
    number: str | None = None
    status: str = "draft"
    finalized_at: int | None = None
    attempt_count: int = 0
    amount_paid: int = 0
    paid_at: int | None = None
    voided_at: int | None = None
    uncollectible_at: int | None = None
    charge: str | None = None
    next_payment_attempt: int | None = None
    starting_balance: int = 0
    ending_balance: int = 0
    lines_json: list[JSON] = field(default_factory=list)
