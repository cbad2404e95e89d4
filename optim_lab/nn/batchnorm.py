r"""Batch normalization of a layer's pre-activations :math:`z` (inserted after the affine map,
before the non-linearity, as in the lectures).

Training uses the statistics of the batch; test time uses running (exponentially weighted)
averages of them:

.. math::
    \mu_B = \frac1m\sum_i z_i,\quad \sigma_B^2 = \frac1m\sum_i (z_i - \mu_B)^2,\quad
    \hat z_i = \frac{z_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}},\quad y_i = \gamma \hat z_i + \beta

.. math::
    \mu_{run} \leftarrow \beta_{bn}\,\mu_{run} + (1-\beta_{bn})\,\mu_B,\qquad
    \sigma^2_{run} \leftarrow \beta_{bn}\,\sigma^2_{run} + (1-\beta_{bn})\,\sigma^2_B

with the momentum :math:`\beta_{bn}` (0.9 by default; PyTorch's ``momentum=0.1`` is
:math:`1-\beta_{bn}`). The variance is the biased one (divide by m) in both places. γ and β are
learned; the running statistics are state, not parameters.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

BN_EPS = 1e-5
#: Where a layer's batch norm goes: on the pre-activations (the default) or on the activations.
BN_POSITIONS = ("before", "after")
BNState = Any  # list (one per hidden layer) of {"mean", "var"}, or None without batch norm


def batchnorm_train(
    z: jax.Array,
    gamma,
    beta,
    running: dict,
    momentum,
    mask: jax.Array | None = None,
    eps: float = BN_EPS,
) -> tuple[jax.Array, dict]:
    """Normalizes with the batch statistics and updates the running averages.

    Args:
        z: pre-activations ``(m, units)``.
        gamma: scale γ ``(units,)``.
        beta: shift β ``(units,)``.
        running: ``{"mean", "var"}`` running statistics.
        momentum: :math:`\\beta_{bn}` (traced).
        mask: optional 0/1 weights ``(m,)``: rows with 0 (padding) are left out of the statistics.
        eps: ε added to the variance.

    Returns:
        ``(y, new_running)``.
    """
    if mask is None:
        mu = jnp.mean(z, axis=0)
        var = jnp.mean(jnp.square(z - mu), axis=0)
    else:
        w = mask[:, None]
        count = jnp.maximum(jnp.sum(mask), 1.0)
        mu = jnp.sum(z * w, axis=0) / count
        var = jnp.sum(jnp.square(z - mu) * w, axis=0) / count
    z_hat = (z - mu) * jax.lax.rsqrt(var + eps)
    new_running = {
        "mean": momentum * running["mean"] + (1 - momentum) * jax.lax.stop_gradient(mu),
        "var": momentum * running["var"] + (1 - momentum) * jax.lax.stop_gradient(var),
    }
    return gamma * z_hat + beta, new_running


def batchnorm_test(z: jax.Array, gamma, beta, running: dict, eps: float = BN_EPS) -> jax.Array:
    r"""Normalizes with the running statistics: :math:`\gamma (z-\mu_{run})/\sqrt{\sigma^2_{run}+\epsilon} + \beta`."""
    return gamma * (z - running["mean"]) * jax.lax.rsqrt(running["var"] + eps) + beta


def init_bn_state(params: list[dict]) -> BNState:
    """Running statistics (mean 0, variance 1) for every hidden layer that has γ, else ``None``."""
    hidden = params[:-1]
    if not hidden or "gamma" not in hidden[0]:
        return None
    return [
        {"mean": np.zeros_like(layer["b"]), "var": np.ones_like(layer["b"])} for layer in hidden
    ]
