"""What per-user, churn and feature-request journeys add to a batch: users, win-back, features.

- A ``new_user`` enrolment's entry key is ``user:<user_id>``: :meth:`BatchExtras.user`
  reads the user's latest ``identify`` traits (role, e-mail, name, ...), once per batch.
- A ``churned`` journey's templates see ``winback``: the customer's churn reason and
  the offer and message of ``[winback] offers`` for it, chosen by
  :func:`tenure.decide.winback.choose_offers` (the same mapping as ``tenure winback``).
- A ``feature_request`` enrolment's entry key is ``feature:<name>``: templates see
  ``feature``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import ibis
import polars as pl
from ibis.backends import BaseBackend

from tenure.config import Settings
from tenure.store.operational import Enrolment

__all__ = ["BatchExtras", "feature_of", "parse_traits", "user_matches", "user_of"]


def user_of(e: Enrolment) -> str | None:
    """The user id of a per-user (``new_user``) enrolment, else None."""
    return e.entry_key.removeprefix("user:") if e.entry_key.startswith("user:") else None


def feature_of(e: Enrolment) -> str | None:
    """The feature of a ``feature_request`` enrolment, else None."""
    return e.entry_key.removeprefix("feature:") if e.entry_key.startswith("feature:") else None


def parse_traits(raw: object) -> dict[str, Any]:
    """A JSON traits value (text or already a mapping) as a dict; ``{}`` when not an object."""
    if isinstance(raw, dict):
        return dict(raw)
    if isinstance(raw, str):
        try:
            loaded = json.loads(raw)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {}


def user_matches(wanted: dict[str, str | list[str]], user: dict[str, Any]) -> bool:
    """Whether every named trait of the user equals the value (or one of the values) given.

    Values compare as text, so ``admin`` matches a trait ``"admin"``; a missing trait
    matches nothing.
    """
    for trait, value in wanted.items():
        have = user.get(trait)
        allowed = value if isinstance(value, list) else [value]
        if have is None or str(have) not in {str(v) for v in allowed}:
            return False
    return True


class BatchExtras:
    """The users, win-back offers and MRR movements of one batch, each read once."""

    def __init__(
        self,
        con: BaseBackend,
        settings: Settings,
        batch: Sequence[Enrolment],
        now: dt.datetime,
    ) -> None:
        self.con = con
        self.settings = settings
        self.now = now
        self.ids = sorted({e.customer_id for e in batch})
        self.user_ids = sorted({u for e in batch if (u := user_of(e)) is not None})
        self._users: dict[str, dict[str, Any]] | None = None
        self._winback: dict[str, dict[str, Any]] | None = None
        self._movements: dict[str, dict[str, dt.date]] = {}

    def user(self, e: Enrolment) -> dict[str, Any] | None:
        """The enrolment's user (``user_id`` and the latest identify traits), else None."""
        uid = user_of(e)
        if uid is None:
            return None
        if self._users is None:
            self._users = {}
            if self.user_ids:
                t = self.con.table("events")
                t = t.filter((t.type == "identify") & t.user_id.isin(self.user_ids))
                t = t.mutate(
                    _n=ibis.row_number().over(group_by="user_id", order_by=ibis.desc("occurred_at"))
                )
                rows = t.filter(t._n == 0).select("user_id", "traits").to_pyarrow().to_pylist()
                self._users = {r["user_id"]: parse_traits(r["traits"]) for r in rows}
        return {**self._users.get(uid, {}), "user_id": uid}

    def winback(self, customer_id: str, name: str | None) -> dict[str, Any]:
        """``reason``, ``offer``, ``message``, ``release`` and ``churned_on`` of a churned customer.

        Why they left (:func:`tenure.features.winback.churn_reasons`: a failed payment, their
        latest cancel answer, or Stripe's cancellation feedback) picks the offer and message
        from ``[winback] offers`` (``other`` when there is no reason), as ``tenure winback``
        does.
        """
        if self._winback is None:
            self._winback = self._offers()
        found = self._winback.get(customer_id)
        if found is None:  # not churned now (came back, or no churn recorded): the default
            other = self.settings.winback.offers.get("other")
            return {
                "reason": "other",
                "offer": other.offer if other else None,
                "message": (other.message if other else "").replace("{name}", name or "there"),
                "release": None,
                "churned_on": None,
            }
        return found

    def _offers(self) -> dict[str, dict[str, Any]]:
        """The batch's churned customers with the offer and message of their churn reason.

        Churned: their latest MRR change up to today is a ``churn`` movement (as in
        :func:`tenure.features.winback.churned_customers`), read for the batch alone.
        """
        from tenure.decide.winback import choose_offers
        from tenure.features.winback import churn_reasons, plans_before, tickets_solved_since
        from tenure.metrics import CHANGES_TABLE, MetricsContext

        tables = set(self.con.list_tables())
        if CHANGES_TABLE not in tables:
            return {}
        today = self.now.date()
        ch = self.con.table(CHANGES_TABLE)
        ch = ch.filter(ch.customer_id.isin(self.ids) & (ch.day <= today))
        ch = ch.mutate(_n=ibis.row_number().over(group_by="customer_id", order_by=ibis.desc("day")))
        churned = ch.filter((ch._n == 0) & (ch.movement == "churn")).select(
            "customer_id", churned_on=ch.day
        )
        subs = self.con.table("subscriptions")
        f = self.con.table("feedback")
        reasons = churn_reasons(
            subs.filter(subs.customer_id.isin(self.ids)),
            f.filter(f.customer_id.isin(self.ids)),
            before=today + dt.timedelta(days=1),
        ).select(_c="customer_id", cancel_reason="cancel_reason", cancel_comment="cancel_comment")
        joined = churned.left_join(reasons, churned.customer_id == reasons._c).drop("_c")
        who = self.con.table("customers").select(_w="customer_id", name="name")
        joined = joined.left_join(who, joined.customer_id == who._w).drop("_w")
        ctx = MetricsContext(
            self.con, today, currency=self.settings.reporting_currency, rules=self.settings.metrics
        )
        plans = plans_before(ctx, churned).rename(_p="customer_id")
        joined = joined.left_join(plans, joined.customer_id == plans._p).drop("_p")
        frame = joined.to_polars()
        if frame.height == 0:
            return {}
        frame = frame.with_columns(
            days_since_churn=(pl.lit(today) - pl.col("churned_on")).dt.total_days()
        )
        if "support_tickets" in tables:
            left = ibis.memtable(frame.select("customer_id", "churned_on").to_arrow())
            fixed = tickets_solved_since(self.con, left).to_polars()
        else:
            fixed = pl.DataFrame(schema={"customer_id": pl.Utf8, "fixed": pl.Int64})
        chosen = choose_offers(frame, fixed, self.settings.winback)
        return {
            r["customer_id"]: {
                "reason": r["cancel_reason"] or "other",
                "offer": r["offer"],
                "message": r["message"],
                "release": r["release"],
                "churned_on": r["churned_on"],
            }
            for r in chosen.iter_rows(named=True)
        }

    def last_movement(self, movement: str, customer_id: str) -> dt.date | None:
        """The latest day the batch's customer had this MRR movement (``mrr_changes``)."""
        from tenure.metrics import CHANGES_TABLE

        if movement not in self._movements:
            self._movements[movement] = {}
            if CHANGES_TABLE in self.con.list_tables():
                ch = self.con.table(CHANGES_TABLE)
                ch = ch.filter((ch.movement == movement) & ch.customer_id.isin(self.ids))
                rows = ch.group_by("customer_id").aggregate(day=ch.day.max()).to_pyarrow()
                self._movements[movement] = {r["customer_id"]: r["day"] for r in rows.to_pylist()}
        return self._movements[movement].get(customer_id)
