"""MRR per customer over time, and its movements, derived as ChartMogul derives them.

Three steps, each an Ibis expression:

1. :func:`mrr_segments`: every non-void invoice line of a recurring price becomes a
   *segment*: a monthly amount over the line's service period ``[start_on, end_on)``.
   Intervals are normalised to a month (yearly /12, weekly x52/12, x interval_count),
   discounts are subtracted, tax is never in, and the amount is converted to the reporting
   currency at the rate in force when the billing period starts. Proration lines (mid-period
   upgrades and seat changes) add or remove the full monthly price of what changed from
   the change date. The subscription's end cuts its segments short.
2. :func:`mrr_changes`: the segments summed into each customer's MRR as a step function,
   one row per day on which it changes, with the movement it is: new, expansion,
   contraction, churn or reactivation.
3. The series, cohorts and breakdowns aggregate those rows (``series.py``, ``cohorts.py``).

See ``docs/metrics.md`` for the definitions and worked examples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import ibis
import ibis.expr.types as ir

from tenure.errors import DataError
from tenure.metrics._attributes import attach_group
from tenure.metrics._base import (
    DAYS_PER_MONTH,
    UNITS_PER_MINOR,
    MetricsContext,
    join_left,
    minor_rate,
)

__all__ = [
    "CHANGES_RULES",
    "CHANGES_TABLE",
    "CHANGES_TABLE_STATE",
    "MOVEMENTS",
    "changes_fingerprint",
    "changes_table_expr",
    "changes_until",
    "check_currencies",
    "first_billed_on",
    "fx_windows",
    "mrr_changes",
    "mrr_segments",
    "stored_changes",
]

MOVEMENTS = ("new", "expansion", "contraction", "churn", "reactivation")
"""The five MRR movement types, in ChartMogul's meaning (docs/glossary.md)."""

CHANGES_TABLE = "mrr_changes"
"""The warehouse table of every customer's MRR changes, kept by ingestion (decision 0007)."""
CHANGES_TABLE_STATE = "mrr_changes_state"
"""One row: the fingerprint of the definition :data:`CHANGES_TABLE` was computed with."""
CHANGES_RULES = ("churn_recognition", "past_due", "discounts")
"""The ``[metrics]`` rules the changes depend on (the others apply to series and rates)."""
_SOURCES = (Path(__file__), Path(__file__).with_name("_base.py"))
_STORED = ("customer_id", "day", "delta", "after", "first_on", "until", "movement")
_MONTHS_PER_INTERVAL = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}
_EPOCH = ibis.date(1900, 1, 1)


def _months(interval: ir.StringValue, count: ir.IntegerValue) -> ir.FloatingValue:
    """Months in one billing period of the price, e.g. 12 for yearly, 12/52 for weekly."""
    per = ibis.cases(*((interval == k, v) for k, v in _MONTHS_PER_INTERVAL.items()), else_=None)
    return per.cast("float64") * count.fill_null(1).cast("float64")


def fx_windows(ctx: MetricsContext) -> ir.Table:
    """Rates into the reporting currency, each valid over ``[valid_from, valid_to)``.

    A direct pair (``EUR -> USD``) wins over the inverse of ``USD -> EUR``. The first
    rate of a pair also covers every earlier day.
    """
    fx = ctx.table("fx_rates")
    direct = fx.filter(fx.quote_currency == ctx.currency).select(
        "currency", "rate_on", rate=fx.rate.cast("float64")
    )
    inverse = fx.filter((fx.currency == ctx.currency) & (fx.rate > 0))
    inverse = inverse.select(
        currency=inverse.quote_currency, rate_on=inverse.rate_on, rate=1.0 / inverse.rate
    )
    inverse = inverse.anti_join(direct.select("currency").distinct(), "currency")
    rates = direct.union(inverse, distinct=False)
    w = ibis.window(group_by="currency", order_by="rate_on")
    rates = rates.mutate(
        valid_to=rates.rate_on.lead().over(w),
        first=ibis.row_number().over(w) == 0,
    )
    return rates.select(
        "currency",
        "rate",
        "valid_to",
        valid_from=ibis.ifelse(rates.first, _EPOCH, rates.rate_on),
    )


