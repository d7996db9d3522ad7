"""What a batch of a journey's enrolments reads from the warehouse, and what a tick did.

The customers' rows and traits, the latest time each did an event, segment members and
profile rules: :class:`BatchContext` reads each once for the whole batch (a handful of
queries per batch, never one per enrolment) and the engine asks it per enrolment.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis
from sqlalchemy import Connection

from tenure.act.journeys._load import template_variables
from tenure.act.journeys._people import BatchExtras, feature_of, parse_traits
from tenure.act.journeys._personal import PERSONAL_VARIABLES, personal_context, personal_rows
from tenure.act.journeys.definition import (
    ChurnTrigger,
    FeatureRequestTrigger,
    Journey,
    NewUserTrigger,
)
from tenure.decide import CUSTOMER_PROFILES, SEGMENT_MEMBERS, compile_rule
from tenure.store.operational import Enrolment, StepEffect

if TYPE_CHECKING:
    from tenure.act.journeys.engine import JourneyRunner

__all__ = ["BatchContext", "Outcome", "TickResult", "local_time", "naive_utc"]

Outcome = tuple[str, str | None, StepEffect | None, Callable[[Connection], None] | None]
"""A step's ``(status, detail, effect, within)``: what to record, and work for its transaction."""


def naive_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC without its zone (how the warehouse's timestamps compare)."""
    return value.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass
class TickResult:
    """What one tick did: enrolments made, steps run, and messages by channel."""

    enrolled: int = 0
    steps: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    withheld: int = 0
    suppressed: int = 0
    capped: int = 0
    failed: int = 0

    def add(self, other: TickResult) -> None:
        """Sum another tick's counts into this one."""
        self.enrolled += other.enrolled
        self.steps += other.steps
        for k, v in other.sent.items():
            self.sent[k] = self.sent.get(k, 0) + v
        self.withheld += other.withheld
        self.suppressed += other.suppressed
        self.capped += other.capped
        self.failed += other.failed


def local_time(now: dt.datetime, hhmm: str, zone: str | None) -> dt.datetime:
    """The next ``HH:MM`` in the zone (UTC when unknown) at or after ``now``, in UTC."""
    try:
        tz: dt.tzinfo = zoneinfo.ZoneInfo(zone) if zone else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = dt.UTC
    local = now.astimezone(tz)
    hour, minute = (int(x) for x in hhmm.split(":"))
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target < local:
        target = (local + dt.timedelta(days=1)).replace(hour=hour, minute=minute)
    return target.astimezone(dt.UTC)


class BatchContext:
    """What a batch of enrolments needs from the warehouse, read once per batch."""

    def __init__(self, runner: JourneyRunner, batch: Sequence[Enrolment]) -> None:
        self.runner = runner
        self.con = runner.con
        self.ids = sorted({e.customer_id for e in batch})
        self.since = naive_utc(min(e.entered_at for e in batch))
        self._customers: dict[str, dict[str, Any]] | None = None
        self._events: dict[str, dict[str, dt.datetime]] = {}
        self._segments: dict[str, set[str]] = {}
        self._rules: dict[str, set[str]] = {}
        self._traits: dict[str, dict[str, Any]] = {}
        self._personal: dict[str, dict[str, Any]] | None = None
        self._uses_personal: dict[str, bool] = {}
        self.extras = BatchExtras(runner.con, runner.settings, batch, runner.clock.now())

    def customer(self, customer_id: str) -> dict[str, Any]:
        """The customer's row of ``customers`` (e-mail, name, locale, timezone, traits)."""
        if self._customers is None:
            c = self.con.table("customers")
            rows = (
                c.filter(c.customer_id.isin(self.ids))
                .select("customer_id", "email", "name", "country", "timezone", "locale", "traits")
                .to_pyarrow()
                .to_pylist()
            )
            self._customers = {r["customer_id"]: r for r in rows}
        return self._customers.get(customer_id, {"customer_id": customer_id})

    def traits(self, customer_id: str) -> dict[str, Any]:
        """The warehouse's traits overlaid with those journeys set."""
        if customer_id not in self._traits:
            base = parse_traits(self.customer(customer_id).get("traits"))
            base.update(self.runner.store.traits(self.runner.tenant_id, customer_id))
            self._traits[customer_id] = base
        return self._traits[customer_id]

    def personal(self, customer_id: str) -> dict[str, Any]:
        """``metrics``, ``risk``, ``reasons``, ``segment`` and ``offers`` (one query a batch)."""
        if self._personal is None:
            self._personal = personal_rows(self.con, self.ids)
        return personal_context(
            customer_id,
            self._personal.get(customer_id),
            locale=self.customer(customer_id).get("locale"),
            settings=self.runner.settings,
            today=self.runner.clock.now().date(),
        )

    def send_at(self, at: str, customer_id: str, now: dt.datetime) -> tuple[dt.datetime, str]:
        """When a send step with ``at`` goes out for the customer, and the hour's source."""
        from tenure.act.journeys._send_time import best_hours, send_time

        runner = self.runner
        if at == "best_hour" and runner.tick_hours is None:  # once per tick, for everyone
            runner.tick_hours = best_hours(self.con, None, runner.settings, now=now)
        return send_time(
            at,
            now,
            hour=(runner.tick_hours or {}).get(customer_id),
            zone=self.customer(customer_id).get("timezone"),
            default=self.runner.settings.journeys.send_time_default,
        )

    def template_context(self, journey: Journey, e: Enrolment) -> dict[str, Any]:
        """The variables of a step's templates (docs/journeys.md)."""
        customer = {k: v for k, v in self.customer(e.customer_id).items() if k != "traits"}
        if journey.name not in self._uses_personal:  # a journey that quotes none reads none
            used = template_variables(journey)
            self._uses_personal[journey.name] = bool(used & set(PERSONAL_VARIABLES))
        out = {
            "customer": customer,
            "traits": self.traits(e.customer_id),
            "journey": {"name": journey.name, "variant": e.variant},
            **(self.personal(e.customer_id) if self._uses_personal[journey.name] else {}),
        }
        return {**out, **self._trigger_context(journey, e, customer.get("name"))}

    def _trigger_context(self, journey: Journey, e: Enrolment, name: Any) -> dict[str, Any]:
        """``user``, ``feature`` or ``winback``: what the journey's trigger adds (_people.py)."""
        extra: dict[str, Any] = {}
        if isinstance(journey.trigger, NewUserTrigger):
            extra["user"] = self.extras.user(e) or {}
        elif isinstance(journey.trigger, FeatureRequestTrigger):
            extra["feature"] = feature_of(e)
        elif isinstance(journey.trigger, ChurnTrigger):
            extra["winback"] = self.extras.winback(e.customer_id, name)
        return extra

    def recipient(self, e: Enrolment, context: dict[str, Any]) -> str | None:
        """The e-mail address: the user's of a per-user enrolment, else the customer's."""
        user = context.get("user") or {}
        address = user.get("email") or self.customer(e.customer_id).get("email")
        return str(address) if address else None

    def last_event(self, event: str, customer_id: str) -> dt.datetime | None:
        """The latest time the customer did ``event`` since the batch's first entry."""
        if event not in self._events:
            t = self.con.table("events")
            t = t.filter(
                (t.type == "track")
                & (t.event == event)
                & t.customer_id.isin(self.ids)
                & (t.occurred_at >= ibis.literal(self.since).cast("timestamp('UTC')"))
            )
            rows = t.group_by("customer_id").aggregate(at=t.occurred_at.max()).to_pyarrow()
            self._events[event] = {
                r["customer_id"]: r["at"].replace(tzinfo=dt.UTC)
                if r["at"].tzinfo is None
                else r["at"]
                for r in rows.to_pylist()
            }
        return self._events[event].get(customer_id)

    def goal_met(self, journey: Journey, e: Enrolment) -> bool:
        """Whether the journey's goal happened after the customer entered."""
        if journey.goal is None:
            return False
        if journey.goal.event is not None:
            seen = self.last_event(journey.goal.event, e.customer_id)
            return seen is not None and seen >= e.entered_at
        if journey.goal.mrr is not None:
            day = self.extras.last_movement(journey.goal.mrr, e.customer_id)
            return day is not None and day >= e.entered_at.date()
        return e.customer_id in self.segment(journey.goal.segment or "")

    def segment(self, name: str) -> set[str]:
        """The batch's customers in segment ``name`` on its latest stored day."""
        if name not in self._segments:
            if SEGMENT_MEMBERS not in self.con.list_tables():
                self._segments[name] = set()
            else:
                m = self.con.table(SEGMENT_MEMBERS)
                m = m.filter(m.segment == name)
                m = m.filter((m.as_of == m.as_of.max()) & m.customer_id.isin(self.ids))
                rows = m.select("customer_id").to_pyarrow().column(0).to_pylist()
                self._segments[name] = set(rows)
        return self._segments[name]

    def matching(self, rule: str) -> set[str]:
        """The batch's customers whose latest profile meets ``rule``."""
        if rule not in self._rules:
            if CUSTOMER_PROFILES not in self.con.list_tables():
                self._rules[rule] = set()
            else:
                p = self.con.table(CUSTOMER_PROFILES)
                p = p.filter(p.as_of == p.as_of.max())
                p = p.filter(p.customer_id.isin(self.ids))
                p = p.filter(compile_rule(rule, p, segment="branch condition"))
                self._rules[rule] = set(p.select("customer_id").to_pyarrow().column(0).to_pylist())
        return self._rules[rule]
