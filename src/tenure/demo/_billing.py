"""Invoices: lines, prorations, discounts, VAT, finalisation and collection.

Cycle invoices are created at the period boundary and finalised an hour later, as
Stripe does; invoices for a new or changed subscription are finalised at once. An
invoice finalised after the world's end stays a ``draft``. Collection runs the card
attempts of ``_payments`` and writes the charges, the ``invoice.payment_failed``
events and finally the invoice itself.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from tenure.demo._catalog import Price
from tenure.demo._ids import IdFactory
from tenure.demo._ledger import Ledger
from tenure.demo._payments import RETRY_OFFSETS, charge_object, run_attempts
from tenure.demo._state import CustomerState, InvoiceState, LineState, SubState

__all__ = ["Biller", "Collection"]

_PLAN_LABEL = {"free": "Free", "starter": "Starter", "pro": "Pro", "business": "Business"}


@dataclass(frozen=True)
class Collection:
    """How collecting an invoice went, as seen at the world's end.

    ``first_failure`` is the first failed attempt; ``paid_at`` is set if it was paid;
    ``gave_up_at`` is the last failed attempt once every retry failed; ``pending`` means
    retries were still scheduled when the world ended.
    """

    paid_at: int | None = None
    first_failure: int | None = None
    gave_up_at: int | None = None
    pending: bool = False
    decline_reason: str | None = None


def _describe(price: Price, quantity: int) -> str:
    label = _PLAN_LABEL.get(price.plan, "Onboarding package")
    interval = (
        "" if price.interval is None else f" (at {price.unit_amount / 100:.2f} / {price.interval})"
    )
    unit = "seat" if price.plan in ("pro", "business") else label
    if price.plan in ("pro", "business"):
        return f"{quantity} {unit}{'s' if quantity != 1 else ''} × {label}{interval}"
    return f"{quantity} × {label}{interval}"


class Biller:
    """Issue and collect invoices, writing Stripe objects to a :class:`Ledger`."""

    def __init__(self, *, ids: IdFactory, ledger: Ledger, end_ts: int) -> None:
        self._ids = ids
        self._ledger = ledger
        self._end = end_ts

    def subscription_line(
        self, sub: SubState, *, start: int, end: int, description: str | None = None
    ) -> LineState:
        """The regular line billing ``sub``'s item for ``[start, end)``."""
        item = sub.item
        return LineState(
            id=self._ids.long("il"),
            kind="subscription",
            price=item.price,
            quantity=item.quantity,
            amount=item.price.unit_amount * item.quantity,
            period_start=start,
            period_end=end,
            proration=False,
            description=description or _describe(item.price, item.quantity),
            subscription=sub.id,
            subscription_item=item.id,
            invoice_item=None,
        )

    def proration_lines(
        self, sub: SubState, *, old_price: Price, old_quantity: int, old_item: str, at: int
    ) -> list[LineState]:
        """Credit for the unused old item and charge for the new one, from ``at``."""
        span = max(sub.period_end - sub.period_start, 1)
        share = (sub.period_end - at) / span
        item = sub.item
        when = _day(at)
        credit = -round(old_price.unit_amount * old_quantity * share)
        debit = round(item.price.unit_amount * item.quantity * share)
        return [
            LineState(
                self._ids.long("il"),
                "invoiceitem",
                old_price,
                old_quantity,
                credit,
                at,
                sub.period_end,
                True,
                f"Unused time on {_describe(old_price, old_quantity)} after {when}",
                sub.id,
                old_item,
                self._ids.long("ii"),
            ),
            LineState(
                self._ids.long("il"),
                "invoiceitem",
                item.price,
                item.quantity,
                debit,
                at,
                sub.period_end,
                True,
                f"Remaining time on {_describe(item.price, item.quantity)} after {when}",
                sub.id,
                item.id,
                self._ids.long("ii"),
            ),
        ]

    def one_off_line(self, price: Price, *, at: int) -> LineState:
        """A one-time invoice item (the onboarding package)."""
        return LineState(
            self._ids.long("il"),
            "invoiceitem",
            price,
            1,
            price.unit_amount,
            at,
            at,
            False,
            "Onboarding package",
            None,
            None,
            self._ids.long("ii"),
        )

    def issue(
        self,
        customer: CustomerState,
        sub: SubState | None,
        *,
        created: int,
        reason: str,
        lines: list[LineState],
        period: tuple[int, int],
        finalize_delay: int = 0,
    ) -> InvoiceState:
        """Create an invoice with discounts and VAT applied, finalised if in time."""
        discount = None if sub is None else sub.discount
        if discount is not None and not self._applies(
            discount.coupon, discount.end, discount.used, created, customer
        ):
            discount = None
        subtotal = sum(line.amount for line in lines)
        if discount is not None and subtotal > 0:
            _apply_discount(lines, discount.coupon, subtotal)
            if discount.coupon["duration"] == "once":
                discount.used = True
        else:
            discount = None
        rate = customer.tax_rate
        for line in lines:
            line.tax = 0 if rate is None else round((line.amount - line.discount) * rate[1] / 100)
        discount_total = sum(line.discount for line in lines)
        tax = sum(line.tax for line in lines)
        total = subtotal - discount_total + tax
        inv = InvoiceState(
            id=self._ids.long("in"),
            customer=customer,
            subscription=None if sub is None else sub.id,
            sub_metadata={} if sub is None else sub.metadata,
            created=created,
            period_start=period[0],
            period_end=period[1],
            billing_reason=reason,
            lines=lines,
            discount=discount,
            subtotal=subtotal,
            discount_total=discount_total,
            tax=tax,
            total=total,
            amount_due=max(total, 0),
            tax_rate=rate if tax else None,
            payment_intent=None,
        )
        if sub is not None:
            sub.latest_invoice = inv.id
        finalized = created + finalize_delay
        if finalized < self._end:
            inv.finalized_at = finalized
            inv.status = "open"
            inv.number = f"{customer.invoice_prefix}-{customer.next_invoice_sequence:04d}"
            customer.next_invoice_sequence += 1
            _apply_balance(inv, customer)
            if inv.amount_due > 0:
                inv.payment_intent = self._ids.long("pi")
        return inv

    @staticmethod
    def _applies(
        coupon: dict[str, object], end: int | None, used: bool, at: int, customer: CustomerState
    ) -> bool:
        if used or (end is not None and at >= end):
            return False
        currency = coupon.get("currency")
        return currency is None or currency == customer.currency

    def void(self, inv: InvoiceState, *, at: int) -> None:
        """Void ``inv`` (paused collection) and write it."""
        if inv.status == "open":
            inv.status = "void"
            inv.voided_at = at
            inv.payment_intent = None
            inv.customer.balance -= inv.ending_balance - inv.starting_balance
        self._ledger.final_invoice(inv)

    def collect(self, inv: InvoiceState, rnd: random.Random, *, failure_prob: float) -> Collection:
        """Charge ``inv`` with retries, write charges, events and the final invoice."""
        if inv.status != "open":
            self._ledger.final_invoice(inv)
            return Collection()
        if inv.amount_due == 0:
            inv.status = "paid"
            inv.paid_at = inv.finalized_at
            self._ledger.final_invoice(inv)
            return Collection(paid_at=inv.paid_at)
        customer = inv.customer
        attempts = run_attempts(
            inv, customer, rnd, ids=self._ids, failure_prob=failure_prob, end_ts=self._end
        )
        first_failure: int | None = None
        reason: str | None = None
        for k, attempt in enumerate(attempts):
            charge_id = self._ids.long("ch")
            ok = attempt.decline is None
            refunded = ok and rnd.random() < 0.004
            self._ledger.write("charges", charge_object(charge_id, attempt, inv, refunded=refunded))
            inv.charge = charge_id
            inv.attempt_count = k + 1
            if ok:
                inv.status = "paid"
                inv.amount_paid = inv.amount_due
                inv.paid_at = attempt.at
                inv.next_payment_attempt = None
                break
            if first_failure is None:
                first_failure = attempt.at
                reason = attempt.decline.reason if attempt.decline else None
            inv.next_payment_attempt = None if k + 1 >= 4 else _next_retry(inv, k + 1)
            self._ledger.event(
                "invoice.payment_failed", attempt.at, self._ledger.invoice_snapshot(inv)
            )
        result: Collection
        if inv.status == "paid":
            result = Collection(
                paid_at=inv.paid_at, first_failure=first_failure, decline_reason=reason
            )
        elif len(attempts) == 4:
            inv.next_payment_attempt = None
            last = attempts[-1].at
            if rnd.random() < 0.5:
                inv.status = "uncollectible"
                inv.uncollectible_at = last
            result = Collection(first_failure=first_failure, gave_up_at=last, decline_reason=reason)
        else:
            customer.delinquent = True
            result = Collection(first_failure=first_failure, pending=True, decline_reason=reason)
        if inv.status == "paid":
            customer.delinquent = False
        elif result.gave_up_at is not None:
            customer.delinquent = True
        self._ledger.final_invoice(inv)
        return result


