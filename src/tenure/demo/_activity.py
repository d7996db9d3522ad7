"""What the billing simulation tells the product-analytics and table generators.

Customers use the product only while they have access; engagement fades towards the
moment they decide to leave (``decay_at``). Plan changes, cancellations and failed
payments also shape events, surveys and tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["NO_TIME", "PLAN_CODES", "Activity", "Cancellation"]

NO_TIME = -1
"""Marker for "never" in integer time columns."""

PLAN_CODES = {"free": 0, "starter": 1, "pro": 2, "business": 3}


@dataclass(frozen=True)
class Cancellation:
    """A customer deciding to leave (or a free user abandoning)."""

    customer: int
    at: int
    stated_reason: str
    comment: str
    answered_survey: bool
    paid: bool


@dataclass
class Activity:
    """Per-customer outcomes and time intervals of the simulated world."""

    n: int
    access_customer: list[int] = field(default_factory=list)
    access_start: list[int] = field(default_factory=list)
    access_stop: list[int] = field(default_factory=list)
    access_decay: list[int] = field(default_factory=list)
    plan_customer: list[int] = field(default_factory=list)
    plan_at: list[int] = field(default_factory=list)
    plan_code: list[int] = field(default_factory=list)
    cancellations: list[Cancellation] = field(default_factory=list)
    failure_customer: list[int] = field(default_factory=list)
    failure_at: list[int] = field(default_factory=list)
    max_seats: list[int] = field(default_factory=list)
    churned_at: list[int] = field(default_factory=list)
    churn_type: list[str] = field(default_factory=list)
    status_at_end: list[str] = field(default_factory=list)
    subscriptions: list[int] = field(default_factory=list)
    reactivated: list[bool] = field(default_factory=list)
    offer_at: list[int] = field(default_factory=list)
    offer_accepted: list[bool] = field(default_factory=list)
    first_paid_at: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.n
        self.max_seats = [1] * n
        self.churned_at = [NO_TIME] * n
        self.churn_type = [""] * n
        self.status_at_end = [""] * n
        self.subscriptions = [0] * n
        self.reactivated = [False] * n
        self.offer_at = [NO_TIME] * n
        self.offer_accepted = [False] * n
        self.first_paid_at = [NO_TIME] * n

    def grant(self, customer: int, start: int, stop: int, decay: int) -> None:
        """Record that ``customer`` could use the product during ``[start, stop)``."""
        if stop > start:
            self.access_customer.append(customer)
            self.access_start.append(start)
            self.access_stop.append(stop)
            self.access_decay.append(decay)

    def plan(self, customer: int, at: int, plan: str) -> None:
        """Record that ``customer`` is on ``plan`` from ``at``."""
        self.plan_customer.append(customer)
        self.plan_at.append(at)
        self.plan_code.append(PLAN_CODES[plan])

    def churn(self, customer: int, at: int, kind: str) -> None:
        """Record the first time ``customer`` churned."""
        if self.churned_at[customer] == NO_TIME:
            self.churned_at[customer] = at
            self.churn_type[customer] = kind

    def access_arrays(self) -> tuple[npt.NDArray[np.int64], ...]:
        """Access intervals as arrays ``(customer, start, stop, decay)``."""
        return tuple(
            np.asarray(a, dtype=np.int64)
            for a in (self.access_customer, self.access_start, self.access_stop, self.access_decay)
        )

    def first_access_stop(self) -> npt.NDArray[np.int64]:
        """End of each customer's first access interval (``NO_TIME`` if none)."""
        out = np.full(self.n, NO_TIME, dtype=np.int64)
        seen = np.zeros(self.n, dtype=bool)
        for c, stop in zip(self.access_customer, self.access_stop, strict=True):
            if not seen[c]:
                seen[c] = True
                out[c] = stop
        return out
