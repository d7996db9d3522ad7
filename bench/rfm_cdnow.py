"""RFM on the CDNOW purchase log: do the named segments predict who buys again?

Usage: ``python bench/rfm_cdnow.py [--data ../shared/data] [--as-of 1997-10-01]``.

``tenure.decide.rfm_scores`` scores the 2,357 CDNOW customers on their purchases before
``as_of`` (the end of the classic 39-week calibration period), with no window. The script
prints, per named RFM segment, its customers and the share of them who bought again in
the holdout (``as_of`` to the end of the log, 30 June 1998) with their mean purchases
there, and the count of customers per R, F and M score (ntile quintiles).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import ibis
from rich.console import Console
from rich.table import Table

from tenure.decide import RFM_SEGMENTS, rfm_scores


def load(con: ibis.BaseBackend, data: Path) -> ibis.Table:
    path = data / "cdnow" / "cdnowElog.csv"
    sql = (
        "SELECT CAST(masterid AS VARCHAR) AS customer_id, "
        "CAST(strptime(CAST(date AS VARCHAR), '%Y%m%d') AS DATE) AS purchased_at, "
        f"CAST(sales AS DOUBLE) AS amount FROM read_csv('{path}', header = true)"
    )
    return con.create_table("purchases", con.sql(sql))


def segment_outcomes(con: ibis.BaseBackend, data: Path, as_of: dt.date) -> list[dict[str, Any]]:
    """Per RFM segment: customers, repeat buyers after as_of, their mean future purchases."""
    purchases = load(con, data)
    scores = rfm_scores(con, purchases, as_of)
    later = purchases.filter(purchases.purchased_at >= as_of)
    later = later.group_by("customer_id").agg(future=later.count())
    j = scores.left_join(later, "customer_id")
    j = j.mutate(future=j.future.fill_null(0))
    out = j.group_by("rfm_segment").agg(
        customers=j.count(),
        repeat_rate=(j.future > 0).cast("float64").mean(),
        future_purchases=j.future.cast("float64").mean(),
        mean_r=j.r.mean(),
        mean_f=j.f.mean(),
        mean_m=j.m.mean(),
    )
    rows: list[dict[str, Any]] = out.to_pyarrow().to_pylist()
    return rows


def score_counts(con: ibis.BaseBackend, as_of: dt.date) -> dict[str, list[int]]:
    scores = rfm_scores(con, con.table("purchases"), as_of)
    counts = {}
    for col in ("r", "f", "m"):
        rows = scores.group_by(col).agg(n=scores.count()).order_by(col).to_pyarrow().to_pylist()
        counts[col] = [r["n"] for r in rows]
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(1997, 10, 1))
    args = parser.parse_args()
    console = Console()
    console.print(f"$ python {shlex.join(sys.argv)}")
    con = ibis.duckdb.connect()
    start = time.perf_counter()
    rows = segment_outcomes(con, args.data, args.as_of)
    seconds = time.perf_counter() - start
    order = [f"{name}" for name, _ in RFM_SEGMENTS]
    rows.sort(key=lambda r: order.index(r["rfm_segment"]))
    table = Table(title=f"CDNOW: RFM segments as of {args.as_of}, purchases after it")
    for col in ("segment", "customers", "mean R/F/M", "bought again", "purchases per customer"):
        table.add_column(col, justify="left" if col == "segment" else "right")
    for r in rows:
        table.add_row(
            r["rfm_segment"],
            f"{r['customers']:,}",
            f"{r['mean_r']:.1f}/{r['mean_f']:.1f}/{r['mean_m']:.1f}",
            f"{r['repeat_rate']:.1%}",
            f"{r['future_purchases']:.2f}",
        )
    console.print(table)
    console.print(f"customers per score 1..5: {score_counts(con, args.as_of)}")
    console.print(f"scored and joined in {seconds:.2f} s")


if __name__ == "__main__":
    main()
