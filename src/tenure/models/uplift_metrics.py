"""How good an uplift ranking is: Qini and uplift curves, their normalised areas, uplift@k.

An uplift ranking orders customers by how much a treatment (an e-mail, a discount) is
predicted to change their outcome. A randomised experiment shows each customer's outcome
under one arm only, so quality is read from groups: the top of a good ranking holds treated
customers who respond far more often than the control customers ranked beside them.

Definitions, exactly as scikit-uplift 0.5 defines them (``docs/uplift.md`` has the
formulas; ``tests/models/test_uplift_metrics.py`` checks that the numbers are equal). Sort
the rows by predicted uplift, highest first; at each cut-off ``n`` (taken after the last of
a run of tied scores) count ``N_T(n)``, ``N_C(n)`` treated and control rows and ``Y_T(n)``,
``Y_C(n)`` their summed outcomes:

- **Qini curve** ``Q(n) = Y_T(n) - Y_C(n) * N_T(n) / N_C(n)``: the extra responders among
  the treated rows in the top ``n`` (0 while ``N_C(n) = 0``), from ``(0, 0)``.
- **Uplift curve** ``U(n) = (Y_T(n) / N_T(n) - Y_C(n) / N_C(n)) * n``.
- **Normalised areas** (:func:`qini_auc_score`, :func:`uplift_auc_score`): the area
  between the curve and the straight line from ``(0, 0)`` to its end (a random ranking),
  divided by the same area for the perfect ranking. The perfect Qini ranking puts treated
  responders first and control responders last (``negative_effect=True``). 0 is random,
  1 perfect, and negative is worse than random.
- **uplift@k** (:func:`uplift_at_k`): the response rate of the treated minus that of the
  control rows in the top ``k`` of the ranking. Tenure reports ``strategy="by_group"``:
  the top ``k`` of the treated rows against the top ``k`` of the control rows, each
  ``int(k * group size)`` rows, so the two groups are compared on equal shares.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

__all__ = [
    "perfect_qini_curve",
    "perfect_uplift_curve",
    "qini_auc_score",
    "qini_curve",
    "uplift_at_k",
    "uplift_auc_score",
    "uplift_curve",
]

Strategy = Literal["overall", "by_group"]


def _arrays(
    y_true: Any, uplift: Any, treatment: Any, *, binary_y: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = np.asarray(y_true, dtype=float).ravel()
    score = np.asarray(uplift, dtype=float).ravel()
    t = np.asarray(treatment).ravel()
    if not len(y) == len(score) == len(t):
        raise ValueError(
            "y_true, uplift and treatment must have the same length. Got "
            f"{len(y)}, {len(score)} and {len(t)} instead."
        )
    if not np.isin(t, (0, 1)).all():
        raise ValueError("treatment must hold 0 (control) and 1 (treated) only.")
    t = t.astype(float)
    if binary_y and not np.isin(y, (0, 1)).all():
        raise ValueError("y_true must hold 0 and 1 only for this score.")
    if not np.isfinite(score).all():
        raise ValueError("uplift must be finite numbers.")
    return y, score, t


def _cumulative(
    y: np.ndarray, score: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n, N_T, N_C, Y_T, Y_C`` at each cut-off after a run of tied scores."""
    order = np.argsort(score, kind="mergesort")[::-1]
    y, score, t = y[order], score[order], t[order]
    cuts = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    n_t = np.cumsum(t)[cuts]
    y_t = np.cumsum(y * t)[cuts]
    y_c = np.cumsum(y * (1 - t))[cuts]
    n = (cuts + 1).astype(float)
    return n, n_t, n - n_t, y_t, y_c


