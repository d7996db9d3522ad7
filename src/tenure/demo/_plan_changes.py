"""Plan and seat changes, and free users moving to a paid plan.

Steps of :class:`~tenure.demo._subscription.SubscriptionRun`. An upgrade gets a new
subscription item and is invoiced at once (``billing_reason=subscription_update``)
with a credit for the unused old plan and a charge for the rest of the period. On
monthly plans, downgrades and seat changes leave their proration items for the next
renewal invoice; annual plans take seat additions at once and no reductions. A free
user who upgrades starts a new billing period on the day of the upgrade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tenure.demo._catalog import PER_SEAT, PLANS
from tenure.demo._stripe_objects import items_list
from tenure.demo._timing import NEVER

if TYPE_CHECKING:
    from tenure.demo._subscription import SubscriptionRun

__all__ = ["change_plan", "upgrade_from_free"]


def _options(run: SubscriptionRun) -> list[tuple[str, float]]:
    tier = PLANS.index(run.plan)
    qty = run.sub.item.quantity
    eng = run.engagement()
    sensitivity = float(run.sim.col("price_sensitivity", run.i))
    monthly = run.interval == "month"
    options: list[tuple[str, float]] = []
    if tier < len(PLANS) - 1:
        options.append(("upgrade", 0.5 + 1.2 * eng))
    if tier > 1 and monthly:
        options.append(("downgrade", 0.2 + 0.5 * sensitivity))
    if run.plan in PER_SEAT:
        if qty < run.seats_cap:
            options.append(("add_seats", 1.6))
        if qty > (3 if run.plan == "business" else 1) and monthly:
            options.append(("remove_seat", 0.5))
    return options


def change_plan(run: SubscriptionRun, t: int) -> bool:
    """The plan-change clock fired at ``t``: upgrade, downgrade, or change seats."""
    sub = run.sub
    run.next_change = run.draw_change(t)
    if (
        sub.status != "active"
        or sub.cancel_at_period_end
        or sub.pause is not None
        or run.plan == "free"
        or run.dormant
    ):
        return True
    options = _options(run)
    if not options:
        return True
    kind = run.rnd.choices([o[0] for o in options], weights=[o[1] for o in options])[0]
    old_price, old_qty, old_item = sub.item.price, sub.item.quantity, sub.item.id
    previous: dict[str, Any] = {"items": _items(run)}
    tier = PLANS.index(run.plan)
    if kind == "upgrade":
        plan = PLANS[tier + 1]
        wanted = max(old_qty, int(run.sim.col("initial_seats", run.i)))
        run.set_plan(plan, run.seats_for(plan, wanted), t, new_item=True)
    elif kind == "downgrade":
        plan = PLANS[tier - 1]
        run.set_plan(plan, run.seats_for(plan, old_qty), t, new_item=True)
    elif kind == "add_seats":
        qty = min(run.seats_cap, old_qty + run.rnd.randint(1, 3))
        run.set_plan(run.plan, qty, t, new_item=False)
    else:
        run.set_plan(run.plan, old_qty - 1, t, new_item=False)
    run.event("updated", t, previous)
    lines = run.biller.proration_lines(
        sub, old_price=old_price, old_quantity=old_qty, old_item=old_item, at=t
    )
    if kind == "upgrade" or run.interval == "year":
        going_on = run.bill(t, "subscription_update", lines, period=(t, t))
        if going_on and kind == "upgrade":
            run.maybe_onboarding(t)
        return going_on
    run.pending.extend(lines)
    return True


def _items(run: SubscriptionRun) -> dict[str, Any]:
    return items_list(run.sub, run.ledger.shape)


def upgrade_from_free(run: SubscriptionRun, t: int) -> bool:
    """A free user starts paying at ``t``; the billing period restarts that day."""
    sub = run.sub
    run.free_upgrade = NEVER
    if sub.status != "active" or run.dormant:
        return True
    rnd = run.rnd
    draw = rnd.random()
    if run.seats_cap <= 3:
        plan = "starter" if draw < 0.65 else "pro"
    else:
        plan = "starter" if draw < 0.2 else "pro" if draw < 0.85 else "business"
    run.interval = "year" if rnd.random() < 0.15 else "month"
    previous: dict[str, Any] = {"items": _items(run)}
    if run.ledger.shape == "legacy":
        previous["current_period_start"] = sub.period_start
        previous["current_period_end"] = sub.period_end
    previous["billing_cycle_anchor"] = sub.anchor
    wanted = int(run.sim.col("initial_seats", run.i))
    run.set_plan(plan, run.seats_for(plan, wanted), t, new_item=True)
    run.restart_period(t)
    run.event("updated", t, previous)
    run.paid_clocks(t)
    run.pending = []
    if not run.bill_period(t, "subscription_update"):
        return False
    run.maybe_onboarding(t)
    return True
