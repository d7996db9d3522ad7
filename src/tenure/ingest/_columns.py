"""A small column DSL that compiles source fields to validated SQL.

A :class:`Col` says where a canonical column comes from (JSON paths, or a SQL
expression yielding text) and what kind of value it must be. :func:`select_sql`
turns a list of them into one ``SELECT`` over a staging relation with columns
``_line``, ``_path``, ``o`` (the object as JSON text) and optionally ``p`` (its
parent), producing the typed columns plus ``_field``/``_reason`` for the first
problem found. Extraction parses each object once (one multi-path
``json_extract_string``), so it stays fast on millions of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tenure.currencies import CURRENCIES

Kind = Literal[
    "str",
    "int",
    "money",
    "signed_money",
    "bool",
    "unix",
    "iso",
    "date",
    "float",
    "json",
    "currency",
]

_TYPES: dict[str, str] = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "money": "BIGINT",
    "signed_money": "BIGINT",
    "bool": "BOOLEAN",
    "unix": "TIMESTAMPTZ",
    "iso": "TIMESTAMPTZ",
    "date": "DATE",
    "float": "DOUBLE",
    "json": "JSON",
    "currency": "VARCHAR",
}

_CURRENCY_LIST = "[" + ", ".join(f"'{c}'" for c in sorted(CURRENCIES)) + "]"


@dataclass(frozen=True)
class Col:
    """Where a canonical column comes from and what it must be.

    Parameters
    ----------
    name
        Canonical column name.
    kind
        Value kind; decides the cast and the checks.
    paths
        JSON paths tried in order (``$.a.b``); a path starting with ``^`` reads the parent.
    expr
        A SQL expression yielding text, used instead of ``paths``.
    required
        Reject the row when the value is missing.
    choices
        Allowed values (for ``str``).
    not_future
        Reject timestamps later than the ingest's ``now`` plus tolerance.
    """

    name: str
    kind: Kind = "str"
    paths: tuple[str, ...] = ()
    expr: str | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    not_future: bool = False


_STAGE = (
    "(SELECT *, CAST(NULL AS TIMESTAMPTZ) AS _event_at, CAST(NULL AS VARCHAR) AS _event_id "
    "FROM _stage)"
)
"""The staged records of a source without events: no event time, no event id."""


def ts_literal(value: dt.datetime) -> str:
    """A UTC ``TIMESTAMPTZ`` literal for ``value``."""
    return "TIMESTAMPTZ '" + value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00") + "'"


def q(text: str) -> str:
    """Quote ``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


_EXTRACT = re.compile(r"json_extract(_string)?\(([op]), '([^']+)'\)")
"""A single-path extraction inside a column expression; it is served from the one parse."""

Slot = tuple[str, str, str]
"""(``"v"`` for text or ``"j"`` for JSON, ``"o"`` or ``"p"``, JSON path)."""


def _slot_of(m: re.Match[str]) -> Slot:
    return ("v" if m[1] else "j", m[2], m[3])


def _wanted(col: Col) -> list[Slot]:
    if col.expr is not None:
        return [_slot_of(m) for m in _EXTRACT.finditer(col.expr)]
    return [("v", "p" if p.startswith("^") else "o", p.lstrip("^")) for p in col.paths]


def _text_expr(col: Col, slots: dict[Slot, int]) -> str:
    if col.expr is not None:
        return "(" + _EXTRACT.sub(lambda m: _ref(_slot_of(m), slots), col.expr) + ")"
    parts = [_ref(slot, slots) for slot in _wanted(col)]
    if not parts:
        raise ValueError(f"column {col.name!r} has neither paths nor expr")
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _ref(slot: Slot, slots: dict[Slot, int]) -> str:
    fn, src, _ = slot
    return f"_{fn}{src}[{slots[slot]}]"


def _whole(t: str) -> str:
    """A whole number, or NULL: DuckDB's TRY_CAST would round 12.5 to 13."""
    return f"CASE WHEN regexp_full_match({t}, '-?[0-9]+') THEN TRY_CAST({t} AS BIGINT) END"


def _typed(kind: Kind, t: str) -> str:
    if kind in ("int", "money", "signed_money"):
        return _whole(t)
    if kind == "unix":
        return f"to_timestamp({_whole(t)})"
    if kind == "currency":
        return f"upper({t})"
    if kind == "json":
        return f"CAST({t} AS JSON)"
    if kind == "str":
        return t
    return f"TRY_CAST({t} AS {_TYPES[kind]})"


