"""Churn on a snapshot table (tabular mode): no workspace needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.clock import Clock
from tenure.errors import DataError, Location
from tenure.progress import NullProgress, Progress

if TYPE_CHECKING:
    import pandas as pd

    from tenure.models import TabularReport

__all__ = ["fit_churn_table", "predict_churn_table"]


_NOT_METRICS = ("target", "positive", "id_column", "features", "models", "dropped_columns")


def fit_churn_table(
    path: Path | str,
    *,
    target: str,
    id_column: str | None = None,
    positive: str | None = None,
    save: Path | str | None = None,
    folds: int = 5,
    random_state: int = 0,
    progress: Progress | None = None,
    clock: Clock | None = None,
) -> TabularReport:
    """Cross-validate churn models on a CSV or Parquet table, and optionally save one.

    Column types are inferred, so the table needs no preprocessing. Tenure's churn model,
    the logistic baseline and default LightGBM are scored on the same stratified folds
    (see :func:`tenure.models.cross_validate_table`). With ``save``, the churn model
    fitted on every row is written to that folder (:func:`tenure.models.save_model`) for
    :func:`predict_churn_table`.
    """
    from tenure.models import cross_validate_table, fit_table, read_table, save_model

    progress = progress or NullProgress()
    frame = read_table(path, id_column=id_column)
    options: dict[str, Any] = {
        "target": target,
        "id_column": id_column,
        "positive": positive,
        "source": path,
    }
    report = cross_validate_table(
        frame, folds=folds, random_state=random_state, progress=progress, **options
    )
    if save is not None:
        with progress.task("Fitting on all rows", total=None):
            model = fit_table(frame, random_state=random_state, **options)
        summary = report.to_dict()
        save_model(
            model,
            save,
            {
                "kind": "churn",
                "window": "tabular",
                "source": str(path),
                "target": report.target,
                "positive": report.positive,
                "id_column": id_column,
                "rows": report.n_rows,
                "metrics": {k: v for k, v in summary.items() if k not in _NOT_METRICS},
            },
            clock=clock,
        )
    return report


def predict_churn_table(
    model_dir: Path | str,
    path: Path | str,
    out: Path | str,
    *,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Score a table with a model saved by :func:`fit_churn_table` and write a CSV to ``out``.

    The CSV has the model's id column (or ``row``, numbered from 1) and
    ``churn_probability``. Returns the rows written.
    """
    from tenure.models import load_model, read_table, score_table

    progress = progress or NullProgress()
    artifact = load_model(model_dir)
    id_column = artifact.metadata.get("id_column")
    frame = read_table(path, id_column=id_column)
    with progress.task("Scoring", total=None):
        scored = score_table(artifact.model, frame, id_column=id_column, source=path)
    target = Path(out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        scored.to_csv(target, index=False)
    except OSError as exc:
        raise DataError(
            f"cannot write the scores: {exc.strerror or exc}", location=Location(file=target)
        ) from exc
    return scored
