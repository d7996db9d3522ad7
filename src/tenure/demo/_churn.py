"""A customer decides to leave: retention offer, pause, or cancellation.

Steps of :class:`~tenure.demo._subscription.SubscriptionRun`; each takes the run and
the time the clock fired and returns whether the subscription goes on.

* A free user abandons: half delete the account, half just stop coming (dormant).
* A payer may get a 50 %-off retention offer (half of the decisions, at random, once per
  subscription: the company runs an offer experiment); it is accepted exactly when the
  latent ``discount_would_save`` or ``discount_seeker`` is true (a seeker stays either
  way). Whoever really decided to leave, saved or not, used the product less and less
  before the decision; a seeker, who never meant to leave, did not.
* A discount seeker who is not offered schedules the cancellation for the period end,
  giving the price as the reason (stated 85 % of the time, as any reason), and takes it
  back before then; from two months later they ask again, with a 25 % chance each month
  (price shoppers keep trying).
* Budget-driven payers on monthly plans often pause collection for 1-3 months.
* Everyone else cancels, at period end (most) or at once, stating a reason that is
  usually, not always, the true one; some scheduled cancellations are taken back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tenure.demo._activity import NO_TIME, Cancellation
from tenure.demo._calendar import DAY, add_months_ts
from tenure.demo._population import CANCEL_REASONS
from tenure.demo._text import STRIPE_FEEDBACK, cancel_comment
from tenure.demo._timing import NEVER, day_of_month, draw_after

if TYPE_CHECKING:
    from tenure.demo._subscription import SubscriptionRun

__all__ = ["decide", "resume", "revert"]

_NO_DETAILS = {"comment": None, "feedback": None, "reason": None}
_OFFER_SHARE = 0.5
"""The share of paying customers' cancel decisions offered the discount (an experiment)."""
_SEEKER_RETRY = 0.25
"""Monthly chance that a seeker who took a request back asks again (from two months on)."""


def decide(run: SubscriptionRun, t: int) -> bool:
    """The churn clock fired at ``t``."""
    sub = run.sub
    if sub.status == "past_due" or sub.pause is not None:
        run.decision = t + 7 * DAY
        return True
    if run.plan == "free":
        return _abandon(run, t)
    seeker = bool(run.sim.col("discount_seeker", run.i))
    if _offer(run, t) or (not seeker and _pause(run, t)):
        return True
    # a seeker's request is about the price, whatever would make them leave for real
    reason = "too_expensive" if seeker else str(run.sim.col("true_reason", run.i))
    rnd = run.rnd
    stated = reason if rnd.random() < 0.85 else rnd.choice(CANCEL_REASONS)
    comment = cancel_comment(stated, run.cust.locale, rnd)
    answered = rnd.random() < 0.65
    with_comment = rnd.random() < 0.6
    run.act.cancellations.append(
        Cancellation(run.i, t, stated, comment if with_comment else "", answered, paid=True)
    )
    if rnd.random() < 0.55:
        sub.cancel_feedback = STRIPE_FEEDBACK[stated]
        sub.cancel_comment = comment if rnd.random() < 0.5 else None
    sub.cancel_reason = "cancellation_requested"
    sub.canceled_at = t
    run.decision = NEVER
    run.decay_at = t
    if seeker or rnd.random() < (0.92 if run.interval == "year" else 0.65):
        sub.cancel_at_period_end = True
        sub.cancel_at = sub.period_end
        run.event(
            "updated",
            t,
            {
                "cancel_at_period_end": False,
                "cancel_at": None,
                "canceled_at": None,
                "cancellation_details": _NO_DETAILS,
            },
        )
        run.next_change = NEVER
        if seeker:  # the bluff: taken back within four weeks, before the period ends
            run.revert_at = t + int(min(sub.period_end - t, 28 * DAY) * rnd.uniform(0.2, 0.9))
        elif rnd.random() < 0.08:
            run.revert_at = t + int((sub.period_end - t) * rnd.uniform(0.2, 0.9))
        return True
    sub.status = "canceled"
    sub.ended_at = t
    run.event("deleted", t)
    run.close(t, t)
    run.act.churn(run.i, t, "voluntary")
    run.end_with(t, "voluntary")
    return False


