"""Offer policies evaluated on logged cancel decisions: who would stay, at what cost.

A *policy* says, for each cancel decision, whether to offer the retention discount. Four
are compared (docs/offers.md, "Simulating the policies"):

- ``none``: never;
- ``everyone``: always;
- ``targeted``: where the predicted uplift × value exceeds the expected cost, the rule of
  :func:`tenure.decide.decide_offers`: ``uplift × MRR × value_months − P(accept) × MRR ×
  percent / 100 × months > 0``, with ``P(accept)`` the predicted chance that the customer
  accepts the offer (a declined offer costs nothing; 1 when not predicted);
- ``oracle``: where the demo's ground truth says the discount saves the customer (demo
  worlds only).

For each policy, over ``n`` decisions: **saved** customers (still paying, with no
cancellation pending, on the outcome day), **saved MRR** (their MRR at the decision),
**discount cost** (``MRR × percent / 100 × months`` for each accepted offer) and **net
revenue** ``value_months × saved MRR − discount cost``.

Two estimators, both unbiased because the logged offers were randomised:

- :func:`evaluate_logged` (any data): the decisions where the logged action equals the
  policy's stand for those where it does not. With ``N_a`` decisions to which the policy
  gives action ``a`` and ``n_a`` of them logged with action ``a``, a total is
  ``Σ_a N_a × mean(x | logged a, policy a)``, with variance ``Σ_a N_a² × s²_a / n_a``
  (a stratified, self-normalised inverse-propensity estimate).
- :func:`evaluate_ground_truth` (the demo): on the decisions logged *without* an offer
  (a random sample), the outcome without an offer is observed and the ground truth says
  whether an offer would have been accepted (``discount_would_save`` or
  ``discount_seeker``) and whether it would have saved the customer (only
  ``discount_would_save``: a seeker stays anyway), so each policy's outcome is known per
  decision; totals are scaled to all ``n`` decisions, with a normal interval for that
  sampling. Each policy's net revenue minus that of "discount everyone" is estimated on
  the same decisions too (``net_vs_everyone``), a paired difference whose interval is much
  narrower than the two totals' intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import polars as pl

from tenure.measure.intervals import Estimate

__all__ = [
    "POLICIES",
    "PolicyOutcome",
    "PolicyReport",
    "evaluate_ground_truth",
    "evaluate_logged",
    "policy_actions",
    "policy_report",
]

POLICIES = ("none", "everyone", "targeted", "oracle")
"""The policies compared, in the order reports show them."""

_METRICS = ("saved", "saved_mrr", "discount_cost", "net_revenue")


@dataclass(frozen=True)
class PolicyOutcome:
    """One policy's totals over the evaluated decisions, each with its interval."""

    policy: str
    offered: int
    saved: Estimate
    saved_mrr: Estimate
    discount_cost: Estimate
    net_revenue: Estimate
    net_vs_everyone: Estimate | None = None
    """Net revenue minus that of "discount everyone", paired per decision (ground truth)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"policy": self.policy, "offered": self.offered}
        for name in (*_METRICS, "net_vs_everyone"):
            e: Estimate | None = getattr(self, name)
            if e is not None:
                out[name] = {"value": _num(e.value), "low": _num(e.low), "high": _num(e.high)}
        return out


@dataclass(frozen=True)
class PolicyReport:
    """The policies' outcomes by one estimator (``method``: ``logged`` or ``ground_truth``)."""

    method: str
    decisions: int
    rows_used: int
    policies: tuple[PolicyOutcome, ...]

    def policy(self, name: str) -> PolicyOutcome:
        """The outcome of the policy called ``name``."""
        return next(p for p in self.policies if p.policy == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "decisions": self.decisions,
            "rows_used": self.rows_used,
            "policies": [p.to_dict() for p in self.policies],
        }


def _mean(series: pl.Series) -> float:
    value = series.cast(pl.Float64).mean()
    return float(value) if isinstance(value, int | float) else math.nan


