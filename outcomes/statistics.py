"""Statistics of change: pure functions of numbers (numpy/scipy only, no Django).

Sources (see each function's docstring for the formula it implements):

- Jacobson NS, Truax P (1991). Clinical significance: a statistical approach to defining meaningful change
  in psychotherapy research. J Consult Clin Psychol 59:12-19, doi:10.1037/0022-006X.59.1.12.
- Lakens D (2013). Calculating and reporting effect sizes ... t-tests and ANOVAs. Front Psychol 4:863,
  doi:10.3389/fpsyg.2013.00863. Becker BJ (1988). Synthesizing standardized mean-change measures. Br J Math
  Stat Psychol 41:257-278, doi:10.1111/j.2044-8317.1988.tb00901.x. Morris SB, DeShon RP (2002). Psychol
  Methods 7:105-125, doi:10.1037/1082-989X.7.1.105.
- Kiresuk TJ, Sherman RE (1968). Goal attainment scaling. Community Ment Health J 4:443-453,
  doi:10.1007/BF01530764.
- Wilson EB (1927). Probable inference ... J Am Stat Assoc 22:209-212, doi:10.1080/01621459.1927.10502953;
  Newcombe RG (1998). Stat Med 17:857-872 (method 3).
- Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Stat Med 24:1185-1202,
  doi:10.1002/sim.1970. Spiegelhalter DJ, Sherlaw-Johnson C, et al (2012). Statistical methods for
  healthcare regulation: rating, screening and surveillance. J R Stat Soc A 175:1-47,
  doi:10.1111/j.1467-985X.2011.01010.x. Spiegelhalter DJ (2005). Handling over-dispersion of performance
  indicators. Qual Saf Health Care 14:347-351, doi:10.1136/qshc.2005.013755. DerSimonian R, Laird N (1986),
  doi:10.1016/0197-2456(86)90046-2; its worked example: Viechtbauer W (2010), J Stat Softw 36(3),
  doi:10.18637/jss.v036.i03 (the BCG trials, tau² = 0.3088).
  Reference implementation read: R package FunnelPlotR (nhs-r-community), files R/calculate_limits.R and
  R/od_adjustment.R.
- Small-number suppression: Danmarks Statistik's rule (no figure about fewer than k >= 3 persons); the
  secondary suppression is the classical cell-suppression problem (Cox LH 1980, J Am Stat Assoc 75:377-385,
  doi:10.1080/01621459.1980.10477481): a hidden cell is safe when it is not fixed by the linear system.

Every function raises ValueError with an English message on bad input (NaN, empty, out of range).
"""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

import numpy as np
from scipy import special, stats

RELIABLE_Z = 1.96  # Jacobson & Truax (1991): |RCI| > 1.96 is reliable change (p < .05).
CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated", "harmed")


# --------------------------------------------------------------------------- validation helpers
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
    return float(stats.norm.ppf(0.5 + _level(level) / 2))


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


# --------------------------------------------------------------------------- reliable and clinical change
def _s_diff(sd: float, reliability: float) -> float:
    sd = _positive(sd, "sd")
    reliability = _num(reliability, "reliability")
    if not 0 < reliability < 1:
        raise ValueError(f"reliability must be between 0 and 1 (exclusive), got {reliability}")
    return math.sqrt(2) * sd * math.sqrt(1 - reliability)


def reliable_change_index(pre: float, post: float, *, sd: float, reliability: float) -> float:
    """Jacobson & Truax (1991), doi:10.1037/0022-006X.59.1.12.

    SE = sd·√(1 − r); S_diff = √2·SE; RCI = (post − pre)/S_diff. ``sd`` is the reference (pre-treatment)
    SD and ``reliability`` a published reliability, not estimated from the sample.
    """
    return (_num(post, "post") - _num(pre, "pre")) / _s_diff(sd, reliability)


def reliable_change_threshold(*, sd: float, reliability: float, z: float = RELIABLE_Z) -> float:
    """Jacobson & Truax (1991): z·S_diff, the raw change at which change becomes reliable.

    A change is reliable when it is strictly larger than this in absolute value.
    """
    return _positive(z, "z") * _s_diff(sd, reliability)


