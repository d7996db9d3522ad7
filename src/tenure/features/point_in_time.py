"""The warehouse as it was known at a moment: every table restricted to what existed before it.

Features must use only what was known before ``as_of``; otherwise a model learns from
the future and its backtest flatters it. Two kinds of record make that hard:

- **Versions.** A changed object is kept as a new version (``<table>_versions``), dated by
  the event that brought it (a webhook) or by the ingest of the snapshot it came in.
  :func:`known_before` takes, per key, the latest version dated before ``cutoff``.
- **Snapshots taken later.** An object first seen in an export made after ``cutoff``
  (an invoice exported today that was created last year) has no version from before.
  It is kept when its own creation time is before ``cutoff``, with everything that could
  only be known later removed: timestamps at or after ``cutoff`` become null and the
  state (status, amounts paid, CSAT) is re-derived from the timestamps that remain. A
  rule per table (:data:`RULES`) says which columns those are.

Tables without versions (``events``, ``stripe_events``) are filtered by their event time.
The catalog (products, prices, coupons) is used as it is: prices do not change in Stripe.
Customer attributes (country, channel, traits) are taken as static unless versions exist.
``docs/features.md`` lists the rules; ``tests/features/test_leakage.py`` proves them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.metrics import MetricsContext
from tenure.schema import TABLES

__all__ = ["RULES", "PointInTimeContext", "Rule", "cutoff_of", "known_before"]

Derive = Callable[[ir.Table, ir.TimestampValue], dict[str, ir.Value]]


@dataclass(frozen=True)
class Rule:
    """How to read one table at a moment.

    Parameters
    ----------
    exists
        The column that says when the record came to be (it exists before ``cutoff``
        when this is earlier).
    events
        Timestamps of things that happen later in a record's life; in a version dated
        after ``cutoff`` they are kept only when earlier than ``cutoff``.
    unknown
        Columns a later version cannot tell about the past (set to null there).
    derive
        Columns recomputed from the masked timestamps, in a version dated after ``cutoff``.
    """

    exists: str
    events: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    derive: Derive | None = None


def _subscription_state(t: ir.Table, cutoff: ir.TimestampValue) -> dict[str, ir.Value]:
    ended = t.ended_at
    cancelled = t.canceled_at.notnull()
    trialing = (t.trial_end_at > cutoff) & (t.trial_start_at.fill_null(t.created_at) < cutoff)
    status = ibis.cases((ended.notnull(), "canceled"), (trialing, "trialing"), else_="active")
    keep_coupon = t.discount_start_at.notnull()
    return {
        "status": status,
        "cancel_at_period_end": cancelled & ended.isnull(),
        "cancel_at": ibis.ifelse(cancelled, t.cancel_at, None),
        "cancellation_reason": ibis.ifelse(cancelled, t.cancellation_reason, None),
        "cancellation_feedback": ibis.ifelse(cancelled, t.cancellation_feedback, None),
        "cancellation_comment": ibis.ifelse(cancelled, t.cancellation_comment, None),
        "coupon_id": ibis.ifelse(keep_coupon, t.coupon_id, None),
        "discount_end_at": ibis.ifelse(keep_coupon, t.discount_end_at, None),
    }


def _invoice_state(t: ir.Table, cutoff: ir.TimestampValue) -> dict[str, ir.Value]:
    paid = t.paid_at.notnull()
    return {
        "status": ibis.cases((t.voided_at.notnull(), "void"), (paid, "paid"), else_="open"),
        "amount_paid_minor": ibis.ifelse(paid, t.amount_paid_minor, 0),
    }


def _ticket_state(t: ir.Table, cutoff: ir.TimestampValue) -> dict[str, ir.Value]:
    closed = t.closed_at.notnull()
    return {
        "status": ibis.ifelse(closed, "closed", "open"),
        "csat": ibis.ifelse(closed, t.csat, None),
    }


RULES: dict[str, Rule] = {
    "customers": Rule(exists="created_at", unknown=("delinquent",)),
    "subscriptions": Rule(
        exists="created_at",
        events=("canceled_at", "ended_at", "discount_start_at"),
        unknown=(
            "current_period_start_at",
            "current_period_end_at",
            "pause_behavior",
            "pause_resumes_at",
            "metadata",
        ),
        derive=_subscription_state,
    ),
    "subscription_items": Rule(exists="created_at", unknown=("quantity", "price_id")),
    "invoices": Rule(
        exists="created_at",
        events=("paid_at", "voided_at"),
        unknown=("attempt_count",),
        derive=_invoice_state,
    ),
    "payments": Rule(exists="created_at", unknown=("amount_refunded_minor",)),
    "feedback": Rule(exists="submitted_at"),
    "support_tickets": Rule(exists="opened_at", events=("closed_at",), derive=_ticket_state),
}
"""Per versioned table: how a record dated after the cutoff is cut back to what was known."""

_EVENT_TIME = {"events": "occurred_at", "stripe_events": "created_at"}


def cutoff_of(as_of: dt.date) -> dt.datetime:
    """The moment ``as_of`` starts (00:00 UTC): features use only data before it."""
    return dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)


def _rank(t: ir.Table, key: list[str], *, newest: bool) -> ir.Table:
    order = ["_version_at", "_ingest_id", "_line"]
    by = [ibis.desc(c) for c in order] if newest else [ibis.asc(c) for c in order]
    t = t.mutate(_rank=ibis.row_number().over(group_by=key, order_by=by))
    return t.filter(t._rank == 0).drop("_rank")


def known_before(con: BaseBackend, name: str, cutoff: dt.datetime) -> ir.Table:
    """Table ``name`` as it was known just before ``cutoff`` (same columns as the view)."""
    at = ibis.literal(cutoff, type="timestamp('UTC')")
    if name in _EVENT_TIME:
        t = con.table(name)
        return t.filter(t[_EVENT_TIME[name]] < at)
    if name == "invoice_lines":  # a line never changes once its invoice is final
        lines = con.table("invoice_lines")
        return lines.semi_join(known_before(con, "invoices", cutoff), "invoice_id")
    if name == "fx_rates":
        fx = con.table("fx_rates")
        return fx.filter(fx.rate_on < cutoff.date())
    rule = RULES.get(name)
    spec = TABLES[name]
    if rule is None or not spec.versioned:
        return con.table(name)
    columns = [*spec.column_names, "_version_at"]
    key = list(spec.key)
    versions = con.table(spec.storage_name)
    past = _rank(versions.filter(versions._version_at < at), key, newest=True)
    later = versions.filter(versions._version_at >= at)
    later = later.filter(later[rule.exists] < at).anti_join(past.select(*key), key)
    later = _rank(later, key, newest=False)
    masked = {c: ibis.ifelse(later[c] < at, later[c], None) for c in rule.events}
    masked |= {c: ibis.null(later[c].type()) for c in rule.unknown}
    later = later.mutate(**masked)
    if rule.derive is not None:
        later = later.mutate(**rule.derive(later, at))
    return past.select(*columns).union(later.select(*columns), distinct=False)


@dataclass(frozen=True)
class PointInTimeContext(MetricsContext):
    """A :class:`MetricsContext` whose tables hold only what was known by the end of ``as_of``.

    Any metric run on it (MRR segments and changes, for instance) is point-in-time correct.
    It never reads the stored ``mrr_changes``, which hold current knowledge.
    """

    current_knowledge: ClassVar[bool] = False

    @property
    def cutoff(self) -> dt.datetime:
        return cutoff_of(self.as_of + dt.timedelta(days=1))

    _cache: dict[str, ir.Table] = field(default_factory=dict, compare=False, repr=False)

    def table(self, name: str) -> ir.Table:
        # One expression per table, so a query built on this context repeats no subtree.
        if name not in self._cache:
            if name.endswith("_versions"):
                versions = self.con.table(name)
                self._cache[name] = versions.filter(versions._version_at < self.cutoff)
            else:
                self._cache[name] = known_before(self.con, name, self.cutoff)
        return self._cache[name]
