"""The queries of the customer 360, as Ibis expressions over one placeholder customer id.

:class:`~tenure.workspace._profiles.ProfilesMixin` compiles each query once per day and
binds the customer id on every call (:func:`bind`), because compiling an expression costs
far more than running it on one customer's rows. Every query filters by customer id in
the warehouse; the timeline and details are unions of small per-table selections with
the columns of ``ITEM``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

__all__ = [
    "COMPONENTS",
    "DETAIL_LIMITS",
    "DETAIL_PARTS",
    "ITEM",
    "PLACEHOLDER",
    "TIMELINE",
    "TIMELINE_PARTS",
    "Part",
    "bind",
    "clean",
    "customer_query",
    "details_parts",
    "details_query",
    "is_customer",
    "item_order",
    "scores_query",
    "segments_query",
    "split_details",
    "timeline_parts",
    "timeline_query",
]

_PROFILES = "customer_profiles"
_HEALTH = "health_scores"
_CHURN = "churn_scores"
_MEMBERS = "segment_members"
COMPONENTS = ("risk", "usage", "engagement", "support", "sentiment", "billing")
ITEM = ibis.schema(
    {
        "kind": "string",
        "at": "timestamp('UTC')",
        "id": "string",
        "title": "string",
        "status": "string",
        "amount_minor": "int64",
        "currency": "string",
        "score": "float64",
        "detail": "string",
        "ends_at": "timestamp('UTC')",
    }
)
PLACEHOLDER = "__tenure_customer_id__"


def is_customer(t: ir.Table) -> ir.BooleanValue:
    """``customer_id`` equals the placeholder that :meth:`ProfilesMixin._bind` replaces."""
    return t.customer_id == ibis.literal(PLACEHOLDER)


def _items(
    t: ir.Table, kind: str, *, extra: dict[str, ir.Value] | None = None, **cols: Any
) -> ir.Table:
    """Rows of ``t`` as timeline items: the columns of ``ITEM``, missing ones null."""
    out: dict[str, ir.Value] = {**(extra or {}), "kind": ibis.literal(kind)}
    for name, dtype in ITEM.items():
        if name == "kind":
            continue
        value = cols.get(name)
        if value is None:
            out[name] = ibis.null(dtype)
        elif isinstance(value, ir.Value):
            out[name] = value.cast(dtype)
        else:
            out[name] = ibis.literal(value, dtype)
    return t.select(**out)


def item_order() -> list[Any]:
    """The order of items: newest first, then kind, id, title, status and detail.

    Total up to identical items, so a part's newest ``limit`` items are always the same.
    """
    return [ibis.desc("at"), "kind", "id", "title", "status", "detail"]


def customer_query(con: BaseBackend) -> ir.Table:
    """The customer's current row of ``customers``."""
    return con.table("customers").filter(is_customer)


def bind(sql: str, value: str, *, placeholder: str = PLACEHOLDER) -> str:
    """``sql`` with the string literal ``placeholder`` replaced by ``value``, quoted.

    Standard SQL quoting (a quote doubled), which DuckDB and PostgreSQL share.
    """
    return sql.replace(f"'{placeholder}'", "'" + value.replace("'", "''") + "'")


