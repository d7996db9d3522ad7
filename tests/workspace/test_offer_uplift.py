"""The discount uplift model and the offer simulation on the small demo world."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from tenure import Workspace
from tenure.cli.main import app
from tenure.errors import NotFoundError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def offers_workspace(
    demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("offers") / "ws"
    shutil.copytree(demo_workspace, root)
    yield root


@pytest.fixture(scope="module")
def simulated(offers_workspace: Path) -> dict[str, Any]:
    with Workspace.open(offers_workspace) as ws:
        return {
            "decisions": ws.offer_decisions(),
            "train": ws.offer_uplift_train(),
            "simulate": ws.offers_simulate(protocol="time"),
            "crossfit": ws.offers_simulate(),
        }


def test_decisions_use_features_from_before_the_decision_when_built(
    simulated: dict[str, Any],
) -> None:
    frame: pl.DataFrame = simulated["decisions"]
    assert frame.height > 0 and frame["treated"].any() and (~frame["treated"]).any()
    assert (frame["as_of"] <= frame["decided_on"]).all()  # features known before deciding
    assert (frame["outcome_as_of"] - frame["decided_on"] >= dt.timedelta(days=90)).all()
    assert (frame["mrr"] > 0).all()
    # an accepted offer is an offered one; unobserved outcomes are null
    assert not (frame["accepted"] & ~frame["treated"]).any()
    assert frame.filter(~pl.col("observed"))["retained"].null_count() == (~frame["observed"]).sum()
    assert {"would_save", "seeker"} <= set(frame.columns)  # the demo's ground truth is joined
    # product use just before each decision moment, beside the first-of-month features
    assert frame["decision_events_30d"].null_count() == 0 and frame["decision_events_30d"].max() > 0


def test_decisions_count_the_customers_earlier_cancel_requests_when_built(
    simulated: dict[str, Any], offers_workspace: Path
) -> None:
    """``cancel_requests_before`` counts the customer's own requests strictly before the
    decision, taken-back ones included (a seeker's bluffs); checked by hand per decision."""
    from tenure.features.offer_decisions import cancel_requests

    frame: pl.DataFrame = simulated["decisions"]
    with Workspace.open(offers_workspace) as ws:
        requests = cancel_requests(ws.warehouse.ibis)
    by_customer: dict[str, list[dt.datetime]] = {}
    for row in requests.iter_rows(named=True):
        by_customer.setdefault(row["customer_id"], []).append(row["requested_at"])
    for row in frame.iter_rows(named=True):
        at = row["decided_at"].astimezone(dt.UTC)
        want = sum(t < at for t in by_customer.get(row["customer_id"], []))
        assert row["cancel_requests_before"] == want, row["customer_id"]
    assert frame["cancel_requests_before"].max() > 0


def test_failed_payment_cancellations_are_not_decisions_when_built(
    simulated: dict[str, Any], offers_workspace: Path
) -> None:
    """No cancel flow runs when dunning cancels, so such a cancellation is no decision."""
    with Workspace.open(offers_workspace) as ws:
        subs = ws.warehouse.ibis.table("subscriptions_versions")
        failed = (
            subs.filter(subs.cancellation_reason == "payment_failed")
            .select("customer_id", decided_at=subs.canceled_at)
            .to_polars()
            .with_columns(pl.col("decided_at").cast(pl.Datetime("us", "UTC")))
        )
    assert failed.height > 0
    frame: pl.DataFrame = simulated["decisions"].with_columns(
        pl.col("decided_at").cast(pl.Datetime("us", "UTC"))
    )
    assert frame.join(failed, on=["customer_id", "decided_at"]).height == 0


def test_simulation_trains_only_on_outcomes_known_before_the_cutoff_when_run(
    simulated: dict[str, Any],
) -> None:
    report = simulated["simulate"]
    frame: pl.DataFrame = simulated["decisions"].filter(pl.col("observed"))
    cutoff = pl.Series([report["as_of"]]).str.to_date()[0]
    assert report["train_decisions"] == frame.filter(pl.col("outcome_as_of") <= cutoff).height
    assert report["test_decisions"] == frame.filter(pl.col("decided_on") >= cutoff).height
    assert report["test_from"] >= report["as_of"]
    assert (report["percent"], report["months"]) == (50.0, 3)  # the demo's SAVE50


def test_simulation_scores_every_known_outcome_out_of_fold_when_cross_fitted(
    simulated: dict[str, Any],
) -> None:
    report = simulated["crossfit"]
    frame: pl.DataFrame = simulated["decisions"].filter(pl.col("observed"))
    assert (report["protocol"], report["folds"], report["as_of"]) == ("crossfit", 5, None)
    assert report["test_decisions"] == frame.height
    assert report["test_offered"] == frame["treated"].sum()
    # each fold's models learned from the other four folds' customers: about 4/5 of the rows
    assert 0.7 * frame.height < report["train_decisions"] < 0.9 * frame.height
    assert report["test_from"] == str(frame["decided_on"].min())
    gt = {p["policy"]: p for p in report["ground_truth"]["policies"]}
    assert gt["everyone"]["offered"] == frame.height
    assert gt["oracle"]["net_revenue"]["value"] >= gt["targeted"]["net_revenue"]["value"] - 1e-6


@pytest.mark.parametrize("protocol", ["simulate", "crossfit"])
def test_simulation_invariants_hold_on_ground_truth_when_demo(
    simulated: dict[str, Any], protocol: str
) -> None:
    gt = simulated[protocol]["ground_truth"]
    by = {p["policy"]: p for p in gt["policies"]}
    assert set(by) == {"none", "everyone", "targeted", "oracle"}
    assert by["none"]["discount_cost"]["value"] == 0 and by["none"]["offered"] == 0
    assert by["everyone"]["discount_cost"]["value"] >= by["targeted"]["discount_cost"]["value"]
    for policy in by.values():
        assert by["oracle"]["net_revenue"]["value"] >= policy["net_revenue"]["value"] - 1e-6
    assert by["everyone"]["saved"]["value"] >= by["none"]["saved"]["value"]
    logged = simulated[protocol]["logged"]
    none = next(p for p in logged["policies"] if p["policy"] == "none")
    assert none["discount_cost"]["value"] == 0


def test_ground_truth_charges_seekers_discounts_and_counts_no_save_when_demo(
    simulated: dict[str, Any],
) -> None:
    """On the held-out decisions without an offer, scaled to all of them: "everyone" pays
    ``1.5 × MRR`` for every seeker and every savable customer, and saves the savable and
    those who stayed anyway (seekers among them), never a seeker because of the offer.
    """
    report = simulated["simulate"]
    frame: pl.DataFrame = simulated["decisions"].filter(pl.col("observed"))
    test = frame.filter(pl.col("decided_on") >= pl.lit(report["as_of"]).str.to_date())
    control = test.filter(~pl.col("treated"))
    scale = test.height / control.height
    seekers = control.filter(pl.col("seeker"))
    leavers = control.filter(~pl.col("seeker") & ~pl.col("would_save"))
    # they stay anyway: the take-back is a new version of the subscription
    assert seekers.height > 0 and seekers["retained"].mean() > 2 * leavers["retained"].mean()
    assert not (control["seeker"] & control["would_save"]).any()
    takers = control.filter(pl.col("seeker") | pl.col("would_save"))
    everyone = next(p for p in report["ground_truth"]["policies"] if p["policy"] == "everyone")
    cost = scale * float((takers["mrr"] * 1.5).sum())
    assert everyone["discount_cost"]["value"] == pytest.approx(cost, rel=1e-3)
    saved = scale * (control["retained"] | control["would_save"]).sum()
    assert everyone["saved"]["value"] == pytest.approx(saved, rel=1e-3)
    oracle = next(p for p in report["ground_truth"]["policies"] if p["policy"] == "oracle")
    seekers_cost = scale * float((seekers["mrr"] * 1.5).sum())
    # the report rounds to 4 decimals
    assert oracle["discount_cost"]["value"] <= cost - seekers_cost + 1e-3
    offered_seekers = frame.filter(pl.col("treated") & pl.col("seeker"))
    assert offered_seekers["accepted"].all()  # offered, a seeker takes the deal


def test_offer_decision_uses_model_uplift_when_trained_else_default(
    offers_workspace: Path, simulated: dict[str, Any], tmp_path: Path
) -> None:
    untrained = tmp_path / "ws"
    shutil.copytree(offers_workspace, untrained)
    shutil.rmtree(untrained / "models" / "offer_uplift")
    settings = "\n[offers]\ncontrol_share = 0\n"
    for root in (offers_workspace, untrained):
        with (root / "tenure.toml").open("a", encoding="utf-8") as fh:
            fh.write(settings)
    with Workspace.open(offers_workspace) as ws:
        scored = ws.offer_uplift()
        payer = scored["customer_id"][0]
        decision = ws.offer_decision(payer, "too_expensive")
        one = ws.offer_uplift([payer])
    discount = next(c for c in decision.considered if c["kind"] == "discount")
    assert discount["uplift_source"] == "model"
    assert discount["uplift"] == pytest.approx(one["uplift"][0], abs=1e-6)
    assert scored["uplift"].is_between(-1, 1).all() and (scored["mrr"] > 0).all()
    # the expected cost weighs the discount by the acceptance model's probability
    accept = one["accept_probability"][0]
    assert 0 < accept < 1 and scored["accept_probability"].n_unique() > 1
    assert discount["accept_probability"] == pytest.approx(accept, abs=1e-6)
    assert discount["expected_cost"] == pytest.approx(accept * discount["cost"], abs=0.01)
    # the principal-strata model (the default) is its own acceptance model: π_s + π_v
    assert scored["accept_probability"].to_list() == pytest.approx(
        scored["retained_if_offered"].to_list()
    )
    assert (scored["uplift"] >= 0).all()
    assert not (offers_workspace / "models/offer_uplift/acceptance/metadata.json").exists()
    with Workspace.open(untrained) as ws:
        with pytest.raises(NotFoundError, match="tenure offers train"):
            ws.offer_uplift()
        fallback = ws.offer_decision(payer, "too_expensive")
    discount = next(c for c in fallback.considered if c["kind"] == "discount")
    assert discount["uplift_source"] == "default" and discount["uplift"] == 0.1


def test_training_report_gives_the_average_strata_when_the_learner_is_strata(
    simulated: dict[str, Any],
) -> None:
    report = simulated["train"]
    kinds = report["strata"]
    assert report["learner"] == "strata" and set(kinds) == {
        "stays_anyway",
        "saved",
        "leaves_anyway",
    }
    assert sum(kinds.values()) == pytest.approx(1.0)
    assert all(0 <= v <= 1 for v in kinds.values())
    # customers not offered who stay are the ones who stay anyway
    assert kinds["stays_anyway"] == pytest.approx(report["retained_not_offered"], abs=0.1)


def test_t_learner_is_saved_with_an_acceptance_model_when_chosen(
    offers_workspace: Path, simulated: dict[str, Any], tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(offers_workspace, root)
    with Workspace.open(root) as ws:
        offers = ws.settings.offers.model_copy(update={"uplift_learner": "t"})
        ws.settings = ws.settings.model_copy(update={"offers": offers})
        report = ws.offer_uplift_train()
        scored = ws.offer_uplift()
    assert report["learner"] == "t" and report["acceptance_model"] and report["strata"] is None
    assert (root / "models/offer_uplift/acceptance/metadata.json").exists()
    assert scored["accept_probability"].is_between(0, 1).all()
    assert scored["accept_probability"].to_list() != pytest.approx(
        scored["retained_if_offered"].to_list()
    )


def test_cli_simulate_prints_json_and_table_when_asked(
    offers_workspace: Path, simulated: dict[str, Any]
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["offers", "simulate", "-w", str(offers_workspace), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["protocol"] == "crossfit"
    assert payload["ground_truth"] == json.loads(json.dumps(simulated["crossfit"]["ground_truth"]))
    timed = runner.invoke(
        app,
        ["offers", "simulate", "-w", str(offers_workspace), "--protocol", "time", "--json"],
    )
    assert timed.exit_code == 0, timed.output
    assert json.loads(timed.output)["as_of"] == simulated["simulate"]["as_of"]
    table = runner.invoke(app, ["offers", "simulate", "-w", str(offers_workspace)])
    assert table.exit_code == 0, table.output
    assert "discount everyone who cancels" in table.output and "oracle" in table.output
    assert "scored by models fitted on the other customers' decisions" in table.output
    assert "principal strata" in table.output and "Targeting withholds" in table.output
    trained = runner.invoke(app, ["offers", "train", "-w", str(offers_workspace), "--json"])
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.output)["rows"] == simulated["train"]["rows"]
    told = runner.invoke(app, ["offers", "train", "-w", str(offers_workspace)])
    assert told.exit_code == 0, told.output
    assert "Principal strata: of the customers at these decisions" in told.output
    # the decisions were built once and kept for the next process
    assert (offers_workspace / "cache" / "offer_decisions" / "key.json").exists()


def test_simulation_says_how_many_decisions_targeting_leaves_without_a_discount(
    simulated: dict[str, Any],
) -> None:
    from tenure.cli.offers_simulate import _withheld

    report = json.loads(json.dumps(simulated["crossfit"]))
    n = report["test_decisions"]
    for policy in report["logged"]["policies"]:
        if policy["policy"] == "targeted":
            policy["offered"] = n
    assert _withheld(report).startswith("Targeting withholds no discount: from ")
    for policy in report["logged"]["policies"]:
        if policy["policy"] == "targeted":
            policy["offered"] = n - 3
    assert _withheld(report) == f"Targeting withholds the discount from 3 of {n:,} decisions."


def test_stored_decisions_are_rebuilt_when_a_setting_they_depend_on_changes(
    offers_workspace: Path,
    simulated: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(offers_workspace, root)
    key = root / "cache" / "offer_decisions" / "key.json"
    before = key.read_text()
    monkeypatch.setenv("TENURE_OFFERS__OUTCOME_DAYS", "120")
    with Workspace.open(root) as ws:
        frame = ws.offer_decisions()
    assert key.read_text() != before
    assert (frame["outcome_as_of"] - frame["decided_on"] >= dt.timedelta(days=120)).all()


def test_offer_log_is_required_when_workspace_is_not_a_demo(ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="no offer log"):
        ws.offer_log()
