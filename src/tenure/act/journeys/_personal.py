"""Personalisation: each customer's numbers, risk, reasons, segments and offer, per batch.

A template may quote the customer's own figures (docs/journeys.md, "Templates and
locales"). :func:`personal_rows` reads them for a whole batch of customers in **one**
warehouse query, from what the daily refresh stored (``customer_profiles``,
``churn_scores``, ``health_scores``, ``segment_members``) plus the latest stated cancel
reason and the last discount; nothing is trained or scored at send time. A customer with
no stored day has ``metrics``, ``risk`` and ``reasons`` of None, so a template can test
``{% if risk %}``.

``offers`` is what the cancel flow's offer policy (:func:`tenure.decide.decide_offers`,
``[offers]``) would show the customer now, for their latest stated cancel reason (``*``
when they never gave one), with the default uplift: computing it logs nothing and uses no
guardrail (the policy is a pure function; only a cancel flow records a decision).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.config import Settings
from tenure.decide import CUSTOMER_PROFILES, SEGMENT_MEMBERS, builtin_segments
from tenure.decide.offers import OfferContext, decide_offers

__all__ = ["METRIC_FIELDS", "PERSONAL_VARIABLES", "personal_context", "personal_rows"]

PERSONAL_VARIABLES = ("metrics", "risk", "reasons", "segment", "offers")
"""The template variables this module fills, besides ``customer``, ``traits`` and ``journey``."""

METRIC_FIELDS: dict[str, str] = {
    "mrr": "mrr",
    "plan": "plan",
    "billing_interval": "billing_interval",
    "seats": "seats",
    "tenure_days": "account_age_days",
    "paying_days": "paying_days",
    "days_since_active": "days_since_seen",
    "active_days_30d": "active_days_30d",
    "events_30d": "events_30d",
    "usage_ratio_30d": "usage_ratio_30d",
    "limit_hits_30d": "limit_hits_30d",
    "key_action_done": "key_action_done",
    "renewal_in_days": "renewal_in_days",
    "on_trial": "on_trial",
    "nps_last": "nps_last",
    "days_since_nps": "days_since_nps",
    "ltv": "ltv",
}
"""``metrics.<name>``: the ``customer_profiles`` column (a feature, docs/features.md) it is."""

_WHOLE_DAYS = (
    "tenure_days",
    "paying_days",
    "days_since_active",
    "renewal_in_days",
    "days_since_nps",
)
_SCORES = ("churn_probability", "health", "health_band")
_CHURN = "churn_scores"
_HEALTH = "health_scores"


def _latest(t: ir.Table, ids: Sequence[str]) -> ir.Table:
    """``t``'s rows of its latest ``as_of`` for the customers ``ids``."""
    return t.filter((t.as_of == t.as_of.max()) & t.customer_id.isin(list(ids)))


def _query(con: BaseBackend, ids: Sequence[str]) -> ir.Table | None:
    """One expression: a row per customer of ``ids`` with every stored input of the context."""
    tables = set(con.list_tables())
    if "customers" not in tables:
        return None
    c = con.table("customers")
    out = c.filter(c.customer_id.isin(list(ids))).select("customer_id").distinct()
    if CUSTOMER_PROFILES in tables:
        p = _latest(con.table(CUSTOMER_PROFILES), ids)
        cols = [v for v in (*METRIC_FIELDS.values(), *_SCORES) if v in p.columns]
        p = p.select(p_id=p.customer_id, p_as_of=p.as_of, **{f"p_{k}": p[k] for k in cols})
        out = out.left_join(p, out.customer_id == p.p_id).drop("p_id")
    if _CHURN in tables:
        s = _latest(con.table(_CHURN), ids)
        s = s.select(
            s_id=s.customer_id,
            s_as_of=s.as_of,
            s_rank=s["rank"],
            s_reasons_en=s.reasons_en,
            s_reasons_de=s.reasons_de,
        )
        out = out.left_join(s, out.customer_id == s.s_id).drop("s_id")
    if _HEALTH in tables:
        h = _latest(con.table(_HEALTH), ids)
        h = h.select(h_id=h.customer_id, h_weakest=h.weakest)
        out = out.left_join(h, out.customer_id == h.h_id).drop("h_id")
    if SEGMENT_MEMBERS in tables:
        m = _latest(con.table(SEGMENT_MEMBERS), ids)
        m = m.group_by(m_id=m.customer_id).agg(m_segments=m.segment.collect())
        out = out.left_join(m, out.customer_id == m.m_id).drop("m_id")
    if "feedback" in tables:
        f = con.table("feedback")
        f = f.filter((f.kind == "cancel_reason") & f.cancel_reason.notnull())
        f = f.filter(f.customer_id.isin(list(ids)))
        w = ibis.window(group_by=f.customer_id, order_by=ibis.desc(f.submitted_at))
        f = f.mutate(_n=ibis.row_number().over(w))
        f = f.filter(f._n == 0).select(f_id=f.customer_id, f_reason=f.cancel_reason)
        out = out.left_join(f, out.customer_id == f.f_id).drop("f_id")
    if "subscriptions_versions" in tables:
        v = con.table("subscriptions_versions")
        v = v.filter(v.customer_id.isin(list(ids)) & v.discount_start_at.notnull())
        v = v.group_by(d_id=v.customer_id).agg(d_last=v.discount_start_at.max())
        out = out.left_join(v, out.customer_id == v.d_id).drop("d_id")
    return out


