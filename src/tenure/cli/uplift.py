"""``tenure uplift``: whom a treatment helps. ``fit`` and ``predict`` take any experiment table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from tenure.cli._common import JsonOpt, fail
from tenure.cli.console import RichProgress, console
from tenure.errors import TenureError

uplift_app = typer.Typer(
    help="Uplift: who a treatment (an e-mail, a discount) changes the outcome of.",
    no_args_is_help=True,
)

TableOpt = Annotated[
    Path,
    typer.Option("--table", help="A CSV or Parquet file, one row per customer of an experiment."),
]


def _num(value: Any, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _print_report(report: dict[str, Any], *, table: Path, save: Path | None) -> None:
    from rich.table import Table

    out = Table(
        title=f"Uplift rankings: {report['folds']}-fold cross-validation "
        "(stratified by arm and outcome)",
        caption=f"{table.name}, seed {report['random_state']}, the same folds for every ranking",
    )
    for col in ("ranking", "Qini AUC (mean ± std)", "AUUC", "uplift@30%", "fit seconds"):
        out.add_column(col, justify="left" if col == "ranking" else "right")
    for model in report["models"]:
        out.add_row(
            model["label"] + (" *" if model["name"] == f"{report['learner']}_learner" else ""),
            f"{_num(model['qini_auc'])} ± {_num(model['qini_auc_std'])}",
            _num(model["uplift_auc"]),
            _num(model["uplift_at_30"]),
            f"{model['seconds']:.1f}",
        )
    console.print(out)
    treated = ", ".join(report["treated"])
    console.print(
        f"{report['n_rows']:,} rows: {report['treated_rows']:,} treated ({treated}) with "
        f"{report['outcome']!r} = {report['positive']!r} in {report['treated_rate']:.2%}, "
        f"{report['control_rows']:,} control ({report['control']}) in "
        f"{report['control_rate']:.2%}; average effect {report['ate']:+.2%}."
    )
    if report["rows_left_out"]:
        console.print(
            f"  [dim]left out[/] {report['rows_left_out']:,} rows of other arms or with no outcome"
        )
    for column, reason in report["dropped_columns"].items():
        console.print(f"  [dim]not used[/] {column}: {reason}")
    console.print(
        "Qini AUC: area between the Qini curve and a random ranking's, over the perfect "
        "ranking's (0 random, 1 perfect); AUUC the same for the uplift curve; uplift@30%: "
        "treated minus control response rate in the top 30% of each group (a random "
        "ranking scores the average effect). * marks the saved learner. See docs/uplift.md."
    )
    if save is not None:
        console.print(
            f"Saved the {report['learner'].upper()}-learner fitted on all rows to [bold]{save}[/];"
            f" score a table with tenure uplift predict --model {save} --table FILE --out "
            "uplift.csv"
        )


@uplift_app.command("fit")
def fit(
    table: TableOpt,
    treatment: Annotated[
        str, typer.Option("--treatment", help="The column that holds each row's arm.")
    ],
    control: Annotated[
        str, typer.Option("--control", help="The value of the control arm (no treatment).")
    ],
    outcome: Annotated[str, typer.Option("--outcome", help="The response column (two values).")],
    treated: Annotated[
        Optional[list[str]],  # noqa: UP045 (typer needs Optional)
        typer.Option(
            "--treated", help="An arm that counts as treated (repeat; default: every other arm)."
        ),
    ] = None,
    positive: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--positive", help="The outcome value of a response (default: Yes, True, 1)."),
    ] = None,
    id_column: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--id", help="A column that identifies rows (not used as a feature)."),
    ] = None,
    drop: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--drop", help="A column not to use as a feature, such as another outcome (repeat)."
        ),
    ] = None,
    learner: Annotated[
        str, typer.Option("--learner", help="The learner to report first and save: t or x.")
    ] = "x",
    save: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--save", help="Save the learner fitted on all rows to this folder."),
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the folds and the models.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Cross-validate T- and X-learners against a response model and a random ranking.

    Column types are inferred; blanks and categories need no preprocessing. Columns
    measured after the treatment (other outcomes) must be dropped with --drop.
    """
    from tenure.workspace import fit_uplift_table

    if learner not in ("t", "x"):
        raise typer.BadParameter(
            f"must be t or x. Got {learner!r} instead.", param_hint="--learner"
        )
    try:
        report = fit_uplift_table(
            table,
            treatment=treatment,
            control=control,
            outcome=outcome,
            treated=treated or None,
            positive=positive,
            id_column=id_column,
            drop=drop or (),
            learner=learner,
            save=save,
            folds=folds,
            random_state=seed,
            progress=RichProgress(),
        ).to_dict()
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        if save is not None:
            report["saved_to"] = str(save)
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    _print_report(report, table=table, save=save)


@uplift_app.command("predict")
def predict(
    model: Annotated[
        Path, typer.Option("--model", help="A model folder saved by 'tenure uplift fit --save'.")
    ],
    table: TableOpt,
    out: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    as_json: JsonOpt = False,
) -> None:
    """Write each row's uplift (and outcome under each arm), with its id or row number, to a CSV."""
    from tenure.workspace import predict_uplift_table

    try:
        scored = predict_uplift_table(model, table, out, progress=RichProgress())
    except TenureError as exc:
        raise fail(exc) from exc
    key = str(scored.columns[0])
    summary = {
        "out": str(out),
        "rows": len(scored),
        "id_column": key,
        "mean_uplift": round(float(scored["uplift"].mean()), 6),
        "positive_uplift_rows": int((scored["uplift"] > 0).sum()),
    }
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
        return
    console.print(
        f"Wrote {summary['rows']:,} rows ({key}, uplift, outcome_if_control, "
        f"outcome_if_treated) to [bold]{out}[/]; mean uplift {summary['mean_uplift']:+.4f}, "
        f"{summary['positive_uplift_rows']:,} rows with a positive uplift."
    )