def _from_origin(n: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if n.size == 0 or values[0] != 0 or n[0] != 0:
        return np.r_[0.0, n], np.r_[0.0, values]
    return n, values


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.divide(a, b, out=np.zeros_like(a, dtype=float), where=b != 0)
    return out


def qini_curve(y_true: Any, uplift: Any, treatment: Any) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(n, Q(n))`` of the Qini curve: extra responders among the top ``n`` rows.

    ``Q(n) = Y_T(n) - Y_C(n) * N_T(n) / N_C(n)``, at each distinct score, from ``(0, 0)``.

    >>> n, q = qini_curve([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1], [1, 0, 0, 1])
    >>> n.tolist(), q.tolist()
    ([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 1.0, 0.5, 0.0])
    """
    y, score, t = _arrays(y_true, uplift, treatment, binary_y=False)
    n, n_t, n_c, y_t, y_c = _cumulative(y, score, t)
    return _from_origin(n, y_t - y_c * _ratio(n_t, n_c))


def uplift_curve(y_true: Any, uplift: Any, treatment: Any) -> tuple[np.ndarray, np.ndarray]:
    """Points ``(n, U(n))``: the response-rate difference in the top ``n``, times ``n``.

    >>> n, u = uplift_curve([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1], [1, 0, 0, 1])
    >>> n.tolist(), u.tolist()
    ([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 2.0, 1.5, 0.0])
    """
    y, score, t = _arrays(y_true, uplift, treatment, binary_y=False)
    n, n_t, n_c, y_t, y_c = _cumulative(y, score, t)
    return _from_origin(n, (_ratio(y_t, n_t) - _ratio(y_c, n_c)) * n)


def perfect_qini_curve(
    y_true: Any, treatment: Any, *, negative_effect: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The best Qini curve these outcomes allow.

    With ``negative_effect`` the perfect ranking puts treated responders first and control
    responders last; without it, the curve climbs straight to the total extra responders
    and stays there.
    """
    y, _, t = _arrays(y_true, np.zeros(len(np.asarray(y_true))), treatment, binary_y=True)
    if negative_effect:
        return qini_curve(y, y * t - y * (1 - t), t)
    treated = t == 1
    extra = y[treated].sum() - treated.sum() * y[~treated].sum() / (~treated).sum()
    return np.array([0.0, extra, float(len(y))]), np.array([0.0, extra, extra])


def perfect_uplift_curve(y_true: Any, treatment: Any) -> tuple[np.ndarray, np.ndarray]:
    """The best uplift curve these outcomes allow (scikit-uplift's construction)."""
    y, _, t = _arrays(y_true, np.zeros(len(np.asarray(y_true))), treatment, binary_y=True)
    control_responders = np.sum((y == 1) & (t == 0))
    treated_non_responders = np.sum((y == 0) & (t == 1))
    summand = y if control_responders > treated_non_responders else t
    return uplift_curve(y, 2 * (y == t) + summand, t)


def _area(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.trapezoid(y, x))


def _normalised(
    actual: tuple[np.ndarray, np.ndarray], perfect: tuple[np.ndarray, np.ndarray]
) -> float:
    end_x, end_y = perfect[0][-1], perfect[1][-1]
    random = _area(np.array([0.0, end_x]), np.array([0.0, end_y]))
    best = _area(*perfect) - random
    return (_area(*actual) - random) / best if best != 0 else float("nan")


def qini_auc_score(
    y_true: Any, uplift: Any, treatment: Any, *, negative_effect: bool = True
) -> float:
    """Area between the Qini curve and the random line, over that of the perfect ranking.

    Equal to scikit-uplift's ``qini_auc_score`` (0 random, 1 perfect). ``y_true`` must be
    0/1.

    >>> round(qini_auc_score([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1], [1, 0, 0, 1]), 4)
    0.8333
    """
    y, score, t = _arrays(y_true, uplift, treatment, binary_y=True)
    return _normalised(
        qini_curve(y, score, t), perfect_qini_curve(y, t, negative_effect=negative_effect)
    )


def uplift_auc_score(y_true: Any, uplift: Any, treatment: Any) -> float:
    """Area between the uplift curve and the random line, over that of the perfect ranking.

    Equal to scikit-uplift's ``uplift_auc_score`` (the normalised AUUC). ``y_true`` must
    be 0/1.
    """
    y, score, t = _arrays(y_true, uplift, treatment, binary_y=True)
    return _normalised(uplift_curve(y, score, t), perfect_uplift_curve(y, t))


def uplift_at_k(
    y_true: Any,
    uplift: Any,
    treatment: Any,
    *,
    k: float = 0.3,
    strategy: Strategy = "by_group",
) -> float:
    """Treated minus control response rate among the ``k`` share ranked highest.

    ``strategy="by_group"`` (Tenure's choice) takes the first ``int(k * n_treated)``
    treated and ``int(k * n_control)`` control rows of the ranking; ``"overall"`` takes
    the first ``int(k * n)`` rows and compares the two groups within them. Equal to
    scikit-uplift's ``uplift_at_k`` (ties are broken the same way).

    >>> uplift_at_k([1, 0, 1, 0], [0.9, 0.5, 0.4, 0.1], [1, 0, 0, 1], k=0.5)
    1.0
    """
    y, score, t = _arrays(y_true, uplift, treatment, binary_y=False)
    if not 0 < k < 1:
        raise ValueError(f"The 'k' parameter of uplift_at_k must be in (0, 1). Got {k!r} instead.")
    if strategy not in ("overall", "by_group"):
        raise ValueError(
            "The 'strategy' parameter of uplift_at_k must be a str among "
            f"{{'by_group', 'overall'}}. Got {strategy!r} instead."
        )
    order = np.argsort(score, kind="mergesort")[::-1]
    y, t = y[order], t[order]
    if strategy == "overall":
        top = int(len(y) * k)
        y, t = y[:top], t[:top]
        treated, control = y[t == 1], y[t == 0]
    else:
        treated = y[t == 1][: int((t == 1).sum() * k)]
        control = y[t == 0][: int((t == 0).sum() * k)]
    if treated.size == 0 or control.size == 0:
        return float("nan")
    return float(treated.mean() - control.mean())
