"""Benchmark the API on loopback: events/s through ``/v1/batch``, latency of a profile read.

Usage: ``python bench/api.py [--customers 10000] [--months 24] [--seed 0] [--store sqlite]
[--events 100000] [--batch 100] [--connections 4] [--seconds 60] [--rate 20]
[--reads 600] [--workdir bench/out]``.

Targets (issue 5): at least 5,000 events/s through ``POST /v1/batch`` on this 2-core
machine, and p99 under 50 ms for ``GET /v1/customers/{id}`` at a fixed request rate.

The demo world is the one ``bench/profiles.py`` and ``bench/risk.py`` use (cached in
``<workdir>/risk-<customers>-m<months>-s<seed>``, trained and refreshed once, not timed).
A fresh deployment folder gets one tenant whose workspace is a copy of that world, and
``tenure serve`` runs in its own process; this process is the load generator (an
``httpx.AsyncClient``). Both share the machine's cores. Phases:

1. **library**: ``Workspace.customer_profile`` on the sampled ids, in this process, before
   the server opens the warehouse: the floor under the API's latency.
2. **ingest**: ``--connections`` connections send batches of ``--batch`` track events until
   ``--events`` are acknowledged or ``--seconds`` pass; events/s counts acknowledged events
   (each is committed to the operational store). Then the time until the event mover has
   put the last one in the warehouse.
3. **reads**: ``--reads`` profile reads of random customers at ``--rate`` per second,
   open loop (each request starts on its schedule, whether or not earlier ones finished),
   latency measured from the scheduled start so a stall is not hidden; once with the
   server idle and once while events are sent at a quarter of the measured rate.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profiles import ensure_world  # bench/profiles.py: the shared demo world

TENANT = "bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def make_deployment(
    world: Path, workdir: Path, store: str, threads: int | None = None
) -> tuple[Path, dict[str, str]]:
    """A fresh deployment whose one tenant holds a copy of ``world``; its keys."""
    from tenure.workspace import Deployment

    folder = workdir / f"api-deployment-{dt.datetime.now():%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True)
    url = "sqlite:///tenure.sqlite" if store == "sqlite" else store
    (folder / "tenure.toml").write_text(
        f'[store]\nurl = "{url}"\n\n[server]\nrate_limit_per_second = 100000.0\n'
        "rate_limit_burst = 100000\n",
        encoding="utf-8",
    )
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        deployment.create_tenant(TENANT)
        keys = {
            "write": deployment.create_key(TENANT, scope="write").secret,
            "read": deployment.create_key(TENANT, scope="read").secret,
        }
    target = folder / "workspaces" / TENANT
    shutil.rmtree(target)
    shutil.copytree(world, target, ignore=shutil.ignore_patterns("ready"))
    if threads is not None:  # DuckDB threads of the tenant's warehouse
        toml = target / "tenure.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace("[warehouse]\n", f"[warehouse]\nthreads = {threads}\n", 1))
    return folder, keys


def library_reads(folder: Path, ids: list[str]) -> dict[str, Any]:
    """``customer_profile`` directly, as the route calls it (after a compiling warm-up)."""
    from tenure import Workspace

    with Workspace.open(folder / "workspaces" / TENANT) as ws:
        ws.customer_profile(ids[0])
        times = []
        for customer_id in ids:
            t0 = time.perf_counter()
            ws.customer_profile(customer_id)
            times.append((time.perf_counter() - t0) * 1000)
    return {"calls": len(times), "p50": percentile(times, 50), "p99": percentile(times, 99)}


def sample_ids(folder: Path, count: int, seed: int) -> list[str]:
    from tenure import Workspace

    with Workspace.open(folder / "workspaces" / TENANT) as ws:
        day = ws.profile_day()
        t = ws.warehouse.ibis.table("customer_profiles")
        rows = t.filter(t.as_of == day).select("customer_id").to_pyarrow().to_pylist()
    ids = sorted(r["customer_id"] for r in rows)
    return random.Random(seed).choices(ids, k=count)


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-c",
        "from tenure.cli.main import app; app()",
        "serve",
        "-w",
        str(folder),
        "--port",
        str(port),
    ]
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited; see {folder / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/status", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start within 120 s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def batch_body(size: int, customers: list[str], rng: random.Random) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    return {
        "batch": [
            {
                "type": "track",
                "messageId": uuid.uuid4().hex,
                "userId": f"u_{rng.randrange(50_000)}",
                "event": rng.choice(("Report Created", "Dashboard Viewed", "Export Run")),
                "properties": {"rows": rng.randrange(1000), "plan": "pro"},
                "context": {"groupId": rng.choice(customers), "library": {"name": "bench"}},
                "timestamp": now,
            }
            for _ in range(size)
        ]
    }


async def send_events(
    url: str,
    key: str,
    *,
    events: int,
    batch: int,
    connections: int,
    seconds: float,
    customers: list[str],
    pace: float | None = None,
) -> dict[str, Any]:
    """Send batches on ``connections`` connections; ``pace``: at most that many events/s."""
    rng = random.Random(1)
    bodies = [batch_body(batch, customers, rng) for _ in range(min(200, events // batch + 1))]
    latencies: list[float] = []
    acked = errors = 0
    last_id = ""
    started = time.perf_counter()
    deadline = started + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            nonlocal acked, errors, last_id
            while acked < events and time.perf_counter() < deadline:
                if pace is not None:
                    due = started + acked / pace
                    if (wait := due - time.perf_counter()) > 0:
                        await asyncio.sleep(wait)
                body = rng.choice(bodies)
                for message in body["batch"]:  # fresh ids: every event is new
                    message["messageId"] = uuid.uuid4().hex
                t0 = time.perf_counter()
                r = await client.post("/v1/batch", json=body)
                latencies.append((time.perf_counter() - t0) * 1000)
                if r.status_code == 200:
                    acked += batch
                    last_id = body["batch"][-1]["messageId"]
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return {
        "events": acked,
        "seconds": elapsed,
        "events_per_s": acked / elapsed,
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
        "errors": errors,
        "last_id": last_id,
    }


async def wait_moved(url: str, key: str, message_id: str, timeout: float = 600) -> float:
    """Seconds until the mover has moved ``message_id`` into the warehouse."""
    started = time.perf_counter()
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        while time.perf_counter() - started < timeout:
            r = await client.get(f"/v1/events/{message_id}")
            if r.status_code == 200 and r.json()["moved_at"]:
                return time.perf_counter() - started
            await asyncio.sleep(0.25)
    return float("nan")


async def read_profiles(url: str, key: str, ids: list[str], rate: float) -> dict[str, Any]:
    """Open-loop reads at ``rate``/s; latency from each request's scheduled start."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {key}"}, limits=limits, timeout=60
    ) as client:
        await client.get(f"/v1/customers/{ids[0]}")  # warm-up: compiles the queries
        started = time.perf_counter()

        async def one(i: int, customer_id: str) -> None:
            scheduled = started + i / rate
            if (wait := scheduled - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            r = await client.get(f"/v1/customers/{customer_id}")
            latencies.append((time.perf_counter() - scheduled) * 1000)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        await asyncio.gather(*(one(i, c) for i, c in enumerate(ids)))
        elapsed = time.perf_counter() - started
    return {
        "calls": len(latencies),
        "achieved_rate": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "statuses": statuses,
    }


async def mixed(
    url: str,
    keys: dict[str, str],
    args: argparse.Namespace,
    ids: list[str],
    customers: list[str],
    pace: float,
) -> dict[str, Any]:
    seconds = len(ids) / args.rate + 5
    sender = asyncio.create_task(
        send_events(
            url,
            keys["write"],
            events=10**9,
            batch=args.batch,
            connections=2,
            seconds=seconds,
            customers=customers,
            pace=pace,
        )
    )
    reads = await read_profiles(url, keys["read"], ids, args.rate)
    sent = await sender
    return reads | {"background_events_per_s": sent["events_per_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", default="sqlite", help="sqlite, or a PostgreSQL URL")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=20, help="profile reads per second")
    parser.add_argument("--reads", type=int, default=600)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out"))
    parser.add_argument("--keep", action="store_true", help="keep the deployment folder")
    parser.add_argument(
        "--threads", type=int, default=None, help="DuckDB threads of the tenant's warehouse"
    )
    args = parser.parse_args()
    console = Console(width=150)
    args.workdir.mkdir(parents=True, exist_ok=True)

    world = ensure_world(args.customers, args.months, args.seed, args.workdir)
    folder, keys = make_deployment(world, args.workdir, args.store, args.threads)
    ids = sample_ids(folder, args.reads, args.seed)
    customers = sorted(set(ids))
    library = library_reads(folder, ids[: min(200, len(ids))])
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(folder, port)
    try:
        cpu0 = cpu_seconds(server.pid)
        ingest = asyncio.run(
            send_events(
                url,
                keys["write"],
                events=args.events,
                batch=args.batch,
                connections=args.connections,
                seconds=args.seconds,
                customers=customers,
            )
        )
        moved = (
            asyncio.run(wait_moved(url, keys["read"], ingest["last_id"]))
            if ingest["last_id"]
            else 0.0
        )
        ingest["server_cpu_s"] = cpu_seconds(server.pid) - cpu0  # requests and the mover
        idle = asyncio.run(read_profiles(url, keys["read"], ids, args.rate))
        busy = asyncio.run(
            mixed(url, keys, args, ids, customers, pace=max(ingest["events_per_s"] / 4, 100))
        )
    finally:
        server.terminate()
        server.wait(timeout=120)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    command = "python bench/api.py " + " ".join(sys.argv[1:])
    load = os.getloadavg()[0]
    console.print(f"`{command}`\n")
    console.print(
        f"{platform.machine()}, {os.cpu_count()} cores, load {load:.1f}, Python "
        f"{platform.python_version()}, {dt.date.today()}; demo {args.customers:,} customers, "
        f"{args.months} months, seed {args.seed}; store {args.store}\n"
    )
    table = Table(title="tenure serve on loopback")
    for column in ("phase", "what", "result", "p50 ms", "p99 ms", "notes"):
        table.add_column(column)
    table.add_row(
        "ingest",
        f"POST /v1/batch ({args.batch} events, {args.connections} conns)",
        f"{ingest['events_per_s']:,.0f} events/s",
        f"{ingest['p50']:.1f}",
        f"{ingest['p99']:.1f}",
        f"{ingest['events']:,} events in {ingest['seconds']:.1f} s, {ingest['errors']} errors; "
        f"last one in the warehouse {moved:.1f} s later; server CPU "
        f"{ingest['server_cpu_s']:.1f} s = "
        f"{ingest['events'] / max(ingest['server_cpu_s'], 0.01):,.0f} "
        "events per CPU-second (received and moved)",
    )
    table.add_row(
        "library",
        "Workspace.customer_profile (no HTTP)",
        f"{library['calls']} calls",
        f"{library['p50']:.1f}",
        f"{library['p99']:.1f}",
        "the floor under the API",
    )
    for name, r, extra in (
        ("reads", idle, "server otherwise idle"),
        ("reads + ingest", busy, f"{busy.get('background_events_per_s', 0):,.0f} events/s"),
    ):
        table.add_row(
            name,
            f"GET /v1/customers/{{id}} at {args.rate:g}/s",
            f"{r['calls']} calls, {r['achieved_rate']:.1f}/s",
            f"{r['p50']:.1f}",
            f"{r['p99']:.1f}",
            f"max {r['max']:.0f} ms, {r['statuses']}; {extra}",
        )
    console.print(table)
    out = args.workdir / "api.json"
    out.write_text(
        json.dumps(
            {
                "command": command,
                "load": load,
                "ingest": ingest,
                "moved_s": moved,
                "library": library,
                "reads": idle,
                "reads_with_ingest": busy,
            },
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
