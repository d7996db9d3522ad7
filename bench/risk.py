"""Benchmark churn risk: features plus scoring for a demo world, and scoring throughput.

Usage: ``python bench/risk.py [--customers 100000] [--months 24] [--seed 0]
[--workdir bench/out]``.

Targets (issue 4): features plus scoring for 100k customers under 60 s; scoring alone at
least 100k customers per second. The demo world is generated and ingested once into
``<workdir>/risk-<customers>-s<seed>`` and reused. A model is trained on two monthly
origins of the same world (not timed against the target), then the run times:

- ``features``: the point-in-time feature frame at ``as_of`` (one warehouse query);
- ``score``: ``score_churn`` end to end (features, probabilities, SHAP reasons in two
  languages);
- ``predict``: ``predict_proba`` alone on the scored customers, repeated to reach 1M rows,
  reported as customers per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
from _worlds import demo_world  # bench/_worlds.py
from rich.console import Console
from rich.table import Table


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "out")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    from tenure import Workspace
    from tenure.features import feature_frame, population, stacked_frames
    from tenure.models import ChurnModel, load_model, save_model
    from tenure.models.backtest import design_matrix
    from tenure.models.risk import score_churn, training_origins

    started = time.perf_counter()
    root = demo_world(args.customers, args.months, args.seed, args.workdir)
    prepared = time.perf_counter() - started
    rows: list[list[str]] = []
    with Workspace.open(root) as ws:
        con, s = ws.warehouse.ibis, ws.settings
        kw = {"currency": s.reporting_currency, "rules": s.metrics, "settings": s.features}
        through = ws.data_through()
        assert through is not None
        as_of = ws.scoring_day()
        origins = training_origins(through, 30, 3)
        t0 = time.perf_counter()
        saved = root / "bench-model"
        if (saved / "metadata.json").exists():  # trained by an earlier run on this world
            model, trained_note = load_model(saved).model, "cached from an earlier run"
        else:
            frame = stacked_frames(con, origins, 30, data_through=through, **kw)
            train, valid = (
                frame.filter(pl.col("as_of") < origins[-1]),
                frame.filter(pl.col("as_of") == origins[-1]),
            )
            model = ChurnModel(  # the workspace model's settings ([churn] defaults)
                learning_rate=s.churn.learning_rate, num_leaves=s.churn.num_leaves
            ).fit(
                design_matrix(train),
                train["churned"].to_numpy().astype(int),
                eval_set=(design_matrix(valid), valid["churned"].to_numpy().astype(int)),
            )
            save_model(model, saved, {"origins": [d.isoformat() for d in origins]})
            trained_note = ""
        trained = time.perf_counter() - t0

        t0 = time.perf_counter()
        features = feature_frame(con, as_of, **kw)
        t_features = time.perf_counter() - t0
        t0 = time.perf_counter()
        scores = score_churn(
            con, model, as_of=as_of, currency=kw["currency"], rules=s.metrics, features=s.features
        )
        t_score = time.perf_counter() - t0
        x = design_matrix(population(features))
        reps = max(1, 1_000_000 // max(len(x), 1))
        big = x.loc[np.tile(np.arange(len(x)), reps)].reset_index(drop=True)
        t0 = time.perf_counter()
        model.predict_proba(big)
        t_predict = time.perf_counter() - t0
    rate = len(big) / t_predict
    rows = [
        ["world", f"{args.customers:,} customers, {args.months} months (demo, seed {args.seed})"],
        ["prepared (generate + ingest, cached)", f"{prepared:.1f} s"],
        [
            "training (3 origins, not part of the target)",
            f"{trained:.1f} s {trained_note}".strip(),
        ],
        ["features at as_of", f"{t_features:.1f} s for {features.height:,} customers"],
        [
            "features + scoring with reasons (target < 60 s at 100k)",
            f"{t_score:.1f} s for {scores.height:,} paying customers",
        ],
        ["predict_proba alone (target >= 100k/s)", f"{rate:,.0f} customers/s ({len(big):,} rows)"],
    ]
    console = Console(width=120)
    cmd = " ".join(["python", "bench/risk.py", *sys.argv[1:]])
    console.print(f"$ {cmd}")
    console.print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d}"
    )
    table = Table(title="Churn risk: features and scoring")
    table.add_column("what")
    table.add_column("result", justify="right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    md = ["| what | result |", "| --- | --- |", *(f"| {a} | {b} |" for a, b in rows)]
    (args.workdir / "risk.md").write_text(f"`{cmd}`\n\n" + "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
