"""Build Stripe API objects from simulation state, in the current or the legacy shape.

``current`` is the 2025 ("basil" and later) shape: subscription periods live on the
items, invoices point to their subscription through ``parent`` and lines carry
``parent`` and ``pricing``; discounts name their coupon in ``source``. ``legacy`` is the
2024-06-20 shape: ``current_period_*`` on the subscription, ``invoice.subscription``,
lines with ``type``, ``price``, ``plan`` and ``proration``, and discounts holding the
full coupon.
"""

from __future__ import annotations

from typing import Any

from tenure.demo._state import (
    CustomerState,
    DiscountState,
    InvoiceState,
    LineState,
    SubState,
)

__all__ = [
    "API_VERSIONS",
    "customer_object",
    "discount_object",
    "event_object",
    "invoice_object",
    "items_list",
    "line_object",
    "subscription_object",
]

JSON = dict[str, Any]

API_VERSIONS = {"current": "2025-03-31.basil", "legacy": "2024-06-20"}


def _address(country: str) -> dict[str, str | None]:
    """A Stripe address with only the country known."""
    return {
        "city": None,
        "country": country,
        "line1": None,
        "line2": None,
        "postal_code": None,
        "state": None,
    }


def customer_object(c: CustomerState, *, delinquent: bool | None = None) -> JSON:
    """Return the Stripe ``customer`` object (the same in both shapes)."""
    return {
        "id": c.id,
        "object": "customer",
        "address": _address(c.country),
        "balance": c.balance,
        "created": c.created,
        "currency": c.currency,
        "default_source": None,
        "delinquent": c.delinquent if delinquent is None else delinquent,
        "description": None,
        "discount": None,
        "email": c.email,
        "invoice_prefix": c.invoice_prefix,
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": c.card.id,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": c.metadata,
        "name": c.name,
        "next_invoice_sequence": c.next_invoice_sequence,
        "phone": None,
        "preferred_locales": [c.locale],
        "shipping": None,
        "tax_exempt": "none"
        if c.tax_rate is not None or c.country in ("US", "CA", "AU", "IN", "BR", "CH")
        else "reverse",
        "test_clock": None,
    }


def discount_object(d: DiscountState, shape: str) -> JSON:
    """Return the Stripe ``discount`` object."""
    out: JSON = {
        "id": d.id,
        "object": "discount",
        "checkout_session": None,
    }
    if shape == "legacy":
        out["coupon"] = d.coupon
    out.update(
        {
            "customer": d.customer,
            "end": d.end,
            "invoice": None,
            "invoice_item": None,
            "promotion_code": None,
            "start": d.start,
            "subscription": d.subscription,
            "subscription_item": None,
        }
    )
    if shape == "current":
        out["source"] = {"coupon": d.coupon["id"], "type": "coupon"}
    return out


def _item_object(s: SubState, shape: str) -> JSON:
    item = s.item
    out: JSON = {
        "id": item.id,
        "object": "subscription_item",
        "created": item.created,
        "discounts": [],
        "metadata": {},
        "price": item.price.obj,
        "quantity": item.quantity,
        "subscription": s.id,
        "tax_rates": [],
    }
    if shape == "legacy":
        out["plan"] = item.price.plan_obj
    else:
        out["current_period_start"] = s.period_start
        out["current_period_end"] = s.period_end
    return out


def items_list(s: SubState, shape: str) -> JSON:
    """Return the ``items`` list object of subscription ``s``."""
    return {
        "object": "list",
        "data": [_item_object(s, shape)],
        "has_more": False,
        "total_count": 1,
        "url": f"/v1/subscription_items?subscription={s.id}",
    }


