"""``ground_truth/churn_drivers.parquet``: the latent drivers and true outcomes per customer.

One row per customer. Timestamps are UTC (``timestamp[us, UTC]``); null means never.

Identity and firmographics (also visible in the source files):

- ``customer_id``: the Stripe customer id (``cus_...``), the key to every other file.
- ``user_id``: the owner's Segment ``userId`` (Stripe ``metadata.user_id``).
- ``signup_at``: sign-up time (= Stripe ``customer.created``).
- ``country``, ``currency``, ``locale`` (``en``/``de``), ``timezone`` (IANA),
  ``channel`` (organic, paid_search, referral, partner, outbound), ``company_size``,
  ``industry``.

Latent drivers (not in the source files; what a model should recover):

- ``persona``: the sign-up user's job (founder, marketer, analyst, ops_manager,
  engineer, executive); shifts engagement.
- ``engagement``: propensity to use the product, in (0, 1); scales session frequency and
  depth, activation, upgrades, NPS and (inversely) churn.
- ``activates``: whether the account was destined to reach the key action.
- ``price_sensitivity``: in (0, 1); raises churn and the odds of a price-driven reason.
- ``tech_issues``: in (0, 1); raises support tickets, lowers NPS, raises churn.
- ``nps_latent``: the 0-10 score the account's NPS answers scatter around.
- ``seats_potential``: how many seats a per-seat account can grow to.
- ``monthly_churn_hazard``: probability per month that a paying account decides to leave
  (free accounts: 1.3 x this); built from channel, size, engagement, activation, NPS,
  price sensitivity, technical issues and billing interval.
- ``payment_failure_prob``: probability a renewal charge fails on the first attempt.
- ``true_cancel_reason``: why the account would leave (a Tenure reason code); the
  stated reason in surveys matches it about 85 % of the time.
- ``discount_would_save``: whether a retention discount would keep the account; the
  simulated 50 %-off offer succeeds exactly for these.
- ``upgrade_rate``: monthly probability that a free account moves to a paid plan.
- ``signup_coupon``: the coupon code granted at the first payment, if any.

Initial choices and outcomes (observable, given here for checking):

- ``initial_plan`` (free, starter, pro, business), ``initial_interval`` (month, year),
  ``trial`` (started with a 14-day trial), ``trial_converts``.
- ``activated`` and ``activated_at``: the account's first ``Report Created`` event.
- ``first_paid_at``: first paid period start.
- ``churned``, ``churned_at``, ``churn_type``: the first churn, one of ``voluntary``
  (cancelled), ``involuntary`` (payments failed), ``trial_expired``, ``free_canceled``
  (free account deleted), ``dormant`` (free account stopped using the product).
- ``status_at_end``: status of the last subscription when the world ends (Stripe status,
  or ``dormant``).
- ``subscriptions``: subscriptions the customer had; ``reactivated``: came back after
  churning with a new subscription.
- ``retention_offer_at``, ``retention_offer_accepted``: the retention offer, if made.
- ``max_seats``: most seats ever billed.

Send time (``tenure.demo._habits``):

- ``active_hour``: the local hour (0-23, in ``timezone``) around which the account's
  people use the product (60 % of sessions start within a few hours of it).
- ``open_base``: the probability of opening a message within 24 hours when it arrives
  far from that hour; at the hour it is ``NEAR / FAR`` = 4 times that
  (``tenure.demo._habits.open_probability``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from tenure.demo._activity import NO_TIME, Activity
from tenure.demo._habits import active_hours, open_probability
from tenure.demo._population import Population

__all__ = ["ground_truth_frame"]


def _ts(values: npt.ArrayLike) -> pl.Series:
    micros = [
        None if v == NO_TIME else v * 1_000_000 for v in np.asarray(values, dtype=np.int64).tolist()
    ]
    return pl.Series(micros, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))


def ground_truth_frame(
    pop: Population,
    act: Activity,
    *,
    customer_ids: list[str],
    user_ids: list[str],
    activation: npt.NDArray[np.int64],
) -> pl.DataFrame:
    """One row per customer with the columns documented in this module."""
    churned_at = np.asarray(act.churned_at, dtype=np.int64)
    active = active_hours(pop.signup_ts)
    return pl.DataFrame(
        {
            "customer_id": customer_ids,
            "user_id": user_ids,
            "signup_at": _ts(pop.signup_ts),
            "country": pop.country,
            "currency": pop.currency,
            "locale": pop.locale,
            "timezone": pop.timezone,
            "channel": pop.channel,
            "company_size": pop.company_size,
            "industry": pop.industry,
            "persona": pop.persona,
            "engagement": pop.engagement,
            "activates": pop.activated,
            "price_sensitivity": pop.price_sensitivity,
            "tech_issues": pop.tech_issues,
            "nps_latent": pop.nps_latent,
            "seats_potential": pop.seats_potential,
            "monthly_churn_hazard": pop.hazard,
            "payment_failure_prob": pop.payment_failure_prob,
            "true_cancel_reason": pop.true_reason,
            "discount_would_save": pop.discount_would_save,
            "upgrade_rate": pop.upgrade_rate,
            "signup_coupon": pl.Series(pop.signup_coupon).replace("", None),
            "initial_plan": pop.initial_plan,
            "initial_interval": np.where(pop.annual, "year", "month"),
            "trial": pop.trial,
            "trial_converts": pop.trial & pop.trial_converts,
            "activated": activation != NO_TIME,
            "activated_at": _ts(activation),
            "first_paid_at": _ts(act.first_paid_at),
            "churned": churned_at != NO_TIME,
            "churned_at": _ts(churned_at),
            "churn_type": pl.Series(act.churn_type).replace("", None),
            "status_at_end": act.status_at_end,
            "subscriptions": act.subscriptions,
            "reactivated": act.reactivated,
            "retention_offer_at": _ts(act.offer_at),
            "retention_offer_accepted": act.offer_accepted,
            "max_seats": act.max_seats,
            "active_hour": active,
            "open_base": open_probability(pop.engagement, active, (active + 12.0) % 24),
        }
    )
