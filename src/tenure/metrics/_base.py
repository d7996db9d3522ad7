"""What every metric needs: the connection, ``as_of``, the reporting currency and rules.

Money inside the metric code is an integer count of *units*: one hundredth of a minor
unit of the reporting currency (so 1 USD = 10,000 units). Integers make the running
sums exact, so a customer whose subscriptions all end has an MRR of exactly zero.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import ibis
import ibis.expr.datatypes as dt_ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.config import MetricsSettings
from tenure.currencies import CURRENCIES, minor_unit_exponent
from tenure.errors import ConfigError

__all__ = [
    "INTERVALS",
    "UNITS_PER_MINOR",
    "Interval",
    "MetricsContext",
    "period_label",
    "period_spine",
    "truncate",
]

Interval = Literal["day", "week", "month", "quarter"]
INTERVALS: tuple[Interval, ...] = ("day", "week", "month", "quarter")
UNITS_PER_MINOR = 100
DAYS_PER_MONTH = 365.25 / 12
"""Average month length (30.44 days), used where a period has no plan interval."""

_EPOCH_DAY = ibis.date(1970, 1, 1)
_TIME_TO_UNIX = ("duckdb", "postgres", "pyspark", "snowflake")
"""Backends whose dialect sqlglot writes ``TIME_TO_UNIX`` for (``EPOCH``, ``DATE_PART``, ...)."""


@ibis.udf.scalar.builtin(name="time_to_unix")  # type: ignore[untyped-decorator]
def _time_to_unix(ts: dt_ibis.Timestamp(timezone="UTC")) -> dt_ibis.float64:  # type: ignore[valid-type]
    """Seconds since 1970-01-01 UTC (sqlglot's ``TimeToUnix``).

    sqlglot writes it as ``EPOCH(ts)`` for DuckDB, ``DATE_PART('epoch', ts)`` for
    PostgreSQL and ``UNIX_TIMESTAMP(ts)`` for Spark.
    """


MONTHS_PER_PERIOD: dict[str, float] = {"day": 12 / 365, "week": 12 / 52, "month": 1, "quarter": 3}
PERIODS_PER_HALF_YEAR: dict[str, int] = {"day": 182, "week": 26, "month": 6, "quarter": 2}


@dataclass(frozen=True)
class MetricsContext:
    """The inputs every metric shares.

    Parameters
    ----------
    con
        An Ibis backend holding Tenure's canonical tables (DuckDB, PostgreSQL, Spark, ...).
    as_of
        The day the metrics are computed at; nothing dated later is used.
    currency
        The reporting currency (ISO 4217).
    rules
        The vendor-dependent definitions (``[metrics]`` in ``tenure.toml``).
    cache
        Compute the work that metrics share (each customer's MRR changes) once for this
        context, into a temporary table of the backend, so that a series and the cohort
        tables from one context do it once. Data ingested later is not seen: make a new
        context.
    stored
        Read each customer's MRR changes from the warehouse table ``mrr_changes``, which
        ingestion keeps (docs/metrics.md, "The stored changes"), when it was computed for
        this currency and these rules; otherwise compute them. The numbers are the same.
    """

    current_knowledge: ClassVar[bool] = True
    """Whether :meth:`table` reads the tables as stored now (not as known at a past day)."""

    con: BaseBackend
    as_of: dt.date
    currency: str = "USD"
    rules: MetricsSettings = field(default_factory=MetricsSettings)
    cache: bool = False
    stored: bool = True
    _cached: dict[tuple[str, ...], ir.Table] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """What this context found out once (whether the stored changes serve it)."""

    def table(self, name: str) -> ir.Table:
        return self.con.table(name)

    def cached(self, key: tuple[str, ...], build: Callable[[], ir.Table]) -> ir.Table:
        """``build()``, computed once per context into a temporary table when ``cache``.

        The table is dropped when the context is garbage-collected. A backend without
        temporary tables (Spark through Ibis) computes ``build()`` every time.
        """
        if not self.cache:
            return build()
        if key not in self._cached:
            name = f"_tenure_cache_{uuid.uuid4().hex[:12]}"
            try:
                self.con.create_table(name, build(), temp=True)
            except NotImplementedError:
                return build()
            weakref.finalize(self, _drop_quietly, self.con, name)
            self._cached[key] = self.con.table(name)
        return self._cached[key]

    @property
    def units_per_major(self) -> int:
        """Units (hundredths of a minor unit) in one major unit of the reporting currency."""
        return int(UNITS_PER_MINOR * 10 ** minor_unit_exponent(self.currency))

    def major(self, units: ir.NumericValue) -> ir.FloatingValue:
        """Convert units to major units of the reporting currency."""
        return units.cast("float64") / self.units_per_major

    def epoch_seconds(self, ts: ir.TimestampValue) -> ir.NumericValue:
        """Seconds since 1970-01-01 UTC of a ``TIMESTAMPTZ``, whatever the session time zone.

        Ibis's own ``epoch_seconds()`` casts to a time-zone-less timestamp first, which
        DuckDB evaluates through ICU (about 15x slower on millions of rows).
        """
        if self.con.name in _TIME_TO_UNIX:
            return _time_to_unix(ts)
        return ts.epoch_seconds()

    def utc_date(self, ts: ir.TimestampValue) -> ir.DateValue:
        """The UTC day of a ``TIMESTAMPTZ``, from its epoch seconds (see :meth:`epoch_seconds`)."""
        if self.con.name not in _TIME_TO_UNIX:
            return ts.date()
        days = (self.epoch_seconds(ts) / 86400).floor()
        # date + interval is a timestamp on DuckDB and PostgreSQL: cast it back to a date.
        return (_EPOCH_DAY + days.as_interval("D")).cast("timestamp").cast("date")


def _drop_quietly(con: BaseBackend, name: str) -> None:
    """Drop a temporary table, unless its connection has closed (which dropped it)."""
    with contextlib.suppress(Exception):  # a closed connection took its temp tables along
        cur = con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
        # A PostgreSQL cursor must be closed; DuckDB returns its connection, which must not.
        if hasattr(cur, "close") and cur is not getattr(con, "con", None):
            cur.close()


def check_interval(interval: str) -> Interval:
    if interval not in INTERVALS:
        raise ConfigError(
            f"The 'interval' parameter must be one of {', '.join(INTERVALS)}. "
            f"Got {interval!r} instead."
        )
    return interval


_TRUNC = {"week": "W", "month": "M", "quarter": "Q"}


def truncate(day: ir.DateValue, interval: Interval) -> ir.DateValue:
    """The first day of the period that contains ``day`` (weeks start on Monday)."""
    if interval == "day":
        return day
    return day.truncate(_TRUNC[interval]).cast("date")


def period_floor(day: dt.date, interval: Interval) -> dt.date:
    """Python twin of :func:`truncate`, for building the calendar."""
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_period(start: dt.date, interval: Interval) -> dt.date:
    if interval == "day":
        return start + dt.timedelta(days=1)
    if interval == "week":
        return start + dt.timedelta(days=7)
    months = 1 if interval == "month" else 3
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def period_spine(first: dt.date, last: dt.date, interval: Interval) -> list[dt.date]:
    """Every period start from the period of ``first`` to the period of ``last``."""
    out, start = [], period_floor(first, interval)
    while start <= last:
        out.append(start)
        start = next_period(start, interval)
    return out


def period_label(start: dt.date, interval: Interval) -> str:
    """``2026-03`` for months, ``2026-Q1`` for quarters, the ISO date otherwise.

    Examples
    --------
    >>> period_label(dt.date(2026, 4, 1), "quarter")
    '2026-Q2'
    """
    if interval == "month":
        return f"{start:%Y-%m}"
    if interval == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return start.isoformat()


def spine_table(periods: list[dt.date], *, as_of: dt.date, interval: Interval) -> ir.Table:
    """A small calendar table: ``period``, ``period_end`` (the last day counted) and labels."""
    ends = [min(next_period(p, interval) - dt.timedelta(days=1), as_of) for p in periods]
    return ibis.memtable(
        {
            "period": periods,
            "period_end": ends,
            "period_label": [period_label(p, interval) for p in periods],
        },
        schema={"period": "date", "period_end": "date", "period_label": "string"},
    )


def labelled(t: ir.Table, interval: Interval) -> ir.Table:
    """Run a small per-period table and replace its ``period`` date by the period label."""
    rows = t.order_by("period").to_pyarrow().to_pylist()
    names = [c for c in t.columns if c != "period"]
    return ibis.memtable(
        {
            "period": [period_label(r["period"], interval) for r in rows],
            **{c: [r[c] for r in rows] for c in names},
        },
        schema={"period": "string", **{c: t.schema()[c] for c in names}},
    )


def join_left(left: ir.Table, right: ir.Table, keys: list[str] | str) -> ir.Table:
    """``left`` left-joined to ``right`` on equal ``keys``, keeping one copy of each key."""
    t = left.left_join(right, keys)
    return t.drop(*(c for c in t.columns if c.endswith("_right")))


def minor_rate(ctx: MetricsContext, currency: ir.StringValue, rate: ir.FloatingValue) -> ir.Value:
    """Reporting-currency minor units per minor unit of ``currency``.

    ``rate`` is quoted per major unit (1 EUR = 1.08 USD); minor units differ between
    currencies (a yen has no cents, a dinar has 1000 fils), so the rate is scaled by
    ``10 ** (exponent(reporting) - exponent(currency))``. The reporting currency itself
    converts at exactly 1.
    """
    target = minor_unit_exponent(ctx.currency)
    exponents = sorted(set(CURRENCIES.values()) - {2})
    scale = ibis.cases(
        *(
            (currency.isin([c for c, e in CURRENCIES.items() if e == exp]), 10.0 ** (target - exp))
            for exp in exponents
        ),
        else_=10.0 ** (target - 2),
    )
    return ibis.ifelse(currency == ctx.currency, 1.0, rate * scale)
