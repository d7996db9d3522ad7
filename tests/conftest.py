from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.workspace import Workspace

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[1]


def data_path() -> Path:
    """The shared public data sets: TENURE_DATA_PATH, or ../shared/data beside the repo."""
    return Path(os.environ.get("TENURE_DATA_PATH", ROOT.parent / "shared" / "data"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if data_path().is_dir():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"the shared data sets are missing at {data_path()}")
    skip = pytest.mark.skip(reason=f"shared data sets not found at {data_path()}")
    for item in items:
        if "data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def _template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "ws"
    Workspace.init(root).close()
    return root


@pytest.fixture
def ws(tmp_path: Path, clock: FixedClock, _template_workspace: Path) -> Iterator[Workspace]:
    """An empty workspace (a copy of one made once per session: creating tables takes ~1 s)."""
    shutil.copytree(_template_workspace, tmp_path / "ws")
    workspace = Workspace.open(tmp_path / "ws", clock=clock)
    yield workspace
    workspace.close()


PG_ADMIN = os.environ.get("TENURE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"tenure_test_{os.getpid()}_{os.urandom(3).hex()}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo workspace (1000 customers, 18 months), made once per session."""
    root = tmp_path_factory.mktemp("demo") / "ws"
    with Workspace.init(root) as ws:
        ws.create_demo(customers=1000, months=18, seed=7)
    return root


@pytest.fixture
def demo_copy(demo_workspace: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the demo workspace, free to edit."""
    target = tmp_path / "ws"
    shutil.copytree(demo_workspace, target)
    yield target


@pytest.fixture(scope="session")
def trained_workspace(tmp_path_factory: pytest.TempPathFactory, demo_workspace: Path) -> Path:
    """The demo workspace with a churn model trained (4 origins, 3 backtested), once."""
    root = tmp_path_factory.mktemp("trained") / "ws"
    shutil.copytree(demo_workspace, root)
    with (root / "tenure.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[churn]\norigins = 4\nbacktest_origins = 3\n")
    with Workspace.open(root) as ws:
        ws.churn_train()
    return root
