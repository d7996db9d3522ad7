"""Tenure's own tables as CSV, Parquet or JSON Lines, one file per table.

The table is named by ``--table`` or by the file name (``feedback.csv``,
``support_tickets.parquet``, ``customers.jsonl``). Columns are those of
``docs/data-model.md``; unknown columns are ignored, missing required ones
reject the row. Timestamps are ISO 8601 (UTC unless an offset is given).
"""

from __future__ import annotations

import datetime as dt

from tenure.ingest._columns import _STAGE, Col, Kind, select_sql
from tenure.ingest.batch import Load
from tenure.schema import TableSpec

__all__ = ["table_loads"]

_NOT_FUTURE = {"created_at", "occurred_at", "submitted_at", "opened_at"}
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("feedback", "kind"): ("nps", "csat", "cancel_reason", "survey"),
    ("support_tickets", "status"): ("open", "pending", "solved", "closed"),
    ("support_tickets", "priority"): ("low", "normal", "high", "urgent"),
}
_CHECKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "feedback": (
        (
            "score",
            "{kind} = 'nps' AND NOT ({score} BETWEEN 0 AND 10)",
            "'an NPS score must be between 0 and 10'",
        ),
        (
            "score",
            "{kind} = 'csat' AND NOT ({score} BETWEEN 1 AND 5)",
            "'a CSAT score must be between 1 and 5'",
        ),
    ),
    "support_tickets": (
        ("csat", "NOT ({csat} BETWEEN 1 AND 5)", "'a CSAT score must be between 1 and 5'"),
    ),
    "fx_rates": (("rate", "{rate} <= 0", "'an exchange rate must be positive'"),),
}


def _kind(name: str, type_: str) -> Kind:
    if name == "currency" or name.endswith("_currency"):
        return "currency"
    if type_ == "BIGINT":
        return "money" if name.endswith("_minor") else "int"
    return {
        "INTEGER": "int",
        "DOUBLE": "float",
        "BOOLEAN": "bool",
        "TIMESTAMPTZ": "iso",
        "DATE": "date",
        "JSON": "json",
    }.get(type_, "str")  # type: ignore[return-value]


def table_cols(spec: TableSpec) -> tuple[Col, ...]:
    """The column mapping for a Tenure table: each column read by its own name."""
    cols = []
    for c in spec.columns:
        kind = _kind(c.name, c.type)
        if spec.name == "invoice_lines" and kind == "money":
            kind = "signed_money"
        cols.append(
            Col(
                c.name,
                kind,
                (f'$."{c.name}"',),
                required=c.required,
                choices=_CHOICES.get((spec.name, c.name), ()),
                not_future=c.name in _NOT_FUTURE,
            )
        )
    return tuple(cols)


def table_loads(
    spec: TableSpec, *, future_limit: dt.datetime, now: dt.datetime
) -> tuple[Load, ...]:
    """One load into ``spec`` from ``_stage``; each row is a version observed at ``now``."""
    return (
        Load(
            spec,
            select_sql(
                table_cols(spec),
                _STAGE,
                future_limit=future_limit,
                checks=_CHECKS.get(spec.name, ()),
                snapshot_at=now if spec.versioned else None,
                native_json=False,
            ),
        ),
    )
