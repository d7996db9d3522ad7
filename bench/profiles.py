"""Benchmark the customer reads: ``Workspace.customer_profile`` and a ``customers()`` page.

Usage: ``python bench/profiles.py [--customers 100000] [--months 24] [--seed 0]
[--calls 300] [--workdir bench/out] [--root WORKSPACE]``.

Target (issue 5): p99 of one profile under 50 ms on a 100k-customer warehouse (DuckDB, the
default). The demo world is the one ``bench/risk.py`` makes and caches in
``<workdir>/risk-<customers>-m<months>-s<seed>`` (or the workspace given as ``--root``);
when it has no stored profiles or no clustered copy of the customer items yet, a churn
model is trained if missing and the day refreshed once (not timed). The run then times, on
one workspace as the API holds it open:

- ``customer_profile``: ``--calls`` random customers of the latest profile day (timeline of
  50), after one warm-up call that compiles the queries (reported on its own);
- ``customers()``: the first page (50, riskiest first), the page after it (cursor), and a
  filtered page (a segment and a plan), each repeated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _worlds import demo_world  # bench/_worlds.py
from rich.console import Console
from rich.table import Table


def ensure_world(
    customers: int, months: int, seed: int, workdir: Path, root: Path | None = None
) -> Path:
    from tenure import Workspace

    if root is None:
        root = demo_world(customers, months, seed, workdir)
    with Workspace.open(root) as ws:
        refreshed = ws.profile_day() is not None
        if not refreshed or "customer_items" not in ws.warehouse.ibis.list_tables():
            try:
                ws.churn_model()
            except Exception:
                ws.churn_train()
            ws.refresh()  # stores the day's profiles and writes the clustered copy
    return root


def timings(fn: Callable[[], Any], calls: int) -> list[float]:
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return sorted(out)


def pct(ms: list[float], q: float) -> float:
    return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument(
        "--root",
        type=Path,
        default=None,
        help="an existing workspace to read (default: the cached demo world of bench/risk.py)",
    )
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    from tenure import Workspace

    root = ensure_world(args.customers, args.months, args.seed, args.workdir, args.root)
    rows: list[list[str]] = []
    with Workspace.open(root) as ws:
        day = ws.profile_day()
        con = ws.warehouse.con
        ids = [
            r[0]
            for r in con.execute(
                "SELECT customer_id FROM customer_profiles WHERE as_of = ? ORDER BY customer_id",
                [day],
            ).fetchall()
        ]
        events = con.execute("SELECT count(*) FROM events").fetchone()
        invoices = con.execute("SELECT count(*) FROM invoices").fetchone()
        rng = random.Random(args.seed)
        t0 = time.perf_counter()
        ws.customer_profile(ids[0])
        cold = (time.perf_counter() - t0) * 1000
        picks = iter([rng.choice(ids) for _ in range(args.calls)])
        profile = timings(lambda: ws.customer_profile(next(picks)), args.calls)
        first = ws.customers()
        page_calls = max(10, args.calls // 10)
        page1 = timings(lambda: ws.customers(), page_calls)
        page2 = timings(lambda: ws.customers(cursor=first["next_cursor"]), page_calls)
        plan = first["items"][0]["plan"] if first["items"] else None
        filtered = timings(lambda: ws.customers(segment="high_ltv", plan=plan), page_calls)

    def line(what: str, ms: list[float]) -> list[str]:
        return [what, f"{pct(ms, 0.5):.1f}", f"{pct(ms, 0.99):.1f}", f"{ms[-1]:.1f}", str(len(ms))]

    rows = [
        line("customer_profile (timeline 50)", profile),
        ["customer_profile, first call (compiles)", f"{cold:.1f}", "", "", "1"],
        line("customers() first page (50, -churn_probability)", page1),
        line("customers() next page (cursor)", page2),
        line("customers(segment='high_ltv', plan=...)", filtered),
    ]
    console = Console(width=120)
    cmd = " ".join(["python", "bench/profiles.py", *sys.argv[1:]])
    console.print(f"$ {cmd}")
    facts = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d}"
    )
    world = (
        f"{len(ids):,} profiles on {day}, {events[0] if events else 0:,} events, "
        f"{invoices[0] if invoices else 0:,} invoices (demo {args.customers:,} customers, "
        f"{args.months} months, seed {args.seed})"
    )
    console.print(facts)
    console.print(world)
    table = Table(title="Customer reads (ms)")
    for col in ("call", "p50", "p99", "max", "calls"):
        table.add_column(col, justify="left" if col == "call" else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    md = [
        "| call | p50 ms | p99 ms | max ms | calls |",
        "| --- | ---: | ---: | ---: | ---: |",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]
    out = args.workdir / f"profiles-{args.customers}.md"
    out.write_text(f"`{cmd}`\n\n{facts}\n\n{world}\n\n" + "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