def clinical_cutoff(
    *,
    method: str,
    clinical_mean: float,
    clinical_sd: float,
    functional_mean: float | None = None,
    functional_sd: float | None = None,
    higher_is_better: bool,
) -> float:
    """Jacobson & Truax (1991) cut-offs; population 1 = clinical, 0 = functional.

    a = M1 ± 2·s1 (two SDs from the clinical mean toward the functional side), b = M0 ∓ 2·s0 (two SDs from
    the functional mean toward the clinical side), c = (s0·M1 + s1·M0)/(s0 + s1). Example: clinical 40
    (7.5), functional 60 (7.5), higher is better → a = 55, b = 45, c = 50.
    """
    m1, s1 = _num(clinical_mean, "clinical_mean"), _positive(clinical_sd, "clinical_sd")
    sign = 1.0 if higher_is_better else -1.0
    if method == "a":
        return m1 + sign * 2 * s1
    if method not in ("b", "c"):
        raise ValueError(f"method must be 'a', 'b' or 'c', got {method!r}")
    if functional_mean is None or functional_sd is None:
        raise ValueError(f"method {method!r} needs functional_mean and functional_sd")
    m0, s0 = _num(functional_mean, "functional_mean"), _positive(functional_sd, "functional_sd")
    if sign * (m0 - m1) <= 0:
        raise ValueError("the functional mean must lie on the better side of the clinical mean")
    if method == "b":
        return m0 - sign * 2 * s0
    return (s0 * m1 + s1 * m0) / (s0 + s1)


def _functional(score: float, cutoff: float, higher_is_better: bool) -> bool:
    # A score exactly at the cut-off counts as functional, whichever the direction. Negating scores and
    # cut-off while flipping the direction therefore maps each side onto itself (x >= c <=> -x <= -c).
    return score >= cutoff if higher_is_better else score <= cutoff


def classify_change(
    pre: float,
    post: float,
    *,
    sd: float,
    reliability: float,
    cutoff: float | None = None,
    higher_is_better: bool,
) -> str:
    """Jacobson & Truax (1991) categories: recovered, improved, unchanged, deteriorated, harmed.

    Reliable when |RCI| > 1.96 (strictly). recovered = reliably improved and moved from the clinical side
    (pre) to the functional side (post); harmed = reliably deteriorated and moved from the functional side
    to the clinical side. Without a cut-off only improved/unchanged/deteriorated are possible. A score
    exactly at the cut-off counts as functional for either direction of the scale, so
    ``classify_change(pre, post, cutoff=c, higher_is_better=h) ==
    classify_change(-pre, -post, cutoff=-c, higher_is_better=not h)`` holds exactly.
    """
    rci = reliable_change_index(pre, post, sd=sd, reliability=reliability)
    cutoff = None if cutoff is None else _num(cutoff, "cutoff")
    better = rci if higher_is_better else -rci
    if abs(better) <= RELIABLE_Z:
        return "unchanged"
    if cutoff is None:
        return "improved" if better > 0 else "deteriorated"
    was, now = _functional(pre, cutoff, higher_is_better), _functional(post, cutoff, higher_is_better)
    if better > 0:
        return "recovered" if (not was and now) else "improved"
    return "harmed" if (was and not now) else "deteriorated"


def classify_by_mid(pre: float, post: float, *, mid: float, higher_is_better: bool) -> str:
    """Classify change by a minimal important difference (used when an instrument has no reliability).

    improved when the change in the better direction is >= mid; deteriorated when the change in the worse
    direction is >= mid; otherwise unchanged. Source for the MID idea: Jaeschke R, Singer J, Guyatt GH
    (1989). Control Clin Trials 10:407-415, doi:10.1016/0197-2456(89)90005-6.
    """
    change = _num(post, "post") - _num(pre, "pre")
    mid = _positive(mid, "mid")
    better = change if higher_is_better else -change
    if better >= mid:
        return "improved"
    if -better >= mid:
        return "deteriorated"
    return "unchanged"


# --------------------------------------------------------------------------- unit summaries
def mean_change_ci(changes: Iterable[float], *, level: float = 0.95) -> tuple[float, float, float]:
    """Mean change with a t-based confidence interval (Student 1908): mean ± t(df = n−1)·s/√n.

    Returns (mean, low, high). Needs at least two changes.
    """
    x = _array(changes, "changes")
    if x.size < 2:
        raise ValueError("a confidence interval needs at least 2 changes, got 1")
    t = float(stats.t.ppf(0.5 + _level(level) / 2, x.size - 1))
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


