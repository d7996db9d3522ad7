"""Cancel decisions, whether a retention discount was offered, and whether the customer stayed.

The training and evaluation rows of the discount uplift model (docs/offers.md, "Learning
whom a discount saves"). One row per *cancel decision* of a paying customer:

- **offered** decisions come from the **offer log** (``customer_id``, ``offered_at``,
  ``accepted``, ``percent``, ``months``): what the cancel flow showed. A declined offer
  leaves no trace in Stripe (the customer just cancels), so the log is the only record of
  it; an accepted one shows in Stripe as the coupon attached.
- **not offered** decisions are what the warehouse shows of a customer deciding to leave:
  a cancellation request (a version of the subscription with ``canceled_at`` whose
  ``cancellation_reason`` is ``cancellation_requested`` or unknown, not a cancellation
  for failed or disputed payments) or a pause
  (a ``customer.subscription.paused`` event), when the log has no offer to that customer
  at or before it (a customer offered once is not offered again, so their later decisions
  were never randomised).

Each decision gets the customer's features on the first day of its month, built from the
data known before that day (:func:`tenure.features.feature_frame`: no leakage from the
decision or its outcome), ``cancel_requests_before`` (how many times the customer asked to
cancel before the decision: requests taken back, since they still pay), the product use in
the 30 days before the decision itself against the 30 before those (:func:`usage_before`:
someone who has decided to leave uses the product less and less), and its outcome:
**retained** when, on the first day of the first month at least ``outcome_days`` after the
decision, the customer pays (``mrr > 0``) and has no cancellation pending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import ibis
import ibis.expr.types
import polars as pl
from ibis.backends import BaseBackend

__all__ = [
    "DECISION_USAGE",
    "OFFER_LOG_COLUMNS",
    "cancel_decisions",
    "cancel_requests",
    "cancel_requests_before",
    "decision_months",
    "demo_offer_log",
    "first_of_month",
    "offer_decision_frame",
    "usage_before",
]

OFFER_LOG_COLUMNS = ("customer_id", "offered_at", "accepted", "percent", "months")
"""The columns of an offer log: one row per retention discount shown in a cancel flow."""

DECISION_USAGE = ("decision_events_30d", "decision_events_prev_30d", "decision_usage_ratio")
"""The columns :func:`usage_before` adds: product use just before a cancel decision."""

DEMO_OFFER = (50.0, 3)
"""The demo world's retention offer (SAVE50): 50 % off for 3 months."""


def demo_offer_log(truth: pl.DataFrame) -> pl.DataFrame:
    """The demo world's offer log, from its ground truth (``retention_offer_*`` columns).

    The demo's cancel flow offers SAVE50 (:data:`DEMO_OFFER`) in half of paying customers'
    cancel decisions, at random, once per subscription; the ground truth keeps when the
    (last) offer was made and whether it was accepted, as a cancel flow's log would.
    """
    percent, months = DEMO_OFFER
    return truth.filter(pl.col("retention_offer_at").is_not_null()).select(
        "customer_id",
        offered_at=pl.col("retention_offer_at"),
        accepted=pl.col("retention_offer_accepted"),
        percent=pl.lit(percent),
        months=pl.lit(months),
    )