def _apply_balance(inv: InvoiceState, customer: CustomerState) -> None:
    """Use the customer's credit balance, or keep a negative total as new credit (Stripe)."""
    inv.starting_balance = customer.balance
    applied = inv.total + customer.balance
    inv.amount_due = max(applied, 0)
    inv.ending_balance = min(applied, 0)
    customer.balance = inv.ending_balance


def _next_retry(inv: InvoiceState, k: int) -> int:
    base = inv.finalized_at if inv.finalized_at is not None else inv.created
    return base + RETRY_OFFSETS[k]


def _apply_discount(lines: list[LineState], coupon: dict[str, object], subtotal: int) -> None:
    percent = coupon.get("percent_off")
    positive = [line for line in lines if line.amount > 0]
    if isinstance(percent, float):
        for line in positive:
            line.discount = round(line.amount * percent / 100)
        return
    amount_off = coupon.get("amount_off")
    if not isinstance(amount_off, int) or not positive:
        return
    remaining = min(amount_off, subtotal)
    base = sum(line.amount for line in positive)
    for i, line in enumerate(positive):
        share = remaining if i == len(positive) - 1 else round(amount_off * line.amount / base)
        share = min(share, remaining, line.amount)
        line.discount = share
        remaining -= share


def _day(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).strftime("%d %b %Y")
