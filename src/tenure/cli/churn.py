"""``tenure churn``: churn models. ``fit`` and ``predict`` work on any snapshot table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from tenure.cli.console import RichProgress, console, err_console
from tenure.errors import TenureError

churn_app = typer.Typer(
    help="Churn risk: fit, evaluate and apply churn models.", no_args_is_help=True
)

TableOpt = Annotated[
    Path, typer.Option("--table", help="A CSV or Parquet file, one row per customer.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a report.")]


def _fail(exc: TenureError) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


def _score(value: Any, std: Any = None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" + (f" ± {std:.4f}" if std is not None else "")


def _print_report(report: dict[str, Any], *, table: Path, save: Path | None) -> None:
    from rich.table import Table

    out = Table(
        title=f"Churn models: {report['folds']}-fold stratified cross-validation",
        caption=f"{table.name}, seed {report['random_state']}, the same folds for every model",
    )
    for col in ("model", "ROC-AUC (mean ± std)", "PR-AUC", "Brier", "fit seconds"):
        out.add_column(col, justify="left" if col == "model" else "right")
    for model in report["models"]:
        out.add_row(
            model["label"],
            _score(model["cv_auc"], model["cv_auc_std"]),
            _score(model["pr_auc"]),
            _score(model["brier"]),
            f"{model['seconds']:.1f}",
        )
    console.print(out)
    console.print(
        f"{report['n_rows']:,} rows, {report['n_features']} feature columns; target "
        f"{report['target']!r} = {report['positive']!r} in {report['positive_rate']:.1%} of rows."
    )
    if report["rows_without_target"]:
        console.print(f"  [dim]left out[/] {report['rows_without_target']:,} rows with no target")
    for column, reason in report["dropped_columns"].items():
        console.print(f"  [dim]not used[/] {column}: {reason}")
    console.print(
        "ROC-AUC: chance a churner ranks above a stayer; PR-AUC: precision over recall "
        f"(a random ranking scores {report['positive_rate']:.2f}); Brier: mean squared error "
        "of the probabilities (lower is better). See docs/churn.md."
    )
    if save is not None:
        console.print(
            f"Saved the model fitted on all rows to [bold]{save}[/]; score a table with "
            f"tenure churn predict --model {save} --table FILE --out scores.csv"
        )


@churn_app.command("fit")
def fit(
    table: TableOpt,
    target: Annotated[str, typer.Option("--target", help="The column to predict.")],
    id_column: Annotated[
        Optional[str],  # noqa: UP045 (typer needs Optional)
        typer.Option("--id", help="A column that identifies rows (not used as a feature)."),
    ] = None,
    positive: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--positive", help="The target value that means churned (default: Yes, True or 1)."
        ),
    ] = None,
    save: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--save", help="Save the model fitted on all rows to this folder."),
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds and the model.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Cross-validate Tenure's churn model against a logistic baseline and default LightGBM.

    Column types are inferred; blanks and categories need no preprocessing.
    """
    from tenure.workspace import fit_churn_table

    try:
        report = fit_churn_table(
            table,
            target=target,
            id_column=id_column,
            positive=positive,
            save=save,
            folds=folds,
            random_state=seed,
            progress=RichProgress(),
        ).to_dict()
    except TenureError as exc:
        raise _fail(exc) from exc
    if as_json:
        if save is not None:
            report["saved_to"] = str(save)
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    _print_report(report, table=table, save=save)


@churn_app.command("predict")
def predict(
    model: Annotated[
        Path, typer.Option("--model", help="A model folder saved by 'tenure churn fit --save'.")
    ],
    table: TableOpt,
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    as_json: JsonOpt = False,
) -> None:
    """Write each row's churn probability, with its id column (or row number), to a CSV."""
    from tenure.workspace import predict_churn_table

    try:
        scored = predict_churn_table(model, table, out, progress=RichProgress())
    except TenureError as exc:
        raise _fail(exc) from exc
    key = str(scored.columns[0])
    summary = {
        "out": str(out),
        "rows": len(scored),
        "id_column": key,
        "mean_churn_probability": round(float(scored["churn_probability"].mean()), 6),
    }
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return
    console.print(
        f"Wrote {summary['rows']:,} rows ({key}, churn_probability) to [bold]{out}[/]; "
        f"mean churn probability {summary['mean_churn_probability']:.3f}."
    )
