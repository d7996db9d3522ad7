"""Breakdown attributes: what ``--by`` may name, and how each is looked up."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tenure.errors import ConfigError
from tenure.metrics._base import MetricsContext
from tenure.schema import table_spec

__all__ = ["BREAKDOWNS", "attach_group", "breakdowns"]

_SEGMENT_LEVEL = {
    "plan": "the plan family (product metadata `plan`, else the product name)",
    "product": "the product name",
    "interval": "the billing interval of the price (month, year, ...)",
    "currency": "the billed currency",
}
_CUSTOMER_SKIP = {"customer_id", "email", "name", "user_id", "traits", "created_at", "currency"}
NONE = "(none)"

BREAKDOWNS: dict[str, str] = {
    **_SEGMENT_LEVEL,
    **{
        c.name: f"the customer's {c.name}"
        for c in table_spec("customers").columns
        if c.name not in _CUSTOMER_SKIP
    },
}
"""Every attribute a breakdown may use, with what it means."""


def breakdowns() -> list[str]:
    """The names ``by`` accepts."""
    return sorted(BREAKDOWNS)


def check_by(by: str | None) -> None:
    if by is not None and by not in BREAKDOWNS:
        raise ConfigError(
            f"The 'by' parameter must be one of {', '.join(breakdowns())}. Got {by!r} instead."
        )


def attach_group(ctx: MetricsContext, segments: ir.Table, by: str | None) -> ir.Table:
    """``segments`` with a string column ``group`` holding the value of ``by``."""
    check_by(by)
    if by is None:
        return segments.mutate(group=ibis.literal("all"))
    if by in ("plan", "product"):
        p = ctx.table("products")
        name = p.plan.fill_null(p.name) if by == "plan" else p.name
        products = p.select(product_id=p.product_id, _value=name.fill_null(p.product_id))
        t = segments.left_join(products, "product_id")
        return t.mutate(group=t._value.fill_null(NONE)).drop("_value")
    if by == "interval":
        p = ctx.table("prices")
        prices = p.select(price_id=p.price_id, _value=p.interval)
        t = segments.left_join(prices, "price_id")
        return t.mutate(group=t._value.fill_null(NONE)).drop("_value")
    if by == "currency":
        return segments.mutate(group=segments.currency.fill_null(NONE))
    c = ctx.table("customers")
    customers = c.select(customer_id=c.customer_id, _value=c[by].cast("string"))
    t = segments.left_join(customers, "customer_id")
    return t.mutate(group=t._value.fill_null(NONE)).drop("_value")
