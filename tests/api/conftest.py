"""A deployment with two tenants and a running server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tenure.app import create_app
from tenure.clock import Clock
from tenure.config import Settings
from tenure.workspace import Deployment, Workspace


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    """A deployment folder, its tenants' keys and (once started) a server."""

    folder: Path
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, str] = field(default_factory=dict)
    url: str = ""
    app: Any = None

    def client(self, key: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[key]}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)

    def wait_moved(self, key: str, message_id: str, timeout: float = 30) -> dict[str, Any]:
        """Poll GET /v1/events/{id} until the mover has moved the message."""
        deadline = time.monotonic() + timeout
        with self.client(key) as c:
            while True:
                r = c.get(f"/v1/events/{message_id}")
                if r.status_code == 200 and r.json()["moved_at"]:
                    return dict(r.json())
                if time.monotonic() > deadline:
                    raise AssertionError(f"{message_id} not moved: {r.status_code} {r.text}")
                time.sleep(0.1)

    def warehouse_events(self, slug: str) -> list[dict[str, Any]]:
        """The events rows of a tenant's warehouse, read through the server's deployment."""
        deployment: Deployment = self.app.state.deployment
        with deployment.workspace(deployment.tenant(slug)) as ws:
            rows: list[dict[str, Any]] = ws.warehouse.table("events").to_pyarrow().to_pylist()
        return rows


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """The operational store: a SQLite file in the deployment, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return "sqlite:///tenure.sqlite"
    url: str = request.getfixturevalue("postgres_url")
    return url.replace("postgres://", "postgresql+psycopg://", 1)


def write_toml(folder: Path, store_url: str, **server: Any) -> None:
    lines = ["[store]", f'url = "{store_url}"', "", "[server]"]
    server = {"flush_interval_ms": 50, **server}
    lines += [f"{k} = {v!r}" for k, v in server.items()]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tenure.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_site(folder: Path, store_url: str, **server: Any) -> Site:
    """Tenants ``a`` and ``b``, each with a publishable, a read, a write and an admin key."""
    write_toml(folder, store_url, **server)
    Deployment.upgrade(folder)
    site = Site(folder)
    with Deployment.open(folder) as deployment:
        for slug in ("a", "b"):
            deployment.create_tenant(slug, name=f"Tenant {slug.upper()}")
            new = deployment.create_key(slug, scope="write", publishable=True)
            site.keys[f"{slug}_pk"], site.key_ids[f"{slug}_pk"] = new.secret, new.key.id
            for scope in ("read", "write", "admin"):
                new = deployment.create_key(slug, scope=scope)  # type: ignore[arg-type]
                site.keys[f"{slug}_{scope}"] = new.secret
                site.key_ids[f"{slug}_{scope}"] = new.key.id
    return site


@pytest.fixture
def start_server() -> Iterator[Callable[..., Site]]:
    """Run a site's app under uvicorn in a thread on a free port (``clock``: the app's)."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(site: Site, *, clock: Clock | None = None) -> Site:
        app = create_app(Settings.load(site.folder), clock=clock)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        running.append((server, thread))
        site.url, site.app = f"http://127.0.0.1:{port}", app
        return site

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=60)


@pytest.fixture
def site(tmp_path: Path, store_url: str, start_server: Callable[..., Site]) -> Site:
    """A running server over tenants a and b (SQLite or PostgreSQL store)."""
    return start_server(make_site(tmp_path / "deployment", store_url))


ONLY_B = "cus_only_in_b"


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 customers over 12 months, refreshed (profiles, health, values, segments)."""
    root = tmp_path_factory.mktemp("api-world") / "ws"
    with Workspace.init(root) as ws:
        ws.create_demo(customers=300, months=12, seed=3)
        ws.refresh()
    return root


def make_world(folder: Path, store_url: str, demo_world: Path, **server: Any) -> Site:
    """Tenants a (a copy of ``demo_world``) and b (one customer, ``ONLY_B``)."""
    site = make_site(folder, store_url, **server)
    a = site.folder / "workspaces" / "a"
    shutil.rmtree(a)
    shutil.copytree(demo_world, a)
    with Workspace.open(site.folder / "workspaces" / "b") as ws:
        created = {"id": ONLY_B, "object": "customer", "name": "B Corp", "created": 1735689600}
        event = {"id": "evt_b1", "object": "event", "type": "customer.created"}
        ws.ingest_stripe_events([event | {"created": 1735689700, "data": {"object": created}}])
    return site


@pytest.fixture
def world(
    tmp_path: Path, store_url: str, demo_world: Path, start_server: Callable[..., Site]
) -> Site:
    """A running server over :func:`make_world` (SQLite or PostgreSQL store)."""
    return start_server(make_world(tmp_path / "deployment", store_url, demo_world))
