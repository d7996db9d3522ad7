"""How good a risk ranking is: ROC-AUC, PR-AUC, Brier score, lift, capture and calibration.

Definitions (``docs/churn.md``):

- **ROC-AUC**: the chance that a random churner is ranked above a random stayer (0.5 is
  a coin, 1.0 perfect).
- **PR-AUC** (average precision): precision averaged over the recall levels; compare it
  with the base rate, which is what a random ranking scores.
- **Brier score**: the mean squared error of the probabilities (lower is better); it
  rewards calibration as well as ranking.
- **Lift in the riskiest 10%**: the churn rate among the 10% ranked riskiest divided by
  the overall churn rate. **Capture**: the share of all churners found in that 10%.
- **Calibration table**: customers in ten bins of predicted risk, with the mean predicted
  probability and the observed churn rate of each bin.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

__all__ = ["Scores", "calibration_table", "score_ranking"]


@dataclass(frozen=True)
class Scores:
    """Quality of one set of predictions (see the module docstring)."""

    n: int
    positives: int
    base_rate: float
    roc_auc: float
    pr_auc: float
    brier: float
    lift_top10: float
    capture_top10: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_ranking(y_true: Any, y_prob: Any, *, top: float = 0.10) -> Scores:
    """:class:`Scores` of probabilities ``y_prob`` against 0/1 outcomes ``y_true``.

    >>> s = score_ranking([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    >>> s.roc_auc, s.capture_top10
    (1.0, 0.5)
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(y_prob, dtype=float)
    n, positives = len(y), int(y.sum())
    both = 0 < positives < n
    k = max(1, math.ceil(top * n)) if n else 0
    order = np.argsort(-p, kind="stable")[:k]
    hits = int(y[order].sum()) if n else 0
    base = positives / n if n else float("nan")
    return Scores(
        n=n,
        positives=positives,
        base_rate=base,
        roc_auc=float(roc_auc_score(y, p)) if both else float("nan"),
        pr_auc=float(average_precision_score(y, p)) if both else float("nan"),
        brier=float(brier_score_loss(y, p)) if n else float("nan"),
        lift_top10=(hits / k) / base if positives and k else float("nan"),
        capture_top10=hits / positives if positives else float("nan"),
    )


def calibration_table(y_true: Any, y_prob: Any, *, bins: int = 10) -> list[dict[str, Any]]:
    """Rows of ``bin``, ``n``, ``predicted`` (mean probability), ``observed`` (churn rate).

    Bins hold equal numbers of customers, from the least to the most at risk.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_prob, dtype=float)
    if len(y) == 0:
        return []
    order = np.argsort(p, kind="stable")
    rows = []
    for i, idx in enumerate(np.array_split(order, min(bins, len(y)))):
        if len(idx) == 0:
            continue
        rows.append(
            {
                "bin": i + 1,
                "n": len(idx),
                "predicted": float(p[idx].mean()),
                "observed": float(y[idx].mean()),
            }
        )
    return rows
