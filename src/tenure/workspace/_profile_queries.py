"""The queries of the customer 360, as Ibis expressions over one placeholder customer id.

:class:`~tenure.workspace._profiles.ProfilesMixin` compiles each query once per day and
binds the customer id on every call (:func:`bind`), because compiling an expression costs
far more than running it on one customer's rows. Every query filters by customer id in
the warehouse; the timeline and details are unions of small per-table selections with
the columns of ``ITEM``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

__all__ = [
    "COMPONENTS",
    "ITEM",
    "bind",
    "clean",
    "customer_query",
    "details_query",
    "scores_query",
    "segments_query",
    "split_details",
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
_PLACEHOLDER = "__tenure_customer_id__"


def _is_customer(t: ir.Table) -> ir.BooleanValue:
    """``customer_id`` equals the placeholder that :meth:`ProfilesMixin._bind` replaces."""
    return t.customer_id == ibis.literal(_PLACEHOLDER)


def _items(t: ir.Table, kind: str, **cols: Any) -> ir.Table:
    """Rows of ``t`` as timeline items: the columns of ``ITEM``, missing ones null."""
    out: dict[str, ir.Value] = {"kind": ibis.literal(kind)}
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


def customer_query(con: BaseBackend) -> ir.Table:
    """The customer's current row of ``customers``."""
    return con.table("customers").filter(_is_customer)


def bind(sql: str, value: str, *, placeholder: str = _PLACEHOLDER) -> str:
    """``sql`` with the string literal ``placeholder`` replaced by ``value``, quoted.

    Standard SQL quoting (a quote doubled), which DuckDB and PostgreSQL share.
    """
    return sql.replace(f"'{placeholder}'", "'" + value.replace("'", "''") + "'")


