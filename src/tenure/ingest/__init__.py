"""Ingestion: turn source files into :class:`Batch` es of validated rows.

Ingest reads and validates; it never writes. :func:`plan_file` looks at a file,
decides its format and returns the SQL that stages and maps it. The store runs
that SQL atomically (see ``tenure.store``).

Formats
-------
``stripe``
    Stripe API objects (JSON Lines, list envelopes, arrays, fixture files).
``segment``
    Segment-spec messages (JSON Lines, ``batch`` envelopes, arrays).
``table``
    Tenure's own tables as CSV, Parquet or JSON Lines (``--table`` or file name).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from tenure.errors import IngestError, Location, UnknownFormatError
from tenure.ingest import _read
from tenure.ingest._columns import ts_literal
from tenure.ingest.batch import Batch, FileReject, Load
from tenure.ingest.segment import segment_loads
from tenure.ingest.stripe import MODELLED_TYPES, TYPES_SQL, stripe_loads
from tenure.ingest.stripe_webhook import (
    WEBHOOK_SOURCE,
    plan_stripe_events,
    verify_stripe_signature,
)
from tenure.ingest.tables import table_loads
from tenure.schema import TABLES, table_spec

__all__ = [
    "FORMATS",
    "MODELLED_TYPES",
    "WEBHOOK_SOURCE",
    "Batch",
    "FileReject",
    "Load",
    "expand_paths",
    "plan_file",
    "plan_stripe_events",
    "ts_literal",
    "verify_stripe_signature",
]

Format = Literal["stripe", "segment", "table"]
FORMATS: tuple[str, ...] = ("stripe", "segment", "table")
_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv", ".parquet"}
_SNIFF = 1 << 20


def expand_paths(paths: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Yield ``(file, named)``: each file as given (``named``), then each folder's files.

    Folders are read recursively, in name order, keeping files whose suffix Tenure
    reads (``.jsonl``, ``.ndjson``, ``.json``, ``.csv``, ``.parquet``).

    Raises
    ------
    IngestError
        When a path does not exist.
    """
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in _SUFFIXES:
                    yield found, False
        elif path.is_file():
            yield path, True
        else:
            raise IngestError(
                "no such file or folder; check the path",
                location=Location(file=path),
            )


def _encoding(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".parquet" or head.startswith(b"PAR1"):
        return "parquet"
    if suffix in (".csv", ".tsv"):
        return "csv"
    first = head.lstrip().split(b"\n", 1)[0]
    try:
        json.loads(first)
    except ValueError:
        return "json"
    return "jsonl"


def _sniff_format(path: Path, head: bytes, encoding: str) -> tuple[Format, str | None]:
    stem = path.name.split(".", 1)[0]
    if encoding in ("csv", "parquet"):
        if stem in TABLES:
            return "table", stem
        raise UnknownFormatError(
            f"cannot tell which table {path.name!r} holds; name the file after a table "
            f"({', '.join(TABLES)}) or pass --table",
            location=Location(file=path),
        )
    text = head.decode("utf-8", errors="replace")
    if '"object"' in text or '"resources"' in text:
        return "stripe", None
    if '"messageId"' in text or '"batch"' in text or '"anonymousId"' in text or '"userId"' in text:
        return "segment", None
    if stem in TABLES:
        return "table", stem
    raise UnknownFormatError(
        "cannot tell the format of this file: it has no Stripe 'object' field, no Segment "
        "'messageId'/'userId', and its name is not a table name; pass --format",
        location=Location(file=path),
    )


def plan_file(
    path: Path,
    *,
    now: dt.datetime,
    format: Format | None = None,
    table: str | None = None,
    future_tolerance: dt.timedelta = dt.timedelta(hours=24),
) -> Batch:
    """Plan the ingestion of one file.

    Parameters
    ----------
    path
        The file to read.
    now
        The current time (from the workspace clock); later timestamps are rejected.
    format
        ``stripe``, ``segment`` or ``table``; detected when omitted.
    table
        For ``format="table"``: the target table (default: the file name).
    future_tolerance
        How far past ``now`` a timestamp may be before it is rejected.

    Raises
    ------
    IngestError
        When the file cannot be read or its format cannot be told.
    """
    path = Path(path).resolve()
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF)
    except OSError as exc:
        raise IngestError(
            f"cannot read the file: {exc.strerror}", location=Location(file=path)
        ) from exc
    if not head.strip():
        return Batch(
            path,
            format or "unknown",
            "empty",
            file_rejects=(FileReject("file is empty: nothing to ingest"),),
        )
    encoding = _encoding(path, head)
    if table is not None:
        format = "table"
    if format is None:
        format, table = _sniff_format(path, head, encoding)
    elif format == "table" and table is None:
        table = path.name.split(".", 1)[0]
    if format not in FORMATS:
        raise IngestError(
            f"the format must be one of {', '.join(FORMATS)}. Got {format!r}",
            location=Location(file=path),
        )
    limit = now + future_tolerance
    setup: tuple[str, ...] = {
        "jsonl": _read.jsonl_setup,
        "json": _read.document_setup,
        "csv": _read.table_csv_setup,
        "parquet": _read.parquet_setup,
    }[encoding](path, typed=format == "stripe")
    if format == "stripe":
        extra, loads = stripe_loads(future_limit=limit, now=now)
        setup = (*setup, *extra)
    elif format == "segment":
        loads = segment_loads(future_limit=limit)
    else:
        try:
            spec = table_spec(str(table))
        except KeyError as exc:
            raise IngestError(str(exc.args[0]), location=Location(file=path)) from None
        loads = table_loads(spec, future_limit=limit, now=now)
    return Batch(
        path,
        format,
        encoding,
        setup=setup,
        loads=loads,
        teardown=_read.CLEANUP,
        types_sql=TYPES_SQL if format == "stripe" else None,
    )
