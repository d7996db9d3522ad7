"""Cancel decisions joined to the features of their month and their outcome (hand-made frames)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tenure.errors import DataError
from tenure.features.offer_decisions import (
    cancel_decisions,
    decision_months,
    demo_offer_log,
    offer_decision_frame,
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
