"""Statistical process control for monthly series: runs analysis (Anhøj's rules), I and p control charts.

Pure functions of numbers (no Django), so they can be checked against published examples:

- **Runs analysis** after Anhøj & Olesen (2014), "Run charts revisited", PLoS ONE 9(11): e113825, as
  implemented in the R package qicharts2 (``runs.analysis``): points on the centre line are not useful; a
  *shift* is a longest run on one side of the centre longer than ``round(log2(n_useful)) + 3`` (Schilling
  2012); *too few crossings* are fewer than the 5th percentile of Binomial(n_useful − 1, ½) (Chen 2010),
  i.e. R's ``qbinom(0.05, n − 1, 0.5)``. Either gives a signal of non-random variation.
- **I chart** (individuals): centre = mean, limits = centre ± 3σ with σ = mean moving range ÷ 1.128 (d2 for
  subgroups of two; Montgomery, *Introduction to Statistical Quality Control*).
- **p chart**: centre = Σevents ÷ Σtotals, per-point limits centre ± 3·√(centre·(1 − centre)/n), clipped to
  [0, 1].
- **Parts**: a series split at a date (an initiative's start) gets its own centre and runs analysis on each
  side, as qicharts2's ``part``/``freeze`` arguments.
"""

from __future__ import annotations

import datetime
import math
import statistics as pystats
from collections.abc import Sequence
from dataclasses import dataclass

D2 = 1.128  # expected range of two independent standard normal values


@dataclass(frozen=True)
class Runs:
    """The result of a runs analysis of one series (or one part of it)."""

    centre: float | None
    n_obs: int
    n_useful: int
    longest_run: int
    longest_run_max: int
    crossings: int
    crossings_min: int
    runs_signal_side: int  # +1: the longest run lies above the centre, −1: below, 0: no useful points

    @property
    def shift(self) -> bool:
        return self.n_useful > 0 and self.longest_run > self.longest_run_max

    @property
    def few_crossings(self) -> bool:
        return self.n_useful > 0 and self.crossings < self.crossings_min

    @property
    def signal(self) -> bool:
        return self.shift or self.few_crossings


def binom_quantile(q: float, n: int, p: float = 0.5) -> int:
    """The smallest x with P(X ≤ x) ≥ q for X ~ Binomial(n, p) — R's ``qbinom(q, n, p)``."""
    if n <= 0:
        return 0
    cumulative = 0.0
    for x in range(n + 1):
        cumulative += math.comb(n, x) * p**x * (1 - p) ** (n - x)
        # A tolerance as R's qbinom has (its fuzz of 1 − 64·ε), so an exact 0.05 does not fall one short.
        if cumulative >= q * (1 - 64 * 2.220446049250313e-16):
            return x
    return n


def longest_run_limit(n_useful: int) -> int:
    """The upper limit of the longest run in a random series of n useful points: round(log2(n)) + 3."""
    return round(math.log2(n_useful)) + 3 if n_useful > 0 else 0


def crossings_limit(n_useful: int) -> int:
    """The lower limit of the number of crossings: the 5th percentile of Binomial(n − 1, ½)."""
    return binom_quantile(0.05, max(n_useful - 1, 0), 0.5)


def runs_analysis(values: Sequence[float | None], centre: float | None = None) -> Runs:
    """Anhøj's runs analysis of a series; ``centre`` defaults to the median of the non-missing values.

    Missing values (None, NaN) are skipped; points on the centre line are neither above nor below and do not
    count (they neither break nor extend a run)."""
    present = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if centre is None:
        centre = pystats.median(present) if present else None
    if centre is None:
        return Runs(None, 0, 0, 0, 0, 0, 0, 0)
    sides = [1 if v > centre else -1 for v in present if v != centre]
    n_useful = len(sides)
    if not n_useful:
        return Runs(centre, len(present), 0, 0, 0, 0, 0, 0)
    lengths: list[tuple[int, int]] = []  # (side, length) per run
    for side in sides:
        if lengths and lengths[-1][0] == side:
            lengths[-1] = (side, lengths[-1][1] + 1)
        else:
            lengths.append((side, 1))
    longest_side, longest = max(lengths, key=lambda run: run[1])
    return Runs(
        centre=centre,
        n_obs=len(present),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_run_limit(n_useful),
        crossings=len(lengths) - 1,
        crossings_min=crossings_limit(n_useful),
        runs_signal_side=longest_side,
    )


@dataclass(frozen=True)
class Limits:
    centre: float | None
    lcl: float | None
    ucl: float | None


def i_chart(values: Sequence[float]) -> Limits:
    """Centre and 3-sigma limits of an individuals chart: σ = mean moving range ÷ 1.128."""
    xs = [float(v) for v in values if v is not None]
    if not xs:
        return Limits(None, None, None)
    centre = math.fsum(xs) / len(xs)
    if len(xs) < 2:
        return Limits(centre, None, None)
    mr = math.fsum(abs(b - a) for a, b in zip(xs, xs[1:], strict=False)) / (len(xs) - 1)
    sigma = mr / D2
    return Limits(centre, centre - 3 * sigma, centre + 3 * sigma)


@dataclass(frozen=True)
class PLimits:
    centre: float | None
    lcl: list[float | None]
    ucl: list[float | None]


def p_chart(events: Sequence[int], totals: Sequence[int]) -> PLimits:
    """Centre = Σevents/Σtotals; per point centre ± 3·√(p̄(1 − p̄)/nᵢ), clipped to [0, 1] (None where nᵢ = 0)."""
    if len(events) != len(totals):
        raise ValueError("events and totals differ in length")
    if any(e < 0 or t < 0 or e > t for e, t in zip(events, totals, strict=True)):
        raise ValueError("each count of events must lie between 0 and its total")
    n = sum(totals)
    if not n:
        return PLimits(None, [None] * len(totals), [None] * len(totals))
    p = sum(events) / n
    lcl: list[float | None] = []
    ucl: list[float | None] = []
    for t in totals:
        if t <= 0:
            lcl.append(None)
            ucl.append(None)
            continue
        half = 3 * math.sqrt(p * (1 - p) / t)
        lcl.append(max(0.0, p - half))
        ucl.append(min(1.0, p + half))
    return PLimits(p, lcl, ucl)


@dataclass(frozen=True)
class Part:
    """One side of a series split at a date: its points, its own centre (median) and runs analysis."""

    dates: list[datetime.date]
    values: list[float | None]
    runs: Runs


def parts(dates: Sequence[datetime.date], values: Sequence[float | None], split: datetime.date | None) -> list[Part]:
    """The series split at ``split`` (points dated on or after it form the second part); each part has its own
    median and runs analysis. Without a split, or with nothing on one side, one part."""
    pairs = list(zip(dates, values, strict=True))
    before = [(d, v) for d, v in pairs if split is None or d < split]
    after = [(d, v) for d, v in pairs if split is not None and d >= split]
    out = []
    for side in (before, after):
        if side:
            ds, vs = [d for d, _v in side], [v for _d, v in side]
            out.append(Part(ds, vs, runs_analysis(vs)))
    return out
