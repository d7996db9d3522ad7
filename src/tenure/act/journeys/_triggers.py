"""Who enters a journey: each trigger as one Ibis query over the warehouse, by window.

A trigger looks at what happened in ``(since, now]`` (the journey's watermark to the
clock's now) and returns ``(customer_id, entry_key)`` pairs. The entry key names the
occurrence (an event's message id, a segment day, a crossing day, a charge, a billing
period, a schedule period), so looking at an overlapping window again enrols nobody
twice. Arms are assigned by hashing (docs/journeys.md, "Control and holdout").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.act.journeys.definition import (
    KEYED_TRIGGERS,
    BillingTrigger,
    ChurnTrigger,
    EventTrigger,
    FeatureRequestTrigger,
    Journey,
    NewUserTrigger,
    ScheduleTrigger,
    ScoreTrigger,
    SegmentTrigger,
    parse_duration,
)
from tenure.decide import CUSTOMER_PROFILES, SEGMENT_MEMBERS, compile_rule, segment_history
from tenure.metrics import CHANGES_TABLE

__all__ = ["asked_for", "assign_arm", "bucket", "triggered"]

_COLUMNS = {"health": "health", "churn_risk": "churn_probability"}


def bucket(*parts: str) -> float:
    """A stable number in [0, 1) from the SHA-256 of the parts (deterministic hashing)."""
    digest = hashlib.sha256(":".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_arm(tenant_id: str, journey: Journey, customer_id: str, control_share: float) -> str:
    """``control`` (the global control group), ``holdout`` (this journey's) or ``treatment``.

    The global control group hashes the customer alone, so a customer in it is kept out
    of every journey; the holdout hashes the journey too, so it differs per journey.
    """
    if bucket("control", tenant_id, customer_id) < control_share:
        return "control"
    if bucket("holdout", tenant_id, journey.name, customer_id) < journey.holdout:
        return "holdout"
    return "treatment"


def _has(con: BaseBackend, table: str) -> bool:
    return table in con.list_tables()


def _rows(expr: ir.Table) -> list[tuple[str, str]]:
    frame = expr.select("customer_id", "entry_key").distinct().to_pyarrow().to_pylist()
    return [(str(r["customer_id"]), str(r["entry_key"])) for r in frame]


def _ts(value: dt.datetime) -> ir.Value:
    return ibis.literal(value.astimezone(dt.UTC).replace(tzinfo=None)).cast("timestamp('UTC')")


def _events(con: BaseBackend, t: EventTrigger, since: dt.datetime, now: dt.datetime) -> ir.Table:
    e = con.table("events")
    e = e.filter(
        (e.type == "track")
        & (e.event == t.event)
        & e.customer_id.notnull()
        & (e.occurred_at > _ts(since))
        & (e.occurred_at <= _ts(now))
    )
    return e.select("customer_id", entry_key=e.message_id)


def _segment(
    con: BaseBackend, t: SegmentTrigger, since: dt.datetime, now: dt.datetime
) -> ir.Table | None:
    history = segment_history(con, t.segment)
    if history is None:
        return None
    change = "entered" if t.change == "enter" else "left"
    h = history.filter(
        (history.change == change) & (history.on > since.date()) & (history.on <= now.date())
    )
    return h.select("customer_id", entry_key=h.on.cast("string"))


def _score(
    con: BaseBackend, t: ScoreTrigger, since: dt.datetime, now: dt.datetime
) -> ir.Table | None:
    if not _has(con, CUSTOMER_PROFILES):
        return None
    p = con.table(CUSTOMER_PROFILES)
    column = _COLUMNS[t.score]
    days = p.select("as_of").distinct()
    days = days.mutate(prev_on=days.as_of.lag().over(ibis.window(order_by=days.as_of)))
    cur = p.select("customer_id", "as_of", value=p[column]).join(days, "as_of")
    cur = cur.filter((cur.as_of > since.date()) & (cur.as_of <= now.date()))
    before = p.select(b_customer_id="customer_id", b_as_of="as_of", b_value=p[column])
    both = cur.join(
        before, [cur.customer_id == before.b_customer_id, cur.prev_on == before.b_as_of]
    )
    if t.crosses == "below":
        crossed = (both.b_value >= t.threshold) & (both.value < t.threshold)
    else:
        crossed = (both.b_value <= t.threshold) & (both.value > t.threshold)
    both = both.filter(crossed)
    return both.select("customer_id", entry_key=both.as_of.cast("string"))


def _billing(con: BaseBackend, t: BillingTrigger, since: dt.datetime, now: dt.datetime) -> ir.Table:
    lead = dt.timedelta(days=t.lead)
    if t.billing == "payment_failed":
        p = con.table("payments")
        p = p.filter(
            (p.status == "failed")
            & p.customer_id.notnull()
            & (p.created_at > _ts(since))
            & (p.created_at <= _ts(now))
        )
        return p.select("customer_id", entry_key=p.charge_id)
    if t.billing == "trial_ending":
        s = con.table("subscriptions")
        s = s.filter(
            (s.status == "trialing")
            & (s.trial_end_at > _ts(since + lead))
            & (s.trial_end_at <= _ts(now + lead))
        )
        return s.select(
            "customer_id", entry_key=s.subscription_id + ":" + s.trial_end_at.date().cast("string")
        )
    # card_expiring: the card of each customer's latest payment expires at the end of
    # its expiry month; enter ``lead`` days before the first day of the following month
    p = con.table("payments")
    p = p.filter(p.customer_id.notnull() & p.card_exp_year.notnull() & p.card_exp_month.notnull())
    latest = p.mutate(
        rn=ibis.row_number().over(ibis.window(group_by=p.customer_id, order_by=p.created_at.desc()))
    ).filter(lambda r: r.rn == 0)
    months = latest.card_exp_year.cast("int64") * 12 + latest.card_exp_month.cast("int64")
    first_after = ibis.date(months // 12, months % 12 + 1, 1)
    cards = latest.mutate(expires_on=first_after)
    start, end = (since + lead).date(), (now + lead).date()
    cards = cards.filter((cards.expires_on > start) & (cards.expires_on <= end))
    return cards.select(
        "customer_id",
        entry_key="card:"
        + cards.card_exp_year.cast("string")
        + "-"
        + cards.card_exp_month.cast("string"),
    )


def _schedule(
    con: BaseBackend, t: ScheduleTrigger, since: dt.datetime, now: dt.datetime
) -> ir.Table | None:
    every = parse_duration(t.every).total_seconds()
    period = math.floor(now.timestamp() / every)
    if math.floor(since.timestamp() / every) >= period:
        return None
    key = ibis.literal(f"every:{period}")
    if t.segment is not None:
        if not _has(con, SEGMENT_MEMBERS):
            return None
        m = con.table(SEGMENT_MEMBERS)
        m = m.filter(m.segment == t.segment)
        m = m.filter(m.as_of == m.as_of.max())
        return m.select("customer_id", entry_key=key)
    if _has(con, CUSTOMER_PROFILES):
        p = con.table(CUSTOMER_PROFILES)
        p = p.filter(p.as_of == p.as_of.max())
        if t.condition is not None:
            p = p.filter(compile_rule(t.condition, p, segment="trigger condition"))
        return p.select("customer_id", entry_key=key)
    if t.condition is not None:  # a rule over profiles: nobody before the first refresh
        return None
    c = con.table("customers")
    return c.select("customer_id", entry_key=key)


def _new_users(con: BaseBackend, since: dt.datetime, now: dt.datetime) -> ir.Table:
    e = con.table("events")
    i = e.filter((e.type == "identify") & e.user_id.notnull() & e.customer_id.notnull())
    first = i.group_by(["customer_id", "user_id"]).agg(first_at=i.occurred_at.min())
    first = first.filter((first.first_at > _ts(since)) & (first.first_at <= _ts(now)))
    return first.select("customer_id", entry_key="user:" + first.user_id)


def _churned(con: BaseBackend, since: dt.datetime, now: dt.datetime) -> ir.Table | None:
    if not _has(con, CHANGES_TABLE):
        return None
    ch = con.table(CHANGES_TABLE)
    ch = ch.filter((ch.movement == "churn") & (ch.day > since.date()) & (ch.day <= now.date()))
    return ch.select("customer_id", entry_key="churn:" + ch.day.cast("string"))


def asked_for(con: BaseBackend, features: dict[str, list[str]]) -> ir.Table | None:
    """``customer_id``, ``feature``, ``asked_at``: feedback or tickets naming a keyword.

    A feedback comment or a support-ticket subject asks for a feature when it contains
    one of the feature's keywords, case-insensitively.
    """
    texts: list[ir.Table] = []
    if _has(con, "feedback"):
        f = con.table("feedback")
        f = f.filter(f.comment.notnull() & (f.comment != ""))
        texts.append(f.select("customer_id", text=f.comment.lower(), asked_at=f.submitted_at))
    if _has(con, "support_tickets"):
        t = con.table("support_tickets")
        t = t.filter(t.subject.notnull())
        texts.append(t.select("customer_id", text=t.subject.lower(), asked_at=t.opened_at))
    if not texts:
        return None
    asks = ibis.union(*texts) if len(texts) > 1 else texts[0]
    words = ibis.memtable(
        {
            "feature": [name for name, kws in features.items() for _ in kws],
            "keyword": [k.strip().lower() for kws in features.values() for k in kws],
        }
    )
    hits = asks.cross_join(words).filter(lambda r: r.text.contains(r.keyword))
    return hits.select("customer_id", "feature", "asked_at")


def _feature_requests(
    con: BaseBackend, t: FeatureRequestTrigger, since: dt.datetime, now: dt.datetime
) -> ir.Table | None:
    e = con.table("events")
    released = e.filter(
        (e.type == "track")
        & (e.event == t.event)
        & (e.occurred_at > _ts(since))
        & (e.occurred_at <= _ts(now))
    )
    released = released.select(
        name=released.properties[t.property].str, released_at=released.occurred_at
    ).filter(lambda r: r.name.isin(list(t.features)))
    asks = asked_for(con, t.features)
    if asks is None:
        return None
    hits = asks.join(
        released,
        [asks.feature == released.name, asks.asked_at < released.released_at],
    )
    return hits.select("customer_id", entry_key="feature:" + hits.feature)


def triggered(
    con: BaseBackend, journey: Journey, *, since: dt.datetime, now: dt.datetime
) -> list[tuple[str, str]]:
    """``(customer_id, entry_key)`` of every occurrence of the trigger in ``(since, now]``.

    Without ``reenter``, every key is ``once``: a customer enters the journey once; a
    keyed trigger (``new_user``, ``feature_request``) keeps its key, so each user (each
    feature) enters once.
    """
    t = journey.trigger
    expr: ir.Table | None
    if isinstance(t, EventTrigger):
        expr = _events(con, t, since, now)
    elif isinstance(t, SegmentTrigger):
        expr = _segment(con, t, since, now)
    elif isinstance(t, ScoreTrigger):
        expr = _score(con, t, since, now)
    elif isinstance(t, BillingTrigger):
        expr = _billing(con, t, since, now)
    elif isinstance(t, NewUserTrigger):
        expr = _new_users(con, since, now)
    elif isinstance(t, ChurnTrigger):
        expr = _churned(con, since, now)
    elif isinstance(t, FeatureRequestTrigger):
        expr = _feature_requests(con, t, since, now)
    else:
        expr = _schedule(con, t, since, now)
    if expr is None:
        return []
    rows = _rows(expr)
    if not journey.reenter and not isinstance(t, KEYED_TRIGGERS):
        rows = sorted({(c, "once") for c, _ in rows})
    return rows