def _stops(ctx: MetricsContext) -> ir.Table:
    """When each subscription stops carrying MRR, by ``rules.churn_recognition``."""
    s = ctx.table("subscriptions")
    ended = s.ended_at.fill_null(ibis.ifelse(s.status == "canceled", s.canceled_at, None))
    if ctx.rules.churn_recognition == "cancellation":
        cancelled = (s.status == "canceled") | s.cancel_at_period_end.fill_null(False)
        stop = ibis.ifelse(cancelled, s.canceled_at.fill_null(ended), ended)
    else:
        stop = ended
    return s.select("subscription_id", stop_at=stop)


def _forever_discounts(ctx: MetricsContext) -> ir.Table:
    """Since when each subscription has had a ``forever`` coupon (Stripe's MRR rule)."""
    sv = ctx.table("subscriptions_versions")
    coupons = ctx.table("coupons")
    forever = coupons.filter(coupons.duration == "forever").select("coupon_id")
    windows = sv.filter(sv.coupon_id.notnull()).semi_join(forever, "coupon_id")
    return windows.group_by("subscription_id").agg(
        forever_from=windows.discount_start_at.fill_null(windows._version_at).min()
    )


def _invoices(ctx: MetricsContext) -> ir.Table:
    """Invoices whose lines carry MRR.

    Those that are neither void nor draft; only paid ones with ``past_due = "exclude"``.
    """
    inv = ctx.table("invoices")
    keep = ["void", "draft"]
    inv = inv.filter(inv.status.isnull() | ~inv.status.isin(keep))
    if ctx.rules.past_due == "exclude":
        inv = inv.filter(inv.status == "paid")
    return inv


def _billed_lines(ctx: MetricsContext, lines: ir.Table, invoices: ir.Table | None) -> ir.Table:
    """The ``lines`` that carry MRR, with their price and counted discount share.

    A line counts when its invoice is one of :func:`_invoices`, it belongs to a
    subscription, its price is recurring (or, without a known price, its kind is
    ``subscription``) and it has a service period. With ``invoices`` (columns of
    :func:`_invoices`), those columns are joined; without, the invoice is only checked.
    """
    if invoices is None:
        t = lines.semi_join(_invoices(ctx).select("invoice_id"), "invoice_id")
    else:
        t = lines.join(invoices, "invoice_id")
    p = ctx.table("prices")
    prices = p.select(
        "price_id",
        price_product=p.product_id,
        unit=p.amount_minor,
        price_interval=p.interval,
        price_count=p.interval_count,
        price_type=p.type,
        price_free=p.is_free,
    )
    t = join_left(t, prices, "price_id")
    recurring = t.price_interval.notnull() | (t.price_type.isnull() & (t.kind == "subscription"))
    t = t.filter(
        t.subscription_id.notnull()
        & recurring
        & t.period_start_at.notnull()
        & t.period_end_at.notnull()
    )
    amount = t.amount_minor.fill_null(0).cast("float64")
    share = ibis.ifelse(
        amount == 0, 0.0, t.discount_minor.fill_null(0).cast("float64") / amount.abs()
    )
    share = ibis.greatest(ibis.least(share, 1.0), 0.0)
    if ctx.rules.discounts == "none":
        share = ibis.literal(0.0)
    elif ctx.rules.discounts == "forever":
        t = join_left(t, _forever_discounts(ctx), "subscription_id")
        counts = t.forever_from.notnull() & (t.period_start_at >= t.forever_from)
        share = ibis.ifelse(counts, share, 0.0)
    return t.mutate(_proration=t.proration.fill_null(False), _share=share)


def _anchors(ctx: MetricsContext) -> ir.Table:
    """The regular line's start and discount share of each billing period with prorations.

    The lines of one billing period (the regular line and the prorations of changes within
    it) share the subscription and the period's end. Those periods are found from the
    lines alone, so only their few regular lines are checked against their invoices again.
    """
    lines = ctx.table("invoice_lines")
    prorated = lines.filter(lines.proration.fill_null(False))
    periods = prorated.select("subscription_id", "period_end_at").distinct()
    regular = lines.filter(~lines.proration.fill_null(False))
    regular = regular.semi_join(periods, ["subscription_id", "period_end_at"])
    reg = _billed_lines(ctx, regular, None)
    return reg.group_by("subscription_id", "period_end_at").agg(
        _anchor_at=reg.period_start_at.min(), _anchor_share=reg._share.mean()
    )


