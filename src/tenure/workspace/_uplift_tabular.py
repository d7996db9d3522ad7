"""Uplift on a table of a randomised experiment (tabular mode): no workspace needed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.clock import Clock
from tenure.errors import DataError, Location, ModelError
from tenure.progress import NullProgress, Progress

if TYPE_CHECKING:
    import pandas as pd

    from tenure.models import UpliftReport

__all__ = ["fit_uplift_table", "predict_uplift_table"]

_NOT_METRICS = (
    *("treatment", "control", "treated", "outcome", "positive", "id_column", "learner"),
    *("features", "dropped_columns", "models", "qini_curve_at"),
)


def fit_uplift_table(
    path: Path | str,
    *,
    treatment: str,
    control: str,
    outcome: str,
    treated: Sequence[str] | None = None,
    positive: str | None = None,
    id_column: str | None = None,
    drop: Sequence[str] = (),
    learner: str = "x",
    save: Path | str | None = None,
    folds: int = 5,
    random_state: int = 0,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> UpliftReport:
    """Cross-validate uplift models on a CSV or Parquet table, and optionally save one.

    Tenure's T- and X-learner, a response model and a random ranking are scored on the
    same folds (:func:`tenure.models.cross_validate_uplift_table`). With ``save``, the
    ``learner`` fitted on every row is written to that folder
    (:func:`tenure.models.save_model`) for :func:`predict_uplift_table`.
    """
    from tenure.models import (
        cross_validate_uplift_table,
        read_table,
        save_model,
    )
    from tenure.models import (
        fit_uplift_table as fit_model,
    )

    progress = progress or NullProgress()
    frame = read_table(path, id_column=id_column)
    options: dict[str, Any] = {
        "treatment": treatment,
        "control": control,
        "outcome": outcome,
        "treated": treated,
        "positive": positive,
        "id_column": id_column,
        "drop": drop,
        "learner": learner,
        "random_state": random_state,
        "source": path,
    }
    report = cross_validate_uplift_table(frame, folds=folds, progress=progress, **options)
    if save is not None:
        with progress.task("Fitting on all rows", total=None):
            model = fit_model(frame, **options)
        summary = report.to_dict()
        save_model(
            model,
            save,
            {
                "kind": "uplift",
                "window": "tabular",
                "source": str(path),
                "treatment": report.treatment_column,
                "control": report.control,
                "treated": list(report.treated),
                "outcome": report.outcome,
                "positive": report.positive,
                "id_column": id_column,
                "learner": learner,
                "rows": report.n_rows,
                "metrics": {k: v for k, v in summary.items() if k not in _NOT_METRICS},
            },
            clock=clock,
        )
    return report


def predict_uplift_table(
    model_dir: Path | str,
    path: Path | str,
    out: Path | str,
    *,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Score a table with a model saved by :func:`fit_uplift_table`; write a CSV to ``out``.

    The CSV has the model's id column (or ``row``, numbered from 1), ``uplift``,
    ``outcome_if_control`` and ``outcome_if_treated``. Returns the rows written.

    Raises
    ------
    ModelError
        When the folder holds no saved uplift model (a churn model, for instance).
    """
    from tenure.models import load_model, read_table, score_uplift_table

    progress = progress or NullProgress()
    artifact = load_model(model_dir)
    if artifact.metadata.get("kind") != "uplift":
        kind = artifact.metadata.get("kind") or "another kind of"
        raise ModelError(
            f"{artifact.path} holds a {kind} model, not an uplift model; save one with "
            "'tenure uplift fit --save DIR'",
            location=Location(file=artifact.path),
        )
    id_column = artifact.metadata.get("id_column")
    frame = read_table(path, id_column=id_column)
    with progress.task("Scoring", total=None):
        scored = score_uplift_table(artifact.model, frame, id_column=id_column, source=path)
    target = Path(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        scored.to_csv(target, index=False)
    except OSError as exc:
        raise DataError(
            f"cannot write the scores: {exc.strerror or exc}", location=Location(file=target)
        ) from exc
    return scored
