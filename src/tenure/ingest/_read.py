"""Staging SQL: read a file into numbered records, keeping every bad line.

Every reader leaves the same relations, which the store then maps:

``_raw``
    the file as read, one row per line (or CSV/Parquet record) with its 1-based
    ``_line``; the only copy of the file's text.
``_stage(_line, _path, o, _lenient)`` (a view)
    one JSON object per record: ``_path`` says where it sits inside an envelope
    (``data[3]``, ``batch[0]``, ``resources.customer``).
``_bad(_line, _path, _field, _reason, _record)``
    lines that could not be read at all (bad encoding, malformed JSON, wrong
    column count), with a reason a person understands.

Reading is DuckDB's own CSV/JSON/Parquet readers, so no Python touches a row.
``_line`` grows with the file, so a filter on it reads only that part of ``_raw``:
the store loads large files in slices of lines.
"""

from __future__ import annotations

from pathlib import Path

from tenure.ingest._columns import q

__all__ = ["CLEANUP", "document_setup", "jsonl_setup", "parquet_setup", "table_csv_setup"]

_SIZES = f"max_line_size={16 * 1024 * 1024}, buffer_size={64 * 1024 * 1024}"
_REJECT_OPTS = (
    "ignore_errors=true, store_rejects=true, rejects_scan='_rscan', rejects_table='_rerr'"
)

CLEANUP = (
    "DROP VIEW IF EXISTS _objects",
    "DROP VIEW IF EXISTS _stage",
    "DROP TABLE IF EXISTS _envelopes",
    "DROP TABLE IF EXISTS _raw",
    "DROP TABLE IF EXISTS _radj",
    "DROP TABLE IF EXISTS _bad",
    "DROP TABLE IF EXISTS _rerr",
    "DROP TABLE IF EXISTS _rscan",
)


def _encoding_reason() -> str:
    return (
        "CASE error_type WHEN 'INVALID ENCODING' THEN 'line is not valid UTF-8 text; re-save the "
        "file as UTF-8' WHEN 'TOO MANY COLUMNS' THEN 'line has more columns than the header ("
        "' || error_message || '); quote fields that contain commas' WHEN 'MISSING COLUMNS' THEN "
        "'line has fewer columns than the header (' || error_message || ')' WHEN 'LINE SIZE "
        "OVER MAXIMUM' THEN 'line is longer than 16 MiB' ELSE "
        "'line could not be read: ' || error_message END"
    )


# A reader that skips unreadable lines numbers the rest without gaps. Row numbers are
# corrected by the lines skipped before them: with the skipped lines r_1 < r_2 < ...,
# r_j - j rows come before r_j, so a row numbered n > r_j - j lies after it. The
# UPDATE touches rows only when the reader skipped something.
_FIX_LINES = (
    "CREATE TEMP TABLE _radj AS SELECT good_before, max(k) AS k FROM ("
    "SELECT line - row_number() OVER (ORDER BY line) AS good_before, "
    "row_number() OVER (ORDER BY line) AS k FROM (SELECT DISTINCT line FROM _rerr)) "
    "GROUP BY good_before",
    "UPDATE _raw SET _line = _line + coalesce((SELECT max(k) FROM _radj "
    "WHERE good_before < _raw._line), 0) WHERE EXISTS (SELECT 1 FROM _radj)",
    "CREATE TEMP TABLE _bad AS SELECT line AS _line, CAST(NULL AS VARCHAR) AS _path, "
    f"CAST(NULL AS VARCHAR) AS _field, {_encoding_reason()} AS _reason, "
    "left(csv_line, 2000) AS _record FROM _rerr",
)

_EMPTY_RERR = (
    "CREATE TEMP TABLE _rerr (line BIGINT, error_type VARCHAR, error_message VARCHAR, "
    "csv_line VARCHAR)"
)

# Each line is classified with one JSON parse: the types of the document and of its
# envelope keys. A line whose Stripe ``object`` was already read (``otype``) is known to
# be a single object unless it is a list.
_TYPES = """CASE WHEN otype IS NOT NULL AND otype <> 'list' THEN NULL
    ELSE try(json_type(text, ['$', '$.batch', '$.resources', '$.data'])) END"""
_KIND = """CASE
    WHEN text IS NULL THEN 'blank'
    WHEN otype IS NOT NULL AND otype <> 'list' THEN 'single'
    WHEN jt IS NULL THEN 'invalid'
    WHEN jt[1] = 'ARRAY' THEN 'array'
    WHEN jt[1] <> 'OBJECT' THEN 'scalar'
    WHEN jt[2] = 'ARRAY' THEN 'batch'
    WHEN jt[3] = 'OBJECT' THEN 'resources'
    WHEN jt[4] = 'ARRAY' AND json_extract_string(text, '$.object') = 'list' THEN 'list'
    ELSE 'single' END"""


def _classified(numbered: str) -> str:
    """``_raw`` from a query with ``_line``, ``text`` and ``otype``: adds each line's kind."""
    return (
        f"CREATE TEMP TABLE _raw AS SELECT _line, text, otype, {_KIND} AS kind "
        f"FROM (SELECT *, {_TYPES} AS jt FROM ({numbered}))"
    )


