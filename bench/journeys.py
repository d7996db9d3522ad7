"""Journey engine throughput: steps executed per second, on SQLite and on PostgreSQL.

    python bench/journeys.py [--customers 100000] [--stores sqlite postgres]
        [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--workdir bench/out/journeys]
        [--batch-size 500] [--keep]

Builds a workspace of N customers who all did ``usage_limit_reached`` an hour ago
(customers and events written by DuckDB's ``COPY``, then ingested like any file) and three
journeys that send through a real SMTP server (aiosmtpd) and a real HTTP receiver, both
running in this process:

- ``limit``: an A/B split (1:3); arm a gets an e-mail, a signed webhook (queued in the
  outbox, posted by the worker), a task for the owner and an exit; arm b an in-app message
  and a trait (5 and 3 step runs);
- ``nurture``: a 2-second wait, a wait for ``upgraded`` (which nobody does) that times out
  after 2 seconds, then an in-app message (1 step run; waits are not runs).

One worker tick's enrolment phase enrols everyone (timed apart). Then ``tenure worker``
processes run (one on SQLite, two side by side on PostgreSQL, which share the operational
store and claim with ``FOR UPDATE SKIP LOCKED``) until every enrolment has ended and every
webhook was posted. It checks that no e-mail and no webhook arrived twice and that each
arrived, and prints a Markdown table (docs/benchmarks.md, "Journeys").
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
LIMIT = """\
name: limit
trigger: {type: event, event: usage_limit_reached}
steps:
  - id: split
    type: branch
    split: [{variant: a, weight: 1}, {variant: b, weight: 3, goto: note_b}]
  - {id: mail, type: send, channel: email, subject: "{{ customer.name }}, you hit the limit",
     text: "Hello {{ customer.name }}, upgrade for more.", html: "<p>Hello {{ customer.name }}</p>"}
  - {id: hook, type: send, channel: webhook, payload: {customer: "{{ customer.customer_id }}"}}
  - {id: task, type: task, title: "Call {{ customer.name }}"}
  - {id: end_a, type: exit}
  - {id: note_b, type: send, channel: inapp, title: "Hi {{ customer.name }}", body: B}
  - {id: trait, type: set_trait, trait: nudged, value: true}
"""
NURTURE = """\
name: nurture
trigger: {type: event, event: usage_limit_reached}
steps:
  - {id: pause, type: wait, duration: 2s}
  - {id: watch, type: wait, until_event: upgraded, timeout: 2s}
  - {id: note, type: send, channel: inapp, title: "Tips", body: "Tips for {{ customer.name }}"}
"""
JOURNEYS = {"limit": LIMIT, "nurture": NURTURE}


class Sinks:
    """The SMTP server and the HTTP receiver: what arrived, by Message-ID / Tenure-Event-Id."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.mails: Counter[str] = Counter()
        self.hooks: Counter[str] = Counter()
        sinks = self

        class Smtp:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with sinks.lock:
                    sinks.mails[str(message["Message-ID"])] += 1
                return "250 Message accepted for delivery"

        class Http(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sinks.lock:
                    sinks.hooks[self.headers["Tenure-Event-Id"]] += 1
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.smtp_port = int(s.getsockname()[1])
        self.controller = Controller(Smtp(), hostname="127.0.0.1", port=self.smtp_port)
        self.controller.start()
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Http)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/hooks"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def counts(self) -> tuple[int, int, int, int]:
        """E-mails and webhooks received, and how many of them were repeats."""
        with self.lock:
            mails, hooks = sum(self.mails.values()), sum(self.hooks.values())
            return mails, hooks, mails - len(self.mails), hooks - len(self.hooks)

    def close(self) -> None:
        self.controller.stop()
        self.http.shutdown()
        self.http.server_close()


def build(folder: Path, customers: int, store_url: str | None, sinks: Sinks, batch: int) -> None:
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
        f'reporting_currency = "USD"\n{store}'
        f"[journeys]\npoll_seconds = 0.5\nbatch_size = {batch}\nrecheck_seconds = 5\n"
        f'[email]\nhost = "127.0.0.1"\nport = {sinks.smtp_port}\n'
        'from_address = "Bench <hello@bench.test>"\nunsubscribe_secret = "bench-secret"\n'
        f'[webhooks]\nurl = "{sinks.url}"\nsecret = "whsec-bench"\n'
    )
    with Workspace.init(folder) as ws:
        ws.ingest([folder / "customers.csv"], format="table")
        ws.ingest([folder / "events.jsonl"], format="segment")
    (folder / "journeys").mkdir()
    for name, text in JOURNEYS.items():
        (folder / "journeys" / f"{name}.yaml").write_text(text)
    Deployment.upgrade(folder)
    with Deployment.open(folder) as d:
        d.create_tenant("bench", name="Bench", folder=".")


