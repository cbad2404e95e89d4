r"""The lectures' initialization experiment: push standard-normal data through a deep, wide net
and watch the activations (forward) and the weight gradients (backward) layer by layer.

``layers`` hidden layers of ``width`` units, ``samples`` inputs :math:`x \sim \mathcal N(0, I_{width})`,
biases 0:

.. math:: h_0 = x,\qquad h_l = f(h_{l-1} W_l),\quad W_l \in \mathbb R^{width \times width}

For tanh with 10 layers of 500 units and 1000 inputs the lectures find: ``0.01·randn`` → std 0.21 at
layer 1, collapsing towards 0 (so do the gradients); ``1.0·randn`` → every unit saturated at ±1
(std ≈ 0.98, gradients ≈ 0); Xavier :math:`\sqrt{1/\text{fan}_{in}}` → std 0.63 at layer 1 shrinking
gently to ≈ 0.23 at layer 10. With ReLU, Xavier halves the variance at each layer while He's
:math:`\sqrt{2/\text{fan}_{in}}` keeps it. Zeros make every unit compute the same thing
(``unit_spread`` = 0): the symmetry is never broken. With ``batchnorm`` every layer's
pre-activations are normalized with the batch's statistics (γ = 1, β = 0, as at the start of
training) before the non-linearity: the scale of the weights no longer matters, and even
``0.01·randn`` keeps every layer's spread.

The backward pass uses the loss :math:`L = \frac1N \sum_{n,j} h_{L,nj}\, G_{nj}` with a fixed random
:math:`G \sim \mathcal N(0, 1)` (an arbitrary upstream gradient) and reports
:math:`\lVert \partial L / \partial W_l \rVert_F`.

One compiled call per (layers, width, samples, activation, init); the scale and the seed are traced.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .activations import ACTIVATIONS, act_params
from .batchnorm import BN_EPS
from .init import INITS, sample_numpy

MAX_UNITS = 4_000_000  # samples × width × layers kept in memory at most
HIST_SAMPLES = 200  # the histograms use the activations of this many examples


def _layer(activation, ap, batchnorm):
    entry = ACTIVATIONS[activation]

    def step(h, w):
        z = h @ w
        if batchnorm:  # the batch's statistics, γ = 1 and β = 0
            mu = jnp.mean(z, axis=0)
            z = (z - mu) * jax.lax.rsqrt(jnp.mean(jnp.square(z - mu), axis=0) + BN_EPS)
        if entry.pieces > 1:  # maxout: the layer has 2× the weights, two pieces per unit
            z = z.reshape(z.shape[0], -1, entry.pieces)
        h = entry.fn(z, ap)
        return h, h

    return step


@partial(jax.jit, static_argnames=("activation", "bins", "backward", "batchnorm"))
def _experiment(ws, x, upstream, ap, *, activation, bins, backward, batchnorm):
    # A scan over the layers: the compiled program does not grow with the depth.
    layers, samples = ws.shape[0], x.shape[0]
    step = _layer(activation, ap, batchnorm)

    def loss(ws):
        h_last, hs = jax.lax.scan(step, x, ws)
        return jnp.sum(h_last * upstream) / samples, hs

    if backward:
        grads, hs = jax.grad(loss, has_aux=True)(ws)
        grad_norm = jnp.sqrt(jnp.sum(grads * grads, axis=(1, 2)))
    else:
        _, hs = loss(ws)
        grad_norm = jnp.zeros(layers)
    mean = jnp.mean(hs, axis=(1, 2))
    std = jnp.std(hs, axis=(1, 2))
    # The histogram of the first HIST_SAMPLES examples: the same shape, a fraction of the cost.
    sub = hs[:, :HIST_SAMPLES]
    lo, hi = jnp.min(sub, axis=(1, 2)), jnp.max(sub, axis=(1, 2))
    span = jnp.maximum(hi - lo, 1e-6)
    idx = jnp.clip(
        ((sub - lo[:, None, None]) / span[:, None, None] * bins).astype(jnp.int32), 0, bins - 1
    )
    offsets = (jnp.arange(layers) * bins)[:, None, None]
    counts = jnp.bincount((idx + offsets).ravel(), length=layers * bins).reshape(layers, bins)
    edges = lo[:, None] + span[:, None] * jnp.linspace(0.0, 1.0, bins + 1)[None, :]
    unit_spread = jnp.mean(jnp.std(hs, axis=2), axis=1)  # 0 when all units are identical
    return {
        "mean": mean,
        "std": std,
        "hist": counts,
        "edges": edges,
        "unit_spread": unit_spread,
        "grad_norm": grad_norm,
    }


def init_stats(
    layers: int = 10,
    width: int = 500,
    samples: int = 1000,
    activation: str = "tanh",
    init: str = "xavier",
    scale: float = 0.01,
    seed: int = 0,
    bins: int = 50,
    backward: bool = True,
    activation_overrides: dict[str, Any] | None = None,
    batchnorm: bool = False,
) -> dict[str, np.ndarray]:
    r"""Per-layer statistics of the initialization experiment.

    Args:
        layers: hidden layers L.
        width: units per layer W (the inputs have W features too).
        samples: number of standard-normal inputs N.
        activation: registry name.
        init: registry name of the initialization.
        scale: σ of the ``normal`` initialization (0.01 and 1.0 in the lectures).
        seed: random seed (traced: a new seed does not recompile).
        bins: histogram bins per layer.
        backward: also compute the weight-gradient norms.
        activation_overrides: activation parameters (``slope``, ``alpha``).
        batchnorm: normalize every layer's pre-activations with the batch's statistics.

    Returns:
        NumPy arrays, one entry per hidden layer: ``mean``, ``std`` (of the activations),
        ``hist`` ``(L, bins)`` counts over ``edges`` ``(L, bins + 1)`` (of the first
        :data:`HIST_SAMPLES` examples' activations), ``unit_spread`` (average
        std across units of one example: 0 when all units are identical, the symmetry problem)
        and ``grad_norm`` (:math:`\lVert\partial L/\partial W_l\rVert_F`).

    Raises:
        ValueError: sizes out of range or unknown names.
    """
    for registry, name in ((ACTIVATIONS, activation), (INITS, init)):
        registry[name]  # raises the registry's helpful ValueError for unknown names
    for name, value, top in (
        ("layers", layers, 50),
        ("width", width, 2000),
        ("samples", samples, 10000),
    ):
        if not 1 <= int(value) <= top:
            raise ValueError(f"{name} must be between 1 and {top}, got {value}")
    if int(layers) * int(width) * int(samples) > MAX_UNITS * 10:
        raise ValueError("layers × width × samples is too large (at most 40 million activations)")
    if not 2 <= int(bins) <= 200:
        raise ValueError(f"bins must be between 2 and 200, got {bins}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale}")
    ap = {k: np.float32(v) for k, v in act_params(activation, activation_overrides).items()}
    # Random numbers come from NumPy (no compilation; design note: constants are built in NumPy).
    rng = np.random.default_rng(int(seed))
    pieces = ACTIVATIONS[activation].pieces
    x = rng.standard_normal((int(samples), int(width)), dtype=np.float32)
    upstream = rng.standard_normal((int(samples), int(width)), dtype=np.float32)
    ws = np.stack(
        [
            sample_numpy(
                rng, init, (int(width), int(width) * pieces), float(scale), fan_out=int(width)
            )
            for _ in range(int(layers))
        ]
    )
    out = _experiment(
        ws,
        x,
        upstream,
        ap,
        activation=activation,
        bins=int(bins),
        backward=bool(backward),
        batchnorm=bool(batchnorm),
    )
    return {k: np.asarray(v) for k, v in out.items()}