# --------------------------------------------------------------------------- effect sizes
def paired_t(pre: Iterable[float], post: Iterable[float]) -> tuple[float, int]:
    """Paired t statistic of post − pre and its degrees of freedom (Student 1908)."""
    a, b = _pair(pre, post)
    diff = b - a
    sd = float(diff.std(ddof=1))
    if sd == 0:
        raise ValueError("all changes are equal; the paired t statistic is undefined")
    return float(diff.mean()) / (sd / math.sqrt(diff.size)), diff.size - 1


def cohens_d_z(pre: Iterable[float], post: Iterable[float]) -> float:
    """Lakens (2013) eq. 6: d_z = mean(post − pre) / SD(post − pre)."""
    a, b = _pair(pre, post)
    sd = float((b - a).std(ddof=1))
    if sd == 0:
        raise ValueError("all changes are equal; d_z is undefined")
    return float((b - a).mean()) / sd


def cohens_d_av(pre: Iterable[float], post: Iterable[float]) -> float:
    """Lakens (2013) eq. 10: d_av = mean(post − pre) / ((SD_pre + SD_post)/2)."""
    a, b = _pair(pre, post)
    sd_av = (float(a.std(ddof=1)) + float(b.std(ddof=1))) / 2
    if sd_av == 0:
        raise ValueError("pre and post have no spread; d_av is undefined")
    return float((b - a).mean()) / sd_av


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


# --------------------------------------------------------------------------- goal attainment scaling
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


# --------------------------------------------------------------------------- funnel plots
def _interpolated_binomial_quantile(p: float, n: int, theta: float) -> float:
    """Spiegelhalter (2005) Appendix A.1.1: r_p = smallest r with P(X ≤ r) ≥ p, X ~ Bin(n, θ);
    α = (P(X ≤ r_p) − p)/(P(X ≤ r_p) − P(X ≤ r_p − 1)); returns (r_p − α)/n.

    P(X ≤ r) is scipy.special.bdtr (the regularised incomplete beta function), which is ~100× cheaper than a
    frozen scipy.stats distribution; a funnel plot needs a few hundred of these per page.
    """

    def cdf(r: int) -> float:
        return float(special.bdtr(r, n, theta)) if r >= 0 else 0.0

    sd = math.sqrt(n * theta * (1 - theta))
    r = min(n, max(0, int(n * theta + float(special.ndtri(p)) * sd)))  # a start near r_p; the loops make it exact
    while r > 0 and cdf(r - 1) >= p:
        r -= 1
    while r < n and cdf(r) < p:
        r += 1
    upper = cdf(r)
    lower = cdf(r - 1)
    alpha = (upper - p) / (upper - lower)
    return (r - alpha) / n


def funnel_limits_proportion(
    target: float,
    n: int,
    *,
    level: float,
    method: str = "exact",
    phi: float | None = None,
    tau2: float | None = None,
) -> tuple[float, float]:
    """Control limits for a proportion from n cases around the target θ0 (Spiegelhalter 2005).

    method "exact": binomial limits with Spiegelhalter's (2005, Appendix A.1.1) interpolation;
    "normal": θ0 ± z·s, s = √(θ0(1 − θ0)/n). Over-dispersion (give at most one; the limits are then
    approximate and ``method`` is not used): ``phi`` gives the multiplicative limits θ0 ± z·√φ·s
    (Spiegelhalter 2005 §6); ``tau2`` the additive random-effects limits on the arcsine-square-root scale,
    sin²(asin√θ0 ± z·√(1/(4n) + τ²)), as FunnelPlotR computes them and as ``overdispersion`` estimates τ²
    (Spiegelhalter et al. 2012). Limits are clipped to [0, 1].
    """
    theta = _num(target, "target")
    if not 0 <= theta <= 1:
        raise ValueError(f"target must be a proportion in [0, 1], got {theta}")
    if method not in ("exact", "normal"):
        raise ValueError(f"method must be 'exact' or 'normal', got {method!r}")
    z = _z(level)
    if phi is not None and tau2 is not None:
        raise ValueError("give phi (multiplicative) or tau2 (additive), not both")
    if tau2 is not None:
        tau2 = _num(tau2, "tau2")
        if tau2 < 0:
            raise ValueError(f"tau2 must be >= 0, got {tau2}")
        spread = z * math.sqrt(1 / (4 * _positive(n, "n")) + tau2)
        centre = math.asin(math.sqrt(theta))
        angles = (max(0.0, centre - spread), min(math.pi / 2, centre + spread))
        return math.sin(angles[0]) ** 2, math.sin(angles[1]) ** 2
    if phi is not None or method == "normal":
        inflation = 1.0 if phi is None else _positive(phi, "phi")
        half = z * math.sqrt(inflation * theta * (1 - theta) / _positive(n, "n"))
        return max(0.0, theta - half), min(1.0, theta + half)
    size = _count(n, "n", minimum=1)
    p = (1 - _level(level)) / 2
    low = _interpolated_binomial_quantile(p, size, theta)
    high = _interpolated_binomial_quantile(1 - p, size, theta)
    return min(max(0.0, low), 1.0), min(max(0.0, high), 1.0)


