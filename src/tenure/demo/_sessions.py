"""When people use the product: sessions and the actions inside them, vectorised.

Access intervals are cut into weeks. Each week gets a Poisson number of sessions
whose mean grows with the account's latent engagement and team size, is higher in
the first two weeks, lower for accounts that never activated and on Free, and fades
linearly over the 60 days before the account decides to leave (``decay_at``). A
session happens on a working day, mostly around the account's own active hour
(``tenure.demo._habits``) and otherwise at a local office hour, opens with a login and the
dashboard, and holds a few actions. ``Report Created`` only happens after the
account's activation; ``Usage Limit Reached`` only on Free.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from tenure.demo._activity import NO_TIME
from tenure.demo._calendar import DAY, HOUR
from tenure.demo._habits import active_hours, session_hours
from tenure.demo._population import Population
from tenure.demo._users import Users

__all__ = ["Kind", "plan_at", "sessions"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
WEEK = 7 * DAY
_DECAY = 60 * DAY

_HOURS = np.asarray(
    [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 5, 8, 9, 9, 7, 8, 9, 8, 7, 5, 3, 2, 2, 1.5, 1.2, 1.0]
)
_HOURS = _HOURS / _HOURS.sum()
_HOURS_CDF = np.cumsum(_HOURS)


class Kind(IntEnum):
    """Action kinds inside a session."""

    LOGGED_IN = 0
    DASHBOARD_VIEWED = 1
    FEATURE_USED = 2
    REPORT_CREATED = 3
    EXPORT_CREATED = 4
    PAGE = 5
    INVITE_SENT = 6
    INTEGRATION_CONNECTED = 7
    USAGE_LIMIT_REACHED = 8
    PAGE_DASHBOARD = 9
    PAGE_BILLING = 10


_ACTION_KINDS = np.asarray(
    [
        Kind.DASHBOARD_VIEWED,
        Kind.FEATURE_USED,
        Kind.REPORT_CREATED,
        Kind.EXPORT_CREATED,
        Kind.PAGE,
        Kind.INVITE_SENT,
        Kind.INTEGRATION_CONNECTED,
        Kind.USAGE_LIMIT_REACHED,
    ],
    dtype=np.int8,
)
_ACTION_P = np.asarray([0.22, 0.30, 0.14, 0.07, 0.16, 0.03, 0.03, 0.05])
_ACTION_P = _ACTION_P / _ACTION_P.sum()


def plan_at(customer: I64, ts: I64, *, plan_customer: I64, plan_at_ts: I64, plan_code: I64) -> I64:
    """Plan code (0 free .. 3 business) of each ``customer`` at second ``ts``."""
    key_p = plan_customer * (1 << 40) + plan_at_ts
    order = np.argsort(key_p, kind="stable")
    key_p, codes = key_p[order], plan_code[order]
    idx = np.searchsorted(key_p, customer * (1 << 40) + ts, side="right") - 1
    idx = np.clip(idx, 0, len(codes) - 1)
    out: I64 = codes[idx].astype(np.int64)
    return out


def _cells(access: tuple[I64, ...]) -> tuple[I64, I64, I64, I64]:
    cust, start, stop, decay = access
    n_cells = np.maximum(1, np.ceil((stop - start) / WEEK).astype(np.int64))
    owner = np.repeat(np.arange(cust.size), n_cells)
    k = np.arange(owner.size) - np.repeat(np.cumsum(n_cells) - n_cells, n_cells)
    cell_start = start[owner] + k * WEEK
    cell_stop = np.minimum(cell_start + WEEK, stop[owner])
    return cust[owner], cell_start, cell_stop, decay[owner]


def _rate(
    pop: Population,
    users: Users,
    cust: I64,
    a: I64,
    b: I64,
    decay: I64,
    activation: I64,
    plan: I64,
    rng: np.random.Generator,
) -> F64:
    eng = pop.engagement[cust]
    team = (1.0 + 0.35 * (users.count[cust] - 1)) ** 0.7
    rate = (0.35 + 2.2 * eng**1.3) * team
    age = a - pop.signup_ts[cust]
    rate = rate * np.where(age < 14 * DAY, 1.6, 1.0)
    rate = rate * np.where((activation[cust] == NO_TIME) & (age >= 14 * DAY), 0.45, 1.0)
    rate = rate * np.where(plan == 0, 0.8, 1.0)
    mid = (a + b) // 2
    fade = np.clip(0.1 + 0.9 * (decay - mid) / _DECAY, 0.08, 1.0)
    rate = rate * np.where(decay == NO_TIME, 1.0, fade)
    rate = rate * rng.gamma(4.0, 0.25, cust.size)
    out: F64 = rate * (b - a) / WEEK
    return out


def sessions(
    rng: np.random.Generator,
    pop: Population,
    users: Users,
    *,
    access: tuple[I64, ...],
    activation: I64,
    plans: tuple[I64, I64, I64],
    end_ts: int,
) -> pl.DataFrame:
    """Every in-session action, one row each.

    Columns: ``ts`` (unix ms), ``user`` (index into ``users``), ``customer``, ``kind``
    (:class:`Kind`), ``pick`` (a random number for the action's properties) and ``plan``
    (plan code at that moment).
    """
    cust, a, b, decay = _cells(access)
    plan_customer, plan_at_ts, plan_code = plans
    cell_plan = plan_at(
        cust, a, plan_customer=plan_customer, plan_at_ts=plan_at_ts, plan_code=plan_code
    )
    counts = rng.poisson(_rate(pop, users, cust, a, b, decay, activation, cell_plan, rng))
    cell = np.repeat(np.arange(cust.size), counts)
    s_cust = cust[cell]
    offset = (pop.utc_offset[s_cust] * HOUR).astype(np.int64)
    raw = a[cell] + (rng.random(cell.size) * (b[cell] - a[cell])).astype(np.int64)
    local_day = (raw + offset) // DAY
    # one uniform per session (the draws of rng.choice(24, p=_HOURS) before habits)
    hour = session_hours(rng.random(cell.size), active_hours(pop.signup_ts)[s_cust], _HOURS_CDF)
    ts = local_day * DAY - offset + hour * HOUR + rng.integers(0, HOUR, cell.size)
    weekday = (local_day + 3) % 7
    keep = (ts >= a[cell]) & (ts < b[cell]) & (ts < end_ts - HOUR)
    keep &= (weekday < 5) | (rng.random(cell.size) < 0.25)
    s_cust, ts, s_decay, s_stop = s_cust[keep], ts[keep], decay[cell][keep], b[cell][keep]
    n = ts.size

    pick_user = users.offset[s_cust] + (rng.random(n) * users.count[s_cust]).astype(np.int64)
    user = np.where(users.join[pick_user] <= ts, pick_user, users.offset[s_cust])
    eng = pop.engagement[s_cust]
    n_actions = rng.poisson(0.6 + 2.0 * eng)
    login = rng.random(n) < 0.6
    billing = (s_decay != NO_TIME) & (s_decay - ts < 21 * DAY) & (rng.random(n) < 0.35)
    per_session = login.astype(np.int64) + 1 + billing.astype(np.int64) + n_actions
    session = np.repeat(np.arange(n), per_session)
    pos = np.arange(session.size) - np.repeat(np.cumsum(per_session) - per_session, per_session)
    kind = _ACTION_KINDS[rng.choice(_ACTION_KINDS.size, session.size, p=_ACTION_P)]
    first_slot = np.where(login[session], 1, 0)
    kind = np.where(login[session] & (pos == 0), Kind.LOGGED_IN, kind)
    kind = np.where(pos == first_slot, Kind.PAGE_DASHBOARD, kind)
    kind = np.where(billing[session] & (pos == first_slot + 1), Kind.PAGE_BILLING, kind)
    gap = rng.exponential(70_000.0, session.size).astype(np.int64) + 1_000
    start_ms = np.repeat(ts * 1000, per_session)
    first_of = np.repeat(np.cumsum(per_session) - per_session, per_session)
    csum = np.cumsum(gap)
    ms = start_ms + np.where(pos == 0, 0, csum - csum[first_of])
    e_cust = s_cust[session]
    plan = plan_at(
        e_cust, ms // 1000, plan_customer=plan_customer, plan_at_ts=plan_at_ts, plan_code=plan_code
    )
    act = activation[e_cust]
    not_yet = (act == NO_TIME) | (ms < act * 1000 + 1000)
    kind = np.where((kind == Kind.REPORT_CREATED) & not_yet, Kind.DASHBOARD_VIEWED, kind)
    kind = np.where((kind == Kind.USAGE_LIMIT_REACHED) & (plan != 0), Kind.FEATURE_USED, kind)
    kind = np.where((kind == Kind.INVITE_SENT) & (users.count[e_cust] < 2), Kind.FEATURE_USED, kind)
    in_range = (ms < end_ts * 1000) & (ms < s_stop[session] * 1000)
    return pl.DataFrame(
        {
            "ts": ms[in_range],
            "user": user[session][in_range],
            "customer": e_cust[in_range],
            "kind": kind.astype(np.int8)[in_range],
            "pick": rng.integers(0, 1 << 30, session.size)[in_range],
            "plan": plan.astype(np.int8)[in_range],
        }
    )
