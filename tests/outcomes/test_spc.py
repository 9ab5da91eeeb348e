"""Statistical process control (outcomes.spc) against published limits and hand-worked examples.

Published limits: Anhøj & Olesen (2014), "Run charts revisited", PLoS ONE 9(11): e113825, Table 1 (upper limit
of the longest run and lower limit of the number of crossings by number of useful observations), also printed as
the appendix "Critical values for longest runs and number of crossings" of Anhøj's qicharts2 vignette; and the
qicharts2 ``summary.qic`` example (24 useful points: longest.run.max 8, n.crossings.min 8).
"""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes import spc

# n useful: (upper limit of the longest run, lower limit of the number of crossings) — Anhøj & Olesen 2014, Table 1.
ANHOEJ_TABLE = {
    10: (6, 2),
    11: (6, 2),
    12: (7, 3),
    13: (7, 3),
    14: (7, 4),
    15: (7, 4),
    16: (7, 4),
    17: (7, 5),
    18: (7, 5),
    19: (7, 6),
    20: (7, 6),
    21: (7, 6),
    22: (7, 7),
    23: (8, 7),
    24: (8, 8),
    25: (8, 8),
    26: (8, 8),
    27: (8, 9),
    28: (8, 9),
    29: (8, 10),
    30: (8, 10),
    35: (8, 12),
    40: (8, 14),
}


@pytest.mark.parametrize(("n", "limits"), sorted(ANHOEJ_TABLE.items()))
def test_limits_match_anhoej_table(n, limits):
    assert (spc.longest_run_limit(n), spc.crossings_limit(n)) == limits


def test_binomial_quantile_matches_scipy():
    from scipy.stats import binom

    for n in range(0, 120):
        # Not 0.5: for odd n P(X ≤ (n−1)/2) is exactly ½, where R's qbinom (with its fuzz) and scipy differ.
        for q in (0.025, 0.05, 0.95):
            assert spc.binom_quantile(q, n) == int(binom.ppf(q, n, 0.5)), (q, n)


def test_hand_worked_runs():
    # 13 points around a centre of 0 (the crossrun example): above/below pattern
    # − − − + + + − + − − + + +  → runs: 3,3,1,1,2,3 → 5 crossings, longest run 3.
    values = [-1, -2, -1, 1, 2, 1, -1, 1, -1, -2, 1, 2, 1]
    r = spc.runs_analysis(values, centre=0)
    assert (r.n_useful, r.longest_run, r.crossings) == (13, 3, 5)
    assert (r.longest_run_max, r.crossings_min) == (7, 3)
    assert not r.signal


def test_points_on_the_median_are_not_useful():
    # Median of 1..9 is 5: the point 5 is dropped, leaving 8 useful points: 4 below, then 4 above.
    r = spc.runs_analysis([1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert r.centre == 5
    assert (r.n_useful, r.longest_run, r.crossings) == (8, 4, 1)
    assert r.longest_run_max == 6  # round(log2 8) + 3
    assert r.crossings_min == 1  # qbinom(0.05, 7, 0.5)
    assert not r.shift and not r.few_crossings


def test_a_shift_is_a_signal():
    # 10 points below, then 10 above an external centre: a run of 10 > 7 and 1 crossing < 6 (n = 20).
    r = spc.runs_analysis([1] * 10 + [3] * 10, centre=2)
    assert r.shift and r.few_crossings and r.signal
    assert r.runs_signal_side in (1, -1)


def test_alternating_series_has_no_signal():
    r = spc.runs_analysis([0, 1] * 12)
    assert (r.n_useful, r.longest_run, r.crossings) == (24, 1, 23)
    assert not r.signal


def test_i_chart_hand_worked():
    # Values 10, 12, 11, 15: mean 12; moving ranges 2, 1, 4 → mean 7/3; σ = 7/3 / 1.128.
    lim = spc.i_chart([10, 12, 11, 15])
    sigma = (7 / 3) / 1.128
    assert lim.centre == pytest.approx(12)
    assert lim.lcl == pytest.approx(12 - 3 * sigma)
    assert lim.ucl == pytest.approx(12 + 3 * sigma)


def test_p_chart_hand_worked_and_clipped():
    # 5/20, 10/40, 0/4: p̄ = 15/64; limits per n, clipped to [0, 1].
    lim = spc.p_chart([5, 10, 0], [20, 40, 4])
    p = 15 / 64
    assert lim.centre == pytest.approx(p)
    assert lim.ucl[0] == pytest.approx(p + 3 * math.sqrt(p * (1 - p) / 20))
    assert lim.lcl[0] == pytest.approx(max(0.0, p - 3 * math.sqrt(p * (1 - p) / 20)))
    assert lim.lcl[2] == 0.0  # p − 3σ is negative for n = 4: clipped
    assert lim.ucl[2] == pytest.approx(min(1.0, p + 3 * math.sqrt(p * (1 - p) / 4)))
    with pytest.raises(ValueError):
        spc.p_chart([5], [4])


def test_parts_have_their_own_centres():
    days = [datetime.date(2025, m, 1) for m in range(1, 13)]
    values = [10, 11, 10, 11, 10, 11, 20, 21, 20, 21, 20, 21]
    before, after = spc.parts(days, values, datetime.date(2025, 7, 1))
    assert before.runs.centre == 10.5 and after.runs.centre == 20.5
    assert before.dates[-1] < datetime.date(2025, 7, 1) <= after.dates[0]
    assert len(spc.parts(days, values, None)) == 1


series = st.lists(st.integers(min_value=-50, max_value=50), min_size=0, max_size=60)


@given(st.integers(-100, 100), st.integers(0, 60))
def test_constant_series_has_no_useful_points(value, n):
    r = spc.runs_analysis([value] * n)
    assert r.n_useful == 0 and not r.signal


@given(series)
def test_reversing_keeps_the_runs(values):
    a, b = spc.runs_analysis(values), spc.runs_analysis(list(reversed(values)))
    assert (a.n_useful, a.longest_run, a.crossings, a.signal) == (b.n_useful, b.longest_run, b.crossings, b.signal)


@given(series, st.integers(-20, 20))
def test_shifting_all_values_keeps_the_runs(values, shift):
    a, b = spc.runs_analysis(values), spc.runs_analysis([v + shift for v in values])
    assert (a.n_useful, a.longest_run, a.crossings) == (b.n_useful, b.longest_run, b.crossings)


@given(series)
def test_runs_and_crossings_are_consistent(values):
    r = spc.runs_analysis(values)
    if r.n_useful:
        assert 1 <= r.longest_run <= r.n_useful
        assert 0 <= r.crossings <= r.n_useful - 1
        # n useful points in (crossings + 1) runs: the longest run holds at least the average.
        assert r.longest_run * (r.crossings + 1) >= r.n_useful


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=30))
def test_p_chart_limits_stay_in_unit_interval(pairs):
    events = [min(a, b) for a, b in pairs]
    totals = [max(a, b) for a, b in pairs]
    lim = spc.p_chart(events, totals)
    for lo, hi in zip(lim.lcl, lim.ucl, strict=True):
        if lo is not None:
            assert 0.0 <= lo <= lim.centre <= hi <= 1.0


@given(st.lists(st.floats(-100, 100), min_size=2, max_size=40))
def test_i_chart_limits_are_symmetric(values):
    lim = spc.i_chart(values)
    assert lim.ucl - lim.centre == pytest.approx(lim.centre - lim.lcl, abs=1e-6)
