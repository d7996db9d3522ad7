"""The canonical data model (tables, columns, keys) shared by every layer."""

from __future__ import annotations

from tenure.schema.cancel_reasons import STRIPE_FEEDBACK_REASONS
from tenure.schema.tables import TABLES, Column, TableSpec, table_spec

__all__ = ["STRIPE_FEEDBACK_REASONS", "TABLES", "Column", "TableSpec", "table_spec"]