def funnel_limits_mean(
    target: float, sd: float, n: float, *, level: float, phi: float | None = None, tau2: float | None = None
) -> tuple[float, float]:
    """Control limits for a mean of n values around θ0 (Spiegelhalter 2005): θ0 ± z·σ/√n.

    Over-dispersion: θ0 ± z·√φ·σ/√n (multiplicative) or θ0 ± z·√(σ²/n + τ²) (additive), τ² in the
    units of the indicator squared. Example: θ0 = 8, σ = 16, n = 25, 95% → 1.72812 and 14.27188.
    """
    theta, sigma, size, z = _num(target, "target"), _positive(sd, "sd"), _positive(n, "n"), _z(level)
    if phi is not None and tau2 is not None:
        raise ValueError("give phi (multiplicative) or tau2 (additive), not both")
    var = sigma * sigma / size
    if phi is not None:
        var *= _positive(phi, "phi")
    if tau2 is not None:
        tau2 = _num(tau2, "tau2")
        if tau2 < 0:
            raise ValueError(f"tau2 must be >= 0, got {tau2}")
        var += tau2
    half = z * math.sqrt(var)
    return theta - half, theta + half


def funnel_limits_ratio(expected: float, *, level: float) -> tuple[float, float]:
    """Exact Poisson limits for an observed/expected ratio around 1, from the chi-square link.

    low = χ²_{(1−L)/2}(2E)/(2E), high = χ²_{(1+L)/2}(2E + 2)/(2E), the formula FunnelPlotR uses for
    unadjusted standardised-ratio limits (R/calculate_limits.R; its tests give E = 15 → 0.5596924 and
    1.649348 at 95%). Spiegelhalter (2005) A.1.3 describes the same Poisson limits.
    """
    e = _positive(expected, "expected")
    p = (1 - _level(level)) / 2
    return float(stats.chi2.ppf(p, 2 * e)) / (2 * e), float(stats.chi2.ppf(1 - p, 2 * e + 2)) / (2 * e)


def _dl_tau2(q: float, weights: np.ndarray) -> float:
    """DerSimonian & Laird (1986) moment estimator from Cochran's Q and the inverse-variance weights w.

    τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)), k the number of units (or studies).
    """
    k = weights.size
    return max(0.0, (q - (k - 1)) / float(weights.sum() - np.sum(weights * weights) / weights.sum()))


def dersimonian_laird(estimates: Iterable[float], variances: Iterable[float]) -> float:
    """Between-unit variance τ² by DerSimonian & Laird (1986), doi:10.1016/0197-2456(86)90046-2.

    w = 1/v; θ̂ = Σwy/Σw (the fixed-effect estimate); Q = Σw(y − θ̂)²; τ² = max(0, (Q − (k − 1))/(Σw − Σw²/Σw)).
    Worked example: the BCG vaccine trials (Colditz et al 1994, JAMA 271:698-702; R dataset
    ``metadat::dat.bcg``), log risk ratios → τ² = 0.3088, Q = 152.2330 (Viechtbauer 2010, J Stat Softw
    36(3), doi:10.18637/jss.v036.i03; checked against metafor's test file
    tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, which compares rma(method="DL") with Stata's
    metan). τ² is in the squared units of the estimates.
    """
    y = _array(estimates, "estimates", 2)
    v = _array(variances, "variances", 2)
    if y.size != v.size:
        raise ValueError(f"estimates and variances must have the same length, got {y.size} and {v.size}")
    if np.any(v <= 0):
        raise ValueError("every variance must be greater than 0")
    w = 1 / v
    centre = float(np.sum(w * y) / w.sum())
    return _dl_tau2(float(np.sum(w * (y - centre) ** 2)), w)


