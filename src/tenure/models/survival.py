"""Survival of paying customers: spells of paying, Kaplan-Meier retention curves by group.

A **spell** is one stretch of paying: it starts on the day a customer's MRR rises above
zero (the metrics engine's ``new`` or ``reactivation`` movement) and ends on the day it
falls to zero again (``churn``). A spell still open is *censored* at ``as_of``: we know
the customer has paid for that long, not how much longer they will. A customer who
churns and comes back has one spell per stretch, so reactivations add a new start rather
than undoing the churn (``first_only=True`` keeps each customer's first spell, the
classic "time to first churn").

:func:`spells` is one Ibis expression over the MRR changes known before ``as_of`` (no row
is looked at in Python); :func:`kaplan_meier` fits the Kaplan-Meier estimator (lifelines)
per group and returns a tidy table; :func:`survival_summary` reads the curves at fixed
months. Definitions and formulas: ``docs/survival.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
import polars as pl
from ibis.backends import BaseBackend

from tenure.config import MetricsSettings
from tenure.errors import ConfigError
from tenure.features import PointInTimeContext
from tenure.metrics import BREAKDOWNS, MetricsContext, breakdowns, mrr_changes

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CURVE_COLUMNS",
    "DAYS_PER_MONTH",
    "SPELL_COLUMNS",
    "SUMMARY_MONTHS",
    "kaplan_meier",
    "spell_context",
    "spell_frame",
    "spells",
    "survival_summary",
]

SPELL_COLUMNS = (
    "customer_id",
    "spell",
    "group",
    "start_on",
    "end_on",
    "churned",
    "duration_days",
    "months",
    "start_mrr",
)
"""The columns of :func:`spells`; grain ``(customer_id, spell)``."""

CURVE_COLUMNS = (
    "group",
    "months",
    "at_risk",
    "churned",
    "censored",
    "survival",
    "ci_lower",
    "ci_upper",
)
"""The columns of :func:`kaplan_meier`; grain ``(group, months)``."""

SUMMARY_MONTHS = (1, 3, 6, 12, 24)
"""The months :func:`survival_summary` reads the curves at by default."""

_STARTS = ("new", "reactivation")

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average month: durations in months are days / 30.4375."""


def spell_context(
    con: BaseBackend,
    as_of: dt.date,
    *,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
) -> PointInTimeContext:
    """The context :func:`spells` reads: every table as known before ``as_of``.

    Its own ``as_of`` is the day before (the last day whose MRR is known), as for the
    feature frame at ``as_of``.
    """
    return PointInTimeContext(
        con, as_of - dt.timedelta(days=1), currency, rules or MetricsSettings()
    )


def spells(ctx: MetricsContext, *, by: str | None = None, first_only: bool = False) -> ir.Table:
    """Each customer's paying spells, from the MRR changes of ``ctx``.

    Parameters
    ----------
    ctx
        The MRR history to read; spells still open are censored the day after
        ``ctx.as_of``. Use :func:`spell_context` for the history known before a day.
    by
        A breakdown of the metrics engine (``plan``, ``interval``, ``product``,
        ``currency`` or a customer column such as ``country`` or ``channel``): ``group``
        holds its value when the spell started (the group with the most MRR on that
        day). ``None`` puts every spell in the group ``"all"``.
    first_only
        Keep only each customer's first spell.

    Returns
    -------
    ibis.Table
        :data:`SPELL_COLUMNS`: ``start_on`` (first paid day), ``end_on`` (churn day, the
        first day without MRR; null while open), ``churned``, ``duration_days`` and
        ``months`` (``duration_days / 30.4375``), and ``start_mrr`` (MRR on the first
        day, major units of the reporting currency).
    """
    if by is not None and by not in BREAKDOWNS:
        raise ConfigError(
            f"The 'by' parameter must be one of {', '.join(breakdowns())}. Got {by!r} instead."
        )
    censor_on = ctx.as_of + dt.timedelta(days=1)
    ch = mrr_changes(ctx)
    edges = ch.filter(ch.movement.isin([*_STARTS, "churn"]))
    w = ibis.window(group_by="customer_id", order_by="day")
    edges = edges.mutate(next_day=edges.day.lead().over(w), next_move=edges.movement.lead().over(w))
    starts = edges.filter(edges.movement.isin(_STARTS))
    starts = starts.mutate(
        spell=ibis.row_number().over(group_by="customer_id", order_by="day") + 1,
        end_on=ibis.ifelse(starts.next_move == "churn", starts.next_day, None),
    )
    if first_only:
        starts = starts.filter(starts.spell == 1)
    stop = starts.end_on.fill_null(ibis.literal(censor_on))
    t = starts.select(
        "customer_id",
        "spell",
        start_on=starts.day,
        end_on=starts.end_on,
        churned=starts.end_on.notnull(),
        duration_days=stop.delta(starts.day, unit="day").cast("int64"),
        start_mrr=ctx.major(starts.total_after),
    )
    if by is None:
        t = t.mutate(group=ibis.literal("all"))
    else:
        g = mrr_changes(ctx, by=by)
        g = g.filter(g.delta > 0)
        g = g.mutate(
            _rank=ibis.row_number().over(
                group_by=["customer_id", "day"], order_by=[ibis.desc("after"), "group"]
            )
        )
        g = g.filter(g._rank == 0).select("customer_id", start_on="day", _group="group")
        t = t.left_join(g, ["customer_id", "start_on"])
        t = t.mutate(group=t._group.fill_null("(none)"))
    t = t.mutate(months=t.duration_days.cast("float64") / DAYS_PER_MONTH)
    return t.select(*SPELL_COLUMNS)


