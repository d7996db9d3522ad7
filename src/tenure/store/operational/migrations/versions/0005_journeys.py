"""Journeys: enrolments, step runs, trigger cursors, in-app inbox, tasks, suppressions, traits.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
    )


def upgrade() -> None:
    op.create_table(
        "journey_enrolments",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("journey", sa.String(63), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("entry_key", sa.String(255), nullable=False),
        sa.Column("arm", sa.String(16), nullable=False),
        sa.Column("variant", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step_index", sa.Integer, nullable=False),
        sa.Column("entered_at", _TS, nullable=False),
        sa.Column("next_run_at", _TS),
        sa.Column("waiting_since", _TS),
        sa.Column("deadline_at", _TS),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", _TS),
        sa.Column("ended_at", _TS),
        _tenant_fk("journey_enrolments"),
        sa.PrimaryKeyConstraint("id", name="pk_journey_enrolments"),
        sa.UniqueConstraint(
            "tenant_id",
            "journey",
            "customer_id",
            "entry_key",
            name="uq_journey_enrolments_tenant_id_journey_customer_id_entry_key",
        ),
    )
    op.create_index("ix_journey_enrolments_due", "journey_enrolments", ["status", "next_run_at"])
    op.create_table(
        "journey_steps",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("enrolment_id", _ID, nullable=False),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("journey", sa.String(63), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("step_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("detail", sa.String(1000)),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["journey_enrolments.id"],
            name="fk_journey_steps_enrolment_id_journey_enrolments",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_journey_steps"),
        sa.UniqueConstraint(
            "enrolment_id", "step_id", name="uq_journey_steps_enrolment_id_step_id"
        ),
    )
    op.create_index(
        "ix_journey_steps_sends",
        "journey_steps",
        ["tenant_id", "customer_id", "channel", "finished_at"],
    )
    op.create_table(
        "journey_cursors",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("journey", sa.String(63), nullable=False),
        sa.Column("watermark", _TS, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "journey", name="pk_journey_cursors"),
    )
    op.create_table(
        "inapp_messages",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("journey", sa.String(63)),
        sa.Column("step_id", sa.String(64)),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("body", sa.String(10000), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("read_at", _TS),
        _tenant_fk("inapp_messages"),
        sa.PrimaryKeyConstraint("id", name="pk_inapp_messages"),
    )
    op.create_index("ix_inapp_messages_customer", "inapp_messages", ["tenant_id", "customer_id"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("journey", sa.String(63)),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("note", sa.String(5000)),
        sa.Column("owner", sa.String(320)),
        sa.Column("due_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("done_at", _TS),
        _tenant_fk("tasks"),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
    )
    op.create_index("ix_tasks_tenant", "tasks", ["tenant_id", "done_at"])
    op.create_table(
        "suppressions",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        _tenant_fk("suppressions"),
        sa.PrimaryKeyConstraint("tenant_id", "customer_id", "channel", name="pk_suppressions"),
    )
    op.create_table(
        "customer_traits",
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("trait", sa.String(100), nullable=False),
        sa.Column("value", sa.JSON),
        sa.Column("set_at", _TS, nullable=False),
        _tenant_fk("customer_traits"),
        sa.PrimaryKeyConstraint("tenant_id", "customer_id", "trait", name="pk_customer_traits"),
    )


def downgrade() -> None:
    op.drop_table("customer_traits")
    op.drop_table("suppressions")
    op.drop_index("ix_tasks_tenant", table_name="tasks")
    op.drop_table("tasks")
    op.drop_index("ix_inapp_messages_customer", table_name="inapp_messages")
    op.drop_table("inapp_messages")
    op.drop_table("journey_cursors")
    op.drop_index("ix_journey_steps_sends", table_name="journey_steps")
    op.drop_table("journey_steps")
    op.drop_index("ix_journey_enrolments_due", table_name="journey_enrolments")
    op.drop_table("journey_enrolments")
