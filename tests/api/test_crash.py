"""Crash safety: SIGKILL ``tenure serve`` during a load; every acknowledged event lands once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tenure.workspace import Workspace
from tests.api.conftest import free_port, make_site

pytestmark = pytest.mark.slow
TENURE = str(Path(sys.executable).parent / "tenure")


def _serve(folder: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [TENURE, "serve", "-w", str(folder), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/status").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"tenure serve did not start: {log.read_text()}")


def _load(url: str, key: str, acked: list[str], stop: threading.Event, worker: int) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as c:
        n = 0
        while not stop.is_set():
            ids = [f"w{worker}-{n + i}" for i in range(50)]
            n += 50
            batch = [
                {"type": "track", "userId": f"u{i}", "event": "Load", "messageId": m}
                for i, m in enumerate(ids)
            ]
            try:
                r = c.post("/v1/batch", json={"batch": batch}, timeout=10)
            except httpx.TransportError:
                return  # the server is gone: these were not acknowledged
            if r.status_code == 200:
                acked.extend(ids)


def test_every_acknowledged_event_lands_once_when_server_is_killed_mid_load(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "deployment"
    site = make_site(
        folder,
        "sqlite:///tenure.sqlite",
        flush_interval_ms=50,
        flush_events=300,
        rate_limit_per_second=10000.0,
        rate_limit_burst=10000,
    )
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    proc = _serve(folder, port, log)
    acked: list[str] = []
    stop = threading.Event()
    workers = [
        threading.Thread(target=_load, args=(url, site.keys["a_pk"], acked, stop, w))
        for w in range(3)
    ]
    for t in workers:
        t.start()
    time.sleep(4)  # events are arriving and being moved
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    for t in workers:
        t.join()
    assert len(acked) > 500, f"too little load before the kill: {len(acked)}"

    proc = _serve(folder, port, log)  # the restarted mover moves what was left
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {site.keys['a_pk']}"}) as c:
        again = [
            {"type": "track", "userId": "u", "event": "Load", "messageId": m} for m in acked[:100]
        ]
        assert c.post("/v1/batch", json={"batch": again}).status_code == 200  # duplicates
    proc.send_signal(signal.SIGTERM)  # a clean stop moves everything still in the log
    assert proc.wait(timeout=120) in (0, -signal.SIGTERM), log.read_text()

    with Workspace.open(folder / "workspaces" / "a") as ws:
        events = ws.warehouse.table("events")
        ids = events.message_id.to_pyarrow().to_pylist()
    assert len(ids) == len(set(ids)), "an event landed twice"
    missing = set(acked) - set(ids)
    assert not missing, f"{len(missing)} acknowledged events are missing"
