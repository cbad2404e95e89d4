r"""Exponentially weighted averages (EWA) and bias correction.

The one formula shared by the EWA lesson, momentum, RMSprop and Adam:

.. math::  v_t = \beta v_{t-1} + (1-\beta)\,\theta_t, \qquad v_0 = 0,
           \qquad \hat v_t = \frac{v_t}{1-\beta^t}.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Tree = Any


def ewa_update(average: Tree, value: Tree, beta) -> Tree:
    r"""One EWA step over a pytree: :math:`v \leftarrow \beta v + (1-\beta)\theta`."""
    return jax.tree.map(lambda v, x: beta * v + (1 - beta) * x, average, value)


def bias_correct(average: Tree, beta, t) -> Tree:
    r"""Bias-corrected average :math:`v_t / (1-\beta^t)` for ``t >= 1`` (step count from 1)."""
    denom = 1 - beta**t
    return jax.tree.map(lambda v: v / denom, average)


def effective_window(beta: float) -> float:
    r"""How many recent values an EWA roughly averages: :math:`1/(1-\beta)` (β=0.9 → 10)."""
    return 1.0 / (1.0 - beta)


def ewa_lag(beta: float) -> float:
    r"""How far an EWA trails a steady trend, in steps: the mean age of its weights,
    :math:`\sum_k k(1-\beta)\beta^k = \beta/(1-\beta)` (β = 0.9 → 9; a window mean of N values
    trails by :math:`(N-1)/2`)."""
    return beta / (1.0 - beta)


def ewa_noise_share(beta: float) -> float:
    r"""The share of independent noise's variance an EWA keeps (far from the start):
    :math:`(1-\beta)^2 \sum_k \beta^{2k} = (1-\beta)/(1+\beta)` (a window mean of N values keeps
    :math:`1/N`)."""
    return (1.0 - beta) / (1.0 + beta)


def lag_weight(beta: float, k: int | np.ndarray) -> float | np.ndarray:
    r"""Weight of :math:`\theta_{t-k}` in :math:`v_t` (far from the start): :math:`(1-\beta)\beta^k`."""
    return (1.0 - beta) * np.power(beta, k)


def ewa_series(values: np.ndarray, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Raw and bias-corrected EWA of a whole series, as NumPy arrays.

    The series is short and one-off, so NumPy in float64 is exact and needs no compilation.

    Args:
        values: the observations θ₁ … θ_T.
        beta: the decay β in [0, 1).

    Returns:
        ``(raw, corrected)``: v_t and v_t/(1−βᵗ) for t = 1 … T.
    """
    values = np.asarray(values, dtype=np.float64)
    raw = np.empty_like(values)
    v = 0.0
    for i, x in enumerate(values):
        v = beta * v + (1.0 - beta) * x
        raw[i] = v
    t = np.arange(1, len(values) + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = raw / (1.0 - np.power(beta, t)) if beta > 0 else raw.copy()
    return raw, corrected


def worked_example(beta: float = 0.98) -> dict[str, float]:
    r"""The two-step example of bias correction, from :math:`v_0 = 0`.

    :math:`v_2 = \beta(1-\beta)\theta_1 + (1-\beta)\theta_2`; with β = 0.98 that is
    :math:`0.0196\,\theta_1 + 0.02\,\theta_2`, and the correction divides by :math:`1-\beta^2 = 0.0396`.

    Returns:
        ``coef_theta1``, ``coef_theta2`` (the weights in v₂) and ``correction`` (1 − β²).
    """
    return {
        "coef_theta1": beta * (1.0 - beta),
        "coef_theta2": 1.0 - beta,
        "correction": 1.0 - beta**2,
    }


def ewa_jax(values: jax.Array, beta) -> tuple[jax.Array, jax.Array]:
    """:func:`ewa_series` as one ``lax.scan`` (traced β), for use inside compiled runs."""

    def step(carry, x):
        v, t = carry
        v = ewa_update(v, x, beta)
        t = t + 1
        return (v, t), (v, bias_correct(v, beta, t))

    zero = jnp.zeros_like(values[0])
    _, (raw, corrected) = jax.lax.scan(step, (zero, jnp.zeros((), values.dtype)), values)
    return raw, corrected