def first_of_month(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def _month_on_or_after(day: dt.date) -> dt.date:
    if day.day == 1:
        return day
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _asked(subs: ibis.Table) -> ibis.expr.types.BooleanColumn:
    # the customer's own request: Stripe's ``payment_failed`` and ``payment_disputed``
    # cancellations end a subscription no cancel flow is shown for, so no offer could be
    # made there and they would bias the not-offered arm (older API versions: no reason)
    return subs.canceled_at.notnull() & (
        subs.cancellation_reason.isnull() | (subs.cancellation_reason == "cancellation_requested")
    )


def cancel_requests(con: BaseBackend) -> pl.DataFrame:
    """Every customer's own cancellation requests, once each: ``customer_id``, ``requested_at``.

    A request is a subscription version with ``canceled_at`` (its time) whose
    ``cancellation_reason`` is the customer's request (or unknown). A request that was
    taken back keeps its versions, so it is counted too.
    """
    subs = con.table("subscriptions_versions")
    requests = subs.filter(_asked(subs)).select("customer_id", requested_at=subs.canceled_at)
    found: pl.DataFrame = requests.distinct().to_polars()
    return found.with_columns(pl.col("requested_at").cast(pl.Datetime("us", "UTC")))


def cancel_requests_before(
    rows: pl.DataFrame, requests: pl.DataFrame, *, at: str | dt.datetime
) -> pl.DataFrame:
    """``rows`` with ``cancel_requests_before``: the customer's requests strictly before ``at``.

    ``at`` is a column of ``rows`` (each row's own moment, e.g. ``decided_at``) or one
    moment for all. ``requests`` is :func:`cancel_requests`. A customer who asked to cancel
    before and still pays took the request back: price shoppers do it again and again.
    """
    moment = pl.col(at) if isinstance(at, str) else pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    indexed = rows.with_row_index("_row")
    counts = (
        indexed.select("_row", "customer_id", _at=moment.cast(pl.Datetime("us", "UTC")))
        .join(requests.select("customer_id", "requested_at"), on="customer_id", how="inner")
        .filter(pl.col("requested_at") < pl.col("_at"))
        .group_by("_row")
        .agg(cancel_requests_before=pl.len().cast(pl.Int64))
    )
    return (
        indexed.join(counts, on="_row", how="left")
        .with_columns(pl.col("cancel_requests_before").fill_null(0))
        .sort("_row")
        .drop("_row")
    )


def usage_before(con: BaseBackend, rows: pl.DataFrame, *, at: str | dt.datetime) -> pl.DataFrame:
    """``rows`` with the customer's product use just before ``at`` (:data:`DECISION_USAGE`).

    ``decision_events_30d`` and ``decision_events_prev_30d`` count the customer's product
    events (``track``, ``page``, ``screen``) in the 30 days before ``at`` and the 30 before
    those; ``decision_usage_ratio`` is the first over the second (null without events in
    the earlier window). ``at`` is a column of ``rows`` (each row's own moment) or one
    moment for all. The feature frame's ``usage_ratio_30d`` is taken on the first of the
    decision's month, up to a month before the cancel flow opens; these are taken at the
    moment itself, as the cancel flow sees the customer, in training and in scoring alike.
    """
    from tenure.metrics import ACTIVE_TYPES

    moment = pl.col(at) if isinstance(at, str) else pl.lit(at, dtype=pl.Datetime("us", "UTC"))
    indexed = rows.with_row_index("_row")
    keys = ibis.memtable(
        indexed.select(
            pl.col("_row").cast(pl.Int64),
            _customer=pl.col("customer_id").cast(pl.Utf8),
            _at=moment.cast(pl.Datetime("us", "UTC")),
        ).to_arrow()
    )
    e = con.table("events")
    e = e.filter(e.customer_id.notnull() & e.type.isin(ACTIVE_TYPES))
    month = ibis.interval(days=30)
    joined = keys.join(
        e,
        (keys._customer == e.customer_id)
        & (e.occurred_at < keys._at)
        & (e.occurred_at >= keys._at - 2 * month),
    )
    recent = joined.occurred_at >= joined._at - month
    counts: pl.DataFrame = (
        joined.group_by("_row")
        .agg(
            decision_events_30d=joined.count(where=recent).cast("float64"),
            decision_events_prev_30d=joined.count(where=~recent).cast("float64"),
        )
        .to_polars()
    )
    before, earlier = pl.col("decision_events_30d"), pl.col("decision_events_prev_30d")
    return (
        indexed.join(counts.with_columns(pl.col("_row").cast(pl.UInt32)), on="_row", how="left")
        .with_columns(before.fill_null(0.0), earlier.fill_null(0.0))
        .with_columns(decision_usage_ratio=pl.when(earlier > 0).then(before / earlier))
        .sort("_row")
        .drop("_row")
    )


def cancel_decisions(con: BaseBackend, offer_log: pl.DataFrame) -> pl.DataFrame:
    """Every cancel decision, offered or not.

    Columns ``customer_id``, ``decided_at``, ``decided_on``, ``treated``, ``accepted``,
    ``percent``, ``months``, ``cancel_requests_before`` and the use just before the decision
    (:func:`usage_before`). Not-offered decisions of a
    customer are kept once per month (the first), and dropped from the customer's first
    offer on.
    """
    missing = [c for c in OFFER_LOG_COLUMNS if c not in offer_log.columns]
    if missing:
        from tenure.errors import DataError

        raise DataError(
            f"the offer log lacks the columns {', '.join(missing)}; it needs "
            f"{', '.join(OFFER_LOG_COLUMNS)} (docs/offers.md)"
        )
    subs = con.table("subscriptions_versions")
    requests = subs.filter(_asked(subs)).select("customer_id", decided_at=subs.canceled_at)
    owners = con.table("subscriptions").select("subscription_id", "customer_id")
    ev = con.table("stripe_events")
    paused = ev.filter(ev.type == "customer.subscription.paused")
    pauses = paused.join(owners, paused.object_id == owners.subscription_id).select(
        "customer_id", decided_at=paused.created_at
    )
    seen: pl.DataFrame = requests.union(pauses).distinct().to_polars()
    log = offer_log.select(
        pl.col("customer_id").cast(pl.Utf8),
        pl.col("offered_at").cast(pl.Datetime("us", "UTC")),
        pl.col("accepted").cast(pl.Boolean),
        pl.col("percent").cast(pl.Float64),
        pl.col("months").cast(pl.Int64),
    )
    first_offer = log.group_by("customer_id").agg(first_offer_at=pl.col("offered_at").min())
    control = (
        seen.with_columns(pl.col("decided_at").cast(pl.Datetime("us", "UTC")))
        .join(first_offer, on="customer_id", how="left")
        .filter(
            pl.col("first_offer_at").is_null() | (pl.col("decided_at") < pl.col("first_offer_at"))
        )
        .with_columns(decided_on=pl.col("decided_at").dt.date())
        .sort("customer_id", "decided_at")
        .unique(["customer_id", pl.col("decided_on").dt.month_start()], keep="first")
        .select(
            "customer_id",
            "decided_at",
            "decided_on",
            treated=pl.lit(value=False),
            accepted=pl.lit(value=False),
            percent=pl.lit(0.0),
            months=pl.lit(0, dtype=pl.Int64),
        )
    )
    treated = log.select(
        "customer_id",
        decided_at=pl.col("offered_at"),
        decided_on=pl.col("offered_at").dt.date(),
        treated=pl.lit(value=True),
        accepted="accepted",
        percent="percent",
        months="months",
    )
    decisions = pl.concat([control, treated]).sort("decided_at", "customer_id")
    counted = cancel_requests_before(decisions, cancel_requests(con), at="decided_at")
    return usage_before(con, counted, at="decided_at")


def decision_months(
    decisions: pl.DataFrame, outcome_days: int, data_through: dt.date
) -> tuple[list[dt.date], list[dt.date]]:
    """The months whose feature frames the decisions need, and the outcome months.

    A decision needs the frame of its month (features) and of its outcome month (the first
    of a month at least ``outcome_days`` later), which must be on or before
    ``data_through``.
    """
    if decisions.height == 0:
        return [], []
    feature_months = sorted({first_of_month(d) for d in decisions["decided_on"].to_list()})
    outcome_months = sorted(
        {
            _month_on_or_after(d + dt.timedelta(days=outcome_days))
            for d in decisions["decided_on"].to_list()
        }
    )
    return feature_months, [m for m in outcome_months if m <= data_through]


def offer_decision_frame(
    decisions: pl.DataFrame,
    frames: Mapping[dt.date, pl.DataFrame],
    *,
    outcome_days: int,
) -> pl.DataFrame:
    """Decisions of paying customers with their features and outcome.

    ``frames`` maps first-of-month days to feature frames (:func:`feature_frame`). Rows
    whose month has no frame, or whose customer did not pay on the first of the month, are
    left out; ``observed`` is False when the outcome month has no frame yet (``retained``
    is then null).
    """
    if not frames:
        return decisions.head(0)
    stacked = pl.concat(list(frames.values()), how="vertical_relaxed")
    status = stacked.select(
        "customer_id",
        outcome_as_of="as_of",
        _stays=(pl.col("mrr") > 0) & ~pl.col("cancel_pending").fill_null(value=False),
    )
    features = stacked.filter(pl.col("mrr") > 0)
    later = pl.col("decided_on") + pl.duration(days=outcome_days)
    rows = decisions.with_columns(
        as_of=pl.col("decided_on").dt.month_start(),
        outcome_as_of=pl.when(later.dt.day() == 1)
        .then(later)
        .otherwise(later.dt.month_start().dt.offset_by("1mo")),
    )
    out = rows.join(features, on=["customer_id", "as_of"], how="inner")
    known = set(frames)
    out = out.join(status, on=["customer_id", "outcome_as_of"], how="left").with_columns(
        observed=pl.col("outcome_as_of").is_in(list(known))
    )
    out = out.with_columns(
        retained=pl.when(pl.col("observed")).then(pl.col("_stays").fill_null(value=False))
    ).drop("_stays")
    # joins do not keep row order; a fixed order keeps a seeded model's fit reproducible
    return out.sort("decided_at", "customer_id", "treated")
