"""Send-time optimisation on the demo world: each customer's best hour against 10:00 local.

    python bench/send_time.py [--customers 2000] [--months 12] [--seed 7]
        [--workdir bench/out] [--draws 200]

Builds a demo workspace (``tenure demo``'s world, ingested), makes it a deployment of
itself and runs one journey through the real worker: everyone who logged in during the
world's last two weeks enters, a random split (hashing, 50/50) sends an in-app message
either ``at: best_hour`` (their own most active hour learned from their events, else
their time zone's, else 10:00 local) or ``at: "10:00"`` (local). The clock starts at the
world's end (2026-11-01 12:00 UTC) and the worker ticks every 15 minutes for 27 hours,
so every message goes out at its chosen time.

Outcome: whether the message is opened within 24 hours, by the demo's ground-truth
response model (``tenure.demo._habits.open_probability``: the customer's engagement and
how far the arrival's local hour is from their true ``active_hour``). The script reports
each arm's expected open rate (the mean probability), one Bernoulli draw per message
(seeded) with Wilson intervals and the Newcombe interval of the difference, the spread of
the difference over ``--draws`` draws, and the oracle (every message at the true active
hour). Prints a Markdown table (docs/benchmarks.md, "Send-time optimisation").
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
import zoneinfo
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # the demo world's end
JOURNEY = Path(__file__).parent / "journeys" / "send-time.yaml"
"""The journey: a 50/50 split between the best hour and 10:00 (the test sends it too)."""


def build(folder: Path, customers: int, months: int, seed: int) -> float:
    """The demo workspace with the journey, as a deployment of itself; seconds taken."""
    from tenure.workspace import Deployment, Workspace

    started = time.perf_counter()
    with Workspace.init(folder) as ws:
        ws.create_demo(customers=customers, months=months, seed=seed)
    with (folder / "tenure.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[journeys]\nlookback_hours = 336\nsend_time_default = "10:00"\n')
    (folder / "journeys").mkdir()
    shutil.copy(JOURNEY, folder / "journeys" / "send-time.yaml")
    Deployment.upgrade(folder)
    with Deployment.open(folder) as d:
        d.create_tenant("demo", name="Demo", folder=".")
    return time.perf_counter() - started


def run(folder: Path) -> tuple[pl.DataFrame, float, int]:
    """Tick every 15 minutes for 27 hours; the messages (customer, variant, sent_at)."""
    from tenure.clock import FixedClock
    from tenure.workspace import Deployment

    clock = FixedClock(NOW)
    started = time.perf_counter()
    with Deployment.open(folder, clock=clock) as d:
        tenant = d.tenant("demo")
        for quarter in range(27 * 4 + 1):
            clock.at = NOW + dt.timedelta(minutes=15 * quarter)
            d.run_journeys()
        enrolled = len(d.store.enrolments(tenant.id, journey="send-time"))
        variants = {e.customer_id: e.variant for e in d.store.enrolments(tenant.id)}
        rows = []
        for customer_id, variant in variants.items():
            for m in d.inbox(tenant, customer_id):
                rows.append((customer_id, variant, m.created_at))
    frame = pl.DataFrame(
        rows, schema={"customer_id": pl.String, "variant": pl.String, "sent_at": pl.Datetime},
        orient="row",
    )  # fmt: skip
    return frame, time.perf_counter() - started, enrolled


def sources(folder: Path) -> dict[str, int]:
    """How many of the world's customers have an own, a group (time zone) or no best hour."""
    from tenure.features import send_hours
    from tenure.workspace import Workspace

    with Workspace.open(folder) as ws:
        con = ws.warehouse.ibis
        ctx = ws.metrics_context(as_of=NOW.date())
        c = con.table("customers")
        groups = c.filter(c.timezone.notnull()).select("customer_id", group=c.timezone)
        hours = send_hours(ctx, groups, days=90, min_events=5)
        counts = hours.group_by("source").agg(n=hours.count()).to_pyarrow().to_pylist()
    return {r["source"]: int(r["n"]) for r in counts}


