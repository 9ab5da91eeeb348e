"""Input checks shared by the statistics modules: each raises ValueError with an English message."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from decimal import Decimal

import numpy as np

from .quantiles import norm_ppf


def _num(x: float, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real | Decimal):  # Decimal: Django DecimalField values
        raise ValueError(f"{name} must be a number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x}")
    return x


def _positive(x: float, name: str) -> float:
    x = _num(x, name)
    if x <= 0:
        raise ValueError(f"{name} must be greater than 0, got {x}")
    return x


def _level(level: float) -> float:
    level = _num(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (exclusive), got {level}")
    return level


def _z(level: float) -> float:
    """Two-sided normal quantile: 1.959964 for 0.95, 3.090232 for 0.998."""
    return norm_ppf(0.5 + _level(level) / 2)


def _array(values: Iterable[float], name: str, min_len: int = 1) -> np.ndarray:
    try:
        arr = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of numbers") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers")
    if arr.size < min_len:
        raise ValueError(f"{name} needs at least {min_len} value(s), got {arr.size}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must contain only finite numbers (no NaN or infinity)")
    return arr


def _count(x: float, name: str, minimum: int = 0) -> int:
    x = _num(x, name)
    if not x.is_integer() or x < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {x}")
    return int(x)


def _pair(pre: Iterable[float], post: Iterable[float], min_len: int = 2) -> tuple[np.ndarray, np.ndarray]:
    a, b = _array(pre, "pre", min_len), _array(post, "post", min_len)
    if a.size != b.size:
        raise ValueError(f"pre and post must have the same length, got {a.size} and {b.size}")
    return a, b
