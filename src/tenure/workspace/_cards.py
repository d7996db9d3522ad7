"""Each customer's stored results of the latest refreshed day, in one row: the *card*.

A profile used to read the latest day, the customer's identity, the day's scores (profile,
health and churn rows joined) and the day's segments in four queries, each planned and
run on its own (about 12 ms together on the 10k demo, the scores join alone 7 ms).
:func:`write_cards` (called by the daily refresh, DuckDB only) stores the scores row and
the sorted segment list of every customer for the refreshed day in ``customer_cards``,
sorted by ``customer_id`` so zone maps leave one row group to read; :func:`head_sql` then
reads the latest day, the identity (live, from ``customers``: an identify call since the
refresh shows at once) and the card in one query.

The card is used only when its day is the latest refreshed day; otherwise (a refresh that
failed before writing cards, an explicit ``as_of``) the profile reads the day's tables as
before, so both give the same result (``tests/workspace/test_profiles.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from tenure.workspace._profile_queries import PLACEHOLDER, scores_query

if TYPE_CHECKING:
    import duckdb
    from ibis.backends import BaseBackend

__all__ = ["CARDS", "CARD_COLUMNS", "head_sql", "split_head", "write_cards"]

CARDS = "customer_cards"
CARD_COLUMNS = ("_card_as_of", "_card_scores", "_card_segments")
_STAGING = f"{CARDS}__new"


def write_cards(con: duckdb.DuckDBPyConnection, ibis_con: BaseBackend, day: dt.date) -> int:
    """Write the cards of ``day`` in place of the previous ones, in one transaction.

    Returns the number of cards written.
    """
    tables = set(ibis_con.list_tables())
    scores = str(ibis_con.compile(scores_query(ibis_con, day, tables, one=False)))
    if "segment_members" in tables:
        members = (
            "SELECT customer_id, list(segment ORDER BY segment) AS segments "
            "FROM segment_members WHERE as_of = ?::DATE GROUP BY customer_id"
        )
        params = [day.isoformat()]
    else:
        members = "SELECT NULL::VARCHAR AS customer_id, []::VARCHAR[] AS segments WHERE FALSE"
        params = []
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            f'CREATE OR REPLACE TABLE "{_STAGING}" AS SELECT s.customer_id, '
            f"DATE '{day.isoformat()}' AS as_of, s AS scores, "
            "coalesce(m.segments, []::VARCHAR[]) AS segments "
            f"FROM ({scores}) s LEFT JOIN ({members}) m ON m.customer_id = s.customer_id "
            "ORDER BY s.customer_id",
            params,
        )
        con.execute(f'DROP TABLE IF EXISTS "{CARDS}"')
        con.execute(f'ALTER TABLE "{_STAGING}" RENAME TO "{CARDS}"')
        found = con.execute(f'SELECT count(*) FROM "{CARDS}"').fetchone()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(found[0]) if found else 0


def head_sql() -> str:
    """One row: the latest refreshed ``day``, the customer's columns, and the card's.

    The card's columns are ``card_as_of``, ``scores`` (a struct) and ``segments``; all
    but ``day`` are None when the customer or the card is missing. Joins of one-row
    selections rather than scalar subqueries, which DuckDB runs more slowly. The customer
    id is the placeholder of :func:`~tenure.workspace._profile_queries.bind`.
    """
    return (
        'SELECT * FROM (SELECT max(as_of) AS day FROM "customer_profiles") d '
        f"LEFT JOIN (SELECT * FROM customers WHERE customer_id = '{PLACEHOLDER}' LIMIT 1) w "
        "ON TRUE "
        f"LEFT JOIN (SELECT as_of AS {CARD_COLUMNS[0]}, scores AS {CARD_COLUMNS[1]}, "
        f'segments AS {CARD_COLUMNS[2]} FROM "{CARDS}" '
        f"WHERE customer_id = '{PLACEHOLDER}' LIMIT 1) k ON TRUE"
    )


def split_head(row: dict[str, Any]) -> tuple[Any, dict[str, Any] | None, dict[str, Any] | None]:
    """``(day, customer, card)`` of a :func:`head_sql` row; None for a missing part."""
    day = row.pop("day")
    card = {name: row.pop(name) for name in CARD_COLUMNS}
    customer = row if row.get("customer_id") is not None else None
    return day, customer, card if card[CARD_COLUMNS[0]] is not None else None
