"""Staging SQL: read a file into numbered records, keeping every bad line.

Every reader fills the same two temporary tables, which the store then maps:

``_stage(_line, _path, o, _lenient, _event_at)``
    one JSON object per record: ``_line`` is the 1-based line of the file (the
    record number for Parquet), ``_path`` where it sits inside an envelope
    (``data[3]``, ``batch[0]``, ``resources.customer``).
``_bad(_line, _path, _field, _reason, _record)``
    lines that could not be read at all (bad encoding, malformed JSON, wrong
    column count), with a reason a person understands.

Reading is DuckDB's own CSV/JSON/Parquet readers, so no Python touches a row.
"""

from __future__ import annotations

from pathlib import Path

from tenure.ingest._columns import q

__all__ = ["document_setup", "jsonl_setup", "parquet_setup", "table_csv_setup"]

_SIZES = f"max_line_size={16 * 1024 * 1024}, buffer_size={64 * 1024 * 1024}"
_REJECT_OPTS = (
    "ignore_errors=true, store_rejects=true, rejects_scan='_rscan', rejects_table='_rerr'"
)

CLEANUP = (
    "DROP TABLE IF EXISTS _kinds",
    "DROP TABLE IF EXISTS _raw",
    "DROP VIEW IF EXISTS _lines",
    "DROP TABLE IF EXISTS _radj",
    "DROP TABLE IF EXISTS _stage",
    "DROP TABLE IF EXISTS _bad",
    "DROP TABLE IF EXISTS _objects",
    "DROP TABLE IF EXISTS _load",
    "DROP TABLE IF EXISTS _rerr",
    "DROP TABLE IF EXISTS _rscan",
)


def _encoding_reason(kind: str) -> str:
    return (
        "CASE error_type WHEN 'INVALID ENCODING' THEN 'line is not valid UTF-8 text; re-save the "
        "file as UTF-8' WHEN 'TOO MANY COLUMNS' THEN 'line has more columns than the header ("
        "' || error_message || '); quote fields that contain commas' WHEN 'MISSING COLUMNS' THEN "
        "'line has fewer columns than the header (' || error_message || ')' WHEN 'LINE SIZE "
        "OVER MAXIMUM' THEN 'line is longer than 16 MiB' ELSE "
        f"{q(kind)} || ' could not be read: ' || error_message END"
    )


def _line_numbers(offset: int) -> tuple[str, ...]:
    """Map reader row numbers to file lines, accounting for lines the reader skipped.

    Row ``n`` (1-based, among rows read) is on line ``n + offset + k``, where ``k``
    counts the skipped lines before it; an as-of join finds ``k`` without a
    per-row subquery.
    """
    return (
        "CREATE TEMP TABLE _radj AS SELECT good_before, max(k) AS k FROM ("
        f"SELECT line - {offset} - row_number() OVER (ORDER BY line) AS good_before, "
        "row_number() OVER (ORDER BY line) AS k FROM (SELECT DISTINCT line FROM _rerr)) "
        "GROUP BY good_before",
        f"CREATE TEMP VIEW _lines AS SELECT r._n + {offset} + coalesce(a.k, 0) AS _line, "
        "r.* EXCLUDE (_n) FROM _raw r ASOF LEFT JOIN _radj a ON r._n > a.good_before",
        "CREATE TEMP TABLE _bad AS SELECT line AS _line, CAST(NULL AS VARCHAR) AS _path, "
        f"CAST(NULL AS VARCHAR) AS _field, {_encoding_reason('line')} AS _reason, "
        "left(csv_line, 2000) AS _record FROM _rerr",
    )


# Each line is classified once; only lines that mention an envelope key pay for the
# JSON look-ups that tell a Stripe list, a Segment batch or a fixture file apart.
_KINDS = """
CREATE TEMP TABLE _kinds AS
SELECT _line, text, CASE
    WHEN text IS NULL THEN 'blank'
    WHEN NOT json_valid(text) THEN 'invalid'
    WHEN json_type(text) = 'ARRAY' THEN 'array'
    WHEN json_type(text) <> 'OBJECT' THEN 'scalar'
    WHEN NOT (contains(text, '"list"') OR contains(text, '"batch"')
              OR contains(text, '"resources"')) THEN 'single'
    WHEN json_extract_string(text, '$.object') = 'list'
         AND json_type(text, '$.data') = 'ARRAY' THEN 'list'
    WHEN json_type(text, '$.batch') = 'ARRAY' THEN 'batch'
    WHEN json_type(text, '$.resources') = 'OBJECT' THEN 'resources'
    ELSE 'single' END AS kind
FROM _lines
"""