def _peak_rss_mb(pid: int) -> float:
    """A live process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _count(engine: Any, sql: str) -> int:
    from sqlalchemy import text

    with engine.connect() as c:
        return int(c.execute(text(sql)).scalar_one())


def run(folder: Path, workers: int, sinks: Sinks, max_seconds: float | None) -> dict[str, Any]:
    """Enrol with one tick's enrolment phase, then time the workers until all steps ran.

    With ``max_seconds`` the workers are stopped then (SIGTERM, then SIGKILL after 60 s)
    and the steps recorded so far are counted: the rate of a run cut short.
    """
    from tenure.act.journeys import JourneyRunner, load_journeys
    from tenure.act.outbox import status_counts
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
    log = (folder / "worker.log").open("ab")
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tenure.cli.main", "worker", "-w", str(folder)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(workers)
    ]
    rss, finished = 0.0, False
    try:
        with Deployment.open(folder) as d:
            engine = d.store.engine
            while True:
                rss = max([rss, *(_peak_rss_mb(p.pid) for p in procs if p.poll() is None)])
                active = _count(
                    engine, "SELECT count(*) FROM journey_enrolments WHERE status = 'active'"
                )
                queued = _count(engine, "SELECT count(*) FROM outbox WHERE status = 'pending'")
                if active == 0 and queued == 0:
                    finished = True
                    break
                if max_seconds is not None and time.perf_counter() - start >= max_seconds:
                    break
                if all(p.poll() is not None for p in procs):
                    raise RuntimeError(f"the workers stopped; see {folder / 'worker.log'}")
                time.sleep(2)
            seconds = time.perf_counter() - start
    finally:
        for p in procs:
            rss = max(rss, _peak_rss_mb(p.pid)) if p.poll() is None else rss
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()
    with Deployment.open(folder) as d:
        tenant = d.tenant("bench")
        engine = d.store.engine
        steps = sum(r["runs"] for r in d.store.step_runs(tenant.id))
        mails_done = _count(
            engine, "SELECT count(*) FROM journey_steps WHERE channel = 'email' AND status = 'done'"
        )
        in_flight = _count(
            engine,
            "SELECT count(*) FROM journey_steps WHERE channel = 'email' "
            "AND status IN ('sending', 'unconfirmed')",
        )
        hooks_sent = status_counts(engine, tenant_id=tenant.id)["sent"]
        ended = _count(engine, "SELECT count(*) FROM journey_enrolments WHERE status <> 'active'")
    mails, hooks, mail_repeats, hook_repeats = sinks.counts()
    if mail_repeats or not mails_done <= mails <= mails_done + in_flight:
        raise RuntimeError(
            f"{mails_done} e-mails recorded done ({in_flight} in flight), but {mails} arrived "
            f"({mail_repeats} of them repeats)"
        )
    if hooks - hook_repeats < hooks_sent:
        raise RuntimeError(f"{hooks_sent} webhooks recorded sent, {hooks} arrived")
    return {
        "enrolled": enrolled,
        "ended": ended,
        "finished": finished,
        "enrol_s": enrol_s,
        "steps": steps,
        "seconds": seconds,
        "mails": mails,
        "hooks": hooks,
        "repeats": mail_repeats + hook_repeats,
        "rss": rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out" / "journeys")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the workspaces")
    parser.add_argument(
        "--max-seconds", type=float, default=None, help="stop the workers after this long"
    )
    args = parser.parse_args()
    print(f"$ python bench/journeys.py {' '.join(sys.argv[1:])}")
    print(
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    rows = []
    for store in args.stores:
        folder = args.workdir / f"{store}-{args.customers}"
        shutil.rmtree(folder, ignore_errors=True)
        url, workers, database = None, 1, None
        if store == "postgres":
            import psycopg

            database = f"tenure_bench_journeys_{os.getpid()}"
            with psycopg.connect(args.pg, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
                admin.execute(f'CREATE DATABASE "{database}"')
            url = args.pg.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            url += f"/{database}"
            workers = 2
        sinks = Sinks()
        try:
            started = time.perf_counter()
            build(folder, args.customers, url, sinks, args.batch_size)
            print(f"{store}: built in {time.perf_counter() - started:.1f} s", flush=True)
            result = run(folder, workers, sinks, args.max_seconds)
        finally:
            sinks.close()
        print(f"{store}: {result}; load average {os.getloadavg()[0]:.2f}", flush=True)
        rows.append((store, workers, result))
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
            if database is not None:
                import psycopg

                with psycopg.connect(args.pg, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
    print(
        "\n| customers | journeys | store | workers | enrolments | ended | enrol (s) | steps "
        "| seconds | steps/s | e-mails | webhooks | sends/s | repeats | peak RSS (MB) |"
    )
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: | ---: | ---: |")  # fmt: skip
    for store, workers, r in rows:
        sends = r["mails"] + r["hooks"]
        print(
            f"| {args.customers:,} | {len(JOURNEYS)} | {store} | {workers} | {r['enrolled']:,} "
            f"| {r['ended']:,}{'' if r['finished'] else ' (cut short)'} | {r['enrol_s']:.1f} "
            f"| {r['steps']:,} | {r['seconds']:.1f} "
            f"| {r['steps'] / r['seconds']:,.0f} | {r['mails']:,} | {r['hooks']:,} "
            f"| {sends / r['seconds']:,.0f} | {r['repeats']} | {r['rss']:,.0f} |"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
