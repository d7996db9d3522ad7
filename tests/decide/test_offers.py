"""The cancel-flow offer policy: rules, guardrails, control group (docs/offers.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from tenure.config import OfferRule, OfferSettings
from tenure.decide.offers import OfferContext, decide_offers, in_control

TODAY = dt.date(2026, 11, 23)
NO_CONTROL = OfferSettings(control_share=0.0)


def _ctx(**kw: object) -> OfferContext:
    values: dict[str, object] = {
        "customer_id": "cus_1",
        "reason": "too_expensive",
        "mrr": 100.0,
        "today": TODAY,
    }
    values.update(kw)
    return OfferContext(**values)  # type: ignore[arg-type]


def test_discount_is_offered_only_where_uplift_times_value_covers_its_cost() -> None:
    # 25% for 3 months of 100 MRR costs 75; value is 12 x 100 = 1200
    keeps = decide_offers(_ctx(uplift=0.08), NO_CONTROL)  # 96 - 75 > 0
    assert keeps.offers == ("discount_25_3m", "downgrade")
    assert keeps.rule == "reason=too_expensive"
    assert keeps.considered[0]["expected_value"] == pytest.approx(21.0)

    stays_anyway = decide_offers(_ctx(uplift=0.01), NO_CONTROL)  # 12 - 75 < 0
    assert stays_anyway.offers == ("downgrade",)
    assert "not positive" in stays_anyway.considered[0]["dropped"]


def test_discount_cost_is_weighted_by_the_chance_of_acceptance_when_it_is_known() -> None:
    """A declined offer costs nothing: EV = uplift × value − P(accept) × cost.

    uplift 0.05 × 1200 = 60 against the full cost 75: dropped when acceptance is unknown
    (counted as certain); with a 40% chance of acceptance the expected cost is 30, and
    60 − 30 = 30 > 0. A customer who would take it and stay anyway (uplift 0.01, accepts
    with 0.9) is still dropped: 12 − 67.5 < 0.
    """
    unknown = decide_offers(_ctx(uplift=0.05), NO_CONTROL)
    assert unknown.offers == ("downgrade",)
    assert unknown.considered[0]["accept_probability"] == 1.0
    unsure = decide_offers(_ctx(uplift=0.05, accept_probability=0.4), NO_CONTROL)
    assert unsure.offers == ("discount_25_3m", "downgrade")
    numbers = unsure.considered[0]
    assert numbers["expected_cost"] == pytest.approx(30.0)
    assert numbers["expected_value"] == pytest.approx(30.0)
    seeker = decide_offers(_ctx(uplift=0.01, accept_probability=0.9), NO_CONTROL)
    assert seeker.offers == ("downgrade",)
    assert "0.900 chance of accepting" in seeker.considered[0]["dropped"]


def test_one_discount_per_cooldown_and_the_maximum_percent_are_enforced() -> None:
    recent = decide_offers(
        _ctx(uplift=0.5, last_discount_on=TODAY - dt.timedelta(days=100)), NO_CONTROL
    )
    assert recent.offers == ("downgrade",)
    assert "100 days ago" in recent.considered[0]["dropped"]
    old = decide_offers(
        _ctx(uplift=0.5, last_discount_on=TODAY - dt.timedelta(days=400)), NO_CONTROL
    )
    assert old.offers[0] == "discount_25_3m"
    capped = decide_offers(_ctx(uplift=0.5), OfferSettings(control_share=0, max_discount_pct=20))
    assert capped.offers == ("downgrade",)
    assert "max_discount_pct" in capped.considered[0]["dropped"]


def test_segment_rules_come_first_and_unknown_reasons_fall_to_the_star_rule() -> None:
    settings = OfferSettings(
        control_share=0.0,
        rules=(
            OfferRule(reason="too_expensive", segment="high_ltv", offers=("concierge",)),
            *OfferSettings().rules,
        ),
    )
    vip = decide_offers(_ctx(segments=frozenset({"high_ltv"})), settings)
    assert vip.offers == ("concierge",) and vip.rule == "reason=too_expensive segment=high_ltv"
    assert decide_offers(_ctx(), settings).offers[-1] == "downgrade"
    assert decide_offers(_ctx(reason="other"), settings).offers == ("pause_1m",)


def test_control_group_is_deterministic_and_about_its_share() -> None:
    ids = [f"cus_{i}" for i in range(4000)]
    share = sum(in_control(c, 0.1) for c in ids) / len(ids)
    assert 0.085 < share < 0.115
    assert [in_control(c, 0.1) for c in ids[:50]] == [in_control(c, 0.1) for c in ids[:50]]
    controlled = next(c for c in ids if in_control(c, 0.1))
    decision = decide_offers(_ctx(customer_id=controlled, uplift=0.9), OfferSettings())
    assert decision.control and decision.offers == ()


def test_settings_name_the_rule_whose_offer_is_not_in_the_catalog() -> None:
    with pytest.raises(ValidationError, match=r"rules\[0\] names offers not in the catalog: nope"):
        OfferSettings(rules=(OfferRule(reason="*", offers=("nope",)),))
    with pytest.raises(ValidationError, match="reason 'bored'"):
        OfferSettings(rules=(OfferRule(reason="bored", offers=("pause_1m",)),))