_EXPLODE = """
CREATE TEMP TABLE _stage AS
SELECT _line, CAST(NULL AS VARCHAR) AS _path, text AS o, FALSE AS _lenient
FROM _kinds WHERE kind = 'single'
UNION ALL
SELECT _line, 'data[' || (i - 1) || ']', CAST(e AS VARCHAR), FALSE
FROM _kinds, unnest(json_extract(text, '$.data[*]')) WITH ORDINALITY AS t(e, i)
WHERE kind = 'list'
UNION ALL
SELECT _line, 'batch[' || (i - 1) || ']', CAST(e AS VARCHAR), FALSE
FROM _kinds, unnest(json_extract(text, '$.batch[*]')) WITH ORDINALITY AS t(e, i)
WHERE kind = 'batch'
UNION ALL
SELECT _line, '[' || (i - 1) || ']', CAST(e AS VARCHAR), FALSE
FROM _kinds, unnest(json_extract(text, '$[*]')) WITH ORDINALITY AS t(e, i)
WHERE kind = 'array'
UNION ALL
SELECT _line, 'resources.' || r.key, CAST(r.value AS VARCHAR), TRUE
FROM _kinds, json_each(text, '$.resources') AS r WHERE kind = 'resources'
"""

_BAD_JSON = """
INSERT INTO _bad
SELECT _line, NULL, NULL,
    CASE kind WHEN 'invalid' THEN
        'line is not valid JSON' || CASE WHEN _line = (SELECT max(_line) FROM _kinds)
            THEN ' (the file may be truncated)' ELSE '' END
        ELSE 'line is JSON but not an object or array' END,
    left(text, 2000)
FROM _kinds
WHERE kind IN ('invalid', 'scalar')
"""

_JSON_STEPS = (
    _KINDS,
    _EXPLODE,
    _BAD_JSON,
    "DROP TABLE _kinds",
    "DROP VIEW _lines",
    "DROP TABLE _raw",
)


def jsonl_setup(path: Path) -> tuple[str, ...]:
    """Statements that stage a JSON Lines file, one record per line."""
    read = (
        f"read_csv({q(str(path))}, columns={{'text': 'VARCHAR'}}, delim=chr(1), quote='', "
        f"escape='', header=false, auto_detect=false, {_SIZES}, "
        f"{_REJECT_OPTS})"
    )
    return (
        *CLEANUP,
        f"CREATE TEMP TABLE _raw AS SELECT row_number() OVER () AS _n, text FROM {read}",
        *_line_numbers(0),
        *_JSON_STEPS,
    )


def document_setup(path: Path) -> tuple[str, ...]:
    """Statements that stage one JSON document (a list envelope, array or fixture file)."""
    return (
        *CLEANUP,
        "CREATE TEMP TABLE _rerr (line BIGINT, error_type VARCHAR, error_message VARCHAR, "
        "csv_line VARCHAR)",
        f"CREATE TEMP TABLE _raw AS SELECT 1 AS _n, content AS text FROM read_text({q(str(path))})",
        *_line_numbers(0),
        *(
            step.replace("'line is not valid JSON'", "'file is not one valid JSON document'")
            for step in _JSON_STEPS
        ),
    )


def table_csv_setup(path: Path) -> tuple[str, ...]:
    """Statements that stage a CSV file with a header row; each row becomes a JSON object."""
    read = f"read_csv({q(str(path))}, header=true, all_varchar=true, {_SIZES}, {_REJECT_OPTS})"
    return (
        *CLEANUP,
        f"CREATE TEMP TABLE _raw AS SELECT row_number() OVER () AS _n, * FROM {read}",
        *_line_numbers(1),
        "CREATE TEMP TABLE _stage AS SELECT _line, CAST(NULL AS VARCHAR) AS _path, "
        "CAST(to_json(_l) AS VARCHAR) AS o, FALSE AS _lenient FROM (SELECT * FROM _lines) AS _l",
    )


def parquet_setup(path: Path) -> tuple[str, ...]:
    """Statements that stage a Parquet file; ``_line`` is the 1-based record number."""
    return (
        *CLEANUP,
        "CREATE TEMP TABLE _rerr (line BIGINT, error_type VARCHAR, error_message VARCHAR, "
        "csv_line VARCHAR)",
        f"CREATE TEMP TABLE _raw AS SELECT file_row_number + 1 AS _n, * EXCLUDE (file_row_number) "
        f"FROM read_parquet({q(str(path))}, file_row_number=true)",
        *_line_numbers(0),
        "CREATE TEMP TABLE _stage AS SELECT _line, CAST(NULL AS VARCHAR) AS _path, "
        "CAST(to_json(_l) AS VARCHAR) AS o, FALSE AS _lenient FROM (SELECT * FROM _lines) AS _l",
    )
