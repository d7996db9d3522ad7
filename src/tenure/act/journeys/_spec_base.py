"""What every part of a journey definition shares: durations, times of day, the base model."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BEST_HOUR", "Duration", "parse_duration"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
BEST_HOUR = "best_hour"
"""``at: best_hour`` on a send step: the customer's own most active hour (docs/journeys.md)."""


def parse_duration(value: str | int | float) -> dt.timedelta:
    """A duration such as ``30m``, ``2h``, ``3d``, ``1w`` (or seconds as a number).

    Raises
    ------
    ValueError
        When the text is not a number followed by s, m, h, d or w.

    Examples
    --------
    >>> parse_duration("2h")
    datetime.timedelta(seconds=7200)
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if match is None:
            raise ValueError(
                f"must be a duration such as '30m', '2h', '3d' or '1w'. Got {value!r} instead"
            )
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError(f"must not be negative. Got {value!r} instead")
    return dt.timedelta(seconds=seconds)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Duration = Annotated[str | int, Field(description="e.g. 30m, 2h, 3d, 1w")]


def _check_duration(value: str | int | None) -> str | int | None:
    if value is not None:
        parse_duration(value)
    return value