def spell_frame(
    con: BaseBackend,
    as_of: dt.date,
    *,
    by: str | None = None,
    first_only: bool = False,
    currency: str = "USD",
    rules: MetricsSettings | None = None,
) -> pl.DataFrame:
    """:func:`spells` of the history known before ``as_of``, as a polars frame."""
    ctx = spell_context(con, as_of, currency=currency, rules=rules)
    frame: pl.DataFrame = spells(ctx, by=by, first_only=first_only).to_polars()
    return frame.sort("customer_id", "spell")


def _to_pandas(frame: pl.DataFrame | pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    return frame.to_pandas() if isinstance(frame, pl.DataFrame) else pd.DataFrame(frame)


def kaplan_meier(
    spells: pl.DataFrame | pd.DataFrame,
    *,
    by: str | None = "group",
    duration_col: str = "months",
    event_col: str = "churned",
    alpha: float = 0.05,
) -> pl.DataFrame:
    r"""Kaplan-Meier survival curves of ``spells``, one per value of the column ``by``.

    .. math:: \hat S(t) = \prod_{t_i \le t} \left(1 - \frac{d_i}{n_i}\right)

    with :math:`d_i` churns and :math:`n_i` spells at risk at time :math:`t_i`, and the
    exponential Greenwood (log-log) confidence interval of level ``1 - alpha``, as
    lifelines computes them (``docs/survival.md``).

    Returns
    -------
    polars.DataFrame
        :data:`CURVE_COLUMNS`, one row per group and distinct duration (plus ``months =
        0`` with survival 1): ``at_risk`` spells still paying just before ``months``,
        ``churned`` and ``censored`` spells ending there, ``survival`` and its interval.
        Groups are sorted; ``by=None`` gives one group ``"all"``.
    """
    from lifelines import KaplanMeierFitter

    df = _to_pandas(spells)
    for col in (duration_col, event_col, *([by] if by else [])):
        if col not in df.columns:
            raise ConfigError(
                f"The spells have no column {col!r}; they have {', '.join(map(str, df.columns))}."
            )
    keys = df[by].fillna("(none)").astype(str) if by else None
    parts: list[pl.DataFrame] = []
    groups = sorted(keys.unique()) if keys is not None else ["all"]
    for name in groups:
        sub = df[keys == name] if keys is not None else df
        kmf = KaplanMeierFitter(alpha=alpha)
        kmf.fit(sub[duration_col].astype(float), sub[event_col].astype(bool))
        table = kmf.event_table
        ci = kmf.confidence_interval_survival_function_
        parts.append(
            pl.DataFrame(
                {
                    "group": [name] * len(table),
                    "months": table.index.to_numpy(dtype=float),
                    "at_risk": table["at_risk"].to_numpy(dtype="int64"),
                    "churned": table["observed"].to_numpy(dtype="int64"),
                    "censored": table["censored"].to_numpy(dtype="int64"),
                    "survival": kmf.survival_function_.iloc[:, 0].to_numpy(dtype=float),
                    "ci_lower": ci.iloc[:, 0].to_numpy(dtype=float),
                    "ci_upper": ci.iloc[:, 1].to_numpy(dtype=float),
                }
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "group": pl.String,
                "months": pl.Float64,
                "at_risk": pl.Int64,
                "churned": pl.Int64,
                "censored": pl.Int64,
                "survival": pl.Float64,
                "ci_lower": pl.Float64,
                "ci_upper": pl.Float64,
            }
        )
    return pl.concat(parts)


def _median(months: list[float], survival: list[float]) -> float | None:
    """The first time the curve is at or below one half (lifelines' definition)."""
    for t, s in zip(months, survival, strict=True):
        if s <= 0.5:
            return t
    return None


def survival_summary(curves: pl.DataFrame, *, at: Sequence[float] = SUMMARY_MONTHS) -> pl.DataFrame:
    """Each group's survival at the months ``at``, its median lifetime and its size.

    Survival at ``t`` is the curve's value at the last time at or before ``t``; it is
    null when ``t`` is beyond the group's longest spell (the curve says nothing there).
    ``median_months`` is null when the curve never falls to one half.

    Returns
    -------
    polars.DataFrame
        ``group``, ``spells``, ``churned``, ``survival_<t>m`` per ``t`` in ``at``,
        ``median_months``; grain ``group``.
    """
    rows = []
    for (name,), part in curves.sort("group", "months").group_by("group", maintain_order=True):
        months = part["months"].to_list()
        survival = part["survival"].to_list()
        row: dict[str, object] = {
            "group": name,
            "spells": int(part["at_risk"][0]) if part.height else 0,
            "churned": int(part["churned"].sum()),
        }
        for t in at:
            value = None
            if months and t <= months[-1]:
                value = next(
                    s for m, s in zip(reversed(months), reversed(survival), strict=True) if m <= t
                )
            row[f"survival_{_label(t)}m"] = value
        row["median_months"] = _median(months, survival)
        rows.append(row)
    schema = {
        "group": pl.String,
        "spells": pl.Int64,
        "churned": pl.Int64,
        **{f"survival_{_label(t)}m": pl.Float64 for t in at},
        "median_months": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _label(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else str(t).replace(".", "_")
