"""Fixtures shared by the store tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tenure.store.operational import sqlalchemy_url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def folder(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A deployment folder whose [store] is a SQLite file or a fresh PostgreSQL database."""
    url = "sqlite:///tenure.sqlite"
    if request.param == "postgres":
        url = sqlalchemy_url(request.getfixturevalue("postgres_url"))
    root = tmp_path / "deployment"
    root.mkdir()
    (root / "tenure.toml").write_text(f'[store]\nurl = "{url}"\n', encoding="utf-8")
    return root