def subscription_object(s: SubState, shape: str) -> JSON:
    """Return the Stripe ``subscription`` object as ``s`` stands now."""
    out: JSON = {
        "id": s.id,
        "object": "subscription",
        "application": None,
        "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
        "billing_cycle_anchor": s.anchor,
        "cancel_at": s.cancel_at,
        "cancel_at_period_end": s.cancel_at_period_end,
        "canceled_at": s.canceled_at,
        "cancellation_details": {
            "comment": s.cancel_comment,
            "feedback": s.cancel_feedback,
            "reason": s.cancel_reason,
        },
        "collection_method": "charge_automatically",
        "created": s.created,
        "currency": s.customer.currency,
        "customer": s.customer.id,
        "days_until_due": None,
        "default_payment_method": s.customer.card.id,
        "default_tax_rates": [],
        "description": None,
    }
    if shape == "legacy":
        out["current_period_end"] = s.period_end
        out["current_period_start"] = s.period_start
        out["discount"] = None if s.discount is None else discount_object(s.discount, shape)
    else:
        out["discounts"] = [] if s.discount is None else [discount_object(s.discount, shape)]
    out.update(
        {
            "ended_at": s.ended_at,
            "items": items_list(s, shape),
            "latest_invoice": s.latest_invoice,
            "livemode": False,
            "metadata": s.metadata,
            "pause_collection": None
            if s.pause is None
            else {"behavior": s.pause[0], "resumes_at": s.pause[1]},
            "schedule": None,
            "start_date": s.created,
            "status": s.status,
            "test_clock": None,
            "trial_end": s.trial_end,
            "trial_settings": {"end_behavior": {"missing_payment_method": s.trial_end_behavior}},
            "trial_start": s.trial_start,
        }
    )
    return out


def _tax_entries(line: LineState, inv: InvoiceState, shape: str) -> list[JSON]:
    if inv.tax_rate is None or (line.tax == 0 and line.amount - line.discount == 0):
        return []
    rate_id = inv.tax_rate[0]
    taxable = line.amount - line.discount
    if shape == "legacy":
        return [
            {
                "amount": line.tax,
                "inclusive": False,
                "tax_rate": rate_id,
                "taxability_reason": "standard_rated",
                "taxable_amount": taxable,
            }
        ]
    return [
        {
            "amount": line.tax,
            "tax_behavior": "exclusive",
            "tax_rate_details": {"tax_rate": rate_id},
            "taxability_reason": "standard_rated",
            "taxable_amount": taxable,
            "type": "tax_rate_details",
        }
    ]


def line_object(line: LineState, inv: InvoiceState, shape: str) -> JSON:
    """Return the Stripe invoice ``line_item`` object."""
    discounts = [] if inv.discount is None or line.discount == 0 else [inv.discount.id]
    amounts = [] if not discounts else [{"amount": line.discount, "discount": discounts[0]}]
    out: JSON = {
        "id": line.id,
        "object": "line_item",
        "amount": line.amount,
        "currency": inv.customer.currency,
        "description": line.description,
        "discount_amounts": amounts,
        "discountable": True,
        "discounts": discounts,
        "invoice": inv.id,
        "livemode": False,
        "metadata": {},
        "period": {"end": line.period_end, "start": line.period_start},
    }
    if shape == "legacy":
        out.update(
            {
                "amount_excluding_tax": line.amount,
                "invoice_item": line.invoice_item,
                "plan": line.price.plan_obj,
                "price": line.price.obj,
                "proration": line.proration,
                "proration_details": {"credited_items": None},
                "quantity": line.quantity,
                "subscription": line.subscription,
                "subscription_item": line.subscription_item,
                "tax_amounts": _tax_entries(line, inv, shape),
                "tax_rates": [],
                "type": line.kind,
                "unit_amount_excluding_tax": str(line.price.unit_amount),
            }
        )
        return out
    if line.kind == "subscription":
        parent: JSON = {
            "type": "subscription_item_details",
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": line.proration,
                "proration_details": {"credited_items": None},
                "subscription": line.subscription,
                "subscription_item": line.subscription_item,
            },
        }
    else:
        parent = {
            "type": "invoice_item_details",
            "invoice_item_details": {
                "invoice_item": line.invoice_item,
                "proration": line.proration,
                "proration_details": {"credited_items": None},
                "subscription": line.subscription,
            },
            "subscription_item_details": None,
        }
    out.update(
        {
            "parent": parent,
            "pretax_credit_amounts": [],
            "pricing": {
                "type": "price_details",
                "price_details": {"price": line.price.id, "product": line.price.product},
                "unit_amount_decimal": str(line.price.unit_amount),
            },
            "quantity": line.quantity,
            "taxes": _tax_entries(line, inv, shape),
        }
    )
    return out


