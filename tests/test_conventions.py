"""The conventions notes beside the controls state facts: each is checked here against a
computation (the decks' recursions, their L2 scaling, the classic momentum form)."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.nn.regularization import elastic_net
from optim_lab.nn.training_config import train_param
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many


def _help(registry, entry: str, name: str) -> str:
    return registry[entry].param(name).help


def test_the_decks_exponential_recursion_collapses_as_the_note_says():
    closed = math.exp(-0.01 * 100)
    recursion = 1.0
    for i in range(100):  # α_{i+1} = α_i·e^{−k·i}
        recursion *= math.exp(-0.01 * i)
    assert recursion == pytest.approx(math.exp(-0.01 * 100 * 99 / 2))
    note = _help(SCHEDULES, "exponential", "k")
    assert f"{recursion:.0e}".startswith("3e-22") and "3·10⁻²²" in note
    assert f"{closed:.2f}" in note


def test_the_decks_inverse_recursion_collapses_as_the_note_says():
    recursion = 1.0
    for i in range(100):  # α_{i+1} = α_i/(1 + k·i)
        recursion /= 1 + 0.01 * i
    note = _help(SCHEDULES, "inverse_time", "k")
    assert f"{recursion:.0e}".startswith("2e-17") and "2·10⁻¹⁷" in note
    assert f"{1 / (1 + 0.01 * 100):g}" in note


def test_the_decks_l2_is_this_apps_with_lambda_2_equal_2_lambda_over_n():
    params = [{"w": jnp.array([[0.5, -1.0], [2.0, 0.3]]), "b": jnp.zeros(2)}]
    lam, n = 0.3, 50
    ours = jax.grad(lambda p: elastic_net(p, 0.0, 2 * lam / n))(params)[0]["w"]
    decks = jax.grad(lambda p: lam / n * jnp.sum(p[0]["w"] ** 2))(params)[0]["w"]
    np.testing.assert_allclose(ours, decks, rtol=1e-6)
    np.testing.assert_allclose(ours, (2 * lam / n) * params[0]["w"], rtol=1e-6)  # λ₂·W
    assert "λ₂ = 2λ/n" in train_param("l2").help and "weight_decay=λ₂" in train_param("l2").help
    assert "Dropout(0.2)" in train_param("dropout").help


def test_pytorchs_sgd_momentum_is_the_classic_form_at_alpha_times_one_minus_beta(float64):
    # PyTorch's SGD(momentum=μ): buf ← μ·buf + g (buf = g at the first step), p ← p − lr·buf
    surface, params = SURFACES["bowl"], {"kappa": 10.0, "angle": 20.0}
    lr, beta, start = 0.5, 0.8, np.array([-1.5, 1.0])
    grad = jax.grad(lambda xy: surface.fn(xy, params))
    p, buf, path = start.copy(), None, [start.copy()]
    for _ in range(30):
        g = np.asarray(grad(jnp.asarray(p)))
        buf = g if buf is None else beta * buf + g
        p = p - lr * (1 - beta) * buf
        path.append(p.copy())
    (ewa,) = run_many(surface, [RunSpec("momentum", {"lr": lr, "beta": beta})], start, 30, params)
    np.testing.assert_allclose(ewa.points, np.array(path), atol=1e-9)
    assert "the same path at α(1−β)" in _help(OPTIMIZERS, "momentum", "beta")