def _abandon(run: SubscriptionRun, t: int) -> bool:
    sub = run.sub
    run.decision = NEVER
    run.free_upgrade = NEVER
    run.decay_at = t
    reason = str(run.sim.col("true_reason", run.i))
    run.act.cancellations.append(
        Cancellation(run.i, t, reason, "", run.rnd.random() < 0.15, paid=False)
    )
    run.close(t, t)
    if run.rnd.random() < 0.5:
        run.dormant = True
        run.act.churn(run.i, t, "dormant")
        return True
    sub.status = "canceled"
    sub.canceled_at = sub.ended_at = t
    sub.cancel_reason = "cancellation_requested"
    run.event("deleted", t)
    run.act.churn(run.i, t, "free_canceled")
    run.end_with(t, "free_canceled")
    return False


def _offer(run: SubscriptionRun, t: int) -> bool:
    """Offer 50 % off for three months; return True when it keeps the customer."""
    if run.offered or run.sub.discount is not None or run.rnd.random() >= _OFFER_SHARE:
        return False
    run.offered = True
    run.act.offer_at[run.i] = t
    if not (run.sim.col("discount_would_save", run.i) or run.sim.col("discount_seeker", run.i)):
        return False
    run.act.offer_accepted[run.i] = True
    if not run.sim.col("discount_seeker", run.i):
        # a savable customer had decided to leave: their use faded towards the decision as
        # anyone's who leaves does (the fade cannot know the offer that comes after it);
        # saved, they come back to their usual use
        run.close(t, t)
        run.open(t)
    previous: dict[str, Any] = (
        {"discount": None} if run.ledger.shape == "legacy" else {"discounts": []}
    )
    run.attach("SAVE50", t)
    run.event("updated", t, previous)
    run.decision = draw_after(run.rnd, t + 90 * DAY, run.hazard * 0.7)
    return True


def _pause(run: SubscriptionRun, t: int) -> bool:
    """Budget-driven monthly payers often pause collection instead of cancelling."""
    if (
        run.sim.col("true_reason", run.i) != "temporary_budget"
        or run.interval != "month"
        or run.rnd.random() >= 0.4
    ):
        return False
    resumes = add_months_ts(t, run.rnd.randint(1, 3), anchor_day=day_of_month(t))
    run.sub.pause = ("void", resumes)
    run.event("updated", t, {"pause_collection": None})
    run.close(t, t)
    run.resume_at = resumes
    run.decision = NEVER
    return True


def resume(run: SubscriptionRun, t: int) -> bool:
    """A paused collection resumes at ``t``."""
    sub = run.sub
    run.resume_at = NEVER
    previous = {
        "pause_collection": None
        if sub.pause is None
        else {"behavior": sub.pause[0], "resumes_at": sub.pause[1]}
    }
    sub.pause = None
    run.event("updated", t, previous)
    run.open(t)
    run.decision = draw_after(run.rnd, t, run.hazard)
    return True


def revert(run: SubscriptionRun, t: int) -> bool:
    """The customer takes back a cancellation scheduled for the period end."""
    sub = run.sub
    run.revert_at = NEVER
    if not sub.cancel_at_period_end:
        return True
    previous = {
        "cancel_at_period_end": True,
        "cancel_at": sub.cancel_at,
        "canceled_at": sub.canceled_at,
        "cancellation_details": {
            "comment": sub.cancel_comment,
            "feedback": sub.cancel_feedback,
            "reason": sub.cancel_reason,
        },
    }
    sub.cancel_at_period_end = False
    sub.cancel_at = sub.canceled_at = None
    sub.cancel_reason = sub.cancel_feedback = sub.cancel_comment = None
    run.event("updated", t, previous)
    run.decay_at = NO_TIME
    if run.sim.col("discount_seeker", run.i):  # they try again in a few months
        run.decision = draw_after(run.rnd, t + 60 * DAY, max(run.hazard, _SEEKER_RETRY))
    else:
        run.decision = draw_after(run.rnd, t + 30 * DAY, run.hazard)
    run.next_change = run.draw_change(t)
    return True