def clean(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` without its empty fields."""
    return {k: v for k, v in row.items() if v is not None}


def scores_query(con: BaseBackend, day: dt.date, tables: set[str]) -> ir.Table:
    """The customer's stored profile, health and churn row of ``day``, in one query."""
    if _PROFILES not in tables:
        return _nothing(con).select("customer_id")
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
    expr = p.filter((p.as_of == day) & _is_customer(p)).select(
        "customer_id", *(c for c in wanted if c in p.columns)
    )
    if _HEALTH in tables:
        h = con.table(_HEALTH)
        h = h.filter((h.as_of == day) & _is_customer(h)).select(
            h_customer_id=h.customer_id,
            band=h.band,
            weakest=h.weakest,
            **{f"h_{k}": h[k] for k in COMPONENTS if k in h.columns},
        )
        expr = expr.left_join(h, expr.customer_id == h.h_customer_id).drop("h_customer_id")
    if _CHURN in tables:
        s = con.table(_CHURN)
        s = s.filter((s.as_of == day) & _is_customer(s)).select(
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
    return m.filter((m.as_of == day) & _is_customer(m)).select("segment")


def details_query(con: BaseBackend, before: dt.datetime | None, tables: set[str]) -> ir.Table:
    """Subscriptions, open invoices, the last failed payments and feedback: one query."""

    def upto(t: ir.Table, at: ir.Column) -> ir.Table:
        t = t.filter(_is_customer(t))
        return t if before is None else t.filter(at < before)

    s = con.table("subscriptions")
    s = upto(s, s.created_at)
    parts = [
        _items(
            s,
            "subscription",
            at=s.created_at,
            id=s.subscription_id,
            title=s.collection_method,
            status=s.status,
            currency=s.currency,
            detail=ibis.coalesce(s.cancellation_reason, s.cancellation_feedback),
            ends_at=ibis.coalesce(s.ended_at, s.cancel_at, s.current_period_end_at),
        )
    ]
    i = con.table("invoices")
    i = upto(i, i.created_at)
    i = i.filter(i.status == "open")
    parts.append(
        _items(
            i,
            "open_invoice",
            at=i.created_at,
            id=i.invoice_id,
            title=i.number,
            status=i.status,
            amount_minor=i.amount_due_minor - ibis.coalesce(i.amount_paid_minor, 0),
            currency=i.currency,
        )
    )
    pay = con.table("payments")
    pay = upto(pay, pay.created_at)
    pay = pay.filter(pay.status == "failed").order_by(ibis.desc("created_at")).limit(10)
    parts.append(
        _items(
            pay,
            "failed_payment",
            at=pay.created_at,
            id=pay.charge_id,
            title=pay.failure_code,
            status=pay.status,
            amount_minor=pay.amount_minor,
            currency=pay.currency,
            detail=pay.failure_message,
        )
    )
    f = con.table("feedback")
    f = upto(f, f.submitted_at).order_by(ibis.desc("submitted_at")).limit(10)
    parts.append(
        _items(
            f,
            "feedback",
            at=f.submitted_at,
            id=f.feedback_id,
            title=f.kind,
            status=f.cancel_reason,
            score=f.score,
            detail=f.comment,
        )
    )
    return ibis.union(*parts).order_by([ibis.desc("at"), "id"])


def split_details(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("subscription", "open_invoice", "failed_payment", "feedback")
    }
    for r in rows:
        kind = r.pop("kind")
        out[kind].append(clean(r))
    return out


def timeline_query(
    con: BaseBackend, before: dt.datetime | None, limit: int, tables: set[str]
) -> ir.Table:
    """The ``limit`` newest things that happened to the customer, newest first."""

    def mine(t: ir.Table, at: ir.Column) -> ir.Table:
        t = t.filter(_is_customer(t), at.notnull())
        if before is not None:
            t = t.filter(at < before)
        return t.order_by(ibis.desc(at.get_name())).limit(limit)

    e = con.table("events")
    e = mine(e.filter(e.type.isin(["track", "page", "screen"])), e.occurred_at)
    parts = [
        _items(
            e,
            "product",
            at=e.occurred_at,
            id=e.message_id,
            title=ibis.coalesce(e.event, e.name, e.page_path, e.type),
            status=e.type,
        )
    ]
    sv = con.table("subscriptions_versions")
    sv = sv.filter(sv._event_id.notnull())
    se = con.table("stripe_events").select("event_id", "type", "previous_attributes")
    changes = sv.join(se, sv._event_id == se.event_id)
    changes = mine(changes, changes._version_at)
    parts.append(
        _items(
            changes,
            "subscription",
            at=changes._version_at,
            id=changes.subscription_id,
            title=changes.type,
            status=changes.status,
            currency=changes.currency,
            detail=changes.previous_attributes.cast("string"),
        )
    )
    s = con.table("subscriptions")
    for column, title in (
        ("canceled_at", "cancellation requested"),
        ("ended_at", "subscription ended"),
    ):
        ss = mine(s, s[column])
        parts.append(
            _items(
                ss,
                "subscription",
                at=ss[column],
                id=ss.subscription_id,
                title=title,
                status=ss.status,
                detail=ibis.coalesce(ss.cancellation_feedback, ss.cancellation_reason),
            )
        )
    i = con.table("invoices")
    i = mine(i, i.created_at)
    parts.append(
        _items(
            i,
            "invoice",
            at=i.created_at,
            id=i.invoice_id,
            title=ibis.coalesce(i.billing_reason, ibis.literal("invoice")),
            status=i.status,
            amount_minor=i.total_minor,
            currency=i.currency,
            detail=i.number,
        )
    )
    pay = con.table("payments")
    pay = mine(pay, pay.created_at)
    parts.append(
        _items(
            pay,
            "payment",
            at=pay.created_at,
            id=pay.charge_id,
            title=ibis.ifelse(pay.status == "failed", "payment failed", "payment"),
            status=pay.status,
            amount_minor=pay.amount_minor,
            currency=pay.currency,
            detail=pay.failure_message,
        )
    )
    st = con.table("support_tickets")
    st = mine(st, st.opened_at)
    parts.append(
        _items(
            st,
            "support",
            at=st.opened_at,
            id=st.ticket_id,
            title=st.subject,
            status=st.status,
            detail=st.priority,
        )
    )
    f = con.table("feedback")
    f = mine(f, f.submitted_at)
    parts.append(
        _items(
            f,
            "feedback",
            at=f.submitted_at,
            id=f.feedback_id,
            title=f.kind,
            status=f.cancel_reason,
            score=f.score,
            detail=f.comment,
        )
    )
    return ibis.union(*parts).order_by([ibis.desc("at"), "kind", "id"]).limit(limit)
