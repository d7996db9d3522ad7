"""An experiment's table for uplift: read and checked, one learner fitted, another table scored.

:func:`prepare_uplift_table` splits a table into features, a 0/1 treatment (arm labels,
``control`` and ``treated``) and a 0/1 outcome; :func:`fit_uplift_table` fits one Tenure
learner on every row and :func:`score_uplift_table` applies it to another table. Kept apart
from :mod:`tenure.models.uplift_tabular` (cross-validation and its report) so each module
stays small; ``uplift_tabular`` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from tenure.errors import DataError, Location
from tenure.models._frame import scoring_rows
from tenure.models.tabular import _label, _listed, prepare_table
from tenure.models.uplift import TLearner, UpliftModel, XLearner

__all__ = [
    "UpliftData",
    "fit_uplift_table",
    "make_uplift_model",
    "prepare_uplift_table",
    "score_uplift_table",
]

Learner = Literal["t", "x"]
LEARNERS: dict[str, type[UpliftModel]] = {"t": TLearner, "x": XLearner}


def make_uplift_model(learner: str, *, random_state: int = 0) -> UpliftModel:
    """A Tenure uplift estimator by name: ``"t"`` (:class:`TLearner`) or ``"x"``."""
    if learner not in LEARNERS:
        raise DataError(
            f"The 'learner' parameter must be a str among {{'t', 'x'}}. Got {learner!r} instead."
        )
    return LEARNERS[learner](random_state=random_state)


@dataclass(frozen=True)
class UpliftData:
    """A table split into features, 0/1 treatment, 0/1 outcome and optional ids."""

    X: pd.DataFrame
    treatment: np.ndarray
    y: np.ndarray
    ids: pd.Series | None
    treatment_column: str
    control: str
    treated: tuple[str, ...]
    outcome: str
    positive: str
    id_column: str | None
    rows_left_out: int


def prepare_uplift_table(
    frame: pd.DataFrame,
    *,
    treatment: str,
    control: str,
    outcome: str,
    treated: Sequence[str] | None = None,
    positive: str | None = None,
    id_column: str | None = None,
    drop: Sequence[str] = (),
    source: Path | str | None = None,
) -> UpliftData:
    """Split ``frame`` into features, treatment (1 treated, 0 control), outcome and ids.

    Parameters
    ----------
    treatment
        The column that holds each row's arm.
    control
        The arm that got nothing (compared as text, so ``0`` matches ``0`` and ``0.0``).
    outcome
        The column with the response; it must hold two values.
    treated
        The arms that count as treated; by default every arm but ``control``. Rows of
        other arms, and rows with no arm or no outcome, are left out.
    positive
        The outcome value that means a response (default: Yes, True or 1).
    id_column
        A column that identifies rows; it is not used as a feature.
    drop
        Columns that are not features either: other outcomes measured after the
        treatment, above all (they leak the answer).
    source
        Where ``frame`` came from, named in errors.

    Raises
    ------
    DataError
        When a column is missing, ``control`` or a ``treated`` arm is not in the treatment
        column, an arm has no rows, or the outcome does not hold two values.
    """
    columns = [str(c) for c in frame.columns]
    named = [("treatment", treatment), ("outcome", outcome), ("id", id_column)]
    named += [("dropped", name) for name in drop]
    for role, name in named:
        if name is not None and name not in frame.columns:
            raise DataError(
                f"the {role} column {name!r} is not in the table; its columns are: "
                f"{', '.join(columns)}",
                location=Location(file=source, field=name),
            )
    arms = frame[treatment].map(lambda v: None if pd.isna(v) else _label(v))
    values = sorted({str(v) for v in arms.dropna().unique()})
    where = Location(file=source, field=treatment)
    if control.strip() not in values:
        raise DataError(
            f"the control value {control!r} is not in the treatment column {treatment!r}; "
            f"its values are {_listed(values)}",
            location=where,
        )
    chosen = [v for v in values if v != control.strip()] if treated is None else list(treated)
    unknown = [v for v in chosen if v.strip() not in values]
    if unknown or not chosen:
        raise DataError(
            f"the treated values {_listed(unknown)} are not in the treatment column "
            f"{treatment!r}; its values are {_listed(values)}"
            if unknown
            else f"the treatment column {treatment!r} has no arm besides {control!r}",
            location=where,
        )
    arm_values = [v.strip() for v in chosen]
    kept = arms.isin([control.strip(), *arm_values]).to_numpy(dtype=bool)
    subset = frame.loc[kept].drop(columns=list(drop))
    data = prepare_table(
        subset,
        target=outcome,
        id_column=id_column,
        positive=positive,
        source=source,
        meaning="a response",
    )
    t = (data.X[treatment].map(_label) != control.strip()).to_numpy(dtype=np.int64)
    X = data.X.drop(columns=[treatment])
    if X.shape[1] == 0:
        raise DataError(
            "the table has no feature columns besides the treatment, the outcome and the id",
            location=Location(file=source),
        )
    counts = np.bincount(t, minlength=2)
    if counts.min() == 0:
        raise DataError(
            f"the treatment column {treatment!r} has {counts[1]:,} treated and {counts[0]:,} "
            "control rows with an outcome; an uplift model needs both",
            location=where,
        )
    return UpliftData(
        X=X,
        treatment=t,
        y=data.y,
        ids=data.ids,
        treatment_column=treatment,
        control=control.strip(),
        treated=tuple(arm_values),
        outcome=outcome,
        positive=data.positive,
        id_column=id_column,
        rows_left_out=len(frame) - len(data.y),
    )


def fit_uplift_table(
    frame: pd.DataFrame,
    *,
    treatment: str,
    control: str,
    outcome: str,
    treated: Sequence[str] | None = None,
    positive: str | None = None,
    id_column: str | None = None,
    drop: Sequence[str] = (),
    learner: str = "x",
    random_state: int = 0,
    source: Path | str | None = None,
) -> UpliftModel:
    """A Tenure uplift model (``learner`` ``"t"`` or ``"x"``) fitted on every row.

    See :func:`prepare_uplift_table` for the parameters.
    """
    model = make_uplift_model(learner, random_state=random_state)
    data = prepare_uplift_table(
        frame,
        treatment=treatment,
        control=control,
        outcome=outcome,
        treated=treated,
        positive=positive,
        id_column=id_column,
        drop=drop,
        source=source,
    )
    fitted: UpliftModel = model.fit(data.X, data.treatment, data.y)
    return fitted


def score_uplift_table(
    model: UpliftModel,
    frame: pd.DataFrame,
    *,
    id_column: str | None = None,
    source: Path | str | None = None,
) -> pd.DataFrame:
    """Each row's ``uplift`` and its outcome under each arm, beside its id or ``row`` number.

    Columns: the id (or ``row``, numbered from 1 in file order), ``uplift``, and
    ``outcome_if_control`` and ``outcome_if_treated`` (the outcome models' predictions;
    for the X-learner, ``uplift`` comes from its effect models and need not equal their
    difference). The table must have the columns the model was fitted with; others are
    ignored.

    Raises
    ------
    DataError
        When a column the model needs, or ``id_column``, is missing.
    """
    rows, ids = scoring_rows(model, frame, id_column=id_column, source=source)
    mu0, mu1 = model.predict_outcomes(rows)
    return pd.DataFrame(
        {
            **ids,
            "uplift": model.predict(rows),
            "outcome_if_control": mu0,
            "outcome_if_treated": mu1,
        }
    )