def outcomes(folder: Path, sent: pl.DataFrame) -> pl.DataFrame:
    """Each message with its local arrival hour and open probability (the ground truth)."""
    from tenure.demo._habits import open_probability

    truth = pl.read_parquet(folder / "data/ground_truth/churn_drivers.parquet").select(
        "customer_id", "timezone", "engagement", "active_hour"
    )
    frame = sent.join(truth, on="customer_id", how="inner")
    local = [
        (at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at).astimezone(zoneinfo.ZoneInfo(z))
        for at, z in zip(frame["sent_at"], frame["timezone"], strict=True)
    ]
    hour = np.asarray([t.hour + t.minute / 60 for t in local])
    engagement = frame["engagement"].to_numpy()
    active = frame["active_hour"].to_numpy()
    return frame.with_columns(
        local_hour=pl.Series(hour),
        p_open=pl.Series(open_probability(engagement, active, hour)),
        p_oracle=pl.Series(open_probability(engagement, active, active + 0.5)),
    )


def report(frame: pl.DataFrame, *, draws: int, seed: int) -> list[str]:
    """The Markdown lines of the result."""
    from tenure.measure import difference_in_proportions, wilson

    arms = {v: frame.filter(pl.col("variant") == v) for v in ("best", "fixed")}
    rng = np.random.default_rng(seed)
    opened = {v: rng.random(a.height) < a["p_open"].to_numpy() for v, a in arms.items()}
    lines = [
        "| arm | messages | expected open rate | one draw: opened | rate (95% CI) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for v, a in arms.items():
        e = wilson(int(opened[v].sum()), a.height)
        lines.append(
            f"| {v} | {a.height} | {a['p_open'].mean():.4f} | {int(opened[v].sum())} | "
            f"{e.value:.4f} [{e.low:.4f}, {e.high:.4f}] |"
        )
    oracle = frame["p_oracle"].mean()
    lines.append(f"| oracle (true active hour) | {frame.height} | {oracle:.4f} | | |")
    b, f = arms["best"], arms["fixed"]
    diff = difference_in_proportions(
        int(opened["best"].sum()), b.height, int(opened["fixed"].sum()), f.height
    )
    spread = [
        float(
            np.mean(rng.random(b.height) < b["p_open"].to_numpy())
            - np.mean(rng.random(f.height) < f["p_open"].to_numpy())
        )
        for _ in range(draws)
    ]
    expected = b["p_open"].mean() - f["p_open"].mean()
    lines += [
        "",
        f"- Expected lift (best - fixed): {expected:+.4f} "
        f"({expected / f['p_open'].mean():+.1%} relative).",
        f"- One draw: {diff.value:+.4f}, 95% CI [{diff.low:+.4f}, {diff.high:+.4f}] (Newcombe).",
        f"- Over {draws} draws: mean {np.mean(spread):+.4f}, 2.5-97.5% "
        f"[{np.quantile(spread, 0.025):+.4f}, {np.quantile(spread, 0.975):+.4f}], "
        f"positive in {np.mean(np.asarray(spread) > 0):.0%}.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    folder = args.workdir / f"send-time-{args.customers}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    print(f"$ python bench/send_time.py {' '.join(sys.argv[1:])}".rstrip())
    built = build(folder, args.customers, args.months, args.seed)
    sent, ran, enrolled = run(folder)
    frame = outcomes(folder, sent)
    print(
        f"world: {args.customers} customers x {args.months} months (seed {args.seed}), "
        f"built in {built:.0f} s; {enrolled} enrolled, {sent.height} messages sent in "
        f"{ran:.0f} s of worker ticks"
    )
    print(f"best hours: {sources(folder)} (own, time zone's, default 10:00 local)")
    print("\n".join(report(frame, draws=args.draws, seed=args.seed)))


if __name__ == "__main__":
    main()
