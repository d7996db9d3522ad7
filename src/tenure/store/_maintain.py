"""Tables derived from the canonical ones, kept up to date inside each load's transaction.

The store does not know what a derived table holds (that belongs to the layers above);
it knows when rows land. A *maintainer*, registered with
:meth:`~tenure.store.Warehouse.maintain`, is called once per loaded file, after the new
rows are written and before the transaction commits, with a :class:`LoadedRows`. What it
executes commits with the file or is rolled back with it, so a crash never leaves a
derived table out of step with the rows it was derived from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LoadedRows", "Maintainer"]


@dataclass(frozen=True)
class LoadedRows:
    """One load, as a maintainer sees it, inside the load's transaction."""

    ingest_id: str
    """The ``_ingest_id`` of every version row the load added."""
    rows: Mapping[str, int]
    """New rows per canonical table (empty when the file added nothing)."""
    execute: Callable[[str], None]
    """Runs one SQL statement (in the warehouse's dialect) in the load's transaction."""
    fetch: Callable[[str], list[tuple[Any, ...]]]
    """Runs one query in the load's transaction and returns its rows."""


Maintainer = Callable[[LoadedRows], None]
"""Keeps a derived table in step with a load; raising rolls the whole load back."""