def _checks(col: Col, t: str, typed: str, future_limit: dt.datetime) -> list[tuple[str, str]]:
    """(condition, reason SQL) pairs; the first true condition rejects the row."""
    label = col.name
    out: list[tuple[str, str]] = []
    shown = f"left(CAST({t} AS VARCHAR), 40)"
    if col.required:
        out.append((f"{t} IS NULL", q(f"required field '{label}' is missing")))
    if col.kind in ("int", "money", "signed_money", "unix"):
        noun = {"unix": "a Unix timestamp in whole seconds"}.get(
            col.kind, "a whole number of minor units" if "money" in col.kind else "a whole number"
        )
        out.append(
            (
                f"{t} IS NOT NULL AND {_whole(t)} IS NULL",
                f"'field ''{label}'' must be {noun}; got ''' || {shown} || ''''",
            )
        )
    if col.kind == "money":
        out.append(
            (
                f"{_whole(t)} < 0",
                f"'field ''{label}'' must not be negative; got ' || {shown}",
            )
        )
    if col.kind in ("bool", "iso", "date", "float"):
        noun = {
            "bool": "true or false",
            "iso": "an ISO 8601 timestamp such as 2025-01-31T12:00:00Z",
            "date": "a date such as 2025-01-31",
            "float": "a number",
        }[col.kind]
        out.append(
            (
                f"{t} IS NOT NULL AND {typed} IS NULL",
                f"'field ''{label}'' must be {noun}; got ''' || {shown} || ''''",
            )
        )
    if col.kind == "json":
        out.append(
            (
                f"{t} IS NOT NULL AND NOT json_valid({t})",
                q(f"field '{label}' must be JSON"),
            )
        )
    if col.kind == "currency":
        out.append(
            (
                f"{t} IS NOT NULL AND NOT list_contains({_CURRENCY_LIST}, upper({t}))",
                f"'field ''{label}'' must be an ISO 4217 currency code such as usd; got ''' "
                f"|| {shown} || ''''",
            )
        )
    if col.choices:
        allowed = ", ".join(col.choices)
        lst = "[" + ", ".join(q(c) for c in col.choices) + "]"
        out.append(
            (
                f"{t} IS NOT NULL AND NOT list_contains({lst}, {t})",
                f"'field ''{label}'' must be one of {allowed}; got ''' || {shown} || ''''",
            )
        )
    if col.not_future:
        limit = future_limit.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00")
        out.append(
            (
                f"{typed} > TIMESTAMPTZ {q(limit)}",
                f"'field ''{label}'' is in the future (' || strftime({typed}, '%Y-%m-%dT%H:%M:%SZ')"
                f" || ', later than {limit[:16]} UTC); fix the clock of the source system'",
            )
        )
    return out


def select_sql(
    cols: Sequence[Col],
    source: str,
    *,
    future_limit: dt.datetime,
    where: str = "TRUE",
    has_parent: bool = False,
    snapshot_at: dt.datetime | None = None,
    checks: Sequence[tuple[str, str, str]] = (),
    native_json: bool = True,
) -> str:
    """Compile ``cols`` to a SELECT over ``source``.

    The result has the canonical columns, ``_line``, ``_path``, ``_record``,
    ``_version_at``, and ``_field``/``_reason`` (null when the row is valid).
    ``_version_at`` is the time of the event a record came in, else ``snapshot_at``
    (when the snapshot was observed: the ingest time), else the epoch (for
    immutable records keyed by id alone).
    ``checks`` are extra ``(field, condition, reason)`` rules over the typed
    columns. ``native_json`` says the records are JSON documents (Stripe,
    Segment), so nested JSON is taken as it is; Tenure's tables hold JSON as text
    (``false``), which is validated.
    """
    slots: dict[Slot, int] = {}
    for col in cols:
        for slot in _wanted(col):
            if slot not in slots:
                slots[slot] = sum(1 for s in slots if s[:2] == slot[:2]) + 1
    inner = ["_line", "_path", "o", "_event_at", "_event_id"]
    for fn, func in (("v", "json_extract_string"), ("j", "json_extract")):
        for src in ("o", "p") if has_parent else ("o",):
            paths = [path for (f, s, path) in slots if (f, s) == (fn, src)]
            if paths:
                inner.append(f"{func}({src}, [{', '.join(q(x) for x in paths)}]) AS _{fn}{src}")
    if has_parent:
        inner.append("p")

    # Three levels, so that each value is extracted and cast once: text (_x<i>), then
    # typed columns under their canonical names, then checks that read both.
    texts = [f"{_text_expr(col, slots)} AS _x{i}" for i, col in enumerate(cols)]
    typed_cols = []
    problems: list[tuple[str, str, str]] = []
    for i, col in enumerate(cols):
        if native_json and col.kind == "json":
            # A value taken from a JSON document is valid JSON by construction.
            typed_cols.append(f'CAST(_x{i} AS JSON) AS "{col.name}"')
            continue
        typed_cols.append(f'{_typed(col.kind, f"_x{i}")} AS "{col.name}"')
        for cond, reason in _checks(col, f"_x{i}", f'"{col.name}"', future_limit):
            problems.append((col.name, cond, reason))
    quoted = {col.name: f'"{col.name}"' for col in cols}
    for field_name, cond, reason in checks:
        problems.append((field_name, cond.format(**quoted), reason))
    field_case = " ".join(f"WHEN {c} THEN {q(f)}" for f, c, _ in problems) or "WHEN FALSE THEN NULL"
    reason_case = " ".join(f"WHEN {c} THEN {r}" for _, c, r in problems) or "WHEN FALSE THEN NULL"
    snapshot = "NULL" if snapshot_at is None else ts_literal(snapshot_at)
    names = ", ".join(quoted.values())
    return f"""
SELECT {names}, _line, _path, _event_at, _event_id, _field, _reason,
    CASE WHEN _reason IS NOT NULL THEN left(CAST(o AS VARCHAR), 2000) END AS _record,
    coalesce(_event_at, {snapshot}, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS _version_at
FROM (
    SELECT *, CASE {field_case} END AS _field, CASE {reason_case} END AS _reason
    FROM (
        SELECT *, {", ".join(typed_cols)}
        FROM (
            SELECT _line, _path, o, _event_at, _event_id, {", ".join(texts)}
            FROM (SELECT {", ".join(inner)} FROM {source} WHERE {where})
        )
    )
)"""
