"""Win-back offers and priority flags on small frames (docs/winback.md)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tenure.config import Release, WinbackSettings
from tenure.decide.winback import choose_offers, flag_priorities


def _churned() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e", "f"],
            "churned_on": [dt.date(2026, 1, 10)] * 5 + [dt.date(2026, 6, 1)],
            "days_since_churn": [91.0, 91.0, 91.0, 91.0, 91.0, 30.0],
            "cancel_reason": [
                "too_expensive",
                "technical_issues",
                "missing_features",
                "missing_features",
                None,
                "missing_features",
            ],
            "cancel_comment": [None, None, "We need a Salesforce sync", "no API", None, "sync?"],
            "revenue": [100.0, 200.0, 300.0, 400.0, 500.0, 0.0],
            "events_90d_before_churn": [1, 2, 3, 4, 50, 0],
            "avg_mrr": [10.0, 10.0, 10.0, 10.0, 99.0, None],
        }
    )


def test_offer_follows_the_cancel_reason_and_announces_a_release_asked_for_after_churn() -> None:
    settings = WinbackSettings(
        releases=(
            Release(feature="Salesforce sync", released_on=dt.date(2026, 3, 2), keywords=("sync",)),
        )
    )
    fixed = pl.DataFrame({"customer_id": ["b"], "fixed": [2]})
    out = choose_offers(_churned(), fixed, settings).sort("customer_id")
    offers = dict(zip(out["customer_id"], out["offer"], strict=True))
    assert offers == {
        "a": "discount",
        "b": "whats_fixed",
        "c": "feature_release",  # asked for the sync, shipped after they left
        "d": "check_in",  # missing a feature nobody shipped: the fallback
        "e": "check_in",  # no reason given
        "f": "check_in",  # asked for the sync, but it shipped before they left
    }
    messages = dict(zip(out["customer_id"], out["message"], strict=True))
    assert "2 issues you reported" in messages["b"] and "3 months ago" in messages["b"]
    assert messages["c"].startswith("Salesforce sync is live since 02 March 2026.")
    assert out.filter(pl.col("customer_id") == "c")["release"].item() == "Salesforce sync"
    assert "{" not in "".join(out["message"])  # every placeholder filled


def test_priority_flags_mark_the_top_share_of_each_measure() -> None:
    out = flag_priorities(_churned(), 0.2).sort("customer_id")
    assert out.filter(pl.col("high_ltv"))["customer_id"].to_list() == ["e"]
    assert out.filter(pl.col("high_engagement"))["customer_id"].to_list() == ["e"]
    assert out.filter(pl.col("high_aov"))["customer_id"].to_list() == ["e"]
    assert out["priority"].to_list() == [False, False, False, False, True, False]
