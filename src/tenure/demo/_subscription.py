"""One subscription's life: trial, renewals, plan changes, dunning, pauses, cancellation.

A few clocks run at once and the earliest fires next: the period boundary (renewal),
the churn decision drawn from the latent monthly hazard, the next plan or seat
change, the free user's upgrade, the end of a pause, and the revert of a scheduled
cancellation. Every change is written as a ``customer.subscription.*`` event carrying
the subscription as it was at that moment; the final version is written at the end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tenure.demo._activity import NO_TIME
from tenure.demo._billing import Collection
from tenure.demo._calendar import DAY, HOUR, add_months_ts
from tenure.demo._catalog import PER_SEAT
from tenure.demo._churn import decide, resume, revert
from tenure.demo._plan_changes import change_plan, upgrade_from_free
from tenure.demo._state import CustomerState, DiscountState, ItemState, LineState, SubState
from tenure.demo._stripe_objects import items_list
from tenure.demo._timing import NEVER, day_of_month, draw_after

if TYPE_CHECKING:
    from tenure.demo._lifecycle import Simulator

__all__ = ["Ended", "SubscriptionRun"]

TRIAL = 14 * DAY


@dataclass(frozen=True)
class Ended:
    """How a subscription ended: when (``None`` if it did not), why, and its last paid plan."""

    at: int | None
    kind: str
    last_plan: str


class SubscriptionRun:
    """One subscription of one customer, from creation to its end or the world's end."""

    def __init__(
        self,
        sim: Simulator,
        cust: CustomerState,
        rnd: random.Random,
        *,
        start: int,
        plan: str,
        interval: str,
        trial: bool,
        first: bool,
    ) -> None:
        self.sim = sim
        self.cust = cust
        self.i = cust.index
        self.rnd = rnd
        self.ledger = sim.ledger
        self.biller = sim.biller
        self.act = sim.activity
        self.end = sim.end
        self.first = first
        self.plan = plan
        self.interval = interval
        self.hazard = float(sim.col("hazard", self.i))
        self.failure_prob = float(sim.col("payment_failure_prob", self.i))
        self.seats_cap = int(sim.col("seats_potential", self.i))
        qty = self.seats_for(plan, int(sim.col("initial_seats", self.i)))
        price = sim.catalog.price(plan, self.interval_of(plan), cust.currency)
        period_end = start + TRIAL if trial else self.boundary(start, day_of_month(start))
        self.sub = SubState(
            id=sim.ids.long("sub"),
            customer=cust,
            created=start,
            status="trialing" if trial else "active",
            item=ItemState(sim.ids.short("si"), price, qty, start),
            anchor=period_end if trial else start,
            period_start=start,
            period_end=period_end,
            metadata={"plan": plan},
        )
        if trial:
            self.sub.trial_start, self.sub.trial_end = start, period_end
            self.sub.trial_end_behavior = {"cancel": "cancel", "pause": "pause"}.get(
                str(sim.col("trial_fallback", self.i)), "create_invoice"
            )
        self.access_from: int | None = start
        self.decay_at = NO_TIME
        self.decision = NEVER
        self.next_change = NEVER
        self.free_upgrade = NEVER
        self.resume_at = NEVER
        self.revert_at = NEVER
        self.dormant = False
        self.offered = False
        self.pending: list[LineState] = []
        self.last_paid = plan
        self.ended = Ended(None, "", plan)
        if qty > self.act.max_seats[self.i]:
            self.act.max_seats[self.i] = qty

    # -- helpers ------------------------------------------------------------------------

    def interval_of(self, plan: str) -> str:
        return "month" if plan == "free" else self.interval

    def seats_for(self, plan: str, wanted: int) -> int:
        if plan not in PER_SEAT:
            return 1
        floor = 3 if plan == "business" else 1
        return max(floor, min(wanted, self.seats_cap))

    def boundary(self, start: int, anchor_day: int) -> int:
        months = 12 if self.interval_of(self.plan) == "year" else 1
        return add_months_ts(start, months, anchor_day=anchor_day)

    def restart_period(self, at: int) -> None:
        self.sub.anchor = at
        self.sub.period_start = at
        self.sub.period_end = self.boundary(at, self.sub.anchor_day)

    def end_with(self, at: int | None, kind: str) -> None:
        """Record that the subscription ended at ``at`` (``None``: it stays, unpaid)."""
        self.ended = Ended(at, kind, self.last_paid)

    def open(self, at: int) -> None:
        if self.access_from is None:
            self.access_from = at

    def close(self, at: int, decay: int) -> None:
        if self.access_from is not None:
            self.act.grant(self.i, self.access_from, min(at, self.end), decay)
            self.access_from = None

    def event(self, kind: str, at: int, previous: dict[str, Any] | None = None) -> None:
        self.ledger.subscription_event(
            f"customer.subscription.{kind}", at, self.sub, previous=previous
        )

    def engagement(self) -> float:
        return float(self.sim.col("engagement", self.i))

    def draw_change(self, at: int) -> int:
        eng = self.engagement()
        monthly = 0.04 + 0.1 * eng if self.plan in PER_SEAT else 0.02 + 0.05 * eng
        return draw_after(self.rnd, at, monthly)

    def paid_clocks(self, at: int) -> None:
        self.decision = draw_after(self.rnd, at, self.hazard)
        self.next_change = self.draw_change(at)
        if self.sim.first_paid(self.i, at) and self.first:
            code = str(self.sim.col("signup_coupon", self.i))
            if code:
                self.attach(code, at)

    def attach(self, code: str, at: int) -> None:
        coupon = self.sim.catalog.redeem(code)
        months = coupon["duration_in_months"] if coupon["duration"] == "repeating" else None
        end = None if months is None else add_months_ts(at, months, anchor_day=day_of_month(at))
        self.sub.discount = DiscountState(
            self.sim.ids.long("di"), code, coupon, self.cust.id, self.sub.id, at, end
        )

    def set_plan(self, plan: str, qty: int, at: int, *, new_item: bool) -> None:
        sub = self.sub
        self.plan = plan
        price = self.sim.catalog.price(plan, self.interval_of(plan), self.cust.currency)
        item_id = self.sim.ids.short("si") if new_item else sub.item.id
        sub.item = ItemState(item_id, price, qty, at if new_item else sub.item.created)
        sub.metadata = {"plan": plan}
        self.act.plan(self.i, at, plan)
        if plan != "free":
            self.last_paid = plan
        if qty > self.act.max_seats[self.i]:
            self.act.max_seats[self.i] = qty

    def bill(
        self,
        created: int,
        reason: str,
        lines: list[LineState],
        *,
        period: tuple[int, int],
        delay: int = 0,
    ) -> bool:
        inv = self.biller.issue(
            self.cust,
            self.sub,
            created=created,
            reason=reason,
            lines=lines,
            period=period,
            finalize_delay=delay,
        )
        if self.sub.pause is not None:
            self.biller.void(inv, at=created + HOUR)
            return True
        failure = (
            self.failure_prob if inv.amount_due > 0 and reason != "subscription_create" else 0.0
        )
        return self.after_collection(self.biller.collect(inv, self.rnd, failure_prob=failure))

    def bill_period(
        self,
        created: int,
        reason: str,
        *,
        text: str | None = None,
        zero: bool = False,
        since: int | None = None,
    ) -> bool:
        """Bill the current period; ``since`` starts the invoice's own (previous) period.

        As in Stripe, a renewal invoice's ``period_start``/``period_end`` cover the period
        that just ended, while its subscription line covers the new one.
        """
        sub = self.sub
        line = self.biller.subscription_line(
            sub, start=sub.period_start, end=sub.period_end, description=text
        )
        if zero:
            line.amount = 0
        lines = [*self.pending, line]
        self.pending = []
        delay = HOUR if reason == "subscription_cycle" else 0
        period = (created, created) if since is None else (since, created)
        return self.bill(created, reason, lines, period=period, delay=delay)

    def after_collection(self, result: Collection) -> bool:
        """Move the subscription through dunning; return False when it stops here."""
        sub = self.sub
        if result.first_failure is None:
            return True
        self.act.failure_customer.append(self.i)
        self.act.failure_at.append(result.first_failure)
        before = sub.status
        sub.status = "past_due"
        self.event("updated", result.first_failure, {"status": before})
        if result.paid_at is not None:
            sub.status = "active"
            self.event("updated", result.paid_at, {"status": "past_due"})
            return True
        if result.pending:
            return False
        at = result.gave_up_at if result.gave_up_at is not None else self.end - 1
        self.decision = NEVER
        if self.rnd.random() < 0.65:
            sub.status = "canceled"
            sub.canceled_at = sub.ended_at = at
            sub.cancel_reason = "payment_failed"
            self.event("deleted", at)
            self.end_with(at, "involuntary")
        else:
            sub.status = "unpaid"
            self.event("updated", at, {"status": "past_due"})
            self.end_with(None, "involuntary")
        self.close(at, NO_TIME)
        self.act.churn(self.i, at, "involuntary")
        return False

    def maybe_onboarding(self, at: int) -> None:
        if self.plan != "business" or not self.first or self.rnd.random() >= 0.25:
            return
        created = at + DAY
        if created >= self.end:
            return
        line = self.biller.one_off_line(self.sim.catalog.onboarding[self.cust.currency], at=created)
        inv = self.biller.issue(
            self.cust,
            None,
            created=created,
            reason="manual",
            lines=[line],
            period=(created, created),
        )
        if self.rnd.random() < 0.12 and created + 2 * DAY < self.end:
            self.biller.void(inv, at=created + 2 * DAY)
        else:
            self.biller.collect(inv, self.rnd, failure_prob=self.failure_prob * 0.5)

    # -- the run ------------------------------------------------------------------------

    def play(self) -> Ended:
        """Run the subscription; return how (and whether) it ended."""
        sub = self.sub
        self.act.plan(self.i, sub.created, self.plan)
        paying = sub.status == "active" and self.plan != "free"
        if paying:
            self.paid_clocks(sub.created)
        self.event("created", sub.created)
        if sub.status == "trialing":
            self.bill_period(
                sub.created,
                "subscription_create",
                zero=True,
                text=f"Trial period for {self.plan.capitalize()}",
            )
            if self._trial():
                self._loop()
        elif not paying:
            self.bill_period(sub.created, "subscription_create")
            self.free_clocks(sub.created, 1.0)
            self._loop()
        elif self.bill_period(sub.created, "subscription_create"):
            self.maybe_onboarding(sub.created)
            self._loop()
        return self._finish()

    def free_clocks(self, at: int, upgrade_factor: float) -> None:
        self.decision = draw_after(self.rnd, at, self.hazard * 1.3)
        rate = float(self.sim.col("upgrade_rate", self.i)) * upgrade_factor
        self.free_upgrade = draw_after(self.rnd, at, rate)

    def _finish(self) -> Ended:
        decay = (
            self.decay_at
            if self.decay_at != NO_TIME
            else (self.decision if self.decision != NEVER else NO_TIME)
        )
        self.close(self.end, decay)
        self.ledger.final_subscription(self.sub)
        status = self.sub.status
        if self.dormant and status == "active":
            status = "dormant"
        self.act.status_at_end[self.i] = status
        return self.ended

    def _trial(self) -> bool:
        sub = self.sub
        end = sub.period_end
        if end - 3 * DAY < self.end:
            self.event("trial_will_end", end - 3 * DAY)
        if end >= self.end:
            self.decision = draw_after(self.rnd, end, self.hazard)
            return False
        if self.sim.col("trial_converts", self.i):
            sub.status = "active"
            self.restart_period(end)
            self.event("updated", end, {"status": "trialing"})
            self.paid_clocks(end)
            if not self.bill_period(end, "subscription_cycle", since=sub.created):
                return False
            self.maybe_onboarding(end)
            return True
        fallback = str(self.sim.col("trial_fallback", self.i))
        if fallback == "cancel":
            sub.status = "canceled"
            sub.canceled_at = sub.ended_at = end
            self.event("deleted", end)
            self.close(end, end)
            self.act.churn(self.i, end, "trial_expired")
            self.end_with(end, "trial_expired")
            return False
        if fallback == "pause":
            sub.status = "paused"
            self.event("paused", end)
            self.close(end, end)
            self.act.churn(self.i, end, "trial_expired")
            if self.rnd.random() < 0.25:
                self.resume_at = end + int(self.rnd.expovariate(1.0 / (30 * DAY)))
            return True
        previous: dict[str, Any] = {
            "status": "trialing",
            "items": items_list(sub, self.ledger.shape),
        }
        self.set_plan("free", 1, end, new_item=True)
        sub.status = "active"
        self.restart_period(end)
        self.event("updated", end, previous)
        self.bill_period(end, "subscription_cycle", since=sub.created)
        self.free_clocks(end, 0.6)
        return True

    def _loop(self) -> None:
        sub = self.sub
        while True:
            if sub.status == "paused":
                if self.resume_at >= self.end or not self._resume_trial(self.resume_at):
                    return
                continue
            t, kind = min(
                (sub.period_end, 0),
                (self.decision, 1),
                (self.next_change, 2),
                (self.free_upgrade, 3),
                (self.resume_at, 4),
                (self.revert_at, 5),
            )
            if t >= self.end:
                return
            steps = (type(self).renew, decide, change_plan, upgrade_from_free, resume, revert)
            if not steps[kind](self, t):
                return

    def renew(self, t: int) -> bool:
        """Renew at the period boundary ``t`` (or end a scheduled cancellation)."""
        sub = self.sub
        if sub.cancel_at_period_end:
            sub.status = "canceled"
            sub.ended_at = t
            self.event("deleted", t)
            self.close(t, self.decay_at)
            self.act.churn(self.i, t, "voluntary")
            self.end_with(t, "voluntary")
            return False
        discount = sub.discount
        if discount is not None and (
            discount.used or (discount.end is not None and discount.end <= t)
        ):
            sub.discount = None
        since = sub.period_start
        sub.period_start = t
        sub.period_end = self.boundary(t, sub.anchor_day)
        return self.bill_period(t, "subscription_cycle", since=since)

    def _resume_trial(self, t: int) -> bool:
        """A paused (trial-expired) subscription gets a card and starts paying."""
        sub = self.sub
        self.resume_at = NEVER
        sub.status = "active"
        self.restart_period(t)
        self.event("resumed", t)
        self.open(t)
        self.paid_clocks(t)
        return self.bill_period(t, "subscription_update")
