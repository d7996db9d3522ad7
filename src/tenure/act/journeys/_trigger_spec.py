"""The triggers of a journey definition: when a customer (or a user, or a feature) enters.

:mod:`tenure.act.journeys.definition` holds the whole model and re-exports these.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tenure.act.journeys._spec_base import Duration, _check_duration, _Model
from tenure.decide import check_rule, profile_schema
from tenure.errors import SegmentError

__all__ = [
    "KEYED_TRIGGERS",
    "BillingTrigger",
    "ChurnTrigger",
    "EventTrigger",
    "FeatureRequestTrigger",
    "NewUserTrigger",
    "ScheduleTrigger",
    "ScoreTrigger",
    "SegmentTrigger",
    "Trigger",
]


class EventTrigger(_Model):
    """Enter when the customer does a track event (e.g. ``usage_limit_reached``)."""

    type: Literal["event"]
    event: str = Field(min_length=1)


class SegmentTrigger(_Model):
    """Enter when the customer enters (or leaves) a segment on a refreshed day."""

    type: Literal["segment"]
    segment: str = Field(min_length=1)
    change: Literal["enter", "leave"] = "enter"


class ScoreTrigger(_Model):
    """Enter when a daily score crosses a threshold between two stored days.

    ``health`` is the 0-100 health score; ``churn_risk`` the churn probability (0-1).
    """

    type: Literal["score"]
    score: Literal["health", "churn_risk"]
    crosses: Literal["below", "above"]
    threshold: float


class BillingTrigger(_Model):
    """Enter on a billing event: a failed payment, a card or a trial about to end."""

    type: Literal["billing"]
    billing: Literal["payment_failed", "card_expiring", "trial_ending"]
    days_before: int | None = Field(
        default=None, ge=0, le=365, description="card_expiring (30) and trial_ending (3)"
    )

    @model_validator(mode="after")
    def _days(self) -> BillingTrigger:
        if self.billing == "payment_failed" and self.days_before is not None:
            raise ValueError("days_before applies to card_expiring and trial_ending only")
        return self

    @property
    def lead(self) -> int:
        """Days before the expiry or the trial's end (30 for cards, 3 for trials)."""
        if self.days_before is not None:
            return self.days_before
        return 30 if self.billing == "card_expiring" else 3


class ScheduleTrigger(_Model):
    """Enter every current customer (a segment's members, or those meeting a rule) once per period.

    ``condition`` is a segment rule over the customer's latest ``customer_profiles`` row
    (docs/segments.md): only the customers meeting it enter.
    """

    type: Literal["schedule"]
    every: Duration
    segment: str | None = None
    condition: str | None = Field(
        default=None, description="a segment rule over the latest profile (docs/segments.md)"
    )

    _every = field_validator("every")(_check_duration)

    @model_validator(mode="after")
    def _condition(self) -> ScheduleTrigger:
        if self.condition is None:
            return self
        if self.segment is not None:
            raise ValueError("a schedule takes a segment or a condition, not both")
        try:
            check_rule(self.condition, profile_schema(), segment="trigger condition")
        except SegmentError as exc:
            raise ValueError(f"the trigger's condition: {exc}") from exc
        return self


class NewUserTrigger(_Model):
    """Enter each new user of a customer: the first ``identify`` call naming a ``user_id``.

    The enrolment is the user's (entry key ``user:<user_id>``): templates see ``user``
    (the user's identify traits, e.g. ``role``), e-mail goes to the user's address, and a
    ``user`` branch tests the traits. Each user enters once.
    """

    type: Literal["new_user"]


class ChurnTrigger(_Model):
    """Enter when the customer's MRR falls to zero (a ``churn`` movement in ``mrr_changes``).

    Templates see ``winback``: the cancel reason and the offer and message
    ``[winback] offers`` give for it (docs/winback.md).
    """

    type: Literal["churned"]


class FeatureRequestTrigger(_Model):
    """Enter the customers who asked for a feature when it is released.

    A release is a track event (``event``, default ``Feature Released``) whose
    ``properties.<property>`` names the feature; a customer asked for it when a feedback
    comment or a support-ticket subject of theirs, before the release, contains one of the
    feature's ``keywords`` (case-insensitive). Entry key ``feature:<name>``: each customer
    enters once per feature.
    """

    type: Literal["feature_request"]
    event: str = Field(default="Feature Released", min_length=1)
    property: str = Field(default="feature", pattern=r"^[A-Za-z0-9_]{1,64}$")
    features: dict[str, list[str]] = Field(
        min_length=1, description="released feature name -> keywords that ask for it"
    )

    @field_validator("features")
    @classmethod
    def _keywords(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, words in value.items():
            if not words or any(not w.strip() for w in words):
                raise ValueError(
                    f"feature {name!r} needs at least one non-empty keyword. Got {words!r}"
                )
        return value


Trigger = Annotated[
    EventTrigger
    | SegmentTrigger
    | ScoreTrigger
    | BillingTrigger
    | ScheduleTrigger
    | NewUserTrigger
    | ChurnTrigger
    | FeatureRequestTrigger,
    Field(discriminator="type"),
]

KEYED_TRIGGERS = (NewUserTrigger, FeatureRequestTrigger)
"""Triggers whose entry key names what enters (a user, a feature): each enters once."""
