"""Cancel flows, the outbox of outgoing webhooks, and tenants' cancel-page token secrets.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("cancel_token_secret", sa.String(64), nullable=True))
    op.create_table(
        "cancel_flows",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("answered_at", _TS, nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("finished_at", _TS, nullable=True),
        sa.Column("plan", sa.String(200), nullable=True),
        sa.Column("segment", sa.String(200), nullable=True),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("mrr_before", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("free_text", sa.Text(), nullable=True),
        sa.Column("control", sa.Boolean(), nullable=True),
        sa.Column("offers", sa.JSON(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.Column("accepted_offer", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("mrr_after", sa.Float(), nullable=True),
        sa.Column("mrr_effect", sa.Float(), nullable=True),
        sa.Column("discount_cost", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cancel_flows"),
    )
    op.create_index("ix_cancel_flows_tenant_started", "cancel_flows", ["tenant_id", "started_at"])
    op.create_table(
        "outbox",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("destination", sa.String(2000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("tenant_id", "event_key", name="uq_outbox_tenant_id_event_key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_cancel_flows_tenant_started", table_name="cancel_flows")
    op.drop_table("cancel_flows")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("cancel_token_secret")
