"""Journey definitions: the YAML model of triggers, steps and goals (docs/journeys.md).

A journey is one YAML file::

    name: usage-limit-upgrade
    trigger: {type: event, event: usage_limit_reached}
    goal: {event: upgraded}
    steps:
      - {id: pause, type: wait, duration: 2h}
      - {id: nudge, type: send, channel: email, subject: "You hit your limit", text: "..."}

Every model is frozen and forbids unknown keys, so a typo is an error that names its
field; :func:`tenure.act.journeys.load_journey` adds the file and the line.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from tenure.act.journeys._spec_base import (
    _NAME,
    _TIME,
    BEST_HOUR,
    Duration,
    _check_duration,
    _Model,
    parse_duration,
)
from tenure.act.journeys._trigger_spec import (
    KEYED_TRIGGERS,
    BillingTrigger,
    ChurnTrigger,
    EventTrigger,
    FeatureRequestTrigger,
    NewUserTrigger,
    ScheduleTrigger,
    ScoreTrigger,
    SegmentTrigger,
    Trigger,
)
from tenure.decide import check_rule, profile_schema
from tenure.errors import SegmentError

__all__ = [
    "BEST_HOUR",
    "KEYED_TRIGGERS",
    "BillingTrigger",
    "BranchStep",
    "ChurnTrigger",
    "EventTrigger",
    "ExitStep",
    "FeatureRequestTrigger",
    "Goal",
    "Journey",
    "LocaleTexts",
    "NewUserTrigger",
    "ScheduleTrigger",
    "ScoreTrigger",
    "SegmentTrigger",
    "SendStep",
    "SetTraitStep",
    "SplitArm",
    "Step",
    "TaskStep",
    "Trigger",
    "WaitStep",
    "parse_duration",
]

# -- steps -----------------------------------------------------------------------------------


class _Step(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")


class WaitStep(_Step):
    """Wait a duration, until a local time of day, or until an event (with a timeout)."""

    type: Literal["wait"]
    duration: Duration | None = None
    until_time: str | None = Field(default=None, description="HH:MM in the customer's zone")
    until_event: str | None = None
    timeout: Duration | None = None
    on_timeout: str | None = Field(default=None, description="step id to go to on timeout")

    _durations = field_validator("duration", "timeout")(_check_duration)

    @field_validator("until_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(value):
            raise ValueError(f"must be a time of day HH:MM such as '09:30'. Got {value!r}")
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> WaitStep:
        given = [k for k in ("duration", "until_time", "until_event") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "a wait step needs exactly one of duration, until_time or until_event. "
                f"Got {given or 'none'}"
            )
        if self.until_event is not None and self.timeout is None:
            raise ValueError("a wait with until_event needs a timeout (e.g. timeout: 3d)")
        if self.until_event is None and (self.timeout or self.on_timeout):
            raise ValueError("timeout and on_timeout apply to until_event only")
        return self


class SplitArm(_Model):
    """One arm of a random split: its variant name, weight and the step it goes to."""

    variant: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    weight: float = Field(gt=0)
    goto: str | None = Field(default=None, description="step id (default: the next step)")


class BranchStep(_Step):
    """Go to ``then`` or ``else`` by a condition or a segment; or split at random."""

    type: Literal["branch"]
    condition: str | None = Field(
        default=None, description="a segment rule over the customer's profile (docs/segments.md)"
    )
    segment: str | None = None
    split: list[SplitArm] | None = None
    user: dict[str, str | list[str]] | None = Field(
        default=None, description="user traits -> a value or values (new_user journeys)"
    )
    then: str | None = None
    else_: str | None = Field(default=None, alias="else")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_kind(self) -> BranchStep:
        given = [k for k in ("condition", "segment", "split", "user") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                "a branch needs exactly one of condition, segment, split or user. "
                f"Got {given or 'none'}"
            )
        if self.split is not None:
            if self.then or self.else_:
                raise ValueError("a split names its targets in each arm's goto, not then/else")
            names = [a.variant for a in self.split]
            if len(set(names)) != len(names):
                raise ValueError(f"the split's variants must be unique. Got {names}")
        elif self.then is None and self.else_ is None:
            raise ValueError("a condition, segment or user branch needs then, else or both")
        return self


class LocaleTexts(_Model):
    """A step's texts in one locale; what is not given falls back to the step's own."""

    subject: str | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    body: str | None = None


class SendStep(_Step):
    """Send an e-mail, a webhook or an in-app message.

    Texts are Jinja templates rendered with the customer (docs/journeys.md); ``locales``
    holds translations chosen by the customer's locale (``de`` for ``de-AT``).
    """

    type: Literal["send"]
    channel: Literal["email", "webhook", "inapp"]
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    title: str | None = None
    body: str | None = None
    url: str | None = Field(default=None, description="webhook endpoint ([webhooks] url)")
    payload: dict[str, object] | None = None
    locales: dict[str, LocaleTexts] = Field(default_factory=dict)
    at: str | None = Field(
        default=None,
        description="send at the customer's 'best_hour' (send-time optimisation) or at a "
        "local time 'HH:MM'; default: at once",
    )

    @field_validator("at")
    @classmethod
    def _at(cls, value: str | None) -> str | None:
        if value is not None and value != BEST_HOUR and not _TIME.match(value):
            raise ValueError(
                f"must be 'best_hour' or a local time of day HH:MM such as '10:00'. Got {value!r}"
            )
        return value

    @field_validator("locales")
    @classmethod
    def _locale_codes(cls, value: dict[str, LocaleTexts]) -> dict[str, LocaleTexts]:
        for code in value:
            if not re.match(r"^[a-z]{2}$", code):
                raise ValueError(
                    f"locale codes are two lower-case letters such as 'de'. Got {code!r}"
                )
        return value

    def texts(self, locale: str | None) -> dict[str, str | None]:
        """The step's texts in ``locale`` (its language part), each falling back to the default."""
        base = {k: getattr(self, k) for k in ("subject", "text", "html", "title", "body")}
        language = (locale or "").replace("_", "-").split("-")[0].lower()
        override = self.locales.get(language)
        if override is not None:
            base.update({k: v for k, v in override.model_dump().items() if v is not None})
        return base

    @model_validator(mode="after")
    def _fields(self) -> SendStep:
        if self.channel == "email" and (self.subject is None or self.text is None):
            raise ValueError("an e-mail needs a subject and a text (html is optional)")
        if self.channel == "inapp" and (self.title is None or self.body is None):
            raise ValueError("an in-app message needs a title and a body")
        if self.channel != "webhook" and (self.url or self.payload):
            raise ValueError("url and payload apply to the webhook channel only")
        return self


