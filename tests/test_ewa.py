"""Exponentially weighted averages: the lesson's worked example, series, windows and lag weights."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optim_lab.ewa import (
    bias_correct,
    effective_window,
    ewa_jax,
    ewa_lag,
    ewa_noise_share,
    ewa_series,
    ewa_update,
    lag_weight,
    worked_example,
)

pytestmark = pytest.mark.usefixtures("float64")


def hand_loop(values, beta):
    """v_t = β v_{t−1} + (1−β) θ_t from v₀ = 0, and v_t/(1−βᵗ)."""
    raw, corrected, v = [], [], 0.0
    for t, x in enumerate(values, start=1):
        v = beta * v + (1 - beta) * x
        raw.append(v)
        corrected.append(v / (1 - beta**t))
    return np.array(raw), np.array(corrected)


# -- worked example --------------------------------------------------------------------------------


def test_worked_example_numbers():
    ex = worked_example(0.98)
    assert ex["coef_theta1"] == pytest.approx(0.0196, rel=1e-12)
    assert ex["coef_theta2"] == pytest.approx(0.02, rel=1e-12)
    assert ex["correction"] == pytest.approx(0.0396, rel=1e-12)


def test_worked_example_agrees_with_the_series_by_linearity():
    """v₂ is linear in (θ₁, θ₂): feeding unit vectors reads off its coefficients."""
    ex = worked_example(0.98)
    raw_e1, corr_e1 = ewa_series(np.array([1.0, 0.0]), 0.98)
    raw_e2, corr_e2 = ewa_series(np.array([0.0, 1.0]), 0.98)
    assert raw_e1[1] == pytest.approx(ex["coef_theta1"], rel=1e-12)
    assert raw_e2[1] == pytest.approx(ex["coef_theta2"], rel=1e-12)
    assert corr_e1[1] == pytest.approx(0.0196 / 0.0396, rel=1e-12)
    assert corr_e2[1] == pytest.approx(0.02 / 0.0396, rel=1e-12)
    # Bias-corrected weights sum to one; raw ones only to 1 − β².
    assert raw_e1[1] + raw_e2[1] == pytest.approx(ex["correction"], rel=1e-12)
    assert corr_e1[1] + corr_e2[1] == pytest.approx(1.0, rel=1e-12)
    # And a general (θ₁, θ₂) is the same combination.
    raw, _ = ewa_series(np.array([3.0, -5.0]), 0.98)
    assert raw[1] == pytest.approx(0.0196 * 3.0 + 0.02 * -5.0, rel=1e-12)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_worked_example_general_beta(beta):
    ex = worked_example(beta)
    assert ex["coef_theta1"] == pytest.approx(beta * (1 - beta), rel=1e-12)
    assert ex["coef_theta2"] == pytest.approx(1 - beta, rel=1e-12)
    assert ex["correction"] == pytest.approx(1 - beta**2, rel=1e-12)


# -- series ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.9, 0.98, 0.999])
def test_ewa_series_matches_hand_loop(beta):
    values = np.random.default_rng(0).normal(size=200) + np.linspace(0, 5, 200)
    raw, corrected = ewa_series(values, beta)
    ref_raw, ref_corrected = hand_loop(values, beta)
    assert raw.shape == corrected.shape == values.shape
    np.testing.assert_allclose(raw, ref_raw, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(corrected, ref_corrected, rtol=1e-12, atol=1e-15)


def test_beta_zero_is_the_series_itself():
    values = np.array([1.0, -2.0, 3.5])
    raw, corrected = ewa_series(values, 0.0)
    np.testing.assert_array_equal(raw, values)
    np.testing.assert_array_equal(corrected, values)


@pytest.mark.parametrize("beta", [0.1, 0.9, 0.98, 0.999])
@pytest.mark.parametrize("c", [1.0, -3.25, 7.0])
def test_corrected_constant_series_is_the_constant(beta, c):
    raw, corrected = ewa_series(np.full(300, c), beta)
    np.testing.assert_allclose(corrected, c, rtol=1e-12)
    # ... while the raw average starts biased toward 0: v_t = c(1 − βᵗ).
    t = np.arange(1, 301)
    np.testing.assert_allclose(raw, c * (1 - beta**t), rtol=1e-12)
    assert abs(raw[0]) < abs(c)


def test_ewa_series_accepts_lists():
    raw, corrected = ewa_series([2.0, 2.0], 0.5)
    np.testing.assert_allclose(raw, [1.0, 1.5])
    np.testing.assert_allclose(corrected, [2.0, 2.0])


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30),
    st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30),
    st.floats(0.0, 0.99),
    st.floats(-5, 5),
)
def test_ewa_series_is_linear(xs, ys, beta, k):
    n = min(len(xs), len(ys))
    x, y = np.array(xs[:n]), np.array(ys[:n])
    rx, cx = ewa_series(x, beta)
    ry, cy = ewa_series(y, beta)
    rz, cz = ewa_series(x + k * y, beta)
    scale = 1.0 + np.max(np.abs(x)) + abs(k) * np.max(np.abs(y))
    np.testing.assert_allclose(rz, rx + k * ry, atol=1e-10 * scale)
    np.testing.assert_allclose(cz, cx + k * cy, atol=1e-8 * scale)


# -- windows and lag weights -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("beta", "window"), [(0.9, 10), (0.98, 50), (0.5, 2), (0.0, 1), (0.999, 1000)]
)
def test_effective_window(beta, window):
    assert effective_window(beta) == pytest.approx(window, rel=1e-9)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_lag_weights_form_a_geometric_series(beta):
    k = np.arange(0, 2000)
    w = lag_weight(beta, k)
    np.testing.assert_allclose(w[0], 1 - beta, rtol=1e-14)
    np.testing.assert_allclose(w[1:200] / w[:199], beta, rtol=1e-12)  # before underflow
    for big_k in (1, 5, 50, 500):
        assert np.sum(w[:big_k]) == pytest.approx(1 - beta**big_k, rel=1e-12)
    assert np.sum(w) == pytest.approx(1.0, rel=1e-12)
    assert lag_weight(beta, 3) == pytest.approx((1 - beta) * beta**3, rel=1e-14)


@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_lag_weights_are_the_series_coefficients(beta):
    """The weight of θ_{t−k} in v_t (impulse response) equals lag_weight(β, k)."""
    impulse = np.zeros(40)
    impulse[0] = 1.0
    raw, _ = ewa_series(impulse, beta)
    np.testing.assert_allclose(raw, lag_weight(beta, np.arange(40)), rtol=1e-12)


def test_weight_falls_to_about_one_over_e_after_one_window():
    beta = 0.98
    ratio = lag_weight(beta, int(effective_window(beta))) / lag_weight(beta, 0)
    assert ratio == pytest.approx(np.exp(-1), rel=0.02)


# -- tree helpers and the JAX scan -----------------------------------------------------------------


def test_ewa_update_and_bias_correct_on_pytrees():
    avg = {"a": jnp.array([1.0, 2.0]), "b": jnp.array(4.0)}
    new = {"a": jnp.array([3.0, -2.0]), "b": jnp.array(0.0)}
    out = ewa_update(avg, new, 0.75)
    np.testing.assert_allclose(out["a"], [1.5, 1.0], rtol=1e-14)
    np.testing.assert_allclose(out["b"], 3.0, rtol=1e-14)
    corrected = bias_correct(out, 0.75, 2)
    np.testing.assert_allclose(corrected["a"], np.array([1.5, 1.0]) / (1 - 0.75**2), rtol=1e-14)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
def test_ewa_jax_equals_ewa_series(beta):
    values = np.random.default_rng(1).normal(size=150) * 3 + 1
    raw, corrected = ewa_series(values, beta)
    jraw, jcorrected = ewa_jax(jnp.asarray(values), beta)
    np.testing.assert_allclose(np.asarray(jraw), raw, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.asarray(jcorrected), corrected, rtol=1e-10, atol=1e-14)


def test_ewa_jax_traced_beta_and_vector_values():
    traces = []

    @jax.jit
    def run(values, beta):
        traces.append(1)
        return ewa_jax(values, beta)

    values = np.random.default_rng(2).normal(size=(60, 3))
    for beta in (0.5, 0.9):
        raw, corrected = run(jnp.asarray(values), beta)
        for j in range(3):
            ref_raw, ref_corrected = hand_loop(values[:, j], beta)
            np.testing.assert_allclose(np.asarray(raw)[:, j], ref_raw, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(
                np.asarray(corrected)[:, j], ref_corrected, rtol=1e-10, atol=1e-14
            )
    assert len(traces) == 1


@pytest.mark.parametrize("beta", [0.9, 0.98])
def test_an_ewa_trails_a_trend_by_its_whole_window_a_window_mean_by_half(beta):
    t = np.arange(5000, dtype=float)  # a steady trend θ_t = t
    _, corrected = ewa_series(t, beta)
    assert corrected[-1] == pytest.approx(t[-1] - ewa_lag(beta), rel=1e-9)
    n = round(1 / (1 - beta))
    assert np.mean(t[-n:]) == pytest.approx(t[-1] - (n - 1) / 2)  # the window mean's lag
    assert ewa_lag(beta) == pytest.approx(beta / (1 - beta))


@pytest.mark.parametrize("beta", [0.9, 0.98])
def test_an_ewa_keeps_about_half_the_noise_of_a_window_mean_as_long(beta):
    noise = np.random.default_rng(0).standard_normal(400_000)
    raw, _ = ewa_series(noise, beta)
    assert np.var(raw[1000:]) == pytest.approx(ewa_noise_share(beta), rel=0.03)
    n = round(1 / (1 - beta))
    window = np.convolve(noise, np.ones(n) / n, mode="valid")
    assert np.var(window) == pytest.approx(1 / n, rel=0.03)
    assert 0.45 < ewa_noise_share(beta) * n < 0.55  # about half
