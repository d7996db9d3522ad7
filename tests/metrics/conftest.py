"""Fixtures of the metrics tests: a :class:`World` on DuckDB, or on DuckDB and PostgreSQL.

``world`` runs on an in-memory DuckDB. ``any_world`` is parametrized over DuckDB and
PostgreSQL (STYLE.md 8). Each backend's warehouse is made once per session and emptied
before each test: creating the schema takes a third of a second on DuckDB and seconds
on PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tenure.store import Warehouse
from tests.conftest import PG_ADMIN
from tests.metrics.builders import World, empty


@pytest.fixture(scope="session")
def _duckdb_warehouse() -> Iterator[Warehouse]:
    with Warehouse("duckdb://:memory:", threads=1) as wh:
        yield wh


@pytest.fixture
def world(_duckdb_warehouse: Warehouse) -> World:
    """An empty :class:`World` on an in-memory DuckDB, loaded on its first ``ctx()``."""
    return World(warehouse=empty(_duckdb_warehouse))


@pytest.fixture(scope="session")
def _postgres_warehouse() -> Iterator[Warehouse]:
    psycopg = pytest.importorskip("psycopg")
    name = f"tenure_metrics_{os.getpid()}_{os.urandom(3).hex()}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}"
            wh = Warehouse(url)
            yield wh
            wh.close()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    params=["duckdb", pytest.param("postgres", marks=[pytest.mark.slow, pytest.mark.postgres])]
)
def any_world(request: pytest.FixtureRequest) -> World:
    """An empty :class:`World` on DuckDB, then on PostgreSQL."""
    wh: Warehouse = request.getfixturevalue(f"_{request.param}_warehouse")
    return World(warehouse=empty(wh))
