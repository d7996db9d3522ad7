"""Storage: the warehouse (DuckDB by default, any Ibis backend by URL)."""

from __future__ import annotations

from tenure.store._maintain import LoadedRows, Maintainer
from tenure.store.warehouse import IngestResult, Warehouse

__all__ = ["IngestResult", "LoadedRows", "Maintainer", "Warehouse"]
