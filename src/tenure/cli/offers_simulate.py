"""Rendering of ``tenure offers simulate`` (and of the demo's summary of it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.cli.console import console

if TYPE_CHECKING:
    from tenure.workspace import Workspace

_NAMES = {
    "none": "no discount",
    "everyone": "discount everyone who cancels",
    "targeted": "targeted: uplift × value > P(accept) × cost",
    "oracle": "oracle (ground truth)",
}
_LEARNERS = {"strata": "principal strata", "t": "T-learner", "x": "X-learner"}


def _cell(metric: dict[str, Any], *, money: bool) -> str:
    value, low, high = metric["value"], metric["low"], metric["high"]
    if value is None:
        return "–"
    fmt = "{:,.0f}" if money else "{:,.1f}"
    if low is None or high is None or low == high:
        return fmt.format(value)
    return f"{fmt.format(value)} [dim]({fmt.format(low)} to {fmt.format(high)})[/]"


def print_policy_table(section: dict[str, Any], title: str, caption: str) -> None:
    """One rich table: each policy's offers, saved, saved MRR, cost and net revenue."""
    from rich.table import Table

    table = Table(title=title, caption=caption)
    table.add_column("policy")
    paired = all("net_vs_everyone" in p for p in section["policies"])
    columns = ["offers", "saved", "saved MRR", "discount cost", "net revenue"]
    for col in [*columns, "net vs everyone"] if paired else columns:
        table.add_column(col, justify="right")
    best = max(
        (p for p in section["policies"] if p["policy"] != "oracle"),
        key=lambda p: p["net_revenue"]["value"] or float("-inf"),
    )
    for p in section["policies"]:
        name = _NAMES.get(p["policy"], p["policy"])
        cells = [
            f"[bold]{name}[/]" if p is best else name,
            f"{p['offered']:,}",
            _cell(p["saved"], money=False),
            _cell(p["saved_mrr"], money=True),
            _cell(p["discount_cost"], money=True),
            _cell(p["net_revenue"], money=True),
        ]
        if paired:  # the same decisions under both policies: a narrower interval
            cells.append(_cell(p["net_vs_everyone"], money=True))
        table.add_row(*cells)
    console.print(table)


def print_simulation(report: dict[str, Any]) -> None:
    """The simulation's split, the model's Qini AUC and one table per estimator."""
    qini = report["qini_auc"]
    if report.get("protocol") == "crossfit":
        split = (
            f"Every one of {report['test_decisions']:,} cancel decisions from "
            f"{report['test_from']} to {report['test_to']} ({report['test_offered']:,} offered "
            f"a discount) scored by models fitted on the other customers' decisions "
            f"({report['folds']} folds; about {report['train_decisions']:,} decisions each, "
            f"{report['train_offered']:,} offered)."
        )
    else:
        split = (
            f"Trained on {report['train_decisions']:,} cancel decisions before "
            f"{report['as_of']} ({report['train_offered']:,} offered a discount); evaluated "
            f"on {report['test_decisions']:,} from {report['test_from']} to "
            f"{report['test_to']} ({report['test_offered']:,} offered)."
        )
    console.print(
        f"{split} Offer: {report['percent']:g}% off for "
        f"{report['months']} months; value = MRR × {report['value_months']:g} months; "
        f"saved = still paying {report['outcome_days']} days on. Uplift model "
        f"({_LEARNERS.get(report['learner'], report['learner'])}) Qini AUC on the scored "
        "decisions: " + ("–" if qini is None else f"{qini:.3f}"),
        highlight=False,
    )
    console.print(_withheld(report), highlight=False)
    caption = "95% intervals in parentheses; net revenue = value × saved MRR − discount cost."
    if report.get("logged"):
        print_policy_table(
            report["logged"],
            "Offer policies, estimated from the randomised logged offers",
            caption,
        )
    if report.get("ground_truth"):
        gt = report["ground_truth"]
        print_policy_table(
            gt,
            "Offer policies on the demo's ground truth (discount_would_save)",
            f"{gt['rows_used']:,} decisions without an offer, scaled to "
            f"{gt['decisions']:,}. " + caption,
        )


def _withheld(report: dict[str, Any]) -> str:
    """How many scored decisions the targeted policy leaves without the discount."""
    evaluated = report.get("logged") or report.get("ground_truth")
    offered = (
        next(p["offered"] for p in evaluated["policies"] if p["policy"] == "targeted")
        if evaluated
        else report["test_decisions"]
    )
    if offered < report["test_decisions"]:
        return (
            f"Targeting withholds the discount from {report['test_decisions'] - offered:,} of "
            f"{report['test_decisions']:,} decisions."
        )
    return (
        f"Targeting withholds no discount: from {report['train_decisions']:,} training "
        "decisions the model is not sure of any customer that a discount would be wasted on "
        "them, so it offers it to everyone (more history lets it target; docs/offers.md, "
        "'What the demo world shows')."
    )


def demo_offers_and_winback(ws: Workspace) -> tuple[dict[str, Any] | str, Any]:
    """For ``tenure demo``: the offer simulation and the ranked win-back list.

    Trains the discount uplift model and simulates the offer policies, then trains the
    win-back model and ranks the churned customers. Each part is its message instead when
    the world is too small or short to learn from.
    """
    from tenure.errors import ModelError, NotFoundError

    offers: dict[str, Any] | str
    try:
        ws.offer_uplift_train()
        offers = ws.offers_simulate()
    except (ModelError, NotFoundError) as exc:
        offers = str(exc)
    winback: Any
    try:
        ws.winback_train()
        winback = ws.winback()
    except (ModelError, NotFoundError) as exc:
        winback = str(exc)
    return offers, winback


def print_demo_offers(offers: dict[str, Any] | str, winback: Any, directory: Path) -> None:
    """The demo's offer simulation (ground truth) and the top of its win-back list."""
    from tenure.cli.winback import AUDIENCE, print_winback

    if isinstance(offers, str):
        console.print(f"No offer simulation: {offers}")
    else:
        print_simulation(offers)
        console.print(f"Details: tenure offers simulate -w {directory} (--json)")
    if isinstance(winback, str):
        console.print(f"No win-back list: {winback}")
    else:
        print_winback(winback.select([c for c in AUDIENCE if c in winback.columns]), 5)
