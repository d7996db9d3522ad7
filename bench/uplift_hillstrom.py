"""Uplift quality on the Hillstrom e-mail experiment: Tenure's learners against causalml's.

Usage: ``python bench/uplift_hillstrom.py [--data ../shared/data] [--folds 5] [--seeds 0]
[--arms any womens mens] [--outcomes visit conversion] [--out bench/out]``.

For each treatment (``any``: either e-mail against no e-mail; ``womens`` / ``mens``: one
e-mail arm against no e-mail, the other arm left out) and each outcome, one run of
``tenure.models.cross_validate_uplift_table`` scores Tenure's T- and X-learner, the
response model (Tenure's classifier on the treated rows) and a random ranking, with what
``tenure uplift fit --table hillstrom.csv --treatment segment --control "No E-Mail"
--outcome visit --drop conversion --drop spend`` runs. causalml's ``BaseTClassifier``,
``BaseXClassifier``, ``BaseTRegressor`` and ``BaseXRegressor`` are then scored on the very
same folds (the same stratified splitter, seed and strata), each on LightGBM with
LightGBM's defaults (``n_jobs=1``, seeded), the columns encoded by Tenure's
``TableEncoder`` (categories as codes), and the propensity given as the treated share, as
Tenure's X-learner uses. Every ranking is scored by the same functions: Qini AUC
(scikit-uplift's ``qini_auc_score``), AUUC (``uplift_auc_score``) and uplift@30% (top 30% of
each group). The script prints the command, machine facts and one table per outcome, and
writes them as Markdown to ``<out>/uplift_hillstrom.md``. causalml comes with
``pip install 'tenure[bench]'``; without it the causalml rows are left out.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.model_selection import StratifiedKFold

from tenure.models import (
    cross_validate_uplift_table,
    prepare_uplift_table,
    qini_auc_score,
    read_table,
    uplift_at_k,
    uplift_auc_score,
)
from tenure.models._frame import TableEncoder

ROOT = Path(__file__).resolve().parents[1]
FILE = Path("hillstrom") / "hillstrom.csv"
CONTROL = "No E-Mail"
ARMS = {"any": None, "womens": ["Womens E-Mail"], "mens": ["Mens E-Mail"]}
OUTCOMES = ("visit", "conversion", "spend")
HEADERS = ["seed", "treatment", "ranking", "Qini AUC (mean ± std)", "AUUC", "uplift@30%", "seconds"]
PUBLISHED = (
    "Published (PROVENANCE.md): scikit-uplift's class transformation, womens e-mail vs none, "
    "visit, one 50% test split (seed 42): uplift@30% 0.066 against an average effect of 0.045."
)


def causalml_rankings(seed: int) -> dict[str, Any]:
    """causalml's meta-learners on LightGBM with its defaults; empty without causalml."""
    try:
        from causalml.inference.meta import (
            BaseTClassifier,
            BaseTRegressor,
            BaseXClassifier,
            BaseXRegressor,
        )
    except ImportError:
        return {}
    from lightgbm import LGBMClassifier, LGBMRegressor

    def clf() -> Any:
        return LGBMClassifier(n_jobs=1, random_state=seed, verbose=-1)

    def reg() -> Any:
        return LGBMRegressor(n_jobs=1, random_state=seed, verbose=-1)

    return {
        "causalml BaseTClassifier (LightGBM)": lambda: BaseTClassifier(learner=clf()),
        "causalml BaseXClassifier (LightGBM)": lambda: BaseXClassifier(
            outcome_learner=clf(), effect_learner=reg()
        ),
        "causalml BaseTRegressor (LightGBM)": lambda: BaseTRegressor(learner=reg()),
        "causalml BaseXRegressor (LightGBM)": lambda: BaseXRegressor(learner=reg()),
    }


