from __future__ import annotations

import pytest

from tests.metrics.builders import World, empty
from tests.metrics.conftest import _duckdb_warehouse

__all__ = ["_duckdb_warehouse"]


@pytest.fixture
def world(_duckdb_warehouse):  # type: ignore[no-untyped-def]
    """An empty World on an in-memory DuckDB."""
    return World(warehouse=empty(_duckdb_warehouse))
