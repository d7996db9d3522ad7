"""The journey engine's hot statements, built once per dialect and bound per call.

A statement built per call (``update(t).where(...).values(...)``) costs SQLAlchemy more
than SQLite takes to run it: every literal is coerced and hashed into a cache key. These
are built once, with ``bindparam`` placeholders, and executed with a parameter dict; an
``UPDATE`` without ``values()`` takes its ``SET`` columns from the dict's keys (those
not starting with ``b_``, which name the ``WHERE`` clause's parameters).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tenure.store.operational._tables import (
    CustomerTraitRow,
    InappMessageRow,
    JourneyEnrolmentRow,
    JourneyStepRow,
    TaskRow,
)

__all__ = ["ENROLMENTS", "FINAL", "STEPS", "Statements", "statements"]

ENROLMENTS: Table = JourneyEnrolmentRow.__table__  # type: ignore[assignment]
STEPS: Table = JourneyStepRow.__table__  # type: ignore[assignment]
_INBOX: Table = InappMessageRow.__table__  # type: ignore[assignment]
_TASKS: Table = TaskRow.__table__  # type: ignore[assignment]
_TRAITS: Table = CustomerTraitRow.__table__  # type: ignore[assignment]
FINAL = ("done", "withheld", "suppressed", "capped", "undeliverable", "dead", "unconfirmed")
"""Step run statuses that are an outcome: such a run is never run again."""


@dataclass(frozen=True)
class Statements:
    """Bound with: ``b_id``, ``b_owner`` (enrolment), ``b_until`` (lease), ``b_step``."""

    renew: Any  # the enrolment's lease, only while b_owner holds it
    move: Any  # SET from the parameters, only while b_owner holds the enrolment
    add_step: Any  # INSERT a run unless (enrolment_id, step_id) exists; RETURNING id
    step: Any  # SELECT the run of (b_id, b_step)
    finish: Any  # SET from the parameters, unless the run has an outcome
    inbox: Any
    task: Any
    trait: Any  # upsert


@functools.cache
def statements(dialect: str) -> Statements:
    """The statements for ``postgresql`` or ``sqlite``."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    e, s = ENROLMENTS, STEPS
    held = (e.c.id == bindparam("b_id"), e.c.lease_owner == bindparam("b_owner"))
    trait = insert(_TRAITS)
    return Statements(
        renew=update(e).where(*held).values(lease_until=bindparam("b_until")),
        move=update(e).where(*held),
        add_step=insert(s)
        .on_conflict_do_nothing(index_elements=["enrolment_id", "step_id"])
        .returning(s.c.id),
        step=select(s).where(
            s.c.enrolment_id == bindparam("b_id"), s.c.step_id == bindparam("b_step")
        ),
        finish=update(s).where(s.c.id == bindparam("b_id"), s.c.status.not_in(FINAL)),
        inbox=insert(_INBOX),
        task=insert(_TASKS),
        trait=trait.on_conflict_do_update(
            index_elements=["tenant_id", "customer_id", "trait"],
            set_={"value": trait.excluded.value, "set_at": trait.excluded.set_at},
        ),
    )