_ENVELOPES = """
CREATE TEMP TABLE _envelopes AS
SELECT _line, 'data[' || (i - 1) || ']' AS _path, CAST(e AS VARCHAR) AS o, FALSE AS _lenient,
    json_extract_string(e, '$.object') AS _otype
FROM _raw, unnest(json_extract(text, '$.data[*]')) WITH ORDINALITY AS t(e, i)
WHERE kind = 'list'
UNION ALL
SELECT _line, 'batch[' || (i - 1) || ']', CAST(e AS VARCHAR), FALSE, NULL
FROM _raw, unnest(json_extract(text, '$.batch[*]')) WITH ORDINALITY AS t(e, i)
WHERE kind = 'batch'
UNION ALL
SELECT _line, '[' || (i - 1) || ']', CAST(e AS VARCHAR), FALSE,
    json_extract_string(e, '$.object')
FROM _raw, unnest(json_extract(text, '$[*]')) WITH ORDINALITY AS t(e, i)
WHERE kind = 'array'
UNION ALL
SELECT _line, 'resources.' || r.key, CAST(r.value AS VARCHAR), TRUE,
    json_extract_string(r.value, '$.object')
FROM _raw, json_each(text, '$.resources') AS r WHERE kind = 'resources'
"""

_STAGE = """
CREATE TEMP VIEW _stage AS
SELECT _line, CAST(NULL AS VARCHAR) AS _path, text AS o, FALSE AS _lenient, otype AS _otype
FROM _raw WHERE kind = 'single'
UNION ALL
SELECT _line, _path, o, _lenient, _otype FROM _envelopes
"""


def _bad_json(noun: str) -> str:
    return f"""
INSERT INTO _bad
SELECT _line, NULL, NULL,
    CASE kind WHEN 'invalid' THEN
        '{noun} is not valid JSON' || CASE WHEN _line = (SELECT max(_line) FROM _raw)
            THEN ' (the file may be truncated)' ELSE '' END
        ELSE '{noun} is JSON but not an object or array' END,
    left(text, 2000)
FROM _raw
WHERE kind IN ('invalid', 'scalar')
"""


def _otype(typed: bool) -> str:
    """The top-level ``object`` field (Stripe's type), read once per line when wanted."""
    return "try(json_extract_string(text, '$.object'))" if typed else "CAST(NULL AS VARCHAR)"


def jsonl_setup(path: Path, *, typed: bool = False) -> tuple[str, ...]:
    """Statements that stage a JSON Lines file, one record per line.

    ``typed`` reads each line's ``object`` field into ``_stage._otype``.
    """
    read = (
        f"read_csv({q(str(path))}, columns={{'text': 'VARCHAR'}}, delim=chr(1), quote='', "
        f"escape='', header=false, auto_detect=false, {_SIZES}, {_REJECT_OPTS})"
    )
    return (
        *CLEANUP,
        _classified(
            f"SELECT row_number() OVER () AS _line, text, {_otype(typed)} AS otype FROM {read}"
        ),
        *_FIX_LINES,
        _bad_json("line"),
        _ENVELOPES,
        _STAGE,
    )


def document_setup(path: Path, *, typed: bool = False) -> tuple[str, ...]:
    """Statements that stage one JSON document (a list envelope, array or fixture file)."""
    return (
        *CLEANUP,
        _EMPTY_RERR,
        _classified(
            f"SELECT 1 AS _line, text, {_otype(typed)} AS otype "
            f"FROM (SELECT content AS text FROM read_text({q(str(path))}))"
        ),
        *_FIX_LINES,
        _bad_json("file"),
        _ENVELOPES,
        _STAGE,
    )


_ROWS_STAGE = (
    "CREATE TEMP VIEW _stage AS SELECT _line, CAST(NULL AS VARCHAR) AS _path, "
    "CAST(to_json(_l) AS VARCHAR) AS o, FALSE AS _lenient, CAST(NULL AS VARCHAR) AS _otype "
    "FROM _raw AS _l"
)


def table_csv_setup(path: Path, *, typed: bool = False) -> tuple[str, ...]:
    """Statements that stage a CSV file with a header row; each row becomes a JSON object."""
    read = f"read_csv({q(str(path))}, header=true, all_varchar=true, {_SIZES}, {_REJECT_OPTS})"
    return (
        *CLEANUP,
        f"CREATE TEMP TABLE _raw AS SELECT row_number() OVER () + 1 AS _line, * FROM {read}",
        *_FIX_LINES,
        _ROWS_STAGE,
    )


def parquet_setup(path: Path, *, typed: bool = False) -> tuple[str, ...]:
    """Statements that stage a Parquet file; ``_line`` is the 1-based record number."""
    return (
        *CLEANUP,
        _EMPTY_RERR,
        "CREATE TEMP TABLE _raw AS SELECT file_row_number + 1 AS _line, "
        f"* EXCLUDE (file_row_number) FROM read_parquet({q(str(path))}, file_row_number=true)",
        *_FIX_LINES,
        _ROWS_STAGE,
    )
