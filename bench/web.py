"""Benchmark the dashboard: time of each page of a live ``tenure serve`` on a 10k world.

Usage: ``python bench/web.py [--customers 10000] [--months 24] [--seed 0]
[--workdir bench/out] [--root WORKSPACE] [--repeat 5]``.

Target (issue 6): every page in under a second on a 10k-customer demo workspace on this
machine. The world is the one ``bench/profiles.py`` and ``bench/api.py`` use (cached in
``<workdir>/risk-<customers>-m<months>-s<seed>``, trained and refreshed once, not timed;
``--root`` names another such workspace). A fresh deployment gets one tenant whose
workspace is a copy of it and one dashboard user; ``tenure serve`` runs in its own
process and this one logs in and asks for each page over loopback, so a time is the
server's time to answer plus a loopback transfer.

Each page is timed in four situations, in this order:

- **cold**: its first request after the server started on a copy of the world (a
  refreshed workspace: the dashboard's default views were computed into
  ``cache/results/`` by the end of ``refresh``, redone on the copy, not timed; with
  ``--never-computed`` no results kept, the Ibis expressions compiled for the first time), then
  ``--repeat`` times again (**warm**: the median and the slowest; results are kept until
  the next load, see ``Workspace.data_version``);
- **after a load**: one batch of ``--batch`` events is sent through ``POST /v1/batch``
  and moved into the warehouse; then each page's first request (the dashboard serves the
  results it had and recomputes them in the background, docs/dashboard.md);
- **during ingestion**: while a thread sends a batch of ``--batch`` events every
  ``--every`` seconds through the API (each moved into the warehouse within about a
  second: a new data version every time), each page ``--repeat`` times (median, slowest);
- **restart**: the server is stopped and started again; each page's first request (the
  results of the last run are read from ``<workspace>/cache/results``).

A customer 360 is asked for ``--repeat`` different customers, the riskiest first.
``--warm-up`` sets ``[server] warm_up`` (stale or missing default views recomputed at
start; without it the bench sets ``false``) and waits ``--settle`` seconds before the first
request. A time is the server's time to answer
plus a loopback transfer. The world's stored daily activity is built before the server
starts (not timed), as a deployment's first load or ``tenure refresh`` would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profiles import ensure_world  # bench/profiles.py: the shared demo world

from api import free_port  # bench/api.py

TENANT = "bench"
EMAIL = "bench@example.com"
PASSWORD = "bench password"
PAGES = (
    ("overview (12 months)", "/t/bench/"),
    ("overview by plan", "/t/bench/?by=plan"),
    ("overview by channel, quarters", "/t/bench/?interval=quarter&by=channel"),
    ("overview, weeks", "/t/bench/?interval=week"),
    ("overview, days", "/t/bench/?interval=day"),
    ("cohorts", "/t/bench/cohorts"),
    ("customers (whom to call)", "/t/bench/customers"),
    ("customers red, risk >= 50%", "/t/bench/customers?band=red&risk=0.5"),
    ("customers by MRR", "/t/bench/customers?sort=-mrr"),
    ("customers CSV (all)", "/t/bench/customers.csv"),
    ("segments", "/t/bench/segments"),
    ("segment preview (rule editor)", "/t/bench/segment-preview?rule=mrr+%3E+0+and+health+%3C+60"),
    ("segment at_risk", "/t/bench/segments/at_risk"),
    ("engagement (months)", "/t/bench/engagement"),
    ("engagement (weeks)", "/t/bench/engagement?interval=week"),
    ("feedback", "/t/bench/feedback"),
    ("feedback, detractors about price", "/t/bench/feedback?group=detractor&q=price"),
)


def make_deployment(
    world: Path, workdir: Path, *, warm_up: bool, views: bool
) -> tuple[Path, tuple[str, str]]:
    """A deployment over a copy of ``world``, an events and a read key.

    With ``views``, the copy gets the dashboard's default views computed into
    ``cache/results/``, as the end of ``Workspace.refresh`` does (not timed); without, it
    has no kept results.
    """
    from tenure import Workspace
    from tenure.workspace import Deployment

    folder = workdir / f"web-deployment-{dt.datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    server = f"\n[server]\nwarm_up = {'true' if warm_up else 'false'}\n"
    (folder / "tenure.toml").write_text('[store]\nurl = "sqlite:///tenure.sqlite"\n' + server)
    Deployment.upgrade(folder)
    target = folder / "workspaces" / TENANT
    shutil.copytree(world, target, ignore=shutil.ignore_patterns("data", "*.wal", "cache"))
    with Workspace.open(target) as ws:
        ws.ensure_activity()  # what a load or a refresh does for a warehouse of an older Tenure
        if views:
            ws.compute_dashboard_views()  # what the end of a refresh does
    with Deployment.open(folder) as deployment:
        deployment.create_tenant(TENANT, name="Bench", folder=f"workspaces/{TENANT}")
        deployment.add_user(EMAIL, tenant=TENANT, password=PASSWORD)
        events_key = deployment.create_key(TENANT, scope="write", publishable=True).secret
        read_key = deployment.create_key(TENANT, scope="read").secret
    return folder, (events_key, read_key)


def start(folder: Path, log_name: str) -> tuple[subprocess.Popen[bytes], str, Any]:
    port = free_port()
    log = (folder / log_name).open("w")
    command = [sys.executable, "-m", "tenure.cli.main", "serve", "-w", str(folder)]
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/login", timeout=5)
            return proc, url, log
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes], log: Any) -> None:
    proc.terminate()
    proc.wait(timeout=60)
    log.close()


def events(size: int) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "batch": [
            {
                "type": "track",
                "messageId": uuid.uuid4().hex,
                "userId": f"bench_user_{k % 50}",
                "event": "Dashboard Viewed",
                "timestamp": now,
            }
            for k in range(size)
        ]
    }


def send_and_wait(url: str, keys: tuple[str, str], size: int, timeout: float = 120) -> None:
    """Send one batch through the API and wait until the mover has moved it."""
    sender, reader = (
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) for key in keys
    )
    with sender, reader:
        body = events(size)
        r = sender.post("/v1/batch", json=body)
        r.raise_for_status()
        last = body["batch"][-1]["messageId"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = reader.get(f"/v1/events/{last}")
            if r.status_code == 200 and r.json()["moved_at"]:
                return
            time.sleep(0.1)
    raise RuntimeError("the events were not moved into the warehouse in time")


def keep_sending(url: str, key: str, size: int, every: float, done: threading.Event) -> int:
    sent = 0
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as api:
        while not done.is_set():
            api.post("/v1/batch", json=events(size)).raise_for_status()
            sent += size
            done.wait(every)
    return sent


def log_in(client: httpx.Client) -> None:
    form = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None
    data = {"login_token": token[1], "email": EMAIL, "password": PASSWORD, "next": "/"}
    r = client.post("/login", data=data)
    assert r.status_code == 303, r.text


def timed(client: httpx.Client, path: str) -> float:
    t0 = time.perf_counter()
    r = client.get(path)
    ms = (time.perf_counter() - t0) * 1000
    if r.status_code != 200:
        raise RuntimeError(f"{path}: {r.status_code} {r.text[:500]}")
    return ms


def pages(client: httpx.Client, repeat: int) -> list[tuple[str, str]]:
    """Every page's path, and ``repeat`` + 1 customer 360s (the riskiest first)."""
    page = client.get("/t/bench/customers").text
    ids = re.findall(r'class="customer-link" href="([^"]+)"', page)[: repeat + 1]
    return [*PAGES, *((f"customer 360 #{k + 1}", path) for k, path in enumerate(ids))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--every", type=float, default=1.0)
    parser.add_argument("--warm-up", action="store_true")
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument("--never-computed", action="store_true")
    args = parser.parse_args()
    console = Console(width=170)
    args.workdir.mkdir(parents=True, exist_ok=True)
    world = ensure_world(args.customers, args.months, args.seed, args.workdir, args.root)
    folder, keys = make_deployment(
        world, args.workdir, warm_up=args.warm_up, views=not args.never_computed
    )
    times: dict[str, dict[str, list[float]]] = {}

    def note(phase: str, name: str, ms: float) -> None:
        times.setdefault(name.split(" #")[0], {}).setdefault(phase, []).append(ms)

    proc, url, log = start(folder, "serve.log")
    try:
        with httpx.Client(base_url=url, timeout=300) as client:
            log_in(client)
            if args.warm_up:
                time.sleep(args.settle)
            for name, path in PAGES:  # cold, then warm
                note("cold", name, timed(client, path))
                for _ in range(args.repeat):
                    note("warm", name, timed(client, path))
                console.print(f"{name}: cold {times[name]['cold'][0]:,.0f} ms")
            listed = pages(client, args.repeat)
            for name, path in listed[len(PAGES) :]:
                note("cold" if name.endswith("#1") else "warm", name, timed(client, path))
            send_and_wait(url, keys, args.batch)  # one load: every result is older than the data
            for name, path in listed:
                note("after a load", name, timed(client, path))
            console.print("after a load: done")
            done = threading.Event()
            sender = threading.Thread(
                target=keep_sending, args=(url, keys[0], args.batch, args.every, done), daemon=True
            )
            sender.start()
            try:
                for _ in range(args.repeat):
                    for name, path in listed:
                        note("during ingestion", name, timed(client, path))
            finally:
                done.set()
                sender.join(timeout=60)
            console.print("during ingestion: done")
    finally:
        stop(proc, log)
    proc, url, log = start(folder, "serve-again.log")
    try:
        with httpx.Client(base_url=url, timeout=300) as client:
            log_in(client)
            for name, path in listed:
                note("restart", name, timed(client, path))
    finally:
        stop(proc, log)
    warm = ", warmed up at start" if args.warm_up else ""
    table = Table(title=f"Dashboard pages, {args.customers:,} customers{warm} (ms)")
    columns = (
        "page",
        "cold first",
        "warm p50",
        "warm max",
        "after a load (first)",
        "during ingestion p50",
        "during ingestion max",
        "restart (first)",
    )
    for col in columns:
        table.add_column(col, justify="left" if col == "page" else "right")
    slowest = 0.0
    markdown: dict[str, list[str]] = {}
    for name, phases in times.items():
        cold, warm_ms = phases.get("cold", [float("nan")]), phases.get("warm", [float("nan")])
        after, during = phases["after a load"], phases["during ingestion"]
        again = phases["restart"]
        row = (
            cold[0],
            statistics.median(warm_ms),
            max(warm_ms),
            max(after),
            statistics.median(during),
            max(during),
            max(again),
        )
        slowest = max(slowest, *row[1:])
        table.add_row(name, *(f"{v:,.0f}" for v in row))
        markdown[name] = [f"{v:,.0f}" for v in row]
    console.print(table)
    console.print("| " + " | ".join(columns) + " |")
    console.print("| --- |" + " ---: |" * (len(columns) - 1))
    for name, cells in markdown.items():
        console.print(f"| {name} | " + " | ".join(cells) + " |", soft_wrap=True)
    console.print(f"slowest request except the cold first views: {slowest:,.0f} ms")
    cores, load = os.cpu_count(), os.getloadavg()
    console.print(
        f"{platform.python_version()} on {platform.machine()}, {cores} cores, load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end; {world}"
    )


if __name__ == "__main__":
    main()