def mrr_segments(ctx: MetricsContext) -> ir.Table:
    """Every invoice line that carries MRR, as a monthly amount over its service period.

    Grain: ``line_id``. Columns: ``customer_id``, ``subscription_id``, ``invoice_id``,
    ``price_id``, ``product_id``, ``currency``, ``start_on``, ``end_on`` (exclusive),
    ``units`` (monthly amount in hundredths of a reporting-currency minor unit),
    ``is_free`` (a free price), ``paid`` (the invoice is paid).

    Raises
    ------
    DataError
        When no exchange rate converts a billed currency into the reporting one.
    """
    inv = _invoices(ctx)
    inv = inv.select(
        "invoice_id", "customer_id", inv_currency=inv.currency, paid=(inv.status == "paid")
    )
    t = _billed_lines(ctx, ctx.table("invoice_lines"), inv)
    stops = _stops(ctx)
    t = join_left(t, stops.filter(stops.stop_at.notnull()), "subscription_id")
    end_at = ibis.least(t.period_end_at, t.stop_at.fill_null(t.period_end_at))
    line_days = ctx.epoch_seconds(t.period_end_at) - ctx.epoch_seconds(t.period_start_at)
    line_days = line_days.cast("float64") / 86400
    months = _months(t.price_interval, t.price_count).fill_null(line_days / DAYS_PER_MONTH)
    amount = t.amount_minor.fill_null(0).cast("float64")
    # A proration line's amount covers part of a period; its full-period price is the
    # unit price times the quantity (or, for tiered prices, the amount scaled up).
    full = (t.unit * t.quantity.fill_null(1)).cast("float64")
    scaled = amount.abs() * (months * DAYS_PER_MONTH) / ibis.greatest(line_days, 1.0 / 24)
    prorated = amount.sign() * full.fill_null(scaled)
    listed = ibis.ifelse(t._proration, prorated, amount)
    t = t.mutate(_monthly_list=listed / months, _end_at=end_at)
    # A proration uses its billing period's exchange-rate day and discount share (those of
    # the regular line), so a mid-period change nets out exactly (a proration's own cents
    # are rounded, and its start is the change day).
    t = join_left(t, _anchors(ctx), ["subscription_id", "period_end_at"])
    fx_at = ibis.ifelse(t._proration, t._anchor_at.fill_null(t.period_start_at), t.period_start_at)
    share = ibis.ifelse(t._proration, t._anchor_share.fill_null(t._share), t._share)
    t = t.mutate(
        currency=t.currency.fill_null(t.inv_currency).upper(),
        fx_on=ctx.utc_date(fx_at),
        start_on=ctx.utc_date(t.period_start_at),
        end_on=ctx.utc_date(t._end_at),
        monthly_minor=t._monthly_list * (1.0 - share),
        is_free=t.price_free.fill_null(False) | (t.unit.fill_null(-1) == 0),
        product_id=t.price_product,
    )
    t = t.filter(t.start_on < t.end_on)
    fx = fx_windows(ctx)
    # Scaled to minor units once per rate, not once per line.
    fx = fx.mutate(
        minor=minor_rate(ctx, fx.currency, fx.rate),
        valid_to=fx.valid_to.fill_null(ibis.date(9999, 12, 31)),
    )
    t = t.left_join(
        fx, [t.currency == fx.currency, t.fx_on >= fx.valid_from, t.fx_on < fx.valid_to]
    )
    rate = ibis.ifelse(t.currency == ctx.currency, 1.0, t.minor)
    raw = t.monthly_minor * rate * UNITS_PER_MINOR  # half away from zero on every engine:
    units = (raw.sign() * (raw.abs() + 0.5).floor()).cast("int64")  # PG rounds half to even
    return t.select(
        "line_id",
        "customer_id",
        "subscription_id",
        "invoice_id",
        "price_id",
        "product_id",
        "currency",
        "start_on",
        "end_on",
        "is_free",
        "paid",
        units=units,
    )


