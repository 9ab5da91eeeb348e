"""Case-mix models checked against independent computations (numpy lstsq, scipy optimisation)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from outcomes import casemix


def data(seed: int = 1, n: int = 200):
    rng = np.random.default_rng(seed)
    baseline = rng.normal(35, 12, n)
    gender = rng.choice(["female", "male"], n).tolist()
    basis = rng.choice(["sel-85", "sel-107", "sel-104"], n).tolist()
    change = 20 - 0.4 * baseline + np.where(np.array(basis) == "sel-107", -5, 0) + rng.normal(0, 6, n)
    improved = (change >= 10).astype(int)
    return baseline, change, improved, {"gender": gender, "basis": basis}


def test_age_groups_have_closed_boundaries():
    assert [casemix.age_group(a) for a in (18, 29, 30, 44, 45, 59, 60, 95)] == [
        "18–29",
        "18–29",
        "30–44",
        "30–44",
        "45–59",
        "45–59",
        "60+",
        "60+",
    ]
    assert casemix.age_group(None) == "ukendt"


def test_linear_fit_matches_numpy_least_squares():
    baseline, change, _improved, factors = data()
    design = casemix.design_matrix(baseline, factors)
    ours = casemix.fit_linear(design.matrix, change, ridge=0.0)
    reference, *_ = np.linalg.lstsq(design.matrix, change, rcond=None)
    np.testing.assert_allclose(ours, reference, rtol=1e-9, atol=1e-9)
    assert design.columns == ("intercept", "baseline", "gender=male", "basis=sel-107", "basis=sel-85")


def test_logistic_fit_matches_direct_likelihood_maximisation():
    baseline, _change, improved, factors = data(seed=2)
    x = casemix.design_matrix(baseline, factors).matrix
    ours = casemix.fit_logistic(x, improved, ridge=0.0)

    def negative_log_likelihood(beta):
        eta = x @ beta
        return float(np.sum(np.logaddexp(0, eta) - improved * eta))

    reference = minimize(negative_log_likelihood, np.zeros(x.shape[1]), method="BFGS", options={"gtol": 1e-10}).x
    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-4)


def test_expected_totals_equal_observed_totals():
    """With an intercept, least squares and logistic MLE both reproduce the overall totals: O/E over all = 1."""
    baseline, change, improved, factors = data(seed=3)
    expected = casemix.expected_outcomes(baseline=baseline, change=change, improved=improved, factors=factors)
    assert expected.change.sum() == pytest.approx(change.sum(), rel=1e-6)
    assert expected.improve_probability.sum() == pytest.approx(improved.sum(), rel=1e-3)


def test_everyone_improved_gives_probability_one():
    expected = casemix.expected_outcomes(
        baseline=[10, 20, 30], change=[15, 12, 11], improved=[1, 1, 1], factors={"gender": ["f", "m", "f"]}
    )
    assert list(expected.improve_probability) == [1.0, 1.0, 1.0]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=3, max_size=40))
def test_a_change_linear_in_baseline_is_fitted_exactly_and_the_mean_is_kept(values):
    x = casemix.design_matrix(values, {}).matrix
    change = 3 - np.asarray(values) * 0.5
    fitted = x @ casemix.fit_linear(x, change)
    assert fitted.mean() == pytest.approx(change.mean(), abs=1e-6)
    np.testing.assert_allclose(fitted, change, atol=1e-3)


def test_bad_input_raises():
    with pytest.raises(ValueError):
        casemix.design_matrix([1.0, float("nan")], {})
    with pytest.raises(ValueError):
        casemix.design_matrix([1.0, 2.0], {"gender": ["f"]})
    x = casemix.design_matrix([1.0, 2.0], {}).matrix
    with pytest.raises(ValueError):
        casemix.fit_logistic(x, [0, 2])
