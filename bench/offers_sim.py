"""The discount uplift model and the offer policies on a demo world (docs/benchmarks.md).

    python bench/offers_sim.py --customers 10000 --months 24 --seed 0 [--workspace DIR]

Builds (or reuses) the demo world, trains the discount uplift model on every cancel decision
with a known outcome, then runs ``Workspace.offers_simulate`` for each learner (``[offers]
uplift_learner``: principal strata, T and X) and each protocol (cross-fitted by customer;
trained before a cutoff and evaluated after) and prints the reports as JSON with the
seconds each step took (``simulate`` is all six runs).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _worlds import demo_world  # bench/_worlds.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--workspace", type=Path, help="an existing demo workspace to read")
    args = parser.parse_args()
    from tenure import Workspace

    root = args.workspace or demo_world(args.customers, args.months, args.seed, args.workdir)
    with Workspace.open(root) as ws:
        start = time.perf_counter()
        frame = ws.offer_decisions()
        built = time.perf_counter()
        train = ws.offer_uplift_train()
        trained = time.perf_counter()
        report: dict[str, object] = {}
        for learner in ("strata", "t", "x"):  # the same decisions (cached), each learner
            offers = ws.settings.offers.model_copy(update={"uplift_learner": learner})
            ws.settings = ws.settings.model_copy(update={"offers": offers})
            for protocol in ("crossfit", "time"):
                report[f"{learner}_{protocol}"] = ws.offers_simulate(protocol=protocol)
        done = time.perf_counter()
    report["train_report"] = train
    report["decisions"] = frame.height
    report["seconds"] = {
        "decisions_and_features": round(built - start, 1),
        "train": round(trained - built, 1),
        "simulate": round(done - trained, 1),
    }
    json.dump(report, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