def invoice_object(inv: InvoiceState, shape: str) -> JSON:
    """Return the Stripe ``invoice`` object as ``inv`` stands now."""
    c = inv.customer
    if not inv.lines_json:
        inv.lines_json = [line_object(line, inv, shape) for line in inv.lines]
    discount_ids = [] if inv.discount is None or inv.discount_total == 0 else [inv.discount.id]
    out: JSON = {
        "id": inv.id,
        "object": "invoice",
        "account_country": "US",
        "account_name": "Tenure Demo Inc.",
        "amount_due": inv.amount_due,
        "amount_paid": inv.amount_paid,
        "amount_remaining": inv.amount_due - inv.amount_paid,
        "attempt_count": inv.attempt_count,
        "attempted": inv.attempt_count > 0,
        "auto_advance": inv.status in ("draft", "open"),
        "billing_reason": inv.billing_reason,
        "collection_method": "charge_automatically",
        "created": inv.created,
        "currency": c.currency,
        "customer": c.id,
        "customer_address": _address(c.country),
        "customer_email": c.email,
        "customer_name": c.name,
        "customer_tax_exempt": "none",
        "default_payment_method": None,
        "description": None,
        "discounts": discount_ids,
        "due_date": None,
        "effective_at": inv.finalized_at,
        "ending_balance": None if inv.status == "draft" else inv.ending_balance,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "lines": {
            "object": "list",
            "data": inv.lines_json,
            "has_more": False,
            "total_count": len(inv.lines_json),
            "url": f"/v1/invoices/{inv.id}/lines",
        },
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": inv.next_payment_attempt,
        "number": inv.number,
        "period_end": inv.period_end,
        "period_start": inv.period_start,
        "starting_balance": inv.starting_balance,
        "status": inv.status,
        "status_transitions": {
            "finalized_at": inv.finalized_at,
            "marked_uncollectible_at": inv.uncollectible_at,
            "paid_at": inv.paid_at,
            "voided_at": inv.voided_at,
        },
        "subtotal": inv.subtotal,
        "subtotal_excluding_tax": inv.subtotal,
        "tax": inv.tax,
        "total": inv.total,
        "total_discount_amounts": []
        if not discount_ids
        else [{"amount": inv.discount_total, "discount": discount_ids[0]}],
        "total_excluding_tax": inv.total - inv.tax,
    }
    taxed = inv.tax_rate is not None and inv.tax > 0
    if shape == "legacy":
        out.update(
            {
                "charge": inv.charge,
                "discount": None
                if not discount_ids or inv.discount is None
                else discount_object(inv.discount, shape),
                "paid": inv.status == "paid",
                "payment_intent": inv.payment_intent,
                "subscription": inv.subscription,
                "subscription_details": {"metadata": inv.sub_metadata}
                if inv.subscription
                else None,
                "total_tax_amounts": []
                if not taxed or inv.tax_rate is None
                else [
                    {
                        "amount": inv.tax,
                        "inclusive": False,
                        "tax_rate": inv.tax_rate[0],
                        "taxability_reason": "standard_rated",
                        "taxable_amount": inv.subtotal - inv.discount_total,
                    }
                ],
            }
        )
    else:
        out.update(
            {
                "parent": None
                if inv.subscription is None
                else {
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "metadata": inv.sub_metadata,
                        "subscription": inv.subscription,
                    },
                },
                "total_taxes": []
                if not taxed or inv.tax_rate is None
                else [
                    {
                        "amount": inv.tax,
                        "tax_behavior": "exclusive",
                        "tax_rate_details": {"tax_rate": inv.tax_rate[0]},
                        "taxability_reason": "standard_rated",
                        "taxable_amount": inv.subtotal - inv.discount_total,
                        "type": "tax_rate_details",
                    }
                ],
            }
        )
    return out


def event_object(
    event_id: str,
    event_type: str,
    created: int,
    obj: JSON,
    *,
    api_version: str,
    previous: JSON | None = None,
) -> JSON:
    """Return a Stripe webhook ``event`` wrapping ``obj`` as it was at ``created``."""
    data: JSON = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
