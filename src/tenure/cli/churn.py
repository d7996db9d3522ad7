"""``tenure churn``: churn models. ``fit`` and ``predict`` work on any snapshot table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from tenure.cli._common import AsOfOpt, JsonOpt, WorkspaceOpt, as_day, fail, open_workspace
from tenure.cli.console import RichProgress, console
from tenure.errors import TenureError

if TYPE_CHECKING:
    pass

churn_app = typer.Typer(
    help="Churn risk: fit, evaluate and apply churn models.", no_args_is_help=True
)

TableOpt = Annotated[
    Path, typer.Option("--table", help="A CSV or Parquet file, one row per customer.")
]


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
        raise fail(exc) from exc
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
        raise fail(exc) from exc
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


# -- churn risk on the workspace's own data ----------------------------------------------------

LangOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--lang", help="Reasons in en or de (default: each customer's locale)."),
]
TopOpt = Annotated[int, typer.Option("--top", min=1, help="Customers to show.")]


def _lang(lang: str | None) -> str | None:
    if lang is not None and lang not in ("en", "de"):
        raise typer.BadParameter(f"must be en or de. Got {lang!r} instead.", param_hint="--lang")
    return lang


def _reasons(row: dict[str, Any], lang: str | None) -> list[str]:
    chosen = lang or ("de" if str(row.get("locale") or "").lower().startswith("de") else "en")
    return list(row.get(f"reasons_{chosen}") or [])


def _pct(value: Any) -> str:
    return "–" if value is None or value != value else f"{value:.1%}"


def _num(value: Any, digits: int = 3) -> str:
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def _print_backtest(metrics: dict[str, Any]) -> None:
    from rich.table import Table

    out = Table(title=f"Backtest: churn within {metrics.get('horizon_days')} days, rolling origins")
    for col in (
        "as_of",
        "who",
        "customers",
        "churned",
        "ROC-AUC",
        "PR-AUC",
        "Brier",
        "lift@10%",
        "capture@10%",
    ):
        out.add_column(col, justify="left" if col in ("as_of", "who") else "right")

    def add(label: str, who: str, s: dict[str, Any] | None) -> None:
        if s is None:
            return
        out.add_row(
            label,
            who,
            f"{s['n']:,}",
            f"{s['positives']:,}",
            _num(s["roc_auc"]),
            _num(s["pr_auc"]),
            _num(s["brier"], 4),
            _num(s["lift_top10"], 1),
            _pct(s["capture_top10"]),
        )

    for fold in metrics.get("folds", []):
        add(fold["as_of"], "model", fold["model"])
        add("", "logistic baseline", fold["baseline"])
        add("", "latent hazard (demo)", fold["oracle"])
    add("all", "model", metrics.get("model"))
    add("", "logistic baseline", metrics.get("baseline"))
    add("", "latent hazard (demo)", metrics.get("oracle"))
    console.print(out)
    cal = Table(title="Calibration: predicted against observed churn, by risk decile")
    for col in ("decile", "customers", "predicted", "observed"):
        cal.add_column(col, justify="right")
    for row in metrics.get("calibration", []):
        cal.add_row(str(row["bin"]), f"{row['n']:,}", _pct(row["predicted"]), _pct(row["observed"]))
    console.print(cal)


def print_riskiest(rows: list[dict[str, Any]], lang: str | None, title: str) -> None:
    from rich.table import Table

    out = Table(title=title, show_lines=True)
    for col in ("#", "customer", "plan", "MRR", "risk", "why"):
        out.add_column(col, justify="right" if col in ("#", "MRR", "risk") else "left")
    for row in rows:
        who = row.get("name") or row["customer_id"]
        if row.get("email"):
            who = f"{who}\n[dim]{row['email']}[/]"
        out.add_row(
            str(row["rank"]),
            who,
            str(row.get("plan") or "–"),
            f"{row.get('mrr') or 0:,.2f}",
            _pct(row["churn_probability"]),
            "\n".join(_reasons(row, lang)),
        )
    console.print(out)


@churn_app.command("train")
def train(
    workspace: WorkspaceOpt = Path(),
    horizon: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--horizon", min=1, max=730, help="Days ahead (default churn.horizon_days)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Backtest the churn model on rolling monthly origins, fit it and save it."""
    try:
        with open_workspace(workspace) as ws:
            artifact = ws.churn_train(horizon_days=horizon)
    except TenureError as exc:
        raise fail(exc) from exc
    meta = artifact.metadata
    if as_json:
        sys.stdout.write(json.dumps(meta, default=str) + "\n")
        return
    _print_backtest(meta["metrics"])
    window = meta["window"]
    console.print(
        f"Trained on {window['rows']:,} customer-months ({window['positives']:,} churned), "
        f"origins {window['train_origins'][0]} to {window['validation_origin']} "
        f"(validation); saved to [bold]{artifact.path}[/]. Next: tenure churn score"
    )


