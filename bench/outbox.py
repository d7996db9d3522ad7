"""Benchmark the webhook outbox: enqueue and delivery rates on SQLite and PostgreSQL.

Usage: ``python bench/outbox.py [--rows 1000] [--limit 100] [--workers 1]
[--stores sqlite postgres] [--pg postgresql://postgres@127.0.0.1:5432/postgres]``.

Phases, per store (a fresh SQLite file, or a fresh PostgreSQL database dropped after):

1. **enqueue**: ``--rows`` calls of ``tenure.act.outbox.enqueue``, each in its own
   transaction (as an accepted offer does: one commit each).
2. **deliver**: ``--workers`` threads call ``deliver_due(limit=--limit)`` until nothing is
   due; every row is posted, signed, to a local HTTP server that answers 200, and marked
   sent in its own transaction. The script checks each key arrived exactly once.

Both the receiver and the workers share this process and the machine's cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import os
import platform
import tempfile
import threading
import time
from collections import Counter
from typing import ClassVar

import httpx

from tenure.act.outbox import DeliveryReport, deliver_due, enqueue
from tenure.config import WebhookSettings
from tenure.store.operational import OperationalStore

NOW = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)


class _Receiver(http.server.BaseHTTPRequestHandler):
    keys: ClassVar[Counter[str]] = Counter()
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.keys[self.headers["Tenure-Event-Id"]] += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def run(url: str, destination: str, rows: int, limit: int, workers: int) -> dict[str, float]:
    store = OperationalStore(url)
    store.upgrade()
    _Receiver.keys.clear()
    started = time.perf_counter()
    for i in range(rows):
        with store.engine.begin() as con:
            enqueue(
                con,
                tenant_id="ten_bench",
                kind="offer.accepted",
                key=f"k{i}",
                destination=destination,
                body={"i": i},
                now=NOW,
            )
    enqueued = time.perf_counter()
    hooks = WebhookSettings(secret="bench")
    reports: list[DeliveryReport] = []

    def work() -> None:
        with httpx.Client() as client:
            while (report := deliver_due(store.engine, client, hooks, NOW, limit)).sent:
                reports.append(report)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    delivered = time.perf_counter()
    store.close()
    assert sum(r.sent for r in reports) == rows
    assert len(_Receiver.keys) == rows and set(_Receiver.keys.values()) == {1}
    return {
        "enqueue_per_s": rows / (enqueued - started),
        "deliver_per_s": rows / (delivered - enqueued),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    destination = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    print(f"{platform.node()}: {os.cpu_count()} cores; rows {args.rows}, limit {args.limit}, "
          f"workers {args.workers}")  # fmt: skip
    print("| store | enqueue (rows/s, one commit each) | deliver (rows/s) |")
    print("|---|---|---|")
    for kind in args.stores:
        if kind == "sqlite":
            folder = tempfile.mkdtemp()
            result = run(f"sqlite:///{folder}/bench.sqlite", destination, **_opts(args))
        else:
            import psycopg

            name = "tenure_bench_outbox_" + os.urandom(3).hex()
            with psycopg.connect(args.pg, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
                try:
                    base = args.pg.rsplit("/", 1)[0].replace(
                        "postgresql://", "postgresql+psycopg://"
                    )
                    result = run(f"{base}/{name}", destination, **_opts(args))
                finally:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"| {kind} | {result['enqueue_per_s']:,.0f} | {result['deliver_per_s']:,.0f} |")
    server.shutdown()


def _opts(args: argparse.Namespace) -> dict[str, int]:
    return {"rows": args.rows, "limit": args.limit, "workers": args.workers}


if __name__ == "__main__":
    main()