def score_causalml(
    frame: Any, options: dict[str, Any], folds: int, seed: int
) -> list[tuple[str, list[float], list[float], list[float], float]]:
    data = prepare_uplift_table(frame, **options)
    strata = 2 * data.treatment + data.y
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    results = []
    for label, make in causalml_rankings(seed).items():
        qini, auuc, at_k, seconds = [], [], [], 0.0
        for train, test in splitter.split(data.X, strata):
            started = time.perf_counter()
            encoder = TableEncoder().fit(data.X.iloc[train])
            X_train = encoder.matrix(data.X.iloc[train])
            X_test = encoder.matrix(data.X.iloc[test])
            t_train, y_train = data.treatment[train], data.y[train]
            share = float(t_train.mean())
            model = make()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X_train, t_train, y_train, p=np.full(len(train), share))
                score = np.asarray(model.predict(X_test, p=np.full(len(test), share)))[:, 0]
            seconds += time.perf_counter() - started
            t_test, y_test = data.treatment[test], data.y[test]
            qini.append(qini_auc_score(y_test, score, t_test))
            auuc.append(uplift_auc_score(y_test, score, t_test))
            at_k.append(uplift_at_k(y_test, score, t_test, k=0.3))
        results.append((label, qini, auuc, at_k, seconds))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--arms", nargs="+", choices=list(ARMS), default=list(ARMS))
    parser.add_argument("--outcomes", nargs="+", choices=OUTCOMES[:2], default=OUTCOMES[:2])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()

    console = Console(width=140)
    command = "python " + " ".join(
        shlex.quote(a) for a in ["bench/uplift_hillstrom.py", *sys.argv[1:]]
    )
    console.print(f"$ {command}")
    packages = ["scikit-learn", "lightgbm", "pandas", "numpy", "causalml"]
    found = []
    for package in packages:
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} not installed")
    console.print(
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {', '.join(found)}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    path = args.data / FILE
    frame = read_table(path)
    started = time.perf_counter()
    markdown: list[str] = [f"`{command}`", ""]
    for outcome in args.outcomes:
        rows: list[list[str]] = []
        for seed, arm in ((s, a) for s in args.seeds for a in args.arms):
            options: dict[str, Any] = {
                "treatment": "segment",
                "control": CONTROL,
                "treated": ARMS[arm],
                "outcome": outcome,
                "drop": [o for o in OUTCOMES if o != outcome],
                "source": path,
            }
            report = cross_validate_uplift_table(
                frame, folds=args.folds, random_state=seed, **options
            )
            shown = str(seed)
            name = f"{arm} (n={report.n_rows:,}, ATE {report.ate:+.4f})"
            for model in report.models:
                rows.append(
                    [
                        shown,
                        name,
                        "Tenure " + model.label.removeprefix("Tenure ")
                        if model.name.endswith("learner")
                        else model.label,
                        f"{model.qini_auc:.4f} ± {model.qini_auc_std:.4f}",
                        f"{model.uplift_auc:.4f}",
                        f"{model.uplift_at_k:.4f}",
                        f"{model.seconds:.1f}",
                    ]
                )
                name = shown = ""
            options.pop("source")
            for label, qini, auuc, at_k, seconds in score_causalml(
                frame, options, args.folds, seed
            ):
                rows.append(
                    [
                        "",
                        "",
                        label,
                        f"{np.mean(qini):.4f} ± {np.std(qini):.4f}",
                        f"{np.mean(auuc):.4f}",
                        f"{np.mean(at_k):.4f}",
                        f"{seconds:.1f}",
                    ]
                )
        title = f"Hillstrom, outcome {outcome}: {args.folds}-fold CV"
        table = Table(title=title)
        for header in HEADERS:
            table.add_column(
                header, justify="left" if header in ("seed", "treatment", "ranking") else "right"
            )
        for row in rows:
            table.add_row(*row)
        console.print(table)
        markdown += [
            f"**{title}**",
            "",
            "| " + " | ".join(HEADERS) + " |",
            "| " + " | ".join("---" for _ in HEADERS) + " |",
            *("| " + " | ".join(row) + " |" for row in rows),
            "",
        ]
    elapsed = time.perf_counter() - started
    console.print(PUBLISHED)
    console.print(f"Total {elapsed:.1f} s; load average at the end {os.getloadavg()[0]:.2f}.")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "uplift_hillstrom.md").write_text("\n".join(markdown) + "\n")


if __name__ == "__main__":
    main()
