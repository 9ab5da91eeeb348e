"""Funnel-plot control limits and over-dispersion (Spiegelhalter 2005; DerSimonian & Laird 1986)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy import special

from ._checks import _array, _count, _level, _num, _positive, _z
from .quantiles import chi2_ppf


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
    return chi2_ppf(p, 2 * e) / (2 * e), chi2_ppf(1 - p, 2 * e + 2) / (2 * e)


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