def _winsorised(z_raw: np.ndarray, winsorise: float) -> np.ndarray:
    winsorise = _num(winsorise, "winsorise")
    if not 0 <= winsorise < 0.5:
        raise ValueError(f"winsorise must be in [0, 0.5), got {winsorise}")
    low, high = np.quantile(z_raw, [winsorise, 1 - winsorise])
    return np.clip(z_raw, low, high)


def overdispersion(
    numerators: Iterable[float],
    denominators: Iterable[float],
    *,
    target: float | None = None,
    winsorise: float = 0.1,
) -> dict[str, object]:
    """Over-dispersion of unit proportions (Spiegelhalter 2005 §6; Spiegelhalter et al. 2012).

    z-scores on the arcsine-square-root scale, z = (asin√y − asin√θ0)/(1/(2√n)), as FunnelPlotR does;
    winsorised at the ``winsorise`` and 1 − ``winsorise`` quantiles (R's default quantile, type 7);
    φ = Σz²/I; τ² by DerSimonian-Laird with Q = I·φ (Spiegelhalter 2005, QSHC 14:347-351, appendix):
    τ² = max(0, (I·φ − (I − 1))/(Σw − Σw²/Σw)), w = 1/s² = 4n, on the arcsine scale. Returns "phi",
    "tau2", "z" (winsorised), "z_raw", "target" (θ0, default Σnum/Σden).
    """
    num, den = _array(numerators, "numerators", 2), _array(denominators, "denominators", 2)
    if num.size != den.size:
        raise ValueError(f"numerators and denominators must have the same length, got {num.size} and {den.size}")
    if np.any(den <= 0) or np.any(num < 0) or np.any(num > den):
        raise ValueError("need 0 <= numerator <= denominator and denominator > 0 for every unit")
    theta = float(num.sum() / den.sum()) if target is None else _num(target, "target")
    if not 0 <= theta <= 1:
        raise ValueError(f"target must be a proportion in [0, 1], got {theta}")
    s = 1 / (2 * np.sqrt(den))
    z_raw = (np.arcsin(np.sqrt(num / den)) - math.asin(math.sqrt(theta))) / s
    z = _winsorised(z_raw, winsorise)
    phi = float(np.sum(z * z)) / z.size
    return {"phi": phi, "tau2": _dl_tau2(z.size * phi, 1 / s**2), "z": z, "z_raw": z_raw, "target": theta}


def overdispersion_means(
    means: Iterable[float],
    ns: Iterable[float],
    *,
    target: float,
    sd: float,
    winsorise: float = 0.1,
) -> dict[str, object]:
    """Over-dispersion of unit means around θ0 (Spiegelhalter 2005, Qual Saf Health Care 14:347-351).

    z = (y − θ0)/(σ/√n), winsorised at the ``winsorise`` and 1 − ``winsorise`` quantiles (R type 7);
    φ = Σz²/I; τ² by DerSimonian-Laird with Q = I·φ and w = n/σ²:
    τ² = max(0, (I·φ − (I − 1))/(Σw − Σw²/Σw)), in the squared units of the indicator, ready for
    ``funnel_limits_mean(..., tau2=)``; φ for ``funnel_limits_mean(..., phi=)``. ``n`` need not be whole
    (an effective sample size). With ``winsorise=0`` and θ0 the inverse-variance mean, τ² is exactly
    ``dersimonian_laird(means, σ²/n)``. Returns "phi", "tau2", "z" (winsorised), "z_raw", "target".
    """
    y, n = _array(means, "means", 2), _array(ns, "ns", 2)
    if y.size != n.size:
        raise ValueError(f"means and ns must have the same length, got {y.size} and {n.size}")
    if np.any(n <= 0):
        raise ValueError("every n must be greater than 0")
    theta, sigma = _num(target, "target"), _positive(sd, "sd")
    s = sigma / np.sqrt(n)
    z_raw = (y - theta) / s
    z = _winsorised(z_raw, winsorise)
    phi = float(np.sum(z * z)) / z.size
    return {"phi": phi, "tau2": _dl_tau2(z.size * phi, 1 / s**2), "z": z, "z_raw": z_raw, "target": theta}


