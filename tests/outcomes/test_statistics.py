"""Tests for outcomes/statistics.py: published worked numbers first, then properties (hypothesis).

Every reference value says where it comes from. "methods" means docs/methods.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from outcomes.statistics import (
    CATEGORIES,
    DisclosureError,
    classify_by_mid,
    classify_change,
    clinical_cutoff,
    cohens_d_av,
    cohens_d_z,
    dersimonian_laird,
    effect_size_pre_post,
    funnel_limits_mean,
    funnel_limits_proportion,
    funnel_limits_ratio,
    gas_t_score,
    mean_change_ci,
    overdispersion,
    overdispersion_means,
    paired_t,
    reliable_change_index,
    reliable_change_threshold,
    suppress_small_counts,
    suppress_table,
    wilson_interval,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# =========================================================================== worked numbers (docs/methods.md)
def test_domain_reliable_change_worked_numbers():
    # methods (Jacobson & Truax 1991): s1 = 5, r = .80 -> SE = 2.236068, S_diff = 3.162278.
    s_diff = reliable_change_threshold(sd=5, reliability=0.80, z=1)
    assert s_diff == pytest.approx(3.162278, rel=1e-6)
    assert s_diff / math.sqrt(2) == pytest.approx(2.236068, rel=1e-6)
    expected = [-2.529822, -1.264911, 0.0, 1.264911, 2.529822]
    for change, rci in zip([-8, -4, 0, 4, 8], expected, strict=True):
        assert reliable_change_index(20, 20 + change, sd=5, reliability=0.80) == pytest.approx(rci, rel=1e-6, abs=1e-12)
    assert reliable_change_threshold(sd=5, reliability=0.80) == pytest.approx(1.96 * 3.162278, rel=1e-6)


def test_domain_cutoffs():
    # methods: clinical M 40 SD 7.5, functional M 60 SD 7.5 -> c = 50; a = 55 and b = 45 (higher is better).
    kw = {"clinical_mean": 40, "clinical_sd": 7.5, "functional_mean": 60, "functional_sd": 7.5}
    assert clinical_cutoff(method="c", higher_is_better=True, **kw) == pytest.approx(50)
    assert clinical_cutoff(method="a", higher_is_better=True, **kw) == pytest.approx(55)
    assert clinical_cutoff(method="b", higher_is_better=True, **kw) == pytest.approx(45)
    # The same instrument scored the other way round (negated): the cut-offs mirror.
    neg = {"clinical_mean": -40, "clinical_sd": 7.5, "functional_mean": -60, "functional_sd": 7.5}
    assert clinical_cutoff(method="a", higher_is_better=False, **neg) == pytest.approx(-55)
    assert clinical_cutoff(method="b", higher_is_better=False, **neg) == pytest.approx(-45)
    assert clinical_cutoff(method="c", higher_is_better=False, **neg) == pytest.approx(-50)


M1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
M2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]


def test_domain_paired_effect_sizes():
    # methods / Lakens (2013) paired example: t(9) = 4.74, d_z = 1.50, d_av = 1.128696 (for m1 - m2; our
    # functions measure post - pre, so with pre = m1, post = m2 the signs are negative).
    t, df = paired_t(M1, M2)
    assert df == 9
    assert round(abs(t), 2) == 4.74
    assert round(abs(cohens_d_z(M1, M2)), 2) == 1.50
    assert abs(cohens_d_av(M1, M2)) == pytest.approx(1.128696, rel=1e-6)
    assert cohens_d_av(M2, M1) == pytest.approx(1.128696, rel=1e-6)
    # Cross-check t with an independent implementation (scipy).
    assert t == pytest.approx(stats.ttest_rel(M2, M1).statistic, rel=1e-12)


def test_effect_size_pre_post_definitions():
    # d_pre = mean change / SD at baseline (methods); g = J·d, J = 1 - 3/(4·df - 1), df = n - 1.
    es = effect_size_pre_post(M1, M2)
    sd_pre = np.std(M1, ddof=1)
    assert es["d"] == pytest.approx(-1.0 / sd_pre, rel=1e-12)
    assert es["g"] == pytest.approx(es["d"] * (1 - 3 / (4 * 9 - 1)), rel=1e-12)
    # Becker (1988) large-sample variance 2(1 - r)/n + d²/(2n), r = sample pre-post correlation.
    r = np.corrcoef(M1, M2)[0, 1]
    half = 1.959964 * math.sqrt(2 * (1 - r) / 10 + es["d"] ** 2 / 20)
    assert es["low"] == pytest.approx(es["d"] - half, rel=1e-6)
    assert es["high"] == pytest.approx(es["d"] + half, rel=1e-6)


def test_domain_gas():
    # methods (Kiresuk & Sherman 1968): weighted example -> 55 exactly; one goal at -1 -> 40.
    assert gas_t_score([-2, 0, -1, 2, 0, 1], [3, 5, 1, 4, 2, 6]) == pytest.approx(55, abs=1e-12)
    assert gas_t_score([-1]) == pytest.approx(40, abs=1e-12)


def test_domain_funnel_mean():
    # methods (Spiegelhalter 2005): θ0 = 8, σ = 16, n = 25 -> 95% limits 1.72812 and 14.27188, given to five
    # decimals (exactly 8 ∓ 1.959964·16/5 = 1.7281152, 14.2718848).
    low, high = funnel_limits_mean(8, 16, 25, level=0.95)
    assert round(low, 5) == 1.72812
    assert round(high, 5) == 14.27188
    assert low == pytest.approx(8 - 1.959964 * 3.2, rel=1e-6)


# =========================================================================== further reference values
@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe RG (1998) Stat Med 17:857-872, Table I, method 3 (Wilson score interval, 95%).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_newcombe_table(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)
    # Independent implementation: scipy's Wilson interval.
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (lo, hi) == (pytest.approx(ref.low, abs=1e-6), pytest.approx(ref.high, abs=1e-6))


@pytest.mark.parametrize(
    ("expected", "ll95", "ul95", "ll998", "ul998"),
    [
        # FunnelPlotR (nhs-r-community), tests/testthat/test-poisson_limits.R: Poisson limits, target 1.
        (15, 0.5596924, 1.649348, 0.3862650, 2.082907),
        (20, 0.6108260, 1.544419, 0.4479107, 1.902094),
        (30, 0.6746958, 1.427562, 0.5289724, 1.702771),
    ],
)
def test_ratio_limits_match_funnelplotr(expected, ll95, ul95, ll998, ul998):
    assert funnel_limits_ratio(expected, level=0.95) == (
        pytest.approx(ll95, abs=5e-8),
        pytest.approx(ul95, abs=5e-7),
    )
    assert funnel_limits_ratio(expected, level=0.998) == (
        pytest.approx(ll998, abs=5e-8),
        pytest.approx(ul998, abs=5e-7),
    )


def test_mean_change_ci_r_sleep_data():
    # R's built-in `sleep` data, t.test(extra ~ group, paired = TRUE), as printed in "R For Dummies"
    # (Meys & de Vries): t = -4.0621, df = 9, 95% CI -2.4598858 to -0.7001142, mean difference -1.58.
    group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    mean, low, high = mean_change_ci(np.subtract(group1, group2))
    assert mean == pytest.approx(-1.58, rel=1e-9)
    assert low == pytest.approx(-2.4598858, abs=5e-8)
    assert high == pytest.approx(-0.7001142, abs=5e-8)
    t, df = paired_t(pre=group2, post=group1)
    assert (round(t, 4), df) == (-4.0621, 9)


def test_mean_change_ci_textbook_example():
    # UMSL MTH1320 notes, "paired t-test with confidence interval" (R t.test output): differences
    # -30, 30, -40, -40, 80, 60, -50, -20 -> mean -1.25, 95% CI -43.51131 to 41.01131.
    mean, low, high = mean_change_ci([-30, 30, -40, -40, 80, 60, -50, -20])
    assert mean == pytest.approx(-1.25)
    assert low == pytest.approx(-43.51131, abs=5e-6)
    assert high == pytest.approx(41.01131, abs=5e-6)


def _spiegelhalter_limit_bruteforce(p: float, n: int, theta: float) -> float:
    # Spiegelhalter (2005) Appendix A.1.1 as coded by R. Wicklin, "Funnel plots for proportions" (The DO
    # Loop, SAS blog, 2011): r = quantile; alpha = (cdf(r) - p)/(cdf(r) - cdf(r - 1)); limit = (r - alpha)/n.
    # Computed here by scanning the whole cdf table (an independent implementation, not a published value).
    cdf = np.cumsum([math.comb(n, r) * theta**r * (1 - theta) ** (n - r) for r in range(n + 1)])
    r = int(np.argmax(cdf >= p - 1e-15))
    below = cdf[r - 1] if r > 0 else 0.0
    return (r - (cdf[r] - p) / (cdf[r] - below)) / n


@pytest.mark.parametrize(("theta", "n"), [(0.2, 10), (0.074, 100), (0.5, 37), (0.9, 250), (0.03, 60)])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_exact_proportion_limits_follow_spiegelhalter_appendix(theta, n, level):
    p = (1 - level) / 2
    low, high = funnel_limits_proportion(theta, n, level=level)
    assert low == pytest.approx(max(0.0, _spiegelhalter_limit_bruteforce(p, n, theta)), abs=1e-9)
    assert high == pytest.approx(min(1.0, _spiegelhalter_limit_bruteforce(1 - p, n, theta)), abs=1e-9)


def test_exact_proportion_limits_hand_computed():
    # θ0 = 0.5, n = 2: P(X <= 0) = .25, P(X <= 1) = .75, P(X <= 2) = 1.
    # p = .025: r = 0, α = (.25 - .025)/.25 = .9 -> (0 - .9)/2 < 0 -> clipped to 0.
    # p = .975: r = 2, α = (1 - .975)/(1 - .75) = .1 -> (2 - .1)/2 = .95.
    assert funnel_limits_proportion(0.5, 2, level=0.95) == (0.0, pytest.approx(0.95, abs=1e-12))


def test_normal_and_overdispersed_proportion_limits():
    s = math.sqrt(0.2 * 0.8 / 100)
    z = 1.959963984540054
    assert funnel_limits_proportion(0.2, 100, level=0.95, method="normal") == (
        pytest.approx(0.2 - z * s),
        pytest.approx(0.2 + z * s),
    )
    assert funnel_limits_proportion(0.2, 100, level=0.95, phi=2.25) == (
        pytest.approx(0.2 - 1.5 * z * s),
        pytest.approx(0.2 + 1.5 * z * s),
    )
    # tau2 on the arcsine scale, as FunnelPlotR R/calculate_limits.R ("PR"): sin²(asin√θ ± z√(1/(4n) + τ²)).
    spread = z * math.sqrt(1 / 400 + 0.01)
    centre = math.asin(math.sqrt(0.2))
    assert funnel_limits_proportion(0.2, 100, level=0.95, tau2=0.01) == (
        pytest.approx(math.sin(centre - spread) ** 2),
        pytest.approx(math.sin(centre + spread) ** 2),
    )
    assert funnel_limits_proportion(0.2, 100, level=0.95, tau2=0) == pytest.approx(
        (math.sin(centre - z / 20) ** 2, math.sin(centre + z / 20) ** 2)
    )


def test_overdispersion_worked_example():
    # Hand computation of Spiegelhalter (2005) §6 / FunnelPlotR's procedure on 6 units.
    num = np.array([10, 30, 12, 50, 8, 40])
    den = np.array([100, 120, 90, 200, 100, 150])
    theta = num.sum() / den.sum()
    z = (np.arcsin(np.sqrt(num / den)) - np.arcsin(np.sqrt(theta))) * 2 * np.sqrt(den)
    lo, hi = np.percentile(z, [10, 90])  # numpy's default = R's quantile type 7
    zw = np.minimum(np.maximum(z, lo), hi)
    phi = np.mean(zw**2)
    w = 4 * den
    tau2 = max(0.0, (6 * phi - 5) / (w.sum() - (w**2).sum() / w.sum()))
    out = overdispersion(num, den)
    assert out["target"] == pytest.approx(theta)
    assert out["phi"] == pytest.approx(phi, rel=1e-12)
    assert out["tau2"] == pytest.approx(tau2, rel=1e-12)
    assert out["tau2"] > 0
    np.testing.assert_allclose(out["z"], zw)
    np.testing.assert_allclose(out["z_raw"], z)


def test_overdispersion_homogeneous_units_have_none():
    out = overdispersion([10, 20, 30], [100, 200, 300])
    assert out["phi"] == pytest.approx(0, abs=1e-20)
    assert out["tau2"] == 0


def test_funnel_limits_mean_overdispersion():
    assert funnel_limits_mean(8, 16, 25, level=0.95, phi=4) == pytest.approx((8 - 2 * 6.271885, 8 + 2 * 6.271885))
    low, high = funnel_limits_mean(8, 16, 25, level=0.95, tau2=9)
    assert high - 8 == pytest.approx(1.959964 * math.sqrt(16**2 / 25 + 9), rel=1e-6)
    assert 8 - low == pytest.approx(high - 8)


# BCG vaccine trials (Colditz et al 1994, JAMA 271:698-702), R dataset metadat::dat.bcg: tpos, tneg, cpos, cneg.
# The published DerSimonian-Laird analysis of their log risk ratios (Viechtbauer 2010, J Stat Softw 36(3),
# doi:10.18637/jss.v036.i03; metafor's tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r, which checks
# rma(method="DL") against Stata's metan): fixed effect -0.4303 (95% CI -0.5097 to -0.3509), Q = 152.2330,
# tau² = 0.3088, I² = 92.1173 %, random effects -0.7141 (95% CI -1.0644 to -0.3638).
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


def _bcg_log_rr() -> tuple[np.ndarray, np.ndarray]:
    a, b, c, d = BCG.T
    return np.log((a / (a + b)) / (c / (c + d))), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)


def test_dersimonian_laird_reproduces_published_bcg_tau2():
    y, v = _bcg_log_rr()
    tau2 = dersimonian_laird(y, v)
    assert round(tau2, 4) == 0.3088
    # The random-effects estimate and its CI that this τ² implies, as published.
    w = 1 / (v + tau2)
    mu, se = float(np.sum(w * y) / w.sum()), math.sqrt(1 / w.sum())
    assert round(mu, 4) == -0.7141
    assert (round(mu - 1.959964 * se, 4), round(mu + 1.959964 * se, 4)) == (-1.0644, -0.3638)


def test_bcg_as_a_funnel_with_overdispersion():
    # The BCG trials read as a funnel: units = trials, indicator = log RR, precision n = 1/v with σ = 1, target
    # = the published fixed-effect estimate. Unwinsorised, Spiegelhalter's (2005) φ·I is Cochran's Q and his
    # τ² is DerSimonian-Laird's, so the funnel code reproduces the published Q, I² and τ². (No funnel with
    # over-dispersion whose unit-level data are published could be found; this is the nearest published check.)
    y, v = _bcg_log_rr()
    w = 1 / v
    theta = float(np.sum(w * y) / w.sum())
    assert round(theta, 4) == -0.4303
    assert (round(theta - 1.959964 / math.sqrt(w.sum()), 4), round(theta + 1.959964 / math.sqrt(w.sum()), 4)) == (
        -0.5097,
        -0.3509,
    )
    out = overdispersion_means(y, w, target=theta, sd=1, winsorise=0)
    q = out["phi"] * y.size
    assert round(q, 4) == 152.2330
    assert round(100 * (q - (y.size - 1)) / q, 4) == 92.1173
    assert round(out["tau2"], 4) == 0.3088
    assert out["tau2"] == pytest.approx(dersimonian_laird(y, v), rel=1e-12)
    # Funnel limits θ0 ± z·√v (none) and θ0 ± z·√(v + τ²) (additive): at 95% the plain funnel flags the six
    # trials whose |y − θ0|/√v exceeds 1.96 (Ferguson & Simes, Hart & Sutherland, Stein & Aronson, Vandiviere,
    # TPT Madras, Rosenthal 1961); with τ² none is outside, the largest |y − θ0|/√(v + τ²) being 1.76.
    plain = [funnel_limits_mean(theta, 1, n, level=0.95) for n in w]
    wide = [funnel_limits_mean(theta, 1, n, level=0.95, tau2=out["tau2"]) for n in w]

    def outside(limits):
        return {i for i, (x, (lo, hi)) in enumerate(zip(y, limits, strict=True)) if not lo <= x <= hi}

    assert outside(plain) == {1, 3, 5, 6, 7, 9}
    assert outside(wide) == set()
    assert outside(plain) == set(np.nonzero(np.abs(out["z_raw"]) > 1.959964)[0])


def test_overdispersion_means_hand_computed():
    # Spiegelhalter (2005, QSHC) by hand on five units: z = (y − θ0)/(σ/√n), winsorised at the 10%/90% quantiles
    # (R type 7), φ = Σz²/I, τ² = (Iφ − (I − 1))/(Σw − Σw²/Σw), w = n/σ².
    means, ns, theta, sd = np.array([2.0, 10.0, 6.0, -4.0, 12.0]), np.array([20, 35, 12, 40, 25]), 5.0, 15.0
    z_raw = (means - theta) / (sd / np.sqrt(ns))
    lo, hi = np.percentile(z_raw, [10, 90])
    z = np.clip(z_raw, lo, hi)
    phi = float(np.mean(z**2))
    w = ns / sd**2
    tau2 = max(0.0, (5 * phi - 4) / (w.sum() - (w**2).sum() / w.sum()))
    out = overdispersion_means(means, ns, target=theta, sd=sd)
    assert out["phi"] == pytest.approx(phi, rel=1e-12)
    assert out["tau2"] == pytest.approx(tau2, rel=1e-12)
    assert out["tau2"] > 0
    np.testing.assert_allclose(out["z_raw"], z_raw)
    np.testing.assert_allclose(out["z"], z)


@FAST
@given(
    estimates=st.lists(st.floats(-50, 50), min_size=2, max_size=15),
    data=st.data(),
)
def test_dersimonian_laird_is_non_negative_and_shift_invariant(estimates, data):
    variances = data.draw(st.lists(st.floats(0.01, 100), min_size=len(estimates), max_size=len(estimates)))
    tau2 = dersimonian_laird(estimates, variances)
    assert tau2 >= 0
    shift = data.draw(st.floats(-100, 100))
    assert dersimonian_laird([e + shift for e in estimates], variances) == pytest.approx(tau2, rel=1e-6, abs=1e-9)


@FAST
@given(value=st.floats(-20, 20), ns=st.lists(st.integers(1, 500), min_size=2, max_size=12), sd=st.floats(0.5, 30))
def test_identical_units_on_target_have_no_overdispersion(value, ns, sd):
    out = overdispersion_means([value] * len(ns), ns, target=value, sd=sd)
    assert out["phi"] == 0
    assert out["tau2"] == 0


@FAST
@given(
    means=st.lists(st.floats(-30, 30), min_size=3, max_size=12),
    data=st.data(),
    sd=st.floats(1, 30),
    winsorise=st.sampled_from([0.0, 0.05, 0.1, 0.2]),
)
def test_overdispersion_means_properties(means, data, sd, winsorise):
    ns = data.draw(st.lists(st.integers(1, 400), min_size=len(means), max_size=len(means)))
    out = overdispersion_means(means, ns, target=0.0, sd=sd, winsorise=winsorise)
    assert out["phi"] >= 0 and out["tau2"] >= 0
    # Winsorising moves each z-score to within the quantiles of the raw ones, keeping their order; it can move a
    # z-score near 0 outwards (so φ may grow slightly), but never past the raw extremes.
    z, z_raw = out["z"], out["z_raw"]
    assert np.all(z >= z_raw.min() - 1e-12) and np.all(z <= z_raw.max() + 1e-12)
    order = np.argsort(z_raw, kind="stable")
    assert np.all(np.diff(z[order]) >= -1e-12)
    if winsorise == 0:
        np.testing.assert_array_equal(z, z_raw)
    # τ² is positive exactly when φ exceeds (I − 1)/I, the DerSimonian-Laird threshold.
    assert (out["tau2"] > 0) == (out["phi"] * len(means) > len(means) - 1 + 1e-12) or out["tau2"] < 1e-12


@FAST
@given(
    theta=st.floats(-20, 20),
    sd=st.floats(0.5, 30),
    n=st.integers(1, 1000),
    phi=st.floats(1.01, 20),
    tau2=st.floats(0.01, 50),
    level=st.sampled_from([0.95, 0.998]),
)
def test_mean_limits_widen_with_overdispersion(theta, sd, n, phi, tau2, level):
    lo, hi = funnel_limits_mean(theta, sd, n, level=level)
    for kw in ({"phi": phi}, {"tau2": tau2}):
        wlo, whi = funnel_limits_mean(theta, sd, n, level=level, **kw)
        assert wlo < lo and whi > hi
        assert whi - theta == pytest.approx(theta - wlo)


@FAST
@given(
    theta=st.floats(0.05, 0.95), n=st.integers(5, 2000), phi=st.floats(1.01, 20), level=st.sampled_from([0.95, 0.998])
)
def test_proportion_limits_widen_with_phi(theta, n, phi, level):
    lo, hi = funnel_limits_proportion(theta, n, level=level, method="normal")
    wlo, whi = funnel_limits_proportion(theta, n, level=level, phi=phi)
    assert wlo <= lo and whi >= hi
    # Limits are clipped to [0, 1]: a side that is not yet at its bound moves out.
    assert (lo == 0 or wlo < lo) and (hi == 1 or whi > hi)


# =========================================================================== classification
def test_classify_change_examples():
    # Reliable change here means more than 6.198 points.
    kw = {"sd": 5, "reliability": 0.8, "cutoff": 50, "higher_is_better": True}
    assert classify_change(40, 55, **kw) == "recovered"
    assert classify_change(40, 48, **kw) == "improved"  # reliable, still clinical
    assert classify_change(52, 60, **kw) == "improved"  # reliable, already functional
    assert classify_change(40, 50, **kw) == "recovered"  # exactly at the cut-off counts as functional
    assert classify_change(50, 43, **kw) == "harmed"
    assert classify_change(49, 42, **kw) == "deteriorated"
    assert classify_change(45, 51, **kw) == "unchanged"  # crosses, but not reliably
    assert classify_change(40, 55, sd=5, reliability=0.8, higher_is_better=True) == "improved"
    assert classify_change(55, 40, sd=5, reliability=0.8, cutoff=50, higher_is_better=False) == "recovered"
    # Lower is better: at the cut-off still counts as functional.
    assert classify_change(60, 50, sd=5, reliability=0.8, cutoff=50, higher_is_better=False) == "recovered"
    # Reliable means strictly beyond the threshold z·S_diff (6.198 points here).
    threshold = reliable_change_threshold(sd=5, reliability=0.8)
    assert classify_change(0, threshold * (1 - 1e-9), sd=5, reliability=0.8, higher_is_better=True) == "unchanged"
    assert classify_change(0, threshold * (1 + 1e-9), sd=5, reliability=0.8, higher_is_better=True) == "improved"


def test_classify_by_mid_examples():
    assert classify_by_mid(10, 15, mid=5, higher_is_better=True) == "improved"
    assert classify_by_mid(10, 14.9, mid=5, higher_is_better=True) == "unchanged"
    assert classify_by_mid(10, 5, mid=5, higher_is_better=True) == "deteriorated"
    assert classify_by_mid(10, 5, mid=5, higher_is_better=False) == "improved"


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
sds = st.floats(min_value=0.01, max_value=100)
rels = st.floats(min_value=0.01, max_value=0.99)


@FAST
@given(pre=finite, post=finite, sd=sds, r=rels)
def test_rci_is_antisymmetric(pre, post, sd, r):
    assert reliable_change_index(pre, post, sd=sd, reliability=r) == -reliable_change_index(
        post, pre, sd=sd, reliability=r
    )


@FAST
@given(data=st.data(), pre=finite, post=finite, sd=sds, r=rels, hib=st.booleans())
def test_classification_is_symmetric_under_reversed_scale(data, pre, post, sd, r, hib):
    # Cut-offs drawn to hit the ties: at pre, at post, between, or anywhere.
    cutoff = data.draw(st.one_of(st.none(), st.sampled_from([pre, post, (pre + post) / 2]), finite))
    got = classify_change(pre, post, sd=sd, reliability=r, cutoff=cutoff, higher_is_better=hib)
    flipped = classify_change(
        -pre, -post, sd=sd, reliability=r, cutoff=None if cutoff is None else -cutoff, higher_is_better=not hib
    )
    assert got == flipped
    assert got in CATEGORIES
    if cutoff is None:
        assert got in ("improved", "unchanged", "deteriorated")
    mid = data.draw(st.floats(min_value=0.01, max_value=1e3))
    assert classify_by_mid(pre, post, mid=mid, higher_is_better=hib) == classify_by_mid(
        -pre, -post, mid=mid, higher_is_better=not hib
    )


# =========================================================================== GAS
@FAST
@given(
    weights=st.lists(st.floats(min_value=0.1, max_value=10), min_size=1, max_size=8),
    rho=st.floats(min_value=0, max_value=0.9),
)
def test_gas_all_zero_is_50(weights, rho):
    assert gas_t_score([0] * len(weights), weights, rho=rho) == pytest.approx(50, abs=1e-12)


@FAST
@given(data=st.data(), n=st.integers(min_value=1, max_value=8), weighted=st.booleans())
def test_gas_rises_when_one_level_rises(data, n, weighted):
    levels = data.draw(st.lists(st.integers(-2, 1), min_size=n, max_size=n))
    weights = data.draw(st.lists(st.floats(0.1, 10), min_size=n, max_size=n)) if weighted else None
    i = data.draw(st.integers(0, n - 1))
    higher = list(levels)
    higher[i] += 1
    assert gas_t_score(higher, weights) > gas_t_score(levels, weights)


# =========================================================================== funnel properties
@FAST
@given(
    theta=st.floats(min_value=0.001, max_value=0.999),
    n=st.integers(min_value=1, max_value=2000),
    level=st.sampled_from([0.8, 0.95, 0.998]),
)
def test_funnel_proportion_limits_contain_target_and_narrow(theta, n, level):
    # Spiegelhalter's interpolation shifts the exact limits down by up to 1/(2n); with fewer than about one
    # expected event (n·min(θ, 1 - θ) < 1) the upper limit can fall below θ0 (e.g. θ0 = .01, n = 1), so the
    # property is asserted where a funnel is meaningful.
    assume(n * min(theta, 1 - theta) >= 1)
    for method in ("exact", "normal"):
        low, high = funnel_limits_proportion(theta, n, level=level, method=method)
        assert 0 <= low <= theta <= high <= 1
        low4, high4 = funnel_limits_proportion(theta, 4 * n, level=level, method=method)
        assert high4 - low4 <= high - low + 1e-12
    for kw in ({"phi": 1.7}, {"tau2": 0.002}):
        low, high = funnel_limits_proportion(theta, n, level=level, **kw)
        assert 0 <= low <= theta <= high <= 1
        low4, high4 = funnel_limits_proportion(theta, 4 * n, level=level, **kw)
        assert high4 - low4 <= high - low + 1e-12


@FAST
@given(expected=st.floats(min_value=0.5, max_value=5000), level=st.sampled_from([0.95, 0.998]))
def test_funnel_ratio_limits_contain_one_and_narrow(expected, level):
    low, high = funnel_limits_ratio(expected, level=level)
    assert 0 <= low < 1 < high
    low4, high4 = funnel_limits_ratio(4 * expected, level=level)
    assert high4 - low4 < high - low


# =========================================================================== suppression
def _lp_ranges(table, result) -> list[tuple[tuple[int, ...], float, float]]:
    """Min and max of every hidden cell over all non-negative tables agreeing with what is shown.

    Independent of the module's graph method: a plain linear programme (scipy linprog / HiGHS) whose
    unknowns are the hidden cells and hidden totals. A 1-D table publishes only its total.
    """
    grid = np.atleast_2d(np.asarray(table, dtype=float))
    one_d = np.ndim(table) == 1
    cells = np.atleast_2d(result.cells)
    r, c = grid.shape
    var: dict[tuple, int] = {}
    for i, j in zip(*np.nonzero(cells), strict=True):
        var[("x", i, j)] = len(var)
    for i in np.nonzero(result.row_totals)[0]:
        var[("R", i)] = len(var)
    if not one_d:
        for j in np.nonzero(result.column_totals)[0]:
            var[("C", j)] = len(var)
    if result.grand_total:
        var[("G",)] = len(var)
    rows, rhs = [], []

    def add(terms):  # terms: list of (coef, key, value); hidden keys become unknowns, shown ones constants
        row, const = np.zeros(len(var)), 0.0
        for coef, key, value in terms:
            if key in var:
                row[var[key]] += coef
            else:
                const += coef * value
        rows.append(row)
        rhs.append(-const)

    total = grid.sum()
    for i in range(r):
        add([(1, ("x", i, j), grid[i, j]) for j in range(c)] + [(-1, ("R", i), grid[i].sum())])
    if not one_d:
        for j in range(c):
            add([(1, ("x", i, j), grid[i, j]) for i in range(r)] + [(-1, ("C", j), grid[:, j].sum())])
        add([(1, ("C", j), grid[:, j].sum()) for j in range(c)] + [(-1, ("G",), total)])
    add([(1, ("R", i), grid[i].sum()) for i in range(r)] + [(-1, ("G",), total)])
    a_eq, b_eq = np.array(rows), np.array(rhs)
    out = []
    for key, idx in var.items():
        if key[0] != "x":
            continue
        objective = np.zeros(len(var))
        objective[idx] = 1
        lo = optimize.linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = optimize.linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert lo.status == 0, lo.message
        out.append((key[1:], lo.fun, math.inf if hi.status == 3 else -hi.fun))
    return out


def _assert_safe(table, result):
    for cell, low, high in _lp_ranges(table, result):
        assert high - low > 0.5, f"hidden cell {cell} is fixed at {low} by the shown cells and totals"


small_counts = st.integers(min_value=0, max_value=14)
tables_2d = st.integers(2, 4).flatmap(
    lambda r: st.integers(2, 4).flatmap(
        lambda c: st.lists(st.lists(small_counts, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@SLOW
@given(table=tables_2d, k=st.sampled_from([3, 5]))
def test_suppression_never_leaves_a_hidden_cell_derivable(table, k):
    grid = np.array(table)
    primary = (grid > 0) & (grid < k)
    result = suppress_table(table, k=k)
    assert result.cells.shape == grid.shape and result.cells.dtype == bool
    assert np.all(result.cells[primary]), "every primary cell is hidden"
    if not primary.any():
        assert not result.cells.any()
    _assert_safe(table, result)
    withholds_totals = result.grand_total or result.row_totals.any() or result.column_totals.any()
    if withholds_totals:
        with pytest.raises(DisclosureError):
            suppress_small_counts(table, k=k)
        # Totals are withheld only when even hiding every cell would not protect the table.
        everything = result._replace(
            cells=np.ones_like(result.cells),
            row_totals=np.zeros(grid.shape[0], bool),
            column_totals=np.zeros(grid.shape[1], bool),
            grand_total=False,
        )
        assert any(high - low < 0.5 for _, low, high in _lp_ranges(table, everything))
    else:
        assert np.array_equal(suppress_small_counts(table, k=k), result.cells)
        # A zero is hidden only when needed: showing it again makes some hidden cell derivable.
        for i, j in zip(*np.nonzero(result.cells & (grid == 0)), strict=True):
            cells = result.cells.copy()
            cells[i, j] = False
            ranges = _lp_ranges(table, result._replace(cells=cells))
            assert any(high - low < 0.5 for _, low, high in ranges)


@SLOW
@given(table=st.lists(small_counts, min_size=1, max_size=7))
def test_suppression_of_a_single_row(table):
    result = suppress_table(table)
    grid = np.array(table)
    assert np.all(result.cells[(grid > 0) & (grid < 5)])
    _assert_safe(table, result)
    if not (result.grand_total or result.row_totals.any()):
        assert np.array_equal(suppress_small_counts(table), result.cells)


def test_suppression_examples():
    table = [[3, 10, 12], [8, 9, 15], [20, 11, 7]]
    # The cheapest rectangle through the 3: the smallest non-zero complements (8 and 10, then 9).
    expected = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 0]], bool)
    assert np.array_equal(suppress_small_counts(table), expected)
    # A row [3, 0, 0] with only its total published: a zero must be hidden (documented choice).
    assert suppress_small_counts([3, 0, 0]).tolist() == [True, True, False]
    assert suppress_small_counts([3, 7, 9]).tolist() == [True, True, False]
    assert not suppress_small_counts([[0, 5], [6, 7]]).any()  # zeros and counts >= k stay shown
    # Non-zero cells all in one row: the column totals are the cells, so cell suppression cannot work.
    with pytest.raises(DisclosureError):
        suppress_small_counts([[3, 4], [0, 0]])
    result = suppress_table([[3, 4], [0, 0]])
    assert result.column_totals.all() and not result.grand_total
    with pytest.raises(DisclosureError):
        suppress_small_counts([3])  # the total is the cell


# =========================================================================== bad input
BAD_INPUT = [
    lambda: reliable_change_index(1, 2, sd=0, reliability=0.8),
    lambda: reliable_change_index(1, 2, sd=-1, reliability=0.8),
    lambda: reliable_change_index(1, 2, sd=5, reliability=1.0),
    lambda: reliable_change_index(1, 2, sd=5, reliability=0.0),
    lambda: reliable_change_index(float("nan"), 2, sd=5, reliability=0.8),
    lambda: reliable_change_threshold(sd=float("nan"), reliability=0.8),
    lambda: clinical_cutoff(method="d", clinical_mean=40, clinical_sd=7.5, higher_is_better=True),
    lambda: clinical_cutoff(method="c", clinical_mean=40, clinical_sd=7.5, higher_is_better=True),
    lambda: clinical_cutoff(
        method="c", clinical_mean=40, clinical_sd=7.5, functional_mean=30, functional_sd=7, higher_is_better=True
    ),
    lambda: classify_change(1, 2, sd=5, reliability=0.8, cutoff=float("nan"), higher_is_better=True),
    lambda: classify_by_mid(1, 2, mid=0, higher_is_better=True),
    lambda: mean_change_ci([]),
    lambda: mean_change_ci([1.0]),
    lambda: mean_change_ci([1.0, float("nan")]),
    lambda: mean_change_ci([1.0, 2.0], level=1.0),
    lambda: wilson_interval(0, 0),
    lambda: wilson_interval(5, 3),
    lambda: wilson_interval(-1, 3),
    lambda: wilson_interval(1.5, 3),
    lambda: wilson_interval(1, 3, level=0),
    lambda: effect_size_pre_post([1, 2, 3], [1, 2]),
    lambda: effect_size_pre_post([1], [2]),
    lambda: effect_size_pre_post([2, 2, 2], [1, 2, 3]),
    lambda: cohens_d_z([1, 2], [2, 3]),
    lambda: gas_t_score([3]),
    lambda: gas_t_score([0.5]),
    lambda: gas_t_score([]),
    lambda: gas_t_score([1, 2], [1]),
    lambda: gas_t_score([1], [0]),
    lambda: gas_t_score([1], rho=1),
    lambda: funnel_limits_proportion(0.2, 0, level=0.95),
    lambda: funnel_limits_proportion(0.2, 10.5, level=0.95),
    lambda: funnel_limits_proportion(1.2, 10, level=0.95),
    lambda: funnel_limits_proportion(0.2, 10, level=1.5),
    lambda: funnel_limits_proportion(0.2, 10, level=0.95, method="poisson"),
    lambda: funnel_limits_proportion(0.2, 10, level=0.95, phi=1.2, tau2=0.1),
    lambda: funnel_limits_proportion(0.2, 10, level=0.95, tau2=-0.1),
    lambda: funnel_limits_mean(8, 0, 25, level=0.95),
    lambda: funnel_limits_mean(8, 16, 0, level=0.95),
    lambda: funnel_limits_mean(float("nan"), 16, 25, level=0.95),
    lambda: funnel_limits_ratio(0, level=0.95),
    lambda: funnel_limits_ratio(10, level=0.0),
    lambda: overdispersion([1, 2], [10]),
    lambda: overdispersion([1], [10]),
    lambda: overdispersion([11, 2], [10, 10]),
    lambda: overdispersion([1, 2], [0, 10]),
    lambda: overdispersion([1, 2], [10, 10], winsorise=0.5),
    lambda: dersimonian_laird([1.0], [0.1]),
    lambda: dersimonian_laird([1.0, 2.0], [0.1]),
    lambda: dersimonian_laird([1.0, 2.0], [0.1, 0]),
    lambda: overdispersion_means([1.0, 2.0], [10], target=0, sd=1),
    lambda: overdispersion_means([1.0, 2.0], [10, 0], target=0, sd=1),
    lambda: overdispersion_means([1.0, 2.0], [10, 10], target=0, sd=0),
    lambda: overdispersion_means([1.0, 2.0], [10, 10], target=0, sd=1, winsorise=0.5),
    lambda: overdispersion_means([1.0, float("nan")], [10, 10], target=0, sd=1),
    lambda: suppress_small_counts([]),
    lambda: suppress_small_counts([[1, -2], [3, 4]]),
    lambda: suppress_small_counts([[1.5, 2], [3, 4]]),
    lambda: suppress_small_counts([[float("nan"), 2], [3, 4]]),
    lambda: suppress_small_counts([[[1]]]),
    lambda: suppress_small_counts([[1, 2], [3, 4]], k=2),
]


@pytest.mark.parametrize("call", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError) as excinfo:
        call()
    assert str(excinfo.value)  # a message, in English


@FAST
@given(bad=st.sampled_from([float("nan"), float("inf"), -float("inf")]), where=st.integers(0, 3))
def test_non_finite_numbers_raise(bad, where):
    args = [1.0, 2.0, 5.0, 0.8]
    args[where] = bad
    with pytest.raises(ValueError):
        reliable_change_index(args[0], args[1], sd=args[2], reliability=args[3])
