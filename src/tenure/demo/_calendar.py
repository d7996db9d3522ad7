"""Time arithmetic for the demo world: unix seconds, calendar months, ISO strings.

The world never reads the wall clock: every instant is derived from the world's
``start`` date and the seed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

__all__ = [
    "DAY",
    "HOUR",
    "MONTH_SECONDS",
    "REFERENCE_END",
    "World",
    "add_months",
    "add_months_ts",
    "default_start",
    "iso_utc",
    "to_unix",
]

DAY = 86_400
HOUR = 3_600
MONTH_SECONDS = 30.436875 * DAY
"""Mean length of a Gregorian month, for hazards expressed per month."""

REFERENCE_END = dt.date(2026, 11, 1)
"""The default world ends here (exclusive); its start is ``months`` months earlier."""

_UTC = dt.UTC


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by ``months`` calendar months, clamped to the month's end.

    Examples
    --------
    >>> add_months(dt.date(2025, 1, 31), 1)
    datetime.date(2025, 2, 28)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def default_start(months: int) -> dt.date:
    """Return the first day of the month ``months`` months before :data:`REFERENCE_END`."""
    return add_months(REFERENCE_END, -months)


def to_unix(day: dt.date) -> int:
    """Return midnight UTC of ``day`` as unix seconds."""
    return calendar.timegm((day.year, day.month, day.day, 0, 0, 0))


def add_months_ts(ts: int, months: int, *, anchor_day: int) -> int:
    """Move instant ``ts`` by ``months`` months, keeping its time of day.

    The day of month is ``anchor_day`` clamped to the target month's length, the way
    Stripe keeps a billing cycle anchor on the 31st.
    """
    moment = dt.datetime.fromtimestamp(ts, tz=_UTC)
    index = moment.year * 12 + moment.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    day = min(anchor_day, last)
    seconds = moment.hour * HOUR + moment.minute * 60 + moment.second
    return calendar.timegm((year, month0 + 1, day, 0, 0, 0)) + seconds


def iso_utc(ts: int) -> str:
    """Return ``ts`` as ISO 8601 UTC with a ``Z`` suffix (``2025-03-04T10:11:12Z``)."""
    return dt.datetime.fromtimestamp(ts, tz=_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class World:
    """The simulated window ``[start_ts, end_ts)`` in unix seconds.

    Parameters
    ----------
    start
        First day of the world (UTC midnight).
    months
        Length of the world in calendar months.
    """

    start: dt.date
    months: int

    @property
    def end(self) -> dt.date:
        """First day after the world (exclusive end)."""
        return add_months(self.start, self.months)

    @property
    def start_ts(self) -> int:
        """Start as unix seconds."""
        return to_unix(self.start)

    @property
    def end_ts(self) -> int:
        """Exclusive end as unix seconds."""
        return to_unix(self.end)
