"""Segments: rule segments over the customer profiles, value segments and RFM, in the warehouse.

A segment is a frozen :class:`Segment` spec. Its members on a day are computed by the
warehouse from that day's slice of ``customer_profiles`` (grain ``(customer_id, as_of)``):

- ``kind="rule"``: a declarative rule (``plan == "pro" and health < 40 and mrr > 100``),
  parsed with :mod:`ast` and compiled to an Ibis condition (``tenure.decide._rules``);
- ``kind="value"``: the built-ins from retention practice, ``high_ltv``,
  ``high_engagement``, ``high_aov`` and ``at_risk``, with thresholds in ``[segments]``;
- ``kind="rfm"``: recency, frequency and monetary scores 1-5 by quintile from purchases
  (paid invoices), and the classic named RFM segments (``rfm_champions``, ...).

:func:`segment_members` evaluates segments for one day as one Ibis expression, so the
same query runs on DuckDB and PostgreSQL. Storage and history are in
``tenure.decide._segment_store``. docs/segments.md has the grammar and the formulas.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.config import SegmentSettings
from tenure.currencies import CURRENCIES
from tenure.decide._rules import check_rule, compile_rule
from tenure.errors import SegmentError
from tenure.features import FEATURES, PointInTimeContext, cutoff_of
from tenure.metrics import MetricsContext, fx_windows

__all__ = [
    "CUSTOMER_PROFILES",
    "RFM_SEGMENTS",
    "Segment",
    "SegmentKind",
    "builtin_segments",
    "check_segment",
    "invoice_purchases",
    "profile_schema",
    "rfm_scores",
    "segment_members",
]

CUSTOMER_PROFILES = "customer_profiles"
"""The daily profile table segments run on (grain ``(customer_id, as_of)``)."""

SegmentKind = Literal["rule", "value", "rfm"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

RFM_SEGMENTS: tuple[tuple[str, str], ...] = (
    ("champions", "R 5, F 4-5: bought recently and often"),
    ("loyal", "R 3-4, F 4-5: buy often"),
    ("potential_loyalists", "R 4-5, F 2-3: recent, a few purchases"),
    ("new_customers", "R 5, F 1: first purchase very recently"),
    ("promising", "R 4, F 1: recent first purchase"),
    ("need_attention", "R 3, F 3: average recency and frequency"),
    ("about_to_sleep", "R 3, F 1-2: fading after few purchases"),
    ("at_risk", "R 1-2, F 3-4: bought often, not lately"),
    ("cant_lose", "R 1-2, F 5: the best buyers, gone quiet"),
    ("hibernating", "R 1-2, F 1-2: few purchases, long ago"),
)
"""The named RFM segments (R x F map) with their definitions, best first."""


@dataclass(frozen=True)
class Segment:
    """A segment definition: what the ``segments`` table stores and ``refresh_segments`` runs.

    Parameters
    ----------
    name
        Lowercase letters, digits and ``_``, starting with a letter.
    rule
        For ``kind="rule"`` the rule; for built-ins, their definition in words.
    description
        Free text for people.
    kind
        ``rule`` (user-defined), ``value`` or ``rfm`` (built-in).
    """

    name: str
    rule: str
    description: str = ""
    kind: SegmentKind = "rule"


def profile_schema() -> ibis.Schema:
    """The columns ``customer_profiles`` promises: every feature plus as_of, scores and value."""
    types = {"numeric": "float64", "boolean": "boolean", "category": "string"}
    return ibis.schema(
        {
            "customer_id": "string",
            **{f.name: types[f.kind] for f in FEATURES},
            "as_of": "date",
            "churn_probability": "float64",
            "health": "float64",
            "health_band": "string",
            "ltv": "float64",
            "expected_remaining_months": "float64",
        }
    )


def check_segment(segment: Segment, schema: ibis.Schema | None = None) -> None:
    """Check a user segment's name and rule (against ``schema``, default :func:`profile_schema`).

    Raises
    ------
    SegmentError
        When the name is not valid or the rule does not parse or type-check.
    """
    if not _NAME.match(segment.name):
        raise SegmentError(
            f"The segment name {segment.name!r} is not valid: use lowercase letters, digits "
            "and _, starting with a letter, at most 63 characters (e.g. 'pro_at_risk').",
            segment=segment.name,
        )
    if segment.kind == "rule":
        check_rule(segment.rule, schema or profile_schema(), segment=segment.name)


def builtin_segments(settings: SegmentSettings | None = None) -> tuple[Segment, ...]:
    """The built-in value segments (and the RFM segments when ``settings.rfm``)."""
    s = settings or SegmentSettings()

    def pct(share: float) -> str:
        return f"{share:.0%}"

    value = (
        Segment(
            "high_ltv",
            f"top {pct(s.high_ltv_top)} by ltv among paying customers (mrr > 0)",
            "Customers worth the most over their expected lifetime.",
            "value",
        ),
        Segment(
            "high_engagement",
            f"top {pct(s.high_engagement_top)} by active_days_30d, then "
            "feature_breadth_30d, among customers active in the last 30 days",
            "The most engaged users: candidates for referrals, reviews and case studies.",
            "value",
        ),
        Segment(
            "high_aov",
            f"top {pct(s.high_aov_top)} by average order value (mean paid invoice, last "
            f"{s.aov_days} days) among customers who paid",
            "Customers whose purchases are largest.",
            "value",
        ),
        Segment(
            "at_risk",
            f"mrr > 0 and health < {s.at_risk_health:g}",
            "Paying customers in poor health: call them first.",
            "value",
        ),
    )
    if not s.rfm:
        return value
    rfm = tuple(
        Segment(f"rfm_{name}", definition, f"RFM segment over the last {s.rfm_days} days.", "rfm")
        for name, definition in RFM_SEGMENTS
    )
    return value + rfm


# -- value segments ----------------------------------------------------------------------------


def _top_share(t: ir.Table, share: float, order: Sequence[str]) -> ir.Table:
    """Rows of ``t`` ranked in the first ``ceil(share * n)`` by ``order`` (descending, ties in)."""
    rank = ibis.rank().over(order_by=[ibis.desc(t[c]) for c in order])
    n = t.count().over()
    t = t.mutate(_rank=rank, _cut=(n * share - 1e-9).ceil())
    return t.filter(t._rank < t._cut).select("customer_id")


def _high_ltv(profiles: ir.Table, share: float) -> ir.Table:
    paying = profiles.filter((profiles.mrr > 0) & profiles.ltv.notnull())
    return _top_share(paying, share, ["ltv"])


def _high_engagement(profiles: ir.Table, share: float) -> ir.Table:
    active = profiles.filter(profiles.active_days_30d > 0).mutate(
        _breadth=profiles.feature_breadth_30d.fill_null(0)
    )
    return _top_share(active, share, ["active_days_30d", "_breadth"])


def _high_aov(purchases: ir.Table, as_of: dt.date, share: float, days: int) -> ir.Table:
    since = ibis.literal(cutoff_of(as_of - dt.timedelta(days=days)), type="timestamp('UTC')")
    p = purchases.filter((purchases.purchased_at >= since) & purchases.amount.notnull())
    aov = p.group_by("customer_id").agg(aov=p.amount.mean())
    return _top_share(aov, share, ["aov"])


# -- purchases and RFM -------------------------------------------------------------------------


def _minor_per_major(currency: ir.StringValue) -> ir.Value:
    exponents = sorted(set(CURRENCIES.values()) - {2})
    return ibis.cases(
        *(
            (currency.isin([c for c, e in CURRENCIES.items() if e == exp]), 10.0**exp)
            for exp in exponents
        ),
        else_=100.0,
    )


def invoice_purchases(con: BaseBackend, as_of: dt.date, *, currency: str = "USD") -> ir.Table:
    """Paid invoices known before ``as_of`` as purchases: customer_id, amount, purchased_at.

    ``amount`` is ``amount_paid_minor`` in major units of the reporting ``currency``
    (converted at the rate of the day it was paid, as the metrics do); ``purchased_at`` is
    ``paid_at``. Invoices are read as known before ``as_of`` (``tenure.features``).
    """
    ctx = PointInTimeContext(con=con, as_of=as_of - dt.timedelta(days=1), currency=currency)
    inv = ctx.table("invoices")
    cutoff = ibis.literal(cutoff_of(as_of), type="timestamp('UTC')")
    inv = inv.filter(
        (inv.status == "paid")
        & inv.paid_at.notnull()
        & (inv.paid_at < cutoff)
        & (inv.amount_paid_minor > 0)
    )
    inv = inv.mutate(_cur=inv.currency.upper(), _day=ctx.utc_date(inv.paid_at))
    fx = fx_windows(ctx)
    j = inv.left_join(
        fx,
        [
            inv._cur == fx.currency,
            inv._day >= fx.valid_from,
            fx.valid_to.isnull() | (inv._day < fx.valid_to),
        ],
    )
    rate = ibis.ifelse(j._cur == currency.upper(), 1.0, j.rate)
    amount = j.amount_paid_minor.cast("float64") / _minor_per_major(j._cur) * rate
    return j.select("customer_id", amount=amount, purchased_at=j.paid_at)


def rfm_scores(
    con: BaseBackend,
    purchases: ir.Table,
    as_of: dt.date,
    *,
    window_days: int | None = None,
) -> ir.Table:
    """Recency, frequency and monetary scores (1-5 by quintile) and the named RFM segment.

    ``purchases`` has ``customer_id``, ``amount`` and ``purchased_at`` (a date or a UTC
    timestamp); only purchases before ``as_of`` (and within ``window_days`` of it, if
    given) count. Per customer: ``recency_days`` = days from the last purchase day to
    ``as_of``, ``frequency`` = purchases, ``monetary`` = their total amount. Each is cut into
    quintiles with ``ntile(5)`` (5 = most recent, most frequent, largest); ties are broken
    by the other measures, then by ``customer_id``, so quintiles hold equal counts and the
    result is the same on every engine. ``rfm_segment`` comes from R and F
    (:data:`RFM_SEGMENTS`). Grain: ``customer_id``.
    """
    at = purchases.purchased_at
    day = MetricsContext(con=con, as_of=as_of).utc_date(at) if at.type().is_timestamp() else at
    p = purchases.mutate(_day=day)
    p = p.filter(p._day < as_of)
    if window_days is not None:
        p = p.filter(p._day >= as_of - dt.timedelta(days=window_days))
    g = p.group_by("customer_id").agg(
        last_purchase_on=p._day.max(),
        frequency=p.count(),
        monetary=p.amount.sum().fill_null(0.0).cast("float64"),
    )
    g = g.mutate(recency_days=ibis.literal(as_of).delta(g.last_purchase_on, unit="day"))
    r = ibis.ntile(5).over(
        order_by=[ibis.desc(g.recency_days), g.frequency, g.monetary, g.customer_id]
    )
    f = ibis.ntile(5).over(
        order_by=[g.frequency, g.monetary, ibis.desc(g.recency_days), g.customer_id]
    )
    m = ibis.ntile(5).over(order_by=[g.monetary, g.frequency, g.customer_id])
    g = g.mutate(r=(r + 1).cast("int64"), f=(f + 1).cast("int64"), m=(m + 1).cast("int64"))
    name = ibis.cases(
        ((g.r == 5) & (g.f >= 4), "champions"),
        ((g.r >= 3) & (g.f >= 4), "loyal"),
        ((g.r >= 4) & (g.f >= 2), "potential_loyalists"),
        ((g.r == 5) & (g.f == 1), "new_customers"),
        ((g.r == 4) & (g.f == 1), "promising"),
        ((g.r == 3) & (g.f == 3), "need_attention"),
        (g.r == 3, "about_to_sleep"),
        (g.f == 5, "cant_lose"),
        (g.f >= 3, "at_risk"),
        else_="hibernating",
    )
    return g.select(
        "customer_id",
        "last_purchase_on",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        rfm=g.r.cast("string") + g.f.cast("string") + g.m.cast("string"),
        rfm_segment=name,
    )


# -- evaluation --------------------------------------------------------------------------------


def segment_members(
    profiles: ir.Table,
    segments: Sequence[Segment],
    as_of: dt.date,
    *,
    purchases: ir.Table | None = None,
    settings: SegmentSettings | None = None,
) -> ir.Table:
    """The members of ``segments`` on ``as_of``: one expression, grain ``(segment, customer_id)``.

    ``profiles`` is the profile table (its ``as_of == as_of`` slice is used when it has an
    ``as_of`` column); ``purchases`` feeds ``high_aov`` and RFM (both are empty without it).
    Columns: ``segment``, ``customer_id``, ``as_of``.
    """
    s = settings or SegmentSettings()
    if "as_of" in profiles.columns:
        profiles = profiles.filter(profiles.as_of == as_of)
    parts: list[ir.Table] = []
    rfm: ir.Table | None = None
    for seg in segments:
        if seg.kind == "rfm":
            if purchases is None:
                continue
            if rfm is None:
                rfm = rfm_scores(profiles.get_backend(), purchases, as_of, window_days=s.rfm_days)
            part = rfm.filter(rfm.rfm_segment == seg.name.removeprefix("rfm_"))
        elif seg.name == "high_ltv" and seg.kind == "value":
            part = _high_ltv(profiles, s.high_ltv_top)
        elif seg.name == "high_engagement" and seg.kind == "value":
            part = _high_engagement(profiles, s.high_engagement_top)
        elif seg.name == "high_aov" and seg.kind == "value":
            if purchases is None:
                continue
            part = _high_aov(purchases, as_of, s.high_aov_top, s.aov_days)
        else:
            part = profiles.filter(compile_rule(seg.rule, profiles, segment=seg.name))
        parts.append(
            part.select(
                segment=ibis.literal(seg.name, type="string"),
                customer_id=part.customer_id.cast("string"),
                as_of=ibis.literal(as_of, type="date"),
            )
        )
    if not parts:
        empty = profiles.filter(ibis.literal(False))
        return empty.select(
            segment=ibis.literal("", type="string"),
            customer_id=empty.customer_id.cast("string"),
            as_of=ibis.literal(as_of, type="date"),
        )
    out = parts[0]
    for part in parts[1:]:
        out = out.union(part, distinct=False)
    return out
