"""``StrataUplift``: the uplift of an offer that can only help, from three principal strata.

A retention offer does not make anyone leave who would have stayed (monotonicity), so
every customer at a cancel decision is one of three kinds (principal strata, Frangakis
and Rubin, 2002, "Principal stratification in causal inference", Biometrics 58(1)):

- **stays anyway** (``s``): stays with or without the offer (a discount seeker);
- **saved by it** (``v``): leaves without the offer and stays with it;
- **leaves anyway** (``l``): leaves either way.

The kind is never seen, but each arm of a randomised experiment shows a union of kinds:
an offered customer who stays is ``s`` or ``v``, one who leaves is ``l``; a customer not
offered who stays is ``s``, one who leaves is ``v`` or ``l``. :class:`StrataUplift` fits
one multinomial logistic model ``π(x) = softmax(x β_s, x β_v, 0)`` of the kind on *every*
decision by maximising

    Σ_offered  log(π_s + π_v if stayed else π_l)
  + Σ_control  log(π_s if stayed else π_v + π_l)  −  ‖β‖² / (2C)

(a latent-class model: Ding and Lu, 2017, "Principal stratification analysis using
principal scores", JRSSB 79(3), whose identification this is with both arms' outcomes).
The uplift is ``π_v(x)``, never negative; staying with the offer is ``π_s + π_v`` and
without it ``π_s``. Where a T-learner fits two separate models on the two arms, each from
half the rows, here both arms inform every coefficient, and a share of acceptors the offer
saved, ``π_v / (π_s + π_v)``, comes from one model rather than a ratio of two noisy ones.
Columns get the preprocessing of :class:`~tenure.models.LogisticBaseline` (median
imputation with a missing-value indicator and standardisation for numbers, one-hot
categories).

The offer rule acts on the saved share of acceptors, ``q(x) = π_v / (π_s + π_v) =
sigmoid(x (β_v − β_s))``, against a threshold (``cost / value``), and a missed save costs
several wasted discounts. So :meth:`StrataUplift.predict` answers with ``q`` at the
one-sided upper bound of ``confidence``: the L2 penalty is a Gaussian prior, and the
Laplace approximation of the posterior (the inverse Hessian of the penalised loss) gives
the standard error of ``x (β_v − β_s)``. A customer then loses the offer only where the
model is that sure it would be wasted; with few decisions the prior dominates, the bounds
are wide and nearly everyone keeps the offer. :meth:`StrataUplift.predict_strata` gives
the point estimates.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any, Self

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, logsumexp, softmax
from scipy.stats import norm
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval

from tenure.models._validation import (
    TableInputMixin,
    check_fitted,
    validate_outcome,
    validate_treatment,
    validate_X,
)
from tenure.models.baseline import LinearDesign

__all__ = ["STRATA", "StrataUplift"]

STRATA = ("stays_anyway", "saved", "leaves_anyway")
"""The kinds, in the order of :meth:`StrataUplift.predict_strata`'s columns."""
# which kinds each (arm, outcome) cell can hold: rows are control-left, control-stayed,
# offered-left, offered-stayed
_CELLS = np.array(
    [[False, True, True], [True, False, False], [False, False, True], [True, True, False]]
)


