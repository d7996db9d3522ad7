"""Random clocks of the lifecycle simulation: when does the next thing happen."""

from __future__ import annotations

import datetime as dt
import math
import random

from tenure.demo._calendar import MONTH_SECONDS

__all__ = ["NEVER", "day_of_month", "draw_after"]

NEVER = 1 << 62
"""A time later than any world's end: the clock will not fire."""


def draw_after(rnd: random.Random, start: int, monthly: float) -> int:
    """When an event with constant probability ``monthly`` per month first fires after ``start``.

    Examples
    --------
    >>> draw_after(random.Random(0), 0, 0.0) == NEVER
    True
    """
    if monthly <= 0:
        return NEVER
    rate = -math.log(1.0 - min(monthly, 0.95))
    return start + int(rnd.expovariate(rate) * MONTH_SECONDS)


def day_of_month(ts: int) -> int:
    """Day of month (1-31) of instant ``ts`` in UTC."""
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).day