# --------------------------------------------------------------------------- small-number suppression
class DisclosureError(ValueError):
    """Cell suppression alone cannot protect the table while all its totals are published."""


class SuppressionResult(NamedTuple):
    cells: np.ndarray  # bool, same shape as the table; True = hide
    row_totals: np.ndarray  # bool per row
    column_totals: np.ndarray  # bool per column (a 1-D table has none: its column totals are the cells)
    grand_total: bool


# The table is bordered by −row totals, −column totals and +grand total, so every row and column of the
# bordered table sums to 0. A change d of the hidden entries keeps every sum iff it is a circulation in the
# bipartite graph rows–columns whose edges are the hidden entries, and keeps every count >= 0 iff entries
# at 0 move only away from 0. By conformal decomposition an entry can move (the attacker's linear programme
# has min < max) iff it lies on a directed cycle, where entry (a, b) gives the arc row a → column b when it
# may grow and column b → row a when it may shrink.
Entry = tuple[int, int]
Cost = tuple[float, ...]
_FREE: Cost = (0, 0, 0, 0)  # (totals, zero cells, sum of counts, cells) newly hidden


def _moves(ext: np.ndarray, a: int, b: int) -> tuple[bool, bool]:
    if (a == ext.shape[0] - 1) != (b == ext.shape[1] - 1):  # a total, stored negated
        return bool(ext[a, b] < 0), True
    return True, bool(ext[a, b] > 0)


def _arcs(ext: np.ndarray, allowed: np.ndarray) -> dict[int, list[tuple[int, Entry]]]:
    nr, nc = ext.shape
    arcs: dict[int, list[tuple[int, Entry]]] = {v: [] for v in range(nr + nc)}
    for a, b in zip(*(idx.tolist() for idx in np.nonzero(allowed)), strict=True):
        grow, shrink = _moves(ext, a, b)
        if grow:
            arcs[a].append((nr + b, (a, b)))
        if shrink:
            arcs[nr + b].append((a, (a, b)))
    return arcs


def _cycle(
    ext: np.ndarray, arcs: dict[int, list[tuple[int, Entry]]], cost: Callable[[Entry], Cost], a: int, b: int
) -> tuple[Cost, list[Entry]] | None:
    """Cheapest directed cycle through entry (a, b) (Dijkstra, lexicographic costs), or None."""
    nr = ext.shape[0]
    grow, shrink = _moves(ext, a, b)
    ends = ([(nr + b, a)] if grow else []) + ([(a, nr + b)] if shrink else [])
    found = []
    for start, goal in ends:
        best: dict[int, Cost] = {start: _FREE}
        back: dict[int, tuple[int, Entry]] = {}
        heap = [(_FREE, start)]
        while heap:
            dist, v = heapq.heappop(heap)
            if v == goal:
                path, w = [], goal
                while w != start:
                    w, entry = back[w]
                    path.append(entry)
                found.append((dist, path))
                break
            if dist > best[v]:
                continue
            for w, entry in arcs[v]:
                new = tuple(x + y for x, y in zip(dist, cost(entry), strict=True))
                if entry != (a, b) and (w not in best or new < best[w]):
                    best[w], back[w] = new, (v, entry)
                    heapq.heappush(heap, (new, w))
    return min(found, key=lambda item: item[0]) if found else None


def _protected(ext: np.ndarray, hidden: np.ndarray) -> bool:
    arcs = _arcs(ext, hidden)
    inner = hidden[:-1, :-1]
    cells = zip(*(idx.tolist() for idx in np.nonzero(inner)), strict=True)
    return all(_cycle(ext, arcs, lambda _: _FREE, a, b) is not None for a, b in cells)


