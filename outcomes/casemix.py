"""Case-mix adjustment by indirect standardisation: pure functions of numbers (numpy), no Django.

A unit that serves the most ill citizens should not look worst because of whom it serves. For each
citizen we predict the change (linear model) and the probability of improving (logistic model) from
their baseline score, age group, gender and legal basis, fitted across *all* units in scope. A unit's
observed figures are then compared with the sum of its citizens' expected figures:

- mean change: observed − expected (the mean of the residuals) with a t-based 95% CI;
- share improved: observed/expected count ratio (O/E), plotted against exact Poisson limits around 1.

This is indirect standardisation as used in hospital league tables (Spiegelhalter 2005,
doi:10.1002/sim.1970, §3; Iezzoni, *Risk Adjustment for Measuring Health Care Outcomes*, 4th ed. 2013).
The models are ordinary least squares and logistic regression by iteratively reweighted least squares
(McCullagh & Nelder 1989, §4.4), with a small ridge penalty so that a category present in few citizens
cannot make the fit singular.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

AGE_GROUPS = ((18, 29), (30, 44), (45, 59), (60, 200))


def age_group(age: int | None) -> str:
    """'18–29', '30–44', '45–59', '60+' or 'ukendt'."""
    if age is None:
        return "ukendt"
    for lo, hi in AGE_GROUPS:
        if lo <= age <= hi:
            return f"{lo}+" if hi >= 200 else f"{lo}–{hi}"
    return "under 18" if age < 18 else "ukendt"


@dataclass(frozen=True)
class Design:
    """A design matrix with named columns: intercept, baseline (centred), and dummies (first level dropped)."""

    matrix: np.ndarray
    columns: tuple[str, ...]


def design_matrix(baseline: Sequence[float], factors: dict[str, Sequence[str]]) -> Design:
    """Intercept + centred baseline + one dummy per non-reference level of each categorical factor."""
    base = np.asarray(baseline, dtype=float)
    if base.ndim != 1 or not np.all(np.isfinite(base)):
        raise ValueError("baseline must be a list of finite numbers")
    n = base.size
    cols = [np.ones(n), base - base.mean() if n else base]
    names = ["intercept", "baseline"]
    for name, values in factors.items():
        if len(values) != n:
            raise ValueError(f"factor {name!r} has {len(values)} values for {n} rows")
        levels = sorted(set(values))
        column = np.empty(n, dtype=object)
        column[:] = list(values)  # element by element, whatever the values (a plain np.array could make them 2-D)
        for level in levels[1:]:  # the first level is the reference
            cols.append((column == level).astype(float))
            names.append(f"{name}={level}")
    return Design(np.column_stack(cols) if n else np.zeros((0, len(cols))), tuple(names))


def fit_linear(x: np.ndarray, y: Sequence[float], *, ridge: float = 1e-6) -> np.ndarray:
    """Least-squares coefficients (with a tiny ridge on all but the intercept for numerical stability)."""
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.size or y.size == 0:
        raise ValueError("x and y must have the same, non-zero number of rows")
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    return np.linalg.solve(x.T @ x + penalty, x.T @ y)


def fit_logistic(x: np.ndarray, y: Sequence[int], *, ridge: float = 1e-4, iterations: int = 50) -> np.ndarray:
    """Logistic-regression coefficients by IRLS (Newton–Raphson), with a small ridge penalty."""
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.size or y.size == 0:
        raise ValueError("x and y must have the same, non-zero number of rows")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must be 0 or 1")
    beta = np.zeros(x.shape[1])
    mean = y.mean()
    if 0 < mean < 1:
        beta[0] = np.log(mean / (1 - mean))
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        w = np.clip(p * (1 - p), 1e-9, None)
        gradient = x.T @ (y - p) - penalty @ beta
        hessian = (x * w[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def predict_logistic(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ beta)))


@dataclass(frozen=True)
class Expected:
    """Per-row expected change and expected probability of improving."""

    change: np.ndarray
    improve_probability: np.ndarray
    columns: tuple[str, ...]


def expected_outcomes(
    *, baseline: Sequence[float], change: Sequence[float], improved: Sequence[int], factors: dict[str, Sequence[str]]
) -> Expected:
    """Fit both models on all rows and return each row's expected change and probability of improving."""
    design = design_matrix(baseline, factors)
    lin = fit_linear(design.matrix, change)
    improved = np.asarray(improved, dtype=float)
    if 0 < improved.mean() < 1:
        prob = predict_logistic(design.matrix, fit_logistic(design.matrix, improved))
    else:  # everyone or no one improved: the expected probability is that share for all
        prob = np.full(improved.size, improved.mean())
    return Expected(design.matrix @ lin, prob, design.columns)
