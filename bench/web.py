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

Each page is asked once right after the server started (**first**: nothing cached, the
Ibis expressions compiled for the first time) and then ``--repeat`` times (**again**:
the median and the slowest; metric results are kept until the next load, see
``Workspace.data_version``). A customer 360 is asked for ``--repeat`` different
customers, the riskiest first. ``--warm-up`` sets ``[server] warm_up`` (the default
series and cohorts computed at start) and waits ``--settle`` seconds before the first
request.
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
import time
from pathlib import Path

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


def make_deployment(world: Path, workdir: Path, *, warm_up: bool) -> Path:
    from tenure.workspace import Deployment

    folder = workdir / f"web-deployment-{dt.datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    server = f"\n[server]\nwarm_up = {'true' if warm_up else 'false'}\n"
    (folder / "tenure.toml").write_text('[store]\nurl = "sqlite:///tenure.sqlite"\n' + server)
    Deployment.upgrade(folder)
    target = folder / "workspaces" / TENANT
    shutil.copytree(world, target, ignore=shutil.ignore_patterns("data", "*.wal"))
    with Deployment.open(folder) as deployment:
        deployment.create_tenant(TENANT, name="Bench", folder=f"workspaces/{TENANT}")
        deployment.add_user(EMAIL, tenant=TENANT, password=PASSWORD)
    return folder


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warm-up", action="store_true")
    parser.add_argument("--settle", type=float, default=30.0)
    args = parser.parse_args()
    console = Console()
    args.workdir.mkdir(parents=True, exist_ok=True)
    world = ensure_world(args.customers, args.months, args.seed, args.workdir, args.root)
    folder = make_deployment(world, args.workdir, warm_up=args.warm_up)
    port = free_port()
    log = (folder / "serve.log").open("w")
    command = [sys.executable, "-m", "tenure.cli.main", "serve", "-w", str(folder)]
    proc = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    rows = []
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/login")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            log_in(client)
            if args.warm_up:
                time.sleep(args.settle)
            for name, path in PAGES:
                first = timed(client, path)
                again = [timed(client, path) for _ in range(args.repeat)]
                rows.append((name, first, statistics.median(again), max(again)))
                console.print(f"{name}: first {first:,.0f} ms, again {rows[-1][2]:,.0f} ms")
            page = client.get("/t/bench/customers").text
            ids = re.findall(r'class="customer-link" href="([^"]+)"', page)[: args.repeat + 1]
            first = timed(client, ids[0])
            again = [timed(client, i) for i in ids[1:]]
            rows.append(("customer 360", first, statistics.median(again), max(again)))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    warm = ", warmed up at start" if args.warm_up else ""
    table = Table(title=f"Dashboard pages, {args.customers:,} customers{warm}")
    for col in ("page", "first (ms)", "again p50 (ms)", "again max (ms)"):
        table.add_column(col, justify="left" if col == "page" else "right")
    for name, first, p50, worst in rows:
        table.add_row(name, f"{first:,.0f}", f"{p50:,.0f}", f"{worst:,.0f}")
    console.print(table)
    cores, load = os.cpu_count(), os.getloadavg()
    console.print(
        f"{platform.python_version()} on {platform.machine()}, {cores} cores, load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end; {world}"
    )


if __name__ == "__main__":
    main()
