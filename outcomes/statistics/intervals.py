"""Confidence intervals of unit summaries and the pre-post effect size."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ._checks import _array, _count, _level, _pair, _z
from .quantiles import t_ppf


def mean_change_ci(changes: Iterable[float], *, level: float = 0.95) -> tuple[float, float, float]:
    """Mean change with a t-based confidence interval (Student 1908): mean ± t(df = n−1)·s/√n.

    Returns (mean, low, high). Needs at least two changes.
    """
    x = _array(changes, "changes")
    if x.size < 2:
        raise ValueError("a confidence interval needs at least 2 changes, got 1")
    t = t_ppf(0.5 + _level(level) / 2, x.size - 1)
    mean, half = float(x.mean()), t * float(x.std(ddof=1)) / math.sqrt(x.size)
    return mean, mean - half, mean + half


def wilson_interval(successes: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval without continuity correction (Newcombe 1998, method 3).

    centre = (p + z²/2n)/(1 + z²/n); half-width = z/(1 + z²/n)·√(p(1 − p)/n + z²/4n²).
    """
    n = _count(n, "n", minimum=1)
    k = _count(successes, "successes")
    if k > n:
        raise ValueError(f"successes ({k}) cannot exceed n ({n})")
    z = _z(level)
    p, z2 = k / n, z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def effect_size_pre_post(pre: Iterable[float], post: Iterable[float], *, level: float = 0.95) -> dict[str, float]:
    """Standardised mean change with the baseline SD: d = mean(post − pre)/SD_pre (d_pre).

    Becker (1988) / Lakens (2013); Hedges' correction g = J·d with J = 1 − 3/(4·df − 1), df = n − 1.
    CI for d: d ± z·√var(d) with Becker's (1988) large-sample variance var(d) = 2(1 − r)/n + d²/(2n)
    (also Morris & DeShon 2002, Table 2), r the sample pre-post correlation (taken as 0, the wider choice,
    when the post scores have no spread). Returns keys "d", "g", "low", "high", "r", "n".
    """
    a, b = _pair(pre, post)
    n = a.size
    sd_pre = float(a.std(ddof=1))
    if sd_pre == 0:
        raise ValueError("baseline scores have no spread; d_pre is undefined")
    d = float((b - a).mean()) / sd_pre
    r = float(np.corrcoef(a, b)[0, 1]) if float(b.std(ddof=1)) > 0 else 0.0
    j = 1 - 3 / (4 * (n - 1) - 1)
    half = _z(level) * math.sqrt(2 * (1 - r) / n + d * d / (2 * n))
    return {"d": d, "g": j * d, "low": d - half, "high": d + half, "r": r, "n": float(n)}
