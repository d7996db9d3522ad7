"""Win-back on the demo world: the reactivation model, the ranked list, CLI and API."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from tenure import Workspace
from tenure.cli.main import app
from tenure.errors import NotFoundError

pytestmark = pytest.mark.slow


def test_winback_ranks_churned_customers_with_offers_by_reason_when_trained(
    trained_workspace: Path, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(trained_workspace, root)
    with (root / "tenure.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[winback]\norigins = 8\nhorizon_days = 120\n")
    with Workspace.open(root) as ws:
        with pytest.raises(NotFoundError, match="tenure winback train"):
            ws.winback()
        report = ws.winback_train()
        assert report["came_back"] > 0 and report["rows"] > report["came_back"]
        ranked = ws.winback()
        day = ws.scoring_day()
        churned = ws.churned()

    assert ranked.height == churned.height > 0
    assert (ranked["churned_on"] < day).all() and (ranked["mrr_before_churn"] > 0).all()
    assert ranked["probability"].is_between(0, 1).all()
    assert ranked["expected_value"].to_list() == sorted(ranked["expected_value"], reverse=True)
    reasons = ranked.filter(pl.col("cancel_reason") == "too_expensive")
    assert reasons.height and set(reasons["offer"]) == {"discount"}
    # the message names the plan they paid for last
    assert ranked["plan"].null_count() == 0
    assert set(ranked["plan"]) <= {"Starter", "Pro", "Business"}
    for plan, message in reasons.select("plan", "message").iter_rows():
        assert message.endswith(f"a cheaper plan than {plan}.")
    not_using = ranked.filter(pl.col("cancel_reason") == "not_using")
    assert set(not_using["offer"]) <= {"onboarding_help"}
    assert 0 < ranked["high_ltv"].sum() <= 0.2 * ranked.height + 1
    # an involuntary churn's reason is the failed payment, whatever the survey said before
    involuntary = ranked.filter(pl.col("churn_type") == "involuntary")
    assert involuntary.height and set(involuntary["cancel_reason"]) == {"payment_failed"}
    assert set(involuntary["offer"]) == {"update_payment"}
    assert set(involuntary["reason_source"]) == {"payment"}
    voluntary = ranked.filter(pl.col("churn_type") == "voluntary")
    assert set(voluntary["reason_source"].drop_nulls()) == {"survey", "stripe"}
    assert voluntary.filter(pl.col("reason_source").is_null())["cancel_reason"].null_count() == (
        voluntary["reason_source"].null_count()
    )

    runner = CliRunner()
    audience = tmp_path / "audience.csv"
    result = runner.invoke(
        app, ["winback", "list", "-w", str(root), "--json", "--limit", "5", "--out", str(audience)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["count"] == ranked.height and len(payload["items"]) == 5
    assert payload["items"][0]["customer_id"] == ranked["customer_id"][0]
    with audience.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == ranked.height and {"email", "offer", "message"} <= set(rows[0])


def test_a_churn_reason_comes_from_stripe_feedback_when_the_survey_has_none(
    trained_workspace: Path,
) -> None:
    with Workspace.open(trained_workspace) as ws:
        churned = ws.churned()
        table = ws.warehouse.ibis.table("subscriptions")
        subs = table.select("customer_id", "ended_at", "cancellation_feedback").to_polars()
    # each customer's latest ended subscription, as the features read it
    last = (
        subs.filter(pl.col("ended_at").is_not_null())
        .sort("ended_at")
        .group_by("customer_id")
        .agg(pl.col("cancellation_feedback").last())
    )
    stripe = churned.filter(pl.col("reason_source") == "stripe").join(last, on="customer_id")
    assert stripe.height > 0
    expected = {
        "unused": "not_using",
        "low_quality": "technical_issues",
        "customer_service": "poor_support",
        "switched_service": "switched_competitor",
    }
    for row in stripe.iter_rows(named=True):
        feedback = row["cancellation_feedback"]
        assert row["cancel_reason"] == expected.get(feedback, feedback)
    # no reason at all only where neither the survey nor Stripe's feedback had one
    silent = churned.filter(pl.col("reason_source").is_null()).join(last, on="customer_id")
    assert silent["cancellation_feedback"].null_count() == silent.height
