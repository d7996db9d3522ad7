"""The folder layout of a demo world and the writers for each kind of file.

::

    OUT / manifest.json
    OUT / stripe / {
        customers,
        products,
        prices,
        coupons,
        subscriptions,
        invoices,
        charges,
        events,
    }.jsonl
    OUT / segment / events.jsonl
    OUT / tables / {feedback, support_tickets, fx_rates}.csv
    OUT / ground_truth / churn_drivers.parquet
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

import polars as pl

from tenure.demo._ledger import dumps

__all__ = [
    "LAYOUT",
    "StreamedFiles",
    "open_output",
    "write_csv",
    "write_json_lines",
    "write_parquet",
]

LAYOUT = {
    "customers": "stripe/customers.jsonl",
    "products": "stripe/products.jsonl",
    "prices": "stripe/prices.jsonl",
    "coupons": "stripe/coupons.jsonl",
    "subscriptions": "stripe/subscriptions.jsonl",
    "invoices": "stripe/invoices.jsonl",
    "charges": "stripe/charges.jsonl",
    "stripe_events": "stripe/events.jsonl",
    "segment_events": "segment/events.jsonl",
    "feedback": "tables/feedback.csv",
    "support_tickets": "tables/support_tickets.csv",
    "fx_rates": "tables/fx_rates.csv",
    "ground_truth": "ground_truth/churn_drivers.parquet",
}
"""Every file of a demo world, relative to its folder."""


def _path(out: Path, name: str) -> Path:
    path = out / LAYOUT[name]
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class StreamedFiles:
    """JSON-lines files written while the simulation runs (a context manager)."""

    def __init__(self, out: Path, names: Iterable[str]) -> None:
        self._out = out
        self._names = tuple(names)
        self.handles: dict[str, IO[str]] = {}

    def __enter__(self) -> StreamedFiles:
        for name in self._names:
            self.handles[name] = _path(self._out, name).open(
                "w", encoding="utf-8", newline="\n", buffering=1 << 20
            )
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles.values():
            handle.close()


def write_json_lines(out: Path, name: str, records: Iterable[object]) -> int:
    """Write one JSON object (a dict) or pre-serialised string per line; return the count."""
    count = 0
    with _path(out, name).open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else dumps(record)) + "\n")  # type: ignore[arg-type]
            count += 1
    return count


def open_output(out: Path, name: str) -> IO[bytes]:
    """Open file ``name`` of the layout for binary writing (its folder is created)."""
    return _path(out, name).open("wb")


def write_csv(out: Path, name: str, frame: pl.DataFrame) -> int:
    """Write ``frame`` as CSV with a header row; return the number of data rows."""
    frame.write_csv(_path(out, name), line_terminator="\n")
    return frame.height


def write_parquet(out: Path, name: str, frame: pl.DataFrame) -> int:
    """Write ``frame`` as parquet (zstd); return the number of rows."""
    frame.write_parquet(_path(out, name), compression="zstd", statistics=True)
    return frame.height