class SetTraitStep(_Step):
    """Set a trait on the customer (kept in the operational store)."""

    type: Literal["set_trait"]
    trait: str = Field(min_length=1, max_length=100)
    value: str | int | float | bool | None


class TaskStep(_Step):
    """Create a task for the customer-success owner."""

    type: Literal["task"]
    title: str = Field(min_length=1)
    note: str | None = None
    owner: str | None = Field(default=None, description="default: the customer's owner trait")
    due_in: Duration | None = None

    _due = field_validator("due_in")(_check_duration)


class ExitStep(_Step):
    """Leave the journey here."""

    type: Literal["exit"]


Step = Annotated[
    WaitStep | BranchStep | SendStep | SetTraitStep | TaskStep | ExitStep,
    Field(discriminator="type"),
]


class Goal(_Model):
    """The journey's goal: when met, the customer exits as converted."""

    event: str | None = None
    segment: str | None = None
    mrr: Literal["new", "expansion", "contraction", "churn", "reactivation"] | None = Field(
        default=None, description="an MRR movement of the customer (mrr_changes)"
    )

    @model_validator(mode="after")
    def _one(self) -> Goal:
        given = [k for k in ("event", "segment", "mrr") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a goal needs exactly one of event, segment or mrr. Got {given}")
        return self


_KEYS = {"new_user": "user", "feature_request": "customer per feature"}


class Journey(_Model):
    """One journey: a trigger, steps run in order (branches jump) and a goal."""

    name: str
    description: str = ""
    trigger: Trigger
    steps: list[Step] = Field(min_length=1)
    goal: Goal | None = None
    reenter: bool = Field(default=False, description="may a customer enter again after leaving")
    holdout: float = Field(default=0.0, ge=0, lt=1, description="share kept out (no messages)")
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                "must be lower-case letters, digits, '-' or '_' (at most 63). "
                f"Got {value!r} instead"
            )
        return value

    @model_validator(mode="after")
    def _per_user(self) -> Journey:
        keyed = isinstance(self.trigger, KEYED_TRIGGERS)
        if keyed and self.reenter:
            raise ValueError(
                f"a {self.trigger.type} trigger enters each {_KEYS[self.trigger.type]} once; "
                "reenter does not apply to it (remove it)"
            )
        for step in self.steps:
            per_user = isinstance(self.trigger, NewUserTrigger)
            if isinstance(step, BranchStep) and step.user is not None and not per_user:
                raise ValueError(
                    f"step {step.id!r} branches on user traits, which only a journey with a "
                    "new_user trigger has (its enrolments are per user)"
                )
        return self

    @model_validator(mode="after")
    def _targets(self) -> Journey:
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"step ids must be unique. Got {dupes} more than once")
        known = set(ids)
        for position, step in enumerate(self.steps):
            targets: list[str | None] = []  # None: the next step
            if isinstance(step, BranchStep):
                targets = [step.then, step.else_] + [a.goto for a in step.split or []]
            elif isinstance(step, WaitStep):
                targets = [step.on_timeout]
            for target in [t for t in targets if t is not None]:
                if target not in known:
                    raise ValueError(
                        f"step {step.id!r} goes to {target!r}, which is not a step id; "
                        f"known ids: {ids}"
                    )
                if ids.index(target) <= position:
                    raise ValueError(
                        f"step {step.id!r} goes back to {target!r}; a journey only goes "
                        "forward (a step runs at most once per enrolment)"
                    )
            if isinstance(step, BranchStep) and step.condition is not None:
                try:
                    check_rule(step.condition, profile_schema(), segment=f"step {step.id}")
                except SegmentError as exc:
                    raise ValueError(f"the condition of step {step.id!r}: {exc}") from exc
        return self

    def index(self, step_id: str) -> int:
        """The position of a step by id."""
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)
