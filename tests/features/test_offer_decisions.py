"""Cancel decisions joined to the features of their month and their outcome (hand-made frames)."""

from __future__ import annotations

import datetime as dt

import ibis
import polars as pl
import pytest

from tenure.errors import DataError
from tenure.features.offer_decisions import (
    cancel_decisions,
    decision_months,
    demo_offer_log,
    offer_decision_frame,
    usage_before,
)

D = dt.date


def _frame(as_of: dt.date, rows: list[tuple[str, float, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "as_of": [as_of] * len(rows),
            "mrr": [r[1] for r in rows],
            "cancel_pending": [r[2] for r in rows],
            "events_30d": [3] * len(rows),
        }
    )


def _decisions() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "decided_on": [D(2026, 1, 10), D(2026, 1, 20), D(2026, 1, 5), D(2026, 3, 1)],
            "treated": [True, False, False, False],
            "accepted": [True, False, False, False],
        }
    )


def test_outcome_is_read_on_the_first_of_the_month_at_least_90_days_on_when_known() -> None:
    """Jan 10 + 90 days = Apr 10 → outcome on May 1; Mar 1 + 90 = May 30 → Jun 1."""
    frames = {
        D(2026, 1, 1): _frame(D(2026, 1, 1), [("a", 10, False), ("b", 20, False), ("c", 0, False)]),
        D(2026, 3, 1): _frame(D(2026, 3, 1), [("d", 30, False)]),
        D(2026, 5, 1): _frame(D(2026, 5, 1), [("a", 10, False), ("b", 20, True)]),
    }
    decisions = _decisions().with_columns(
        decided_at=pl.col("decided_on").cast(pl.Datetime("us", "UTC"))
    )
    out = offer_decision_frame(decisions, frames, outcome_days=90).sort("customer_id")
    assert out["customer_id"].to_list() == ["a", "b", "d"]  # c did not pay on Jan 1
    assert out["outcome_as_of"].to_list() == [D(2026, 5, 1), D(2026, 5, 1), D(2026, 6, 1)]
    # a pays on May 1; b pays but has a cancellation pending; d's outcome is not known yet
    assert out["retained"].to_list() == [True, False, None]
    assert out["observed"].to_list() == [True, True, False]
    assert out["events_30d"].to_list() == [3, 3, 3]  # the features of the decision's month


def test_decision_months_lists_feature_and_known_outcome_months_when_asked() -> None:
    """Jan 5, 10 and 20 + 90 days fall in April → May 1; Mar 1 → Jun 1, after the data."""
    features, outcomes = decision_months(_decisions(), 90, D(2026, 5, 15))
    assert features == [D(2026, 1, 1), D(2026, 3, 1)]
    assert outcomes == [D(2026, 5, 1)]


def test_demo_offer_log_keeps_offered_customers_with_the_save50_terms_when_read() -> None:
    truth = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "retention_offer_at": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC), None],
            "retention_offer_accepted": [True, False],
        }
    )
    log = demo_offer_log(truth)
    assert log.to_dicts() == [
        {
            "customer_id": "a",
            "offered_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "accepted": True,
            "percent": 50.0,
            "months": 3,
        }
    ]


def test_offer_log_without_its_columns_is_refused_when_decisions_are_built() -> None:
    with pytest.raises(DataError, match="offered_at"):
        cancel_decisions(None, pl.DataFrame({"customer_id": ["a"]}))  # type: ignore[arg-type]


def test_use_before_counts_the_30_days_before_each_moment_and_the_30_before_those() -> None:
    """Windows are ``[at - 30d, at)`` and ``[at - 60d, at - 30d)``; e-mail events and other
    customers' events are not product use; each row is taken at its own moment."""
    at = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    day = dt.timedelta(days=1)
    events = [  # (customer, type, seconds before ``at``)
        ("a", "track", 1),  # recent
        ("a", "page", 30 * 86400),  # exactly 30 days before: recent
        ("a", "track", 30 * 86400 + 1),  # earlier window
        ("a", "screen", 59 * 86400),  # earlier window
        ("a", "track", 60 * 86400 + 1),  # older than both
        ("a", "track", -1),  # after the moment
        ("a", "identify", 5),  # not product use
        ("b", "track", 3),
    ]
    con = ibis.duckdb.connect()
    con.create_table(
        "events",
        ibis.memtable(
            pl.DataFrame(
                {
                    "customer_id": [e[0] for e in events],
                    "type": [e[1] for e in events],
                    "occurred_at": [at - dt.timedelta(seconds=e[2]) for e in events],
                }
            )
        ),
    )
    rows = pl.DataFrame(
        {"customer_id": ["a", "c", "a"], "decided_at": [at, at, at + 30 * day]},
        schema_overrides={"decided_at": pl.Datetime("us", "UTC")},
    )
    out = usage_before(con, rows, at="decided_at")
    assert out["customer_id"].to_list() == ["a", "c", "a"]  # order and rows kept
    assert out["decision_events_30d"].to_list() == [2.0, 0.0, 1.0]
    assert out["decision_events_prev_30d"].to_list() == [2.0, 0.0, 2.0]
    assert out["decision_usage_ratio"].to_list() == [1.0, None, 0.5]
    one = usage_before(con, rows.head(1).drop("decided_at"), at=at)
    assert one["decision_events_30d"].to_list() == [2.0]
