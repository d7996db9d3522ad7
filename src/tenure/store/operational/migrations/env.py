"""Alembic environment of the operational store; run through ``tenure db upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from tenure.store.operational._tables import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through OperationalStore.upgrade()")
    _run(connection)


if hasattr(context, "config"):  # only under Alembic (not when pytest imports the module)
    _main()