class StrataUplift(TableInputMixin, BaseEstimator):  # type: ignore[misc]
    """Uplift of an offer that can only help, as the share of customers it saves.

    Parameters
    ----------
    C
        Inverse strength of the L2 penalty on the coefficients (not the intercepts), on
        standardised numbers and one-hot columns.
    max_iter
        Most iterations of the L-BFGS solver.
    confidence
        One-sided confidence of the upper bound on the saved share that :meth:`predict`
        uses; 0.5 gives the point estimate ``π_v``.

    Attributes
    ----------
    coef_ : ndarray of shape (2, n_columns)
        The log-odds of "stays anyway" and "saved" against "leaves anyway", per encoded
        column.
    intercept_ : ndarray of shape (2,)
    share_covariance_ : ndarray of shape (n_columns + 1, n_columns + 1)
        Posterior covariance (Laplace) of ``β_v − β_s``, intercept first.
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray
        Only when ``X`` has column names.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"use": [0.1, 0.2, 0.9, 1.0] * 25})
    >>> t = [1, 0] * 50
    >>> y = [1, 0, 1, 1] * 25  # low use: saved by the offer; high use: stays anyway
    >>> model = StrataUplift(confidence=0.5).fit(X, t, y)
    >>> model.predict(X.head(4)).round(1).tolist()
    [1.0, 1.0, 0.1, 0.0]
    """

    _parameter_constraints: dict[str, list[Any]] = {  # noqa: RUF012 (scikit-learn's API)
        "C": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "confidence": [Interval(Real, 0.5, 1, closed="left")],
    }

    def __init__(self, *, C: float = 1.0, max_iter: int = 1000, confidence: float = 0.95) -> None:
        self.C = C
        self.max_iter = max_iter
        self.confidence = confidence

    @_fit_context(prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
    def fit(self, X: Any, treatment: Any, y: Any) -> Self:
        """Learn from a randomised experiment: ``treatment`` 1 offered, ``y`` 1 stayed."""
        frame = validate_X(self, X, reset=True)
        t = validate_treatment(self, treatment, len(frame))
        out = validate_outcome(self, y, len(frame))
        if not np.isin(out, (0, 1)).all():
            raise ValueError("StrataUplift needs a 0/1 outcome (1: the customer stayed)")
        self.design_ = LinearDesign().fit(frame)
        matrix = self.design_.transform(frame)
        allowed = _CELLS[t * 2 + out.astype(int)]
        width = matrix.shape[1] + 1
        design = np.hstack([np.ones((len(out), 1)), matrix])
        penalty = np.ones(width)
        penalty[0] = 0.0  # intercepts are not shrunk

        def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
            beta = flat.reshape(2, width)
            logits = np.hstack([design @ beta.T, np.zeros((len(out), 1))])
            whole = logsumexp(logits, axis=1)
            part = logsumexp(np.where(allowed, logits, -np.inf), axis=1)
            prob = softmax(logits, axis=1)
            seen = np.where(allowed, np.exp(logits - part[:, None]), 0.0)
            grad = (prob - seen)[:, :2].T @ design + beta * penalty / self.C
            value = float((whole - part).sum() + (beta**2 * penalty).sum() / (2 * self.C))
            return value, grad.ravel()

        result = minimize(
            loss,
            np.zeros(2 * width),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.max_iter},
        )
        beta = result.x.reshape(2, width)
        self.intercept_, self.coef_ = beta[:, 0], beta[:, 1:]
        self.share_covariance_ = _share_covariance(lambda b: loss(b)[1], result.x, width)
        self.n_iter_ = int(result.nit)
        return self

    def _logits(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """The design matrix with its intercept column, and the three kinds' logits."""
        check_fitted(self)
        frame = validate_X(self, X, reset=False)
        design = np.hstack([np.ones((len(frame), 1)), self.design_.transform(frame)])
        beta = np.column_stack([self.intercept_, self.coef_])
        return design, np.hstack([design @ beta.T, np.zeros((len(frame), 1))])

    def predict_strata(self, X: Any) -> np.ndarray:
        """Each row's chance of each kind: columns stays anyway, saved, leaves anyway."""
        strata: np.ndarray = softmax(self._logits(X)[1], axis=1)
        return strata

    def predict_outcomes(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(mu0, mu1)``: the chance of staying without and with the offer."""
        strata = self.predict_strata(X)
        return strata[:, 0], strata[:, 0] + strata[:, 1]

    def predict(self, X: Any) -> np.ndarray:
        """Each row's uplift ``(π_s + π_v) × q``, ``q`` the saved share at its upper bound.

        With ``confidence=0.5`` this is ``π_v``, the chance that the offer saves them.
        """
        design, logits = self._logits(X)
        strata = softmax(logits, axis=1)
        share = logits[:, 1] - logits[:, 0]  # log(π_v / π_s) = x (β_v − β_s)
        spread = np.einsum("ij,jk,ik->i", design, self.share_covariance_, design)
        z = float(norm.ppf(self.confidence))
        bound = expit(share + z * np.sqrt(np.maximum(spread, 0.0)))
        uplift: np.ndarray = (strata[:, 0] + strata[:, 1]) * bound
        return uplift


def _share_covariance(gradient: Any, at: np.ndarray, width: int) -> np.ndarray:
    """Laplace covariance of ``β_v − β_s``: the inverse of the penalised loss's Hessian.

    The Hessian is the central difference of the analytic gradient, one column per
    parameter.
    """
    step = 1e-5
    size = len(at)
    hessian = np.empty((size, size))
    for j in range(size):
        shift = np.zeros(size)
        shift[j] = step
        hessian[:, j] = (gradient(at + shift) - gradient(at - shift)) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    cov = np.linalg.pinv(hessian)
    ss, vv, sv = cov[:width, :width], cov[width:, width:], cov[:width, width:]
    share: np.ndarray = ss + vv - sv - sv.T
    return share
