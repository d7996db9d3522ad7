"""Journey engine throughput: steps executed per second, on SQLite and on PostgreSQL.

    python bench/journeys.py [--customers 100000] [--stores sqlite postgres]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--workdir bench/out]

Builds a workspace with N customers who all did ``usage_limit_reached`` an hour ago and
two journeys (an A/B split, in-app messages, a trait, a task; and a second journey with an
in-app message), enrols them with one worker tick (timed apart), then starts ``tenure
worker`` processes (one on SQLite, two on PostgreSQL) and times them until every step of
every enrolment is recorded. Prints a Markdown table (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
LIMIT = """\
name: limit
trigger: {type: event, event: usage_limit_reached}
steps:
  - id: split
    type: branch
    split: [{variant: a, weight: 1}, {variant: b, weight: 1, goto: note_b}]
  - {id: note_a, type: send, channel: inapp, title: "Hi {{ customer.name }}", body: A}
  - {id: trait, type: set_trait, trait: nudged, value: true}
  - {id: task, type: task, title: "Call {{ customer.name }}"}
  - {id: end_a, type: exit}
  - {id: note_b, type: send, channel: inapp, title: B, body: B}
"""
OTHER = """\
name: other
trigger: {type: event, event: usage_limit_reached}
steps:
  - {id: note, type: send, channel: inapp, title: Other, body: other}
"""


def build(folder: Path, customers: int, store_url: str | None) -> None:
    """A workspace that is its own deployment, with N customers and N trigger events."""
    from tenure.workspace import Deployment, Workspace

    folder.mkdir(parents=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT printf('cus_%07d', i) AS customer_id, printf('c%d@example.test', i) AS "
        f"email, printf('Customer %d', i) AS name, 'UTC' AS timezone, 'en' AS locale, "
        f"TIMESTAMPTZ '2026-01-01 00:00:00+00' AS created_at FROM range({customers}) t(i)) "
        f"TO '{folder / 'customers.csv'}' (HEADER)"
    )
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    con.execute(
        f'COPY (SELECT printf(\'{{"type":"track","event":"usage_limit_reached",'
        f'"userId":"u%d","context":{{"groupId":"cus_%07d"}},"messageId":"m-%d",'
        f'"timestamp":"{stamp}"}}\', i, i, i) FROM range({customers}) t(i)) '
        f"TO '{folder / 'events.jsonl'}' "
        "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\\t')"
    )
    store = f'[store]\nurl = "{store_url}"\n' if store_url else ""
    (folder / "tenure.toml").write_text(
        f'reporting_currency = "USD"\n{store}[journeys]\npoll_seconds = 0.5\nbatch_size = 500\n'
    )
    with Workspace.init(folder) as ws:
        ws.ingest([folder / "customers.csv"], format="table")
        ws.ingest([folder / "events.jsonl"], format="segment")
    (folder / "journeys").mkdir()
    (folder / "journeys" / "limit.yaml").write_text(LIMIT)
    (folder / "journeys" / "other.yaml").write_text(OTHER)
    Deployment.upgrade(folder)
    with Deployment.open(folder) as d:
        d.create_tenant("bench", name="Bench", folder=".")


def run(folder: Path, workers: int, customers: int) -> dict[str, float]:
    """Enrol with one tick's enrolment phase, then time the workers until all steps ran."""
    from tenure.act.journeys import JourneyRunner, load_journeys
    from tenure.config import Settings
    from tenure.workspace import Deployment

    with Deployment.open(folder) as d:
        tenant = d.tenant("bench")
        settings = Settings.load(folder)
        start = time.perf_counter()
        with d._journey_warehouse(tenant, shared=False) as con:
            runner = JourneyRunner(
                d.store,
                tenant.id,
                load_journeys(folder / "journeys"),
                con,
                settings,
                clock=d.clock,
            )
            enrolled = runner.enroll()
        enrol_s = time.perf_counter() - start
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tenure.cli.main", "worker", "-w", str(folder)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        with Deployment.open(folder) as d:
            tenant = d.tenant("bench")
            while True:
                states = d.store.enrolment_counts(tenant.id)
                active = sum(r["enrolments"] for r in states if r["status"] == "active")
                if active == 0:
                    break
                time.sleep(0.5)
            steps = sum(r["runs"] for r in d.store.step_runs(tenant.id))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
    seconds = time.perf_counter() - start
    return {"enrolled": enrolled, "enrol_s": enrol_s, "steps": steps, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "journeys")
    args = parser.parse_args()
    print(
        f"$ python bench/journeys.py --customers {args.customers} --stores {' '.join(args.stores)}"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    rows = []
    for store in args.stores:
        folder = args.workdir / f"{store}-{args.customers}"
        shutil.rmtree(folder, ignore_errors=True)
        url, workers = None, 1
        if store == "postgres":
            import psycopg

            name = f"tenure_bench_journeys_{os.getpid()}"
            with psycopg.connect(args.pg, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                admin.execute(f'CREATE DATABASE "{name}"')
            url = args.pg.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            url += f"/{name}"
            workers = 2
        build(folder, args.customers, url)
        result = run(folder, workers, args.customers)
        rows.append((store, workers, result))
    print("\n| store | workers | customers | enrolment (s) | steps | seconds | steps/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for store, workers, r in rows:
        print(
            f"| {store} | {workers} | {args.customers:,} | {r['enrol_s']:.1f} | {r['steps']:,} "
            f"| {r['seconds']:.1f} | {r['steps'] / r['seconds']:,.0f} |"
        )


if __name__ == "__main__":
    main()