@churn_app.command("score")
def score(
    workspace: WorkspaceOpt = Path(),
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    top: TopOpt = 20,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", help="Write every customer's score to this CSV file."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score every paying customer, store the scores, and show the riskiest."""
    lang = _lang(lang)
    try:
        with open_workspace(workspace) as ws:
            scores = ws.churn_score(as_of=as_day(as_of))
            locales = ws.warehouse.table("customers").select("customer_id", "locale")
            import polars as pl

            loc = pl.from_arrow(locales.to_pyarrow())
    except TenureError as exc:
        raise fail(exc) from exc
    assert isinstance(loc, pl.DataFrame)
    scores = scores.join(loc, on="customer_id", how="left").sort("rank")
    if out is not None:
        flat = scores.with_columns(
            reasons=pl.struct("reasons_en", "reasons_de", "locale").map_elements(
                lambda r: "; ".join(_reasons(r, lang)), return_dtype=pl.String
            ),
            drivers=pl.col("drivers").list.join(", "),
        ).drop("reasons_en", "reasons_de")
        flat.write_csv(out)
    if as_json:
        rows = scores.head(top).select(
            "customer_id", "churn_probability", "rank", "drivers", "reasons_en", "reasons_de"
        )
        payload = {
            "as_of": str(scores["as_of"][0]) if scores.height else None,
            "scored": scores.height,
            "riskiest": rows.to_dicts(),
        }
        sys.stdout.write(json.dumps(payload, default=str) + "\n")
        return
    day = scores["as_of"][0] if scores.height else None
    print_riskiest(scores.head(top).to_dicts(), lang, f"Riskiest customers as of {day}")
    console.print(f"Scored {scores.height:,} paying customers; stored in churn_scores.")


@churn_app.command("report")
def report(
    workspace: WorkspaceOpt = Path(),
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    top: TopOpt = 10,
    as_json: JsonOpt = False,
) -> None:
    """Whom to call first, and why; with how well the model did in its backtest."""
    lang = _lang(lang)
    try:
        with open_workspace(workspace) as ws:
            result = ws.churn_report(as_of=as_day(as_of), top=top)
    except TenureError as exc:
        raise fail(exc) from exc
    if as_json:
        sys.stdout.write(json.dumps(result, default=str) + "\n")
        return
    metrics = result["backtest"]
    model = metrics.get("model") or {}
    base = metrics.get("baseline") or {}
    console.print(
        f"[bold]Churn risk as of {result['as_of']}[/] (churn within {result['horizon_days']} "
        f"days): {result['scored']:,} paying customers scored; about "
        f"{result['expected_churners']:.0f} are expected to leave, with "
        f"{result['mrr_at_risk']:,.2f} of MRR at risk."
    )
    print_riskiest(result["riskiest"], lang, "Call these customers first: highest risk")
    if result["canceling"]:
        print_riskiest(
            result["canceling"],
            lang,
            f"Scheduled to cancel ({result['canceling_count']:,}): save them before their "
            "period ends, largest MRR first",
        )
    console.print(
        f"How far to trust it: in backtests the riskiest 10% held "
        f"{_pct(model.get('capture_top10'))} of the customers who churned "
        f"({_num(model.get('lift_top10'), 1)}x the average rate); ROC-AUC "
        f"{_num(model.get('roc_auc'))} (logistic baseline {_num(base.get('roc_auc'))}). "
        "Customers with a scheduled cancellation count as 100%. "
        "Details: tenure churn train, docs/churn.md."
    )
