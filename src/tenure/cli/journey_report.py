"""The text of ``tenure journeys report``: conversion, retention and MRR per arm."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from rich.table import Table

from tenure.cli.console import console

if TYPE_CHECKING:
    from tenure.measure import Estimate, HorizonResult, JourneyReport, VariantLift

__all__ = ["print_report"]

_RATE = ".1%"  # format specs for _estimate: a rate, a signed amount
_CHANGE = "+,.2f"


class _Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)


def _estimate(e: Estimate, spec: str) -> str:
    """``value [low, high]`` in the format ``spec``; the value alone without an interval."""
    if math.isnan(e.value):
        return "-"
    if math.isnan(e.low):
        return f"{e.value:{spec}}"
    return f"{e.value:{spec}} [{e.low:{spec}}, {e.high:{spec}}]"


def _money(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.2f}"


def _pp(e: Estimate) -> str:
    if math.isnan(e.low):
        return "not yet"
    return f"{e.value * 100:+.1f} pp [{e.low * 100:+.1f}, {e.high * 100:+.1f}]"


def _labelled(arms: Sequence[T], variants: Sequence[T]) -> list[tuple[str, T]]:
    """Each arm by its name, then each A/B variant as ``variant NAME``."""
    return [(a.name, a) for a in arms] + [(f"variant {v.name}", v) for v in variants]


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None)
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    return table


def _variant_lifts(lifts: Sequence[VariantLift], *, rate: bool) -> None:
    for v in lifts:
        shown = (
            _pp(v.lift)
            if rate
            else ("not yet" if math.isnan(v.lift.low) else _estimate(v.lift, _CHANGE))
        )
        test = f"; always-valid p = {v.p_always_valid:.3g}" if v.p_always_valid is not None else ""
        method = "Newcombe" if rate else "Welch"
        console.print(
            f"  variant {v.variant} - variant {v.baseline}: {shown} ({method}){test}",
            highlight=False,
        )


def _horizon(h: HorizonResult, currency: str | None) -> None:
    n = h.horizon_days
    if sum(r.matured for r in h.retention[:3]) == 0:  # nothing to show but why
        console.print(f"[bold]Retention and MRR {n} days[/]", highlight=False)
        for note in h.notes:
            console.print(f"[yellow]{note}[/]", highlight=False)
        return
    retention = _table(
        f"Retention {n} days (paying {n} days after entering)",
        ["arm", "measured", "too young", "paying at entry", "retained", "rate"],
    )
    for label, r in _labelled(h.retention, h.retention_variants):
        retention.add_row(
            label,
            f"{r.matured:,}",
            f"{r.too_young:,}",
            f"{r.paying_at_entry:,}",
            f"{r.retained:,}",
            _estimate(r.rate, _RATE),
        )
    console.print(retention)
    console.print(
        f"Retention lift (treatment - kept out): {_pp(h.retention_lift)} (Newcombe); "
        f"always-valid p = {h.retention_p_always_valid:.3g}",
        highlight=False,
    )
    _variant_lifts(h.retention_variant_lifts, rate=True)
    mrr = _table(
        f"MRR {n} days ({currency or 'reporting currency'} per enrolment, mean)",
        ["arm", "measured", "at entry", f"after {n} days", "change"],
    )
    for label, m in _labelled(h.mrr, h.mrr_variants):
        mrr.add_row(
            label,
            f"{m.matured:,}",
            _money(m.mrr_at_entry),
            _money(m.mrr_after),
            _estimate(m.change, _CHANGE),
        )
    console.print(mrr)
    lift = "not yet" if math.isnan(h.mrr_lift.low) else _estimate(h.mrr_lift, _CHANGE)
    console.print(f"MRR change lift (treatment - kept out): {lift} (Welch)", highlight=False)
    _variant_lifts(h.mrr_variant_lifts, rate=False)
    for note in h.notes:
        console.print(f"[yellow]{note}[/]", highlight=False)


def print_report(result: JourneyReport) -> None:
    """Print the report: goal conversion, then retention and MRR at each horizon."""
    level = f"{result.confidence:.0%}"
    as_of = f" as of {result.as_of}" if result.as_of else ""
    console.print(f"[bold]{result.journey}[/]{as_of} ({level} intervals)", highlight=False)
    conversion = _table(
        "Goal conversion (ended because the goal was met)",
        ["arm", "enrolled", "converted", "rate"],
    )
    for label, arm in _labelled(result.arms, result.variants):
        conversion.add_row(
            label, f"{arm.enrolled:,}", f"{arm.converted:,}", _estimate(arm.rate, _RATE)
        )
    console.print(conversion)
    console.print(
        f"Conversion lift (treatment - kept out): {_pp(result.lift)} (Newcombe); "
        f"always-valid p = {result.p_always_valid:.3g}",
        highlight=False,
    )
    _variant_lifts(result.variant_lifts, rate=True)
    for note in result.notes:
        console.print(f"[yellow]{note}[/]", highlight=False)
    for h in result.horizons:
        console.print()
        _horizon(h, result.currency)