def _var(series: pl.Series) -> float:
    if series.len() < 2:
        return math.nan
    value = series.cast(pl.Float64).var()
    return float(value) if isinstance(value, int | float) else math.nan


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 4)


def policy_actions(
    frame: pl.DataFrame, *, percent: float, months: int, value_months: float
) -> pl.DataFrame:
    """``frame`` with ``value``, ``cost`` and one boolean ``offer_<policy>`` per policy.

    ``frame`` needs ``mrr`` and ``uplift``, and may have ``accept_probability`` (the
    predicted chance of accepting the offer; 1 without it); ``would_save`` (ground truth)
    adds the oracle.
    """
    accept = (
        pl.col("accept_probability").fill_null(1.0)
        if "accept_probability" in frame.columns
        else pl.lit(1.0)
    )
    out = frame.with_columns(
        value=pl.col("mrr") * value_months,
        cost=pl.col("mrr") * percent / 100 * months,
    ).with_columns(
        offer_none=pl.lit(value=False),
        offer_everyone=pl.lit(value=True),
        offer_targeted=(pl.col("uplift") * pl.col("value") - accept * pl.col("cost")) > 0,
    )
    if "would_save" in out.columns:
        out = out.with_columns(offer_oracle=pl.col("would_save").cast(pl.Boolean))
    return out


def _interval(value: float, variance: float, confidence: float) -> Estimate:
    if math.isnan(variance):
        return Estimate(value, math.nan, math.nan, confidence)
    half = NormalDist().inv_cdf(0.5 + confidence / 2) * math.sqrt(max(variance, 0.0))
    return Estimate(value, value - half, value + half, confidence)


def _per_decision(frame: pl.DataFrame, stays: pl.Expr, accepts: pl.Expr) -> pl.DataFrame:
    saved = stays.cast(pl.Float64)
    cost = accepts.cast(pl.Float64) * pl.col("cost")
    return frame.select(
        saved=saved,
        saved_mrr=saved * pl.col("mrr"),
        discount_cost=cost,
        net_revenue=saved * pl.col("value") - cost,
    )


def evaluate_logged(
    frame: pl.DataFrame,
    *,
    percent: float,
    months: int,
    value_months: float,
    confidence: float = 0.95,
) -> PolicyReport:
    """Each policy's totals over ``frame``'s decisions, estimated from the logged offers.

    ``frame``: one row per decision with ``treated`` (offered), ``accepted``,
    ``retained``, ``mrr`` and ``uplift`` (and ``would_save`` for the oracle). The cost of
    an accepted logged offer is that of the simulated offer (``percent``, ``months``).
    """
    rows = policy_actions(frame, percent=percent, months=months, value_months=value_months)
    per = pl.concat(
        [
            rows.select("treated", *[c for c in rows.columns if c.startswith("offer_")]),
            _per_decision(rows, pl.col("retained"), pl.col("treated") & pl.col("accepted")),
        ],
        how="horizontal",
    )
    outcomes = []
    for policy in POLICIES:
        column = f"offer_{policy}"
        if column not in per.columns:
            continue
        totals: dict[str, Estimate] = {}
        for metric in _METRICS:
            value, variance = 0.0, 0.0
            for action in (True, False):
                big_n = per.filter(pl.col(column) == action).height
                if big_n == 0:
                    continue
                match = per.filter((pl.col(column) == action) & (pl.col("treated") == action))
                n = match.height
                if n == 0:
                    value, variance = math.nan, math.nan
                    break
                value += big_n * _mean(match[metric])
                spread = _var(match[metric])
                variance += big_n**2 * spread / n
            totals[metric] = _interval(value, variance, confidence)
        outcomes.append(PolicyOutcome(policy, int(per[column].sum()), **totals))
    return PolicyReport("logged", frame.height, frame.height, tuple(outcomes))