def suppress_table(table: Sequence[Sequence[int]] | Sequence[int] | np.ndarray, *, k: int = 5) -> SuppressionResult:
    """Primary and secondary suppression of a table of counts published with its totals.

    Primary: every cell with 0 < count < k; zeros reveal nothing and stay shown. Secondary: no hidden cell
    may be fixed by the shown cells, the published row, column and grand totals and non-negativity, i.e.
    each hidden cell must take another value in some non-negative table that agrees with everything shown.
    For each primary cell the cheapest protecting cycle is hidden, cost compared in this order: totals
    (only when cell suppression cannot work), zero cells (only when no non-zero complement will do), sum
    of the counts hidden, number of cells; then complements that are no longer needed are shown again.
    A 1-D table is one row with its total. k must be at least 3 (Danmarks Statistik's rule).
    """
    k = _count(k, "k", minimum=3)
    try:
        counts = np.asarray(table, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("table must be a 1-D or 2-D array of counts") from exc
    if counts.ndim not in (1, 2) or counts.size == 0:
        raise ValueError("table must be a non-empty 1-D or 2-D array of counts")
    if not np.all(np.isfinite(counts)) or np.any(counts < 0) or np.any(counts != np.round(counts)):
        raise ValueError("table must contain whole, non-negative counts (no NaN)")
    grid = counts.reshape(1, -1) if counts.ndim == 1 else counts
    r, c = grid.shape
    ext = np.zeros((r + 1, c + 1))
    ext[:r, :c], ext[:r, c], ext[r, :c], ext[r, c] = grid, -grid.sum(axis=1), -grid.sum(axis=0), grid.sum()
    hidden = np.zeros_like(ext, dtype=bool)
    hidden[:r, :c] = (grid > 0) & (grid < k)
    keep = hidden.copy()  # never shown again
    if counts.ndim == 1:
        keep[r, :c] = hidden[r, :c] = True

    def cost(entry: Entry) -> Cost:
        if hidden[entry]:
            return _FREE
        if entry == (r, c):
            return (2, 0, 0, 0)
        if entry[0] == r or entry[1] == c:
            return (1, 0, 0, 0)
        return (0, 1, 0, 1) if ext[entry] == 0 else (0, 0, float(ext[entry]), 1)

    everything = _arcs(ext, np.ones_like(hidden))
    for a, b in zip(*(idx.tolist() for idx in np.nonzero(keep[:r, :c])), strict=True):
        found = _cycle(ext, everything, cost, a, b)
        assert found is not None  # cell, its column total, grand total, its row total always form one
        for entry in found[1]:
            hidden[entry] = True
    totals = [(r, c)] + [(i, c) for i in range(r)] + [(r, j) for j in range(c)]
    complements = sorted(zip(*np.nonzero(hidden[:r, :c] & ~keep[:r, :c]), strict=True), key=lambda e: -grid[e])
    order = totals + [e for e in complements if grid[e] == 0] + [e for e in complements if grid[e] > 0]
    changed = True
    while changed:  # showing one complement may make another redundant: repeat until nothing changes
        changed = False
        for entry in order:
            if hidden[entry] and not keep[entry]:
                hidden[entry] = False
                if _protected(ext, hidden):
                    changed = True
                else:
                    hidden[entry] = True
    column_totals = np.ones(c, dtype=bool) if counts.ndim == 1 else hidden[r, :c].copy()
    return SuppressionResult(
        hidden[:r, :c].reshape(counts.shape), hidden[:r, c].copy(), column_totals, bool(hidden[r, c])
    )


def suppress_small_counts(table: Sequence[Sequence[int]] | Sequence[int] | np.ndarray, *, k: int = 5) -> np.ndarray:
    """Boolean mask (True = hide) of the same shape as ``table``, for publication with all its totals.

    See ``suppress_table`` for the method. Raises DisclosureError (a ValueError) when no choice of hidden
    cells can protect a small count while every total is shown, e.g. a table whose non-zero cells all lie
    in one row (its column totals are those cells); ``suppress_table`` says which totals to withhold.
    """
    result = suppress_table(table, k=k)
    columns = result.column_totals if np.ndim(table) == 2 else np.zeros(0, dtype=bool)
    if result.grand_total or result.row_totals.any() or columns.any():
        raise DisclosureError(
            "small counts cannot be protected while all totals are published; "
            "use suppress_table() to see which totals must be withheld"
        )
    return result.cells
