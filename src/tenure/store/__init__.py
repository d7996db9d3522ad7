"""Storage: the warehouse (DuckDB by default, any Ibis backend by URL)."""

from __future__ import annotations

from tenure.store.warehouse import IngestResult, Warehouse

__all__ = ["IngestResult", "Warehouse"]
