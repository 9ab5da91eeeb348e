"""Quantiles of the normal, t and chi-square distributions, as ``scipy.stats`` computes them, without its generic
argument checking: ``stats.norm.ppf`` and friends spend ~80 µs per call checking and broadcasting their
arguments before calling the special function below, and a comparison page asks for several hundred quantiles.
Each function calls the special function ``scipy.stats`` itself calls (its distributions' ``_ppf``), so the result
is identical to the last bit (tests/outcomes/test_quantiles.py). The callers check their arguments themselves.
"""

from __future__ import annotations

import functools

from scipy import special


@functools.lru_cache(maxsize=64)
def norm_ppf(p: float) -> float:
    """``stats.norm.ppf(p)`` (few distinct levels are asked for: memoised)."""
    return float(special.ndtri(p))


def t_ppf(p: float, df: float) -> float:
    """``stats.t.ppf(p, df)``."""
    return float(special.stdtrit(df, p))


def chi2_ppf(p: float, df: float) -> float:
    """``stats.chi2.ppf(p, df)``."""
    return float(2 * special.gammaincinv(df / 2, p))