def first_billed_on(ctx: MetricsContext) -> dt.date | None:
    """The first day any invoice line's service period starts: where calendars begin.

    Read from the stored line versions when there are any (a plain scan, no
    current-version window); it may be earlier than the first MRR change, never later.
    """
    stored = "invoice_lines_versions"
    lines = ctx.table(stored if stored in ctx.con.list_tables() else "invoice_lines")
    value = lines.period_start_at.min().to_pyarrow().as_py()
    return value.date() if isinstance(value, dt.datetime) else None


def check_currencies(ctx: MetricsContext, segments: ir.Table) -> None:
    """Raise :class:`DataError` naming any billed currency that cannot be converted."""
    missing = segments.filter(segments.units.isnull()).select("currency").distinct()
    codes = sorted(str(c) for c in missing.to_pyarrow().column("currency").to_pylist())
    if codes:
        raise DataError(
            f"no exchange rate converts {', '.join(codes)} into the reporting currency "
            f"{ctx.currency}; add rows for them to the fx_rates table "
            f"(currency, quote_currency={ctx.currency!r}, rate_on, rate) and retry"
        )


def mrr_changes(
    ctx: MetricsContext, *, segments: ir.Table | None = None, by: str | None = None
) -> ir.Table:
    """Each customer's MRR as a step function: one row per (customer, group, day) of change.

    Grain: ``(customer_id, group, day)``. ``group`` is the value of the breakdown
    attribute ``by`` (a constant ``"all"`` without one). Columns: ``delta`` (units),
    ``before``/``after`` (the group's MRR around the change), ``total_before`` and
    ``total_after`` (the customer's MRR across groups) and ``movement``:

    - ``new``: the customer's first MRR ever;
    - ``reactivation``: MRR again after having churned;
    - ``expansion`` / ``contraction``: MRR up / down while the customer stays paying;
    - ``churn``: the customer's MRR falls to zero (also by moving to a free plan).

    With a breakdown, a rise in one group is ``new`` or ``reactivation`` only when the
    customer as a whole starts paying; moving between groups is contraction in one and
    expansion in the other.
    """
    return changes_until(ctx, segments=segments, by=by).drop("until")


def changes_until(
    ctx: MetricsContext, *, segments: ir.Table | None = None, by: str | None = None
) -> ir.Table:
    """:func:`mrr_changes` plus ``until``, the day of the group's next change.

    ``after`` holds over ``[day, until)``; ``until`` is null after the last change. It
    comes from the same window as the running MRR, so it costs no extra sort.

    Without a breakdown, the rows come from the warehouse's ``mrr_changes`` table when
    it holds them for this context's currency and rules (see :func:`stored_changes`);
    otherwise they are computed, once per context with ``ctx.cache`` (unless
    ``segments`` are given).
    """
    if segments is None:
        if by is None:
            stored = stored_changes(ctx)
            if stored is not None:
                return stored
        key = ("changes", by or "")
        return ctx.cached(key, lambda: _changes_until(ctx, mrr_segments(ctx), by))
    return _changes_until(ctx, segments, by)