def evaluate_ground_truth(
    frame: pl.DataFrame,
    *,
    percent: float,
    months: int,
    value_months: float,
    confidence: float = 0.95,
) -> PolicyReport:
    """Each policy's totals over ``frame``'s decisions, from the demo's ground truth.

    Uses the decisions logged without an offer (``treated`` false): their ``retained`` is
    the outcome without an offer; with one, the demo's customer accepts exactly when
    ``would_save`` or ``seeker`` (a discount seeker; false when the column is missing),
    and the discount's cost is paid for every acceptance, but only ``would_save`` turns
    a leaver into a saved customer: a seeker stays anyway. The oracle here offers exactly
    where the offer changes the outcome and is worth its cost (``would_save``, not
    retained without it, and ``value > cost``), the best any policy can do.
    """
    rows = policy_actions(frame, percent=percent, months=months, value_months=value_months)
    if "seeker" not in rows.columns:
        rows = rows.with_columns(seeker=pl.lit(value=False))
    accepts = pl.col("would_save") | pl.col("seeker").fill_null(value=False)
    control = rows.filter(~pl.col("treated")).with_columns(
        offer_oracle=pl.col("would_save") & ~pl.col("retained") & (pl.col("value") > pl.col("cost"))
    )
    m, big_n = control.height, frame.height

    def scaled(values: pl.Series) -> Estimate:
        mean, spread = _mean(values), _var(values)
        return _interval(big_n * mean, big_n**2 * spread / max(m, 1), confidence)

    def outcome(policy: str) -> pl.DataFrame:
        offer = pl.col(f"offer_{policy}")
        return _per_decision(
            control, pl.col("retained") | (offer & pl.col("would_save")), offer & accepts
        )

    everyone = outcome("everyone")["net_revenue"]
    outcomes = []
    for policy in POLICIES:
        per = outcome(policy)
        totals = {metric: scaled(per[metric]) for metric in _METRICS}
        offered = round(big_n * _mean(control[f"offer_{policy}"])) if m else 0
        paired = scaled(per["net_revenue"] - everyone)  # the same decisions: a tighter interval
        outcomes.append(PolicyOutcome(policy, offered, **totals, net_vs_everyone=paired))
    return PolicyReport("ground_truth", big_n, m, tuple(outcomes))


def policy_report(
    test: pl.DataFrame,
    split: dict[str, Any],
    *,
    learner: str,
    outcome_days: int,
    value_months: float,
) -> dict[str, Any]:
    """``tenure offers simulate``'s report on scored decisions (docs/offers.md).

    ``test`` holds the scored decisions (``uplift``, ``accept_probability``, the logged
    offer and outcome, and on a demo the ground truth), ``split`` how they were kept out
    of their models' training rows. The discount's terms are the logged offers' (the
    most common percent and months; 50 % for 3 months without an offer). Adds the model's
    normalised Qini AUC on ``test`` and both evaluations (``logged`` when both arms are
    there, ``ground_truth`` on a demo with decisions without an offer).
    """
    from tenure.models import qini_auc_score

    offered = test.filter(pl.col("treated"))
    percent = float(offered["percent"].mode()[0]) if offered.height else 50.0
    months = int(offered["months"].mode()[0]) if offered.height else 3
    terms: dict[str, Any] = {"percent": percent, "months": months, "value_months": value_months}
    both = test["treated"].any() and not test["treated"].all()
    qini = (
        float(
            qini_auc_score(
                test["retained"].cast(pl.Int8).to_numpy(),
                test["uplift"].to_numpy(),
                test["treated"].to_numpy(),
            )
        )
        if both
        else None
    )
    report: dict[str, Any] = {
        **split,
        "test_decisions": test.height,
        "test_offered": int(test["treated"].sum()),
        "test_from": str(test["decided_on"].min()),
        "test_to": str(test["decided_on"].max()),
        "qini_auc": qini,
        "learner": learner,
        "outcome_days": outcome_days,
        **terms,
        "logged": evaluate_logged(test, **terms).to_dict() if both else None,
        "ground_truth": None,
    }
    if "would_save" in test.columns and (~test["treated"]).any():
        report["ground_truth"] = evaluate_ground_truth(test, **terms).to_dict()
    return report
