"""A deployment with two tenants and a dashboard user each, served live (SQLite or PostgreSQL).

Tenant ``a`` is a copy of the session's demo world (300 customers, 12 months, refreshed);
tenant ``b`` has one customer. ``ana@a.test`` may open ``a``, ``bo@b.test`` only ``b``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tenure.workspace import Deployment
from tests.api import conftest as api
from tests.api.conftest import Site, make_world

PASSWORD = "correct horse battery"
USERS = {"a": "ana@a.test", "b": "bo@b.test"}

# the API tests' fixtures: the store (SQLite or PostgreSQL), the demo world, the server
store_url = api.store_url
demo_world = api.demo_world
start_server = api.start_server


@pytest.fixture(scope="session")
def trained_world(tmp_path_factory: pytest.TempPathFactory, demo_world: Path) -> Path:
    """The demo world with a churn model and a refresh, so customers have scores and reasons.

    ``TENURE_WEB_WORLD`` names another refreshed workspace to use instead (e.g. the 10k
    world of bench/web.py, for the screenshots in docs/screenshots).
    """
    import os
    import shutil

    from tenure import Workspace

    if os.environ.get("TENURE_WEB_WORLD"):
        return Path(os.environ["TENURE_WEB_WORLD"])
    root = tmp_path_factory.mktemp("web-world") / "ws"
    shutil.copytree(demo_world, root)
    with Workspace.open(root) as ws:
        ws.churn_train()
        ws.refresh()
    return root


def add_users(site: Site) -> Site:
    with Deployment.open(site.folder) as deployment:
        for slug, email in USERS.items():
            deployment.add_user(email, tenant=slug, password=PASSWORD)
    return site


@pytest.fixture
def web(
    tmp_path: Path, store_url: str, demo_world: Path, start_server: Callable[..., Site]
) -> Site:
    """A running server over tenants a and b, each with a dashboard user."""
    return start_server(add_users(make_world(tmp_path / "deployment", store_url, demo_world)))


@contextmanager
def login(site: Site, email: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    """A client logged in as ``email`` (its cookies hold the session)."""
    with httpx.Client(base_url=site.url, timeout=60) as client:
        yield _logged_in(client, email, password)


def _logged_in(client: httpx.Client, email: str, password: str) -> httpx.Client:
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None, form.text
    r = client.post(
        "/login", data={"login_token": token[1], "email": email, "password": password, "next": "/"}
    )
    assert r.status_code == 303, r.text
    return client


def csrf(page: str) -> str:
    """The CSRF token of a rendered page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found[1]
