"""What ingestion hands to the store: a :class:`Batch` of SQL, never written by ingest.

A batch stages one file (``setup``), then each :class:`Load` selects canonical
rows for one table. Rows whose ``_reason`` is set are rejects; the store keeps
them with their file, line and field. Nothing here touches a database: the store
runs the statements inside one transaction, so a file lands whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tenure.schema import TableSpec

__all__ = ["Batch", "FileReject", "Load"]


@dataclass(frozen=True)
class Load:
    """A SELECT producing rows for ``table`` (or only rejects when ``table`` is None).

    ``kind="skipped"`` marks a query that counts records deliberately ignored
    (Stripe object types Tenure does not model, inside a fixture document).
    """

    table: TableSpec | None
    select: str
    kind: Literal["rows", "skipped"] = "rows"
    object_types: tuple[str, ...] | None = None
    """Run only when the file holds one of these types (see ``Batch.types_sql``)."""


@dataclass(frozen=True)
class FileReject:
    """A problem with a whole file, found before any row is read."""

    reason: str
    field: str | None = None


@dataclass(frozen=True)
class Batch:
    """Everything needed to load one file.

    Parameters
    ----------
    source
        The file.
    format
        ``stripe``, ``segment`` or ``table`` (Tenure's own tables).
    encoding
        ``jsonl``, ``json``, ``csv`` or ``parquet``.
    setup
        Statements that stage the file into ``_stage`` and ``_bad``.
    loads
        One per target table, in load order.
    file_rejects
        Problems with the file as a whole (e.g. it is empty).
    teardown
        Statements that drop the staging tables.
    """

    source: Path
    format: str
    encoding: str
    setup: tuple[str, ...] = ()
    loads: tuple[Load, ...] = ()
    file_rejects: tuple[FileReject, ...] = field(default=())
    teardown: tuple[str, ...] = ()
    types_sql: str | None = None
    """A query for the distinct object types in the file, so absent ones cost nothing."""

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the tables this batch writes."""
        return tuple(ld.table.name for ld in self.loads if ld.table is not None)