def personal_rows(con: BaseBackend, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored inputs of the personal variables, per customer id: one query."""
    if not ids:
        return {}
    expr = _query(con, ids)
    if expr is None:
        return {}
    return {r["customer_id"]: r for r in expr.to_pyarrow().to_pylist()}


def _number(value: Any) -> Any:
    """Whole floats as ints (``3`` days, not ``3.0``); other values as they are."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _metrics(row: dict[str, Any], settings: Settings) -> dict[str, Any] | None:
    if row.get("p_as_of") is None:
        return None
    out: dict[str, Any] = {"as_of": row["p_as_of"], "currency": settings.reporting_currency}
    for name, column in METRIC_FIELDS.items():
        out[name] = _number(row.get(f"p_{column}"))
    if out["mrr"] is not None:
        out["mrr"] = round(float(out["mrr"]), 2)
    for name in _WHOLE_DAYS:  # features count days with fractions; a message says whole days
        if out[name] is not None:
            out[name] = int(out[name])
    days = out["tenure_days"]
    out["tenure_months"] = int(days // 30.4375) if days is not None else None
    return out


def _risk(row: dict[str, Any]) -> dict[str, Any] | None:
    probability, health = row.get("p_churn_probability"), row.get("p_health")
    if probability is None and health is None:
        return None
    return {
        "churn_probability": probability,
        "churn_pct": round(100 * probability) if probability is not None else None,
        "rank": row.get("s_rank"),
        "health": _number(health),
        "health_band": row.get("p_health_band"),
        "weakest": row.get("h_weakest"),
        "as_of": row.get("p_as_of"),
    }


def _reasons(row: dict[str, Any], locale: str | None) -> list[str] | None:
    if row.get("s_as_of") is None:
        return None
    language = (locale or "").replace("_", "-").split("-")[0].lower()
    texts = row.get("s_reasons_de") if language == "de" else row.get("s_reasons_en")
    if isinstance(texts, str):  # stored as JSON text by some backends
        try:
            texts = json.loads(texts)
        except ValueError:
            texts = [texts]
    return [str(t) for t in texts or []]


def _segment(row: dict[str, Any], settings: Settings) -> dict[str, Any]:
    names = sorted(row.get("m_segments") or [])
    value_names = {s.name for s in builtin_segments(settings.segments) if s.kind == "value"}
    rfm = [n for n in names if n.startswith("rfm_")]
    return {
        "names": names,
        "value": [n for n in names if n in value_names],
        "rfm": rfm[0] if rfm else None,
        "rule": [n for n in names if n not in value_names and not n.startswith("rfm_")],
    }


def _offers(
    customer_id: str, row: dict[str, Any], segments: list[str], settings: Settings, today: dt.date
) -> dict[str, Any]:
    reason = row.get("f_reason") or "*"
    last = row.get("d_last")
    decision = decide_offers(
        OfferContext(
            customer_id=customer_id,
            reason=reason,
            mrr=float(row.get("p_mrr") or 0.0),
            today=today,
            segments=frozenset(segments),
            uplift=None,
            last_discount_on=last.date() if isinstance(last, dt.datetime) else last,
        ),
        settings.offers,
    )
    catalog = {o.name: o for o in settings.offers.catalog}
    items = [
        {
            "name": name,
            "kind": catalog[name].kind,
            "percent": _number(catalog[name].percent),
            "months": catalog[name].months,
            "plan": catalog[name].plan,
            "url": catalog[name].url,
        }
        for name in decision.offers
    ]
    return {
        "reason": None if reason == "*" else reason,
        "control": decision.control,
        "items": items,
        "best": items[0] if items else None,
    }


def personal_context(
    customer_id: str,
    row: dict[str, Any] | None,
    *,
    locale: str | None,
    settings: Settings,
    today: dt.date,
) -> dict[str, Any]:
    """The variables ``metrics``, ``risk``, ``reasons``, ``segment`` and ``offers``.

    ``row`` is the customer's row of :func:`personal_rows` (None when the warehouse has
    none); ``today`` is the clock's day, for the offer policy's discount cooldown.
    """
    row = row or {}
    segment = _segment(row, settings)
    return {
        "metrics": _metrics(row, settings),
        "risk": _risk(row),
        "reasons": _reasons(row, locale),
        "segment": segment,
        "offers": _offers(customer_id, row, segment["names"], settings, today),
    }
