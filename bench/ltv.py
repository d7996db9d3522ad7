"""Benchmark remaining lifetime on a demo world: fit at an earlier as_of, judge on later churn.

Usage: ``python bench/ltv.py [--customers 2000] [--months 24] [--seed 0] [--window 6]
[--workdir bench/out]``.

The demo world is generated and ingested once into ``<workdir>/ltv-<customers>-m<months>-s<seed>``.
The lifetime model is fitted as of ``origin`` = ``window`` months before the data ends, from
data known before ``origin`` only (default ``[ltv]`` settings), and predicts each paying
customer's expected remaining months (no scheduled cancellation). The data after ``origin``
then says how long each one really stayed (censored where the data ends). Reported:

- concordance index (Harrell's C) of the predicted remaining months with the observed
  remaining time, for Tenure's model, a plan-only model, a model with no covariates (tenure
  alone), and the generator's true monthly churn hazard (as ``1 / hazard``);
- calibration within the window: mean predicted months paid in the next ``window`` months
  (the model restricted to ``H = window``) against the mean observed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import polars as pl
from _worlds import demo_world  # bench/_worlds.py


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--customers", type=int, default=2000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--window", type=int, default=6)
    ap.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "out")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    from lifelines.utils import concordance_index

    from tenure import Workspace
    from tenure.features import feature_frame
    from tenure.models import LifetimeValueModel, spell_frame
    from tenure.models.clv import training_frame
    from tenure.models.survival import DAYS_PER_MONTH

    root = demo_world(args.customers, args.months, args.seed, args.workdir, prefix="ltv")
    with Workspace.open(root) as ws:
        con, s = ws.warehouse.ibis, ws.settings
        end = ws.scoring_day()
        month = end.month - args.window
        origin = dt.date(end.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        kw = {"currency": s.reporting_currency, "rules": s.metrics}

        started = time.perf_counter()
        train = training_frame(con, origin, ltv=s.ltv, features=s.features, **kw)
        fit_rows = train.drop("customer_id", "origin")
        models = {
            "Tenure LifetimeValueModel (default covariates)": fit_rows,
            "plan only": fit_rows.select("plan", "entry", "months", "churned"),
            "no covariates (tenure alone)": fit_rows.select("entry", "months", "churned"),
        }
        fitted = {
            name: LifetimeValueModel(
                penalizer=s.ltv.penalizer, horizon_months=s.ltv.horizon_months
            ).fit(rows, entry_col="entry")
            for name, rows in models.items()
        }
        fit_seconds = time.perf_counter() - started

        now = feature_frame(con, origin, settings=s.features, **kw)
        now = now.filter((pl.col("mrr") > 0) & ~pl.col("cancel_pending"))
        known = spell_frame(con, origin, **kw)
        open_at = known.filter(
            (pl.col("start_on") < origin)
            & (pl.col("end_on").is_null() | (pl.col("end_on") >= origin))
        ).select("customer_id", "start_on")
        later = spell_frame(con, end, **kw).select("customer_id", "start_on", "end_on")
        rows = (
            now.join(open_at, on="customer_id")
            .join(later, on=["customer_id", "start_on"], how="left")
            .with_columns(
                tenure=(pl.lit(origin) - pl.col("start_on")).dt.total_days() / DAYS_PER_MONTH,
                observed=(pl.col("end_on").fill_null(end) - pl.lit(origin)).dt.total_days()
                / DAYS_PER_MONTH,
                churned=pl.col("end_on").is_not_null(),
            )
        )
        truth = pl.read_parquet(
            root / "data" / "ground_truth" / "churn_drivers.parquet",
            columns=["customer_id", "monthly_churn_hazard"],
        )
        rows = rows.join(truth, on="customer_id", how="left")
        observed, churned = rows["observed"].to_numpy(), rows["churned"].to_numpy()
        tenure = rows["tenure"].to_numpy()

        print(
            f"world {root.name}; fitted as of {origin} on {train.height:,} customer-months "
            f"({int(train['churned'].sum())} churns, {s.ltv.origins} origins) in "
            f"{fit_seconds:.1f} s; judged on {rows.height:,} paying customers, "
            f"{int(churned.sum())} of whom churned by {end}"
        )
        window = float(args.window)
        actual = np.minimum(observed, window).mean()
        print("| who | C-index | predicted months paid in window | observed |")
        print("| --- | --- | --- | --- |")
        for name, model in fitted.items():
            remaining = model.expected_remaining_months(rows, conditional_after=tenure)
            c = concordance_index(observed, remaining, churned)
            in_window = model.set_params(horizon_months=window).expected_remaining_months(
                rows, conditional_after=tenure
            )
            print(f"| {name} | {c:.3f} | {in_window.mean():.2f} | {actual:.2f} |")
        c = concordance_index(observed, 1 / rows["monthly_churn_hazard"].to_numpy(), churned)
        print(f"| generator's true hazard (1 / hazard) | {c:.3f} | – | – |")


if __name__ == "__main__":
    main()
