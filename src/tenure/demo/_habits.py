"""Each account's hour habit, and how it shapes reading a message (send-time ground truth).

The people of an account use the product mostly around the account's own **active hour**
(local time in its time zone): ``HABIT_SHARE`` of its sessions start within a few hours
of it (a discretised normal with ``HABIT_SD`` hours), the rest follow the general office
profile of ``tenure.demo._sessions``. The hour comes from a hash of the sign-up time, so
it takes no draw from the world's random streams (every other draw stays as it was).

A message is opened (and acted on) within 24 hours with probability
:func:`open_probability`: a base rate that grows with engagement, times a factor that is
``NEAR`` when the message arrives at the active hour and falls to ``FAR`` over a Gaussian
of ``RESPONSE_SD`` hours of circular distance. ``ground_truth/churn_drivers.parquet``
holds each customer's ``active_hour``, so the effect of sending at the right hour can be
measured (``bench/send_time.py``, docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "FAR",
    "HABIT_SD",
    "HABIT_SHARE",
    "NEAR",
    "RESPONSE_SD",
    "active_hours",
    "open_probability",
    "session_hours",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

HABIT_SHARE = 0.6
"""Share of an account's sessions that start around its own active hour."""
HABIT_SD = 1.25
"""Spread of those sessions around the active hour, in hours."""
NEAR, FAR, RESPONSE_SD = 1.6, 0.4, 1.5
"""A message's open odds factor at the active hour, far from it, and the Gaussian's width."""

# where active hours fall (local): mornings, early afternoons and evenings
_PEAKS = np.asarray(
    [0.2, 0.1, 0, 0, 0, 0.2, 0.6, 1.2, 2, 2.2, 1.8, 1.2, 1, 1.4, 1.6, 1.4, 1.2, 1, 1, 1.3, 1.5,
     1.2, 0.7, 0.4]
)  # fmt: skip
_PEAKS_CDF = np.cumsum(_PEAKS) / _PEAKS.sum()
_OFFSETS = np.arange(-4, 5)
_OFFSETS_CDF = np.cumsum(np.exp(-(_OFFSETS**2) / (2 * HABIT_SD**2)))
_OFFSETS_CDF = _OFFSETS_CDF / _OFFSETS_CDF[-1]


def _unit(values: I64) -> F64:
    """A uniform number in [0, 1) per value, from a 64-bit multiplicative hash."""
    mixed = (values.astype(np.uint64) + np.uint64(0x632BE59BD9B4E019)) * np.uint64(
        0x9E3779B97F4A7C15
    )
    mixed ^= mixed >> np.uint64(29)
    out: F64 = (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    return out


def active_hours(signup_ts: I64) -> I64:
    """Each account's local active hour (0-23), from its sign-up time."""
    idx = np.searchsorted(_PEAKS_CDF, _unit(signup_ts), side="right")
    out: I64 = np.clip(idx, 0, 23).astype(np.int64)
    return out


def session_hours(u: F64, active: I64, general_cdf: F64) -> I64:
    """The local start hour of each session from one uniform ``u`` each.

    ``u < HABIT_SHARE`` picks an hour around the session's account's ``active`` hour,
    the rest an hour of the general profile (its cumulative weights ``general_cdf``).
    """
    habit = u < HABIT_SHARE
    v = np.where(habit, u / HABIT_SHARE, (u - HABIT_SHARE) / (1 - HABIT_SHARE))
    offset = _OFFSETS[np.clip(np.searchsorted(_OFFSETS_CDF, v, side="right"), 0, 8)]
    general = np.clip(np.searchsorted(general_cdf, v, side="right"), 0, 23)
    out: I64 = np.where(habit, (active + offset) % 24, general).astype(np.int64)
    return out


def open_probability(
    engagement: npt.ArrayLike, active: npt.ArrayLike, local_hour: npt.ArrayLike
) -> F64:
    """Probability that a message arriving at ``local_hour`` is opened within 24 hours.

    ``(0.08 + 0.32 engagement) x (FAR + (NEAR - FAR) exp(-d^2 / (2 RESPONSE_SD^2)))``, with
    ``d`` the circular distance in hours between ``local_hour`` (may have a fraction) and
    the account's ``active`` hour.
    """
    d = np.abs(np.asarray(local_hour, dtype=np.float64) - np.asarray(active, dtype=np.float64))
    d = np.minimum(d, 24 - d)
    factor = FAR + (NEAR - FAR) * np.exp(-(d**2) / (2 * RESPONSE_SD**2))
    out: F64 = np.clip((0.08 + 0.32 * np.asarray(engagement)) * factor, 0, 1)
    return out