def _changes_until(
    ctx: MetricsContext, segs: ir.Table, by: str | None, *, every_day: bool = False
) -> ir.Table:
    """The changes of ``segs`` up to ``ctx.as_of``, or on every day with ``every_day``.

    ``every_day`` is what the stored table holds: rows after ``as_of`` are kept, so
    ``until`` and ``first_on`` may lie after it (:func:`stored_changes` cuts them).
    """
    # Without a breakdown the group is one constant: it is added at the end, and the
    # customer's total is the group's own MRR.
    keys = ["customer_id"] if by is None else ["customer_id", "group"]
    if by is not None:
        segs = attach_group(ctx, segs, by)
    live = segs.filter(segs.units != 0)
    starts = live.select(*keys, day=live.start_on, delta=live.units)
    ends = live.select(*keys, day=live.end_on, delta=-live.units)
    d = starts.union(ends, distinct=False)
    if not every_day:
        d = d.filter(d.day <= ctx.as_of)
    d = d.group_by(*keys, "day").agg(delta=d.delta.sum())
    d = d.filter(d.delta != 0)

    g = ibis.cumulative_window(group_by=keys, order_by="day")
    d = d.mutate(
        after=d.delta.sum().over(g),
        until=d.day.lead().over(ibis.window(group_by=keys, order_by="day")),
    )
    d = d.mutate(before=d.after - d.delta)

    if by is None:
        tot = d.mutate(total_before=d.before, total_after=d.after)
    else:
        tot = d.group_by("customer_id", "day").agg(total_delta=d.delta.sum())
        c = ibis.cumulative_window(group_by="customer_id", order_by="day")
        tot = tot.mutate(total_after=tot.total_delta.sum().over(c))
        tot = tot.mutate(total_before=tot.total_after - tot.total_delta)
    first = ibis.ifelse((tot.total_before <= 0) & (tot.total_after > 0), tot.day, None)
    tot = tot.mutate(first_on=first.min().over(group_by="customer_id"))
    if by is None:
        j = tot.mutate(group=ibis.literal("all"))
    else:
        tot = tot.select("customer_id", "day", "total_before", "total_after", "first_on")
        j = d.join(tot, ["customer_id", "day"])
    up, down = j.delta > 0, j.delta < 0
    movement = ibis.cases(
        (up & (j.total_before <= 0) & (j.day == j.first_on), "new"),
        (up & (j.total_before <= 0), "reactivation"),
        (up, "expansion"),
        (down & (j.total_after <= 0), "churn"),
        else_="contraction",
    )
    return j.select(
        "customer_id",
        "group",
        "day",
        "delta",
        "before",
        "after",
        "total_before",
        "total_after",
        "first_on",
        "until",
        movement=movement,
    )


def changes_table_expr(ctx: MetricsContext) -> ir.Table:
    """What :data:`CHANGES_TABLE` holds: :func:`changes_until` on every day, no breakdown.

    The rows do not depend on ``as_of`` (only which of them a context reads does), so
    one table serves every ``as_of``; ``before`` and the customer totals follow from
    ``delta`` and ``after`` without a breakdown.
    """
    return _changes_until(ctx, mrr_segments(ctx), None, every_day=True).select(*_STORED)


def changes_fingerprint(ctx: MetricsContext) -> str:
    """What the stored changes of ``ctx`` depend on, hashed: equal fingerprints, equal rows.

    The backend's dialect, the reporting currency, the rules in :data:`CHANGES_RULES`
    and the source code of this module and of ``_base.py`` (so a new Tenure, or any edit
    to the definition, gives another fingerprint and the table is recomputed). Cheap:
    nothing is compiled or read from the warehouse.
    """
    h = hashlib.sha256()
    rules = {k: getattr(ctx.rules, k) for k in CHANGES_RULES}
    h.update(repr((ctx.con.name, ctx.currency.upper(), sorted(rules.items()))).encode())
    for source in _SOURCES:
        h.update(source.read_bytes())
    return h.hexdigest()[:32]


def stored_changes(ctx: MetricsContext) -> ir.Table | None:
    """:func:`changes_until` (no breakdown) read from :data:`CHANGES_TABLE`, or ``None``.

    ``None`` unless ``ctx.stored`` is on, the context reads current knowledge (not a
    point-in-time one), and the table was computed with this context's fingerprint
    (:func:`changes_fingerprint`). The answer is the computed one exactly: rows after
    ``as_of`` are left out, and a next-change day or first paying day after ``as_of``
    becomes null, as if those rows had never been seen.
    """
    if not (ctx.stored and ctx.current_knowledge):
        return None
    if "stored" not in ctx.memo:
        ok = False
        if CHANGES_TABLE_STATE in ctx.con.list_tables():
            state = ctx.con.table(CHANGES_TABLE_STATE).fingerprint.to_pyarrow().to_pylist()
            ok = state == [changes_fingerprint(ctx)]
        ctx.memo["stored"] = ok
    if not ctx.memo["stored"]:
        return None
    t = ctx.con.table(CHANGES_TABLE)
    t = t.filter(t.day <= ctx.as_of)
    before = t.after - t.delta
    return t.select(
        "customer_id",
        group=ibis.literal("all"),
        day=t.day,
        delta=t.delta,
        before=before,
        after=t.after,
        total_before=before,
        total_after=t.after,
        first_on=ibis.ifelse(t.first_on <= ctx.as_of, t.first_on, None),
        until=ibis.ifelse(t.until <= ctx.as_of, t.until, None),
        movement=t.movement,
    )
