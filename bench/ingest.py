"""Benchmark Tenure's bulk ingestion of Segment and Stripe JSON Lines.

Usage: ``python bench/ingest.py [--sizes N ...] [--kinds segment stripe]
[--workdir bench/out] [--keep]``.

Generates deterministic input files with DuckDB (no Python loop per record),
cached in the work folder, then times ``plan_file`` + ``write_batch`` into a new
DuckDB warehouse (``memory_limit="1GB"``), each run in a fresh subprocess so its
peak RSS is its own. Prints the command, machine facts and a table, and writes
the table as Markdown to ``<workdir>/ingest.md``. See ``bench/README.md``.

Parameters
----------
--sizes
    Records per file, for every kind. Default: 1M and 10M Segment events, but
    1M and 2M Stripe invoices (10M invoices would be ~9 GB of JSON).
--kinds
    ``segment`` (track/page/identify, 90/5/5) and/or ``stripe`` (invoices).
--workdir
    Inputs, warehouses and ``ingest.md`` (default ``bench/out``).
--keep
    Keep the generated inputs and warehouses (otherwise deleted after their runs).

Notes
-----
The smallest Segment size is re-ingested into the same warehouse ("segment
(re-ingest)", must add 0 rows). Sizes the free disk cannot hold are skipped.
Segment lines go through DuckDB's CSV writer as raw JSON text, because ``FORMAT
json`` would write every key on every message (``"event": null`` on a page).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

KINDS = ("segment", "stripe")
DEFAULT_SIZES = {"segment": [1_000_000, 10_000_000], "stripe": [1_000_000, 2_000_000]}
BYTES_PER_RECORD = {"segment": 390, "stripe": 930}
T0 = 1735689600  # 2025-01-01T00:00:00Z: every timestamp falls within 2025
HEADERS = ["kind", "events", "file MB", "seconds", "records/s", "peak RSS MB"]
HEADERS += ["new rows", "rejects"]
TARGETS = "Targets: >= 500,000 records/s for bulk JSONL; peak RSS < 2,048 MB at 10M events."


def _pick(values: list[str], i: str = "i") -> str:
    """SQL choosing one of ``values`` by ``i``, deterministically."""
    return f"{values!r}[1 + {i} % {len(values)}]"


def segment_copy(n: int, path: Path) -> str:
    """COPY statement writing ``n`` Segment messages, one JSON object per line."""
    page = _pick(["Dashboard", "Reports", "Settings", "Billing"])
    common = "'messageId': 'm-' || i, 'userId': 'u' || (i % 50000)"
    return f"""COPY (SELECT CAST(CASE
  WHEN i % 20 = 0 THEN to_json({{'type': 'page', {common}, 'name': {page}, 'timestamp': ts,
    'properties': {{'path': '/app/' || lower({page}), 'title': 'Acme'}}, 'context': ctx}})
  WHEN i % 20 = 1 THEN to_json({{'type': 'identify', {common}, 'timestamp': ts,
    'traits': {{'email': 'u' || (i % 50000) || '@example.com',
      'plan': {_pick(["starter", "pro", "team"])}, 'customer_id': 'cus_' || (i % 20000)}},
    'context': ctx}})
  ELSE to_json({{'type': 'track', {common},
    'event': {_pick(["Feature Used", "Report Exported", "Seat Added", "Invite Sent"])},
    'timestamp': ts, 'properties': {{'feature': {_pick(["reports", "exports", "alerts", "api"])},
      'duration_ms': i % 5000}}, 'context': ctx}})
  END AS VARCHAR)
FROM (SELECT range AS i,
  strftime(make_timestamp(({T0}000 + range * 31535000 // {n} * 1000 + range % 1000) * 1000),
    '%Y-%m-%dT%H:%M:%S.%gZ') AS ts,
  {{'groupId': 'cus_' || (range % 20000), 'locale': {_pick(["en-US", "de-DE", "fr-FR"], "range")},
    'timezone': {_pick(["Europe/Berlin", "America/New_York", "Europe/Paris"], "range")},
    'os': {{'name': 'macOS', 'version': '14'}}, 'device': {{'type': 'desktop'}},
    'library': {{'name': 'analytics.js', 'version': '4.1.0'}}, 'page': {{'path': '/app'}}}} AS ctx
  FROM range({n})))
TO '{path}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')"""


def stripe_copy(n: int, path: Path) -> str:
    """COPY statement writing ``n`` Stripe invoices (2025+ API shape) with one line each."""
    amt = "(1 + i % 5) * [900, 2900, 9900][1 + i % 3]"
    discounts = "[]::STRUCT(amount BIGINT, discount VARCHAR)[]"
    taxes = "[]::STRUCT(amount BIGINT, tax_rate VARCHAR)[]"
    sub = "'sub_' || (i % 20000)"
    return f"""COPY (SELECT 'in_' || i AS id, 'invoice' AS object,
  'cus_' || (i % 20000) AS customer, 'paid' AS status, 'usd' AS currency, created,
  {amt} AS subtotal, {amt} AS total, {amt} AS amount_due, {amt} AS amount_paid,
  1 AS attempt_count, created - 2592000 AS period_start, created AS period_end,
  'subscription_cycle' AS billing_reason, {{'paid_at': created + 3600}} AS status_transitions,
  {discounts} AS total_discount_amounts, {taxes} AS total_taxes,
  {{'type': 'subscription_details', 'subscription_details': {{'subscription': {sub}}}}} AS parent,
  {{'object': 'list', 'has_more': false, 'data': [{{'id': 'il_' || i, 'object': 'line_item',
    'amount': {amt}, 'currency': 'usd', 'quantity': 1 + i % 5,
    'period': {{'start': created, 'end': created + 2592000}},
    'discount_amounts': {discounts}, 'taxes': {taxes},
    'parent': {{'type': 'subscription_item_details', 'subscription_item_details': {{
      'subscription': {sub}, 'subscription_item': 'si_' || (i % 20000), 'proration': false}}}},
    'pricing': {{'type': 'price_details', 'price_details': {{
      'price': {_pick(["price_basic", "price_pro", "price_team"])},
      'product': {_pick(["prod_basic", "prod_pro", "prod_team"])}}}}}}}]}} AS lines
FROM (SELECT range AS i, {T0} + range * 31535000 // {n} AS created FROM range({n})))
TO '{path}' (FORMAT json)"""


def generate(kind: str, n: int, workdir: Path) -> Path:
    """Return the input file for ``kind`` and ``n``, writing it only when missing."""
    path = workdir / f"{kind}-{n}.jsonl"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        started = time.perf_counter()
        with duckdb.connect() as con:
            con.execute("SET enable_progress_bar = false")
            con.execute((segment_copy if kind == "segment" else stripe_copy)(n, tmp))
        tmp.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f}s")
    return path


def child(file: str, db: str) -> None:
    """Run one ingest in this process and print its measurements as JSON."""
    import datetime as dt
    import resource

    from tenure.ingest import plan_file
    from tenure.store import Warehouse

    now = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    wh = Warehouse(f"duckdb://{db}", memory_limit="1GB")
    started = time.perf_counter()
    batch = plan_file(Path(file), now=now)
    result = wh.write_batch(batch, now=now)
    seconds = time.perf_counter() - started
    wh.close()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # ru_maxrss is KiB
    out = {"seconds": seconds, "rss_mb": rss_mb, "rows": result.rows}
    print(json.dumps({**out, "rejects": result.rejects, "duplicates": result.duplicates}))


def measure(file: Path, db: Path, verb: str = "ingesting") -> dict[str, Any]:
    """Ingest ``file`` into ``db`` in a fresh subprocess; return its measurements."""
    print(f"{verb} {file.name} ...", flush=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(file), str(db)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:  # report it in the table and go on with the next size
        sys.stderr.write(proc.stderr)
        lines = proc.stderr.strip().splitlines() or ["?"]
        return {"error": next((x for x in reversed(lines) if "Error" in x), lines[-1])[-110:]}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def remove_db(db: Path) -> None:
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    shutil.rmtree(f"{db}.tmp", ignore_errors=True)


def row(kind: str, n: int, file: Path, m: dict[str, Any]) -> list[str]:
    head = [kind, f"{n:,}", f"{file.stat().st_size / 1e6:,.0f}"]
    if "error" in m:
        return [*head, "FAILED", "", "", m["error"], ""]
    new = ", ".join(f"{v:,} {k}" for k, v in m["rows"].items() if v) or "0"
    if m["duplicates"]:
        new += f" ({m['duplicates']:,} duplicates)"
    secs, rss = m["seconds"], f"{m['rss_mb']:,.0f}"
    return [*head, f"{secs:.1f}", f"{n / secs:,.0f}", rss, new, f"{m['rejects']:,}"]


def load(when: str) -> str:  # other processes on the machine slow every measurement down
    avg = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"load average at {when} (1/5/15 min): {avg}"


def machine() -> list[str]:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with Path("/proc/cpuinfo").open() as fh:
        cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    py, system = platform.python_version(), f"{platform.system()} {platform.release()}"
    return [
        f"cores: {os.cpu_count()} ({cpu or platform.processor()}), RAM: {ram:.1f} GiB",
        f"duckdb {duckdb.__version__}, Python {py}, {system}",
        load("start"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--sizes", type=int, nargs="+", help="records per file (all kinds)")
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    ap.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument("--keep", action="store_true", help="keep generated files")
    ap.add_argument("--child", nargs=2, metavar=("FILE", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    command = shlex.join([sys.executable, *sys.argv])
    facts = machine()
    print(f"$ {command}", *facts, sep="\n")
    workdir: Path = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    table: list[list[str]] = []
    notes = [TARGETS]
    for kind in args.kinds:
        sizes: list[int] = sorted(args.sizes or DEFAULT_SIZES[kind])
        for n in sizes:
            file = workdir / f"{kind}-{n}.jsonl"
            est = n * BYTES_PER_RECORD[kind]  # the warehouse and DuckDB's spill take ~as much
            need = (0 if file.exists() else est) + est + 2 * 2**30
            free = shutil.disk_usage(workdir).free
            if free < need:
                gb = f"~{need / 1e9:.1f} GB free in {workdir}, has {free / 1e9:.1f} GB"
                notes.append(f"SKIPPED {kind} {n:,}: needs {gb}")
                print(notes[-1])
                continue
            file = generate(kind, n, workdir)
            db = workdir / f"{kind}-{n}.duckdb"
            remove_db(db)
            table.append(row(kind, n, file, measure(file, db)))
            if kind == "segment" and n == sizes[0]:
                again = measure(file, db, "re-ingesting")
                table.append(row("segment (re-ingest)", n, file, again))
            if not args.keep:
                remove_db(db)
                file.unlink()
    facts.append(load("end"))
    print(facts[-1])
    rich_table = Table(*HEADERS)
    for r in table:
        rich_table.add_row(*r)
    Console(width=160).print(rich_table)
    md = [f"`{command}`", "", *[f"- {f}" for f in facts], ""]
    md += ["| " + " | ".join(r) + " |" for r in [HEADERS, ["---"] * len(HEADERS), *table]]
    (workdir / "ingest.md").write_text("\n".join([*md, "", *notes]) + "\n")
    print(*notes, f"wrote {workdir / 'ingest.md'}", sep="\n")


if __name__ == "__main__":
    main()
