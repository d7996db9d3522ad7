"""Each package's ``__all__`` is its public surface: sorted, complete and importable."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = [
    "tenure",
    "tenure.errors",
    "tenure.clock",
    "tenure.progress",
    "tenure.config",
    "tenure.currencies",
    "tenure.schema",
    "tenure.ingest",
    "tenure.store",
    "tenure.store.operational",
    "tenure.demo",
    "tenure.metrics",
    "tenure.features",
    "tenure.models",
    "tenure.decide",
    "tenure.act",
    "tenure.act.journeys",
    "tenure.workspace",
    "tenure.api",
    "tenure.web",
    "tenure.app",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_importable_public_names_when_package_is_imported(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(set(exported)) == len(exported)  # ruff's RUF022 keeps the order sorted
    for item in exported:
        assert hasattr(module, item), f"{name}.{item}"


def test_every_error_derives_from_the_root_when_raised() -> None:
    from tenure import errors

    for item in errors.__all__:
        obj = getattr(errors, item)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, errors.TenureError)
    assert issubclass(errors.NotFittedError, AttributeError)


def test_help_does_not_load_the_warehouse_when_cli_starts() -> None:
    code = (
        "import sys; from tenure.cli.main import app; "
        "assert 'duckdb' not in sys.modules and 'ibis' not in sys.modules, 'heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
