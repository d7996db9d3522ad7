from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenure.workspace import Workspace
from tests.metrics.builders import World, empty
from tests.metrics.conftest import _duckdb_warehouse

__all__ = ["_duckdb_warehouse"]


@pytest.fixture
def world(_duckdb_warehouse):  # type: ignore[no-untyped-def]
    """An empty World on an in-memory DuckDB."""
    return World(warehouse=empty(_duckdb_warehouse))


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo workspace (400 customers, 14 months), made once per session."""
    root = tmp_path_factory.mktemp("demo") / "ws"
    with Workspace.init(root) as ws:
        ws.create_demo(customers=400, months=14, seed=7)
    return root


@pytest.fixture
def demo_copy(demo_workspace: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the demo workspace, free to edit."""
    target = tmp_path / "ws"
    shutil.copytree(demo_workspace, target)
    yield target
