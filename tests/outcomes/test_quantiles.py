"""The fast quantiles equal scipy.stats' own to the last bit, over the whole range the statistics ask for."""

from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from outcomes.statistics.quantiles import chi2_ppf, norm_ppf, t_ppf

probabilities = st.floats(min_value=1e-9, max_value=1 - 1e-9)
degrees = st.floats(min_value=0.05, max_value=5000)


@given(probabilities)
def test_normal_quantile_is_scipys(p):
    assert norm_ppf(p) == float(stats.norm.ppf(p))


@given(probabilities, degrees)
def test_t_quantile_is_scipys(p, df):
    assert t_ppf(p, df) == float(stats.t.ppf(p, df))


@given(probabilities, degrees)
def test_chi_square_quantile_is_scipys(p, df):
    assert chi2_ppf(p, df) == float(stats.chi2.ppf(p, df))


def test_published_values():
    assert round(norm_ppf(0.975), 6) == 1.959964
    assert round(norm_ppf(0.999), 6) == 3.090232
    assert round(t_ppf(0.975, 10), 4) == 2.2281  # Student's t table, 10 df
    assert round(chi2_ppf(0.95, 3), 3) == 7.815  # chi-square table, 3 df
