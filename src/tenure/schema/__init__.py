"""The canonical data model (tables, columns, keys) shared by every layer."""

from __future__ import annotations

from tenure.schema.tables import TABLES, Column, TableSpec, table_spec

__all__ = ["TABLES", "Column", "TableSpec", "table_spec"]
