"""Goal attainment scaling (Kiresuk & Sherman 1968)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._checks import _array, _num


def gas_t_score(levels: Sequence[int], weights: Sequence[float] | None = None, *, rho: float = 0.3) -> float:
    """Kiresuk & Sherman (1968): T = 50 + 10·Σwx / √((1 − ρ)·Σw² + ρ·(Σw)²).

    ``levels`` are whole numbers −2..+2; weights default to 1; ρ (the assumed inter-goal correlation)
    defaults to 0.3. Example: levels (−2, 0, −1, 2, 0, 1), weights (3, 5, 1, 4, 2, 6) → 55.
    """
    # Plain Python rather than numpy: dashboards compute this for thousands of courses of a few goals each,
    # where numpy's per-call overhead dominates.
    x = [float(v) for v in _array(levels, "levels")]
    if any(v != round(v) or abs(v) > 2 for v in x):
        raise ValueError("GAS levels must be whole numbers from -2 to +2")
    w = [1.0] * len(x) if weights is None else [float(v) for v in _array(weights, "weights")]
    if len(w) != len(x):
        raise ValueError(f"levels and weights must have the same length, got {len(x)} and {len(w)}")
    if any(v <= 0 for v in w):
        raise ValueError("GAS weights must be greater than 0")
    rho = _num(rho, "rho")
    if not 0 <= rho < 1:
        raise ValueError(f"rho must be in [0, 1), got {rho}")
    denom = math.sqrt((1 - rho) * sum(v * v for v in w) + rho * sum(w) ** 2)
    return 50 + 10 * sum(a * b for a, b in zip(w, x, strict=True)) / denom