def clean(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` without its empty fields."""
    return {k: v for k, v in row.items() if v is not None}


def scores_query(con: BaseBackend, day: dt.date, tables: set[str], *, one: bool = True) -> ir.Table:
    """The customer's stored profile, health and churn row of ``day``, in one query.

    With ``one=False``, every customer's row of ``day`` (the cards of ``_cards.py``).
    """
    if _PROFILES not in tables:
        return _nothing(con).select("customer_id")
    who = is_customer if one else (lambda t: ibis.literal(True))
    p = con.table(_PROFILES)
    wanted = (
        "plan",
        "billing_interval",
        "mrr",
        "account_age_days",
        "paying_days",
        "cancel_pending",
        "churn_probability",
        "health",
        "health_band",
        "ltv",
        "expected_remaining_months",
    )
    expr = p.filter((p.as_of == day) & who(p)).select(
        "customer_id", *(c for c in wanted if c in p.columns)
    )
    if _HEALTH in tables:
        h = con.table(_HEALTH)
        h = h.filter((h.as_of == day) & who(h)).select(
            h_customer_id=h.customer_id,
            band=h.band,
            weakest=h.weakest,
            **{f"h_{k}": h[k] for k in COMPONENTS if k in h.columns},
        )
        expr = expr.left_join(h, expr.customer_id == h.h_customer_id).drop("h_customer_id")
    if _CHURN in tables:
        s = con.table(_CHURN)
        s = s.filter((s.as_of == day) & who(s)).select(
            s_customer_id=s.customer_id,
            rank=s["rank"],
            drivers=s.drivers,
            reasons_en=s.reasons_en,
            reasons_de=s.reasons_de,
        )
        expr = expr.left_join(s, expr.customer_id == s.s_customer_id).drop("s_customer_id")
    return expr


def _nothing(con: BaseBackend) -> ir.Table:
    """No rows (as SQL, so a compiled query needs no in-memory table)."""
    c = con.table("customers")
    return c.filter(ibis.literal(False))


def segments_query(con: BaseBackend, day: dt.date, tables: set[str]) -> ir.Table:
    if _MEMBERS not in tables:
        return _nothing(con).select(segment=ibis.null("string"))
    m = con.table(_MEMBERS)
    return m.filter((m.as_of == day) & is_customer(m)).select("segment")


Source = Callable[[str], ir.Table]
"""Gives the table (or view) of a source by name: the canonical table itself, or its tail."""


@dataclass(frozen=True)
class Part:
    """One selection of customer items from one source, before any customer filter.

    ``table`` holds the part's own row filters; ``at`` names its time column; ``source``
    and ``key`` name a current-view source and its key (None for rows that are never
    replaced: events and subscription versions); ``limit`` is the part's own top-N
    (``TIMELINE`` for the timeline's, None for all rows).
    """

    name: str
    kind: str
    table: ir.Table
    at: str
    source: str | None
    key: str | None
    limit: int | None
    cols: dict[str, Any]

    @property
    def timeline(self) -> bool:
        return self.name in TIMELINE_PARTS

    def items(self, t: ir.Table, **extra: ir.Value) -> ir.Table:
        """Rows of ``t`` (this part's table, filtered) as items, with ``extra`` columns."""
        cols = {k: (t[v] if isinstance(v, str) else v(t)) for k, v in self.cols.items()}
        cols["at"] = t[self.at]
        return _items(t, self.kind, extra=extra, **cols)


TIMELINE = -1
"""A :attr:`Part.limit` meaning the timeline's length."""
TIMELINE_PARTS = (
    "product",
    "change",
    "canceled",
    "ended",
    "invoice",
    "payment",
    "support",
    "feedback",
)
DETAIL_LIMITS: dict[str, int | None] = {
    "d_subscription": None,
    "d_open_invoice": None,
    "d_failed_payment": 10,
    "d_feedback": 10,
}
"""The billing section's parts and how many of the newest items each keeps (None: all)."""
DETAIL_PARTS = tuple(DETAIL_LIMITS)


def details_parts(source: Source) -> list[Part]:
    """Subscriptions, open invoices, failed payments and feedback of the billing section."""
    s = source("subscriptions")
    i = source("invoices")
    pay = source("payments")
    f = source("feedback")
    return [
        Part(
            "d_subscription",
            "subscription",
            s,
            "created_at",
            "subscriptions",
            "subscription_id",
            None,
            {
                "id": "subscription_id",
                "title": "collection_method",
                "status": "status",
                "currency": "currency",
                "detail": lambda t: ibis.coalesce(t.cancellation_reason, t.cancellation_feedback),
                "ends_at": lambda t: ibis.coalesce(
                    t.ended_at, t.cancel_at, t.current_period_end_at
                ),
            },
        ),
        Part(
            "d_open_invoice",
            "open_invoice",
            i.filter(i.status == "open"),
            "created_at",
            "invoices",
            "invoice_id",
            None,
            {
                "id": "invoice_id",
                "title": "number",
                "status": "status",
                "amount_minor": lambda t: (
                    t.amount_due_minor - ibis.coalesce(t.amount_paid_minor, 0)
                ),
                "currency": "currency",
            },
        ),
        Part(
            "d_failed_payment",
            "failed_payment",
            pay.filter(pay.status == "failed"),
            "created_at",
            "payments",
            "charge_id",
            DETAIL_LIMITS["d_failed_payment"],
            {
                "id": "charge_id",
                "title": "failure_code",
                "status": "status",
                "amount_minor": "amount_minor",
                "currency": "currency",
                "detail": "failure_message",
            },
        ),
        Part(
            "d_feedback",
            "feedback",
            f,
            "submitted_at",
            "feedback",
            "feedback_id",
            DETAIL_LIMITS["d_feedback"],
            _FEEDBACK,
        ),
    ]


_FEEDBACK: dict[str, Any] = {
    "id": "feedback_id",
    "title": "kind",
    "status": "cancel_reason",
    "score": "score",
    "detail": "comment",
}


def details_query(con: BaseBackend, before: dt.datetime | None, tables: set[str]) -> ir.Table:
    """Subscriptions, open invoices, the last failed payments and feedback: one query."""
    parts = []
    for part in details_parts(con.table):
        t = part.table.filter(is_customer(part.table))
        if before is not None:
            t = t.filter(t[part.at] < before)
        items = part.items(t)
        parts.append(
            items if part.limit is None else items.order_by(item_order()).limit(part.limit)
        )
    return ibis.union(*parts).order_by(item_order())


def split_details(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("subscription", "open_invoice", "failed_payment", "feedback")
    }
    for r in rows:
        kind = r.pop("kind")
        out[kind].append(clean(r))
    return out


def timeline_parts(source: Source) -> list[Part]:
    """The timeline's selections: product events, subscription changes, billing, support."""
    e = source("events")
    sv = source("subscriptions_versions")
    sv = sv.filter(sv._event_id.notnull())
    se = source("stripe_events").select("event_id", "type", "previous_attributes")
    changes = sv.join(se, sv._event_id == se.event_id)
    s = source("subscriptions")
    sub_end = {
        "id": "subscription_id",
        "status": "status",
        "detail": lambda t: ibis.coalesce(t.cancellation_feedback, t.cancellation_reason),
    }
    return [
        Part(
            "product",
            "product",
            e.filter(e.type.isin(["track", "page", "screen"])),
            "occurred_at",
            None,
            None,
            TIMELINE,
            {
                "id": "message_id",
                "title": lambda t: ibis.coalesce(t.event, t.name, t.page_path, t.type),
                "status": "type",
            },
        ),
        Part(
            "change",
            "subscription",
            changes,
            "_version_at",
            None,
            None,
            TIMELINE,
            {
                "id": "subscription_id",
                "title": "type",
                "status": "status",
                "currency": "currency",
                "detail": lambda t: t.previous_attributes.cast("string"),
            },
        ),
        Part(
            "canceled",
            "subscription",
            s,
            "canceled_at",
            "subscriptions",
            "subscription_id",
            TIMELINE,
            {**sub_end, "title": lambda t: ibis.literal("cancellation requested")},
        ),
        Part(
            "ended",
            "subscription",
            s,
            "ended_at",
            "subscriptions",
            "subscription_id",
            TIMELINE,
            {**sub_end, "title": lambda t: ibis.literal("subscription ended")},
        ),
        Part(
            "invoice",
            "invoice",
            source("invoices"),
            "created_at",
            "invoices",
            "invoice_id",
            TIMELINE,
            {
                "id": "invoice_id",
                "title": lambda t: ibis.coalesce(t.billing_reason, ibis.literal("invoice")),
                "status": "status",
                "amount_minor": "total_minor",
                "currency": "currency",
                "detail": "number",
            },
        ),
        Part(
            "payment",
            "payment",
            source("payments"),
            "created_at",
            "payments",
            "charge_id",
            TIMELINE,
            {
                "id": "charge_id",
                "title": lambda t: ibis.ifelse(t.status == "failed", "payment failed", "payment"),
                "status": "status",
                "amount_minor": "amount_minor",
                "currency": "currency",
                "detail": "failure_message",
            },
        ),
        Part(
            "support",
            "support",
            source("support_tickets"),
            "opened_at",
            "support_tickets",
            "ticket_id",
            TIMELINE,
            {"id": "ticket_id", "title": "subject", "status": "status", "detail": "priority"},
        ),
        Part(
            "feedback",
            "feedback",
            source("feedback"),
            "submitted_at",
            "feedback",
            "feedback_id",
            TIMELINE,
            _FEEDBACK,
        ),
    ]


def timeline_query(
    con: BaseBackend, before: dt.datetime | None, limit: int, tables: set[str]
) -> ir.Table:
    """The ``limit`` newest things that happened to the customer, newest first."""
    parts = []
    for part in timeline_parts(con.table):
        t = part.table.filter(is_customer(part.table), part.table[part.at].notnull())
        if before is not None:
            t = t.filter(t[part.at] < before)
        parts.append(part.items(t).order_by(item_order()).limit(limit))
    return ibis.union(*parts).order_by(item_order()).limit(limit)
