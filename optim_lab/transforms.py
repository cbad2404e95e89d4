r"""Gradient modifiers applied before the optimizer step, in this order:

.. math::  g \leftarrow \nabla f(\theta) + \sigma\,\xi \;\to\; \mathrm{clip}(g) \;\to\;
           g + \lambda_{wd}\,\theta + \lambda_1 \operatorname{sign}\theta \;\to\;
           \text{optimizer step} \;\to\; \theta \leftarrow \theta - \alpha_t \lambda_{dec}\,\theta

(noise, clipping, the coupled penalties: PyTorch's order; then the decoupled decay of AdamW, on
the point the step started from, at the step's scheduled rate). A value of 0 switches a modifier
off, so every modifier is a traced number and toggling one never recompiles.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from .registry import HParam

Tree = Any


class Modifiers(NamedTuple):
    """Traced settings of the gradient modifiers; 0 means off."""

    clip_norm: Any = 0.0
    clip_value: Any = 0.0
    weight_decay: Any = 0.0
    noise: Any = 0.0
    l1: Any = 0.0
    decoupled_decay: Any = 0.0


MODIFIER_PARAMS = (
    HParam(
        "clip_norm",
        "clip by norm",
        0.0,
        0.0,
        1e3,
        log=True,
        help="Rescale g to this norm when it is larger (0 = off).",
    ),
    HParam(
        "clip_value",
        "clip by value",
        0.0,
        0.0,
        1e3,
        log=True,
        help="Clamp each component of g to ±value (0 = off).",
    ),
    HParam(
        "weight_decay",
        "weight decay",
        0.0,
        0.0,
        10.0,
        log=True,
        help="Coupled L2 decay: adds λ·θ to g (0 = off), as PyTorch's weight_decay in SGD and "
        "Adam. For SGD the same as an L2 penalty (λ/2)‖θ‖²; for Adam not AdamW's decay.",
    ),
    HParam(
        "noise",
        "gradient noise σ",
        0.0,
        0.0,
        100.0,
        log=True,
        help="Std of Gaussian noise added to g (0 = off).",
    ),
    HParam(
        "l1",
        "L1 penalty λ₁",
        0.0,
        0.0,
        10.0,
        log=True,
        help="Adds λ₁·sign(θ) to g, the gradient of λ₁‖θ‖₁ (0 = off). A gradient step only brings "
        "a coordinate near 0, then steps back and forth across it; the proximal step of the "
        "regularization lesson sets it to exactly 0.",
    ),
    HParam(
        "decoupled_decay",
        "decoupled decay λ",
        0.0,
        0.0,
        10.0,
        log=True,
        help="AdamW's decay for any optimizer: after the step, θ shrinks by α·λ·θ, outside the "
        "optimizer (0 = off). For SGD the same as coupled weight decay λ; for Adam it is AdamW, "
        "unlike coupled weight decay (PyTorch's weight_decay in Adam).",
    ),
)

#: The modifiers of a network training: its L1 and decays are the trainer's own penalties.
NETWORK_MODIFIERS = tuple(p for p in MODIFIER_PARAMS if p.name not in ("l1", "decoupled_decay"))


def global_norm(tree: Tree) -> jax.Array:
    r""":math:`\lVert g \rVert_2` over all leaves of a pytree."""
    return jnp.sqrt(sum(jnp.sum(jnp.square(x)) for x in jax.tree.leaves(tree)))


def clip_by_norm(grads: Tree, max_norm) -> Tree:
    r""":math:`g \leftarrow g \cdot \min(1, c/\lVert g\rVert)`; off when ``max_norm <= 0``."""
    norm = global_norm(grads)
    scale = jnp.where((max_norm > 0) & (norm > max_norm), max_norm / jnp.maximum(norm, 1e-30), 1.0)
    return jax.tree.map(lambda g: g * scale, grads)


def clip_by_value(grads: Tree, value) -> Tree:
    r""":math:`g_i \leftarrow \mathrm{clip}(g_i, -c, c)`; off when ``value <= 0``."""
    return jax.tree.map(lambda g: jnp.where(value > 0, jnp.clip(g, -value, value), g), grads)


def add_weight_decay(grads: Tree, params: Tree, weight_decay) -> Tree:
    r"""Coupled weight decay: :math:`g \leftarrow g + \lambda\,\theta`."""
    return jax.tree.map(lambda g, p: g + weight_decay * p, grads, params)


def add_l1(grads: Tree, params: Tree, l1) -> Tree:
    r"""Coupled L1 penalty: :math:`g \leftarrow g + \lambda_1 \operatorname{sign}\theta`."""
    return jax.tree.map(lambda g, p: g + l1 * jnp.sign(p), grads, params)


def decay_decoupled(updates: Tree, params: Tree, lr, decay) -> Tree:
    r"""The update with AdamW's decay added: :math:`u - \alpha_t \lambda_{dec}\,\theta`."""
    return jax.tree.map(lambda u, p: u - lr * decay * p, updates, params)


def add_noise(grads: Tree, key: jax.Array, sigma) -> Tree:
    r""":math:`g \leftarrow g + \sigma\,\xi`, :math:`\xi \sim \mathcal N(0, I)`."""
    leaves, treedef = jax.tree.flatten(grads)
    keys = jax.random.split(key, len(leaves))
    noisy = [
        g + sigma * jax.random.normal(k, g.shape, g.dtype)
        for g, k in zip(leaves, keys, strict=True)
    ]
    return jax.tree.unflatten(treedef, noisy)


def apply_modifiers(grads: Tree, params: Tree, mods: Modifiers, key: jax.Array | None) -> Tree:
    """Noise, then clipping by norm and by value, then coupled weight decay and L1.

    ``key=None`` skips the noise (a run known to be noise-free draws no random numbers).
    """
    if key is not None:
        grads = add_noise(grads, key, mods.noise)
    grads = clip_by_norm(grads, mods.clip_norm)
    grads = clip_by_value(grads, mods.clip_value)
    return add_l1(add_weight_decay(grads, params, mods.weight_decay), params, mods.l1)
