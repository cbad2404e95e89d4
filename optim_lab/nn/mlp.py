r"""A multi-layer perceptron as a plain pytree, and its forward pass.

``params`` is a list with one dict per layer: ``{"w": (fan_in, n), "b": (n,)}``, where hidden layers
may also hold ``"gamma"``, ``"beta"`` (batch norm) and ``"slope"`` (PReLU's learned slope, a scalar);
for maxout ``n = 2·units`` (two affine pieces per unit). A hidden layer computes

.. math::
    z = h_{l-1} W_l + b_l \;\to\; \mathrm{BN}_{\gamma,\beta}(z) \;\to\; h_l = f(z)
    \;\to\; \mathrm{dropout}(h_l)

and the output layer gives the scores :math:`s = h_{L-1} W_L + b_L` (logits). Any optimizer of
:mod:`optim_lab.optimizers` moves this pytree exactly as it moves a 2-vector.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..cpu_tuning import output_matmul
from .activations import ACTIVATIONS
from .activations import act_params as default_act_params
from .batchnorm import BN_POSITIONS, BNState, batchnorm_test, batchnorm_train
from .dropout import dropout_mask, dropout_test
from .init import INITS, sample_numpy

Params = list[dict[str, Any]]
ActApply = Callable[[jax.Array, Mapping[str, Any]], jax.Array]

#: Keys of ``aux`` from :func:`apply_mlp` with ``stats=True``: arrays of shape (hidden layers,).
STAT_KEYS = ("pre_mean", "pre_std", "act_mean", "act_std", "dead", "saturated")


def _rng(key: int | np.random.Generator | None) -> np.random.Generator:
    if isinstance(key, np.random.Generator):
        return key
    return np.random.default_rng(0 if key is None else int(key))


def init_mlp(
    key: int | np.random.Generator,
    sizes: Sequence[int],
    activation: str,
    init: str,
    scale: float = 0.01,
    batchnorm: bool = False,
    activation_overrides: Mapping[str, Any] | None = None,
) -> Params:
    """A fresh MLP (NumPy float32 leaves; built without compiling anything).

    Args:
        key: an integer seed or a NumPy ``Generator``.
        sizes: ``(inputs, hidden_1, ..., hidden_k, outputs)``.
        activation: registry name (maxout doubles the hidden weights; PReLU adds ``slope``).
        init: registry name of the weight initialization (applied to every layer).
        scale: σ for the ``normal`` initialization.
        batchnorm: add γ = 1, β = 0 to every hidden layer.
        activation_overrides: activation parameters (PReLU's initial ``slope``).

    Returns:
        The list of layer dicts.
    """
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"sizes must be at least (inputs, outputs), all ≥ 1, got {tuple(sizes)}")
    entry, _ = ACTIVATIONS[activation], INITS[init]
    rng = _rng(key)
    ap = default_act_params(activation, activation_overrides)
    params: Params = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        hidden = i < len(sizes) - 2
        width = fan_out * (entry.pieces if hidden else 1)
        layer = {
            "w": sample_numpy(rng, init, (int(fan_in), int(width)), scale, fan_out=int(fan_out)),
            "b": np.zeros(width, np.float32),
        }
        if hidden and batchnorm:
            layer["gamma"] = np.ones(width, np.float32)
            layer["beta"] = np.zeros(width, np.float32)
        if hidden and entry.learnable:
            layer["slope"] = np.float32(ap["slope"])
        params.append(layer)
    return params


def count_params(params: Params) -> int:
    """Number of scalar parameters."""
    return int(sum(np.size(leaf) for leaf in jax.tree.leaves(params)))


def weight_layers(params: Params) -> list[str]:
    """Lecture-style names of every tensor: ``W1, b1, gamma1, beta1, slope1, ..., WL, bL``."""
    names = []
    for i, layer in enumerate(params, start=1):
        names += [f"{'W' if k == 'w' else k}{i}" for k in layer]
    return names


def apply_mlp(
    params: Params,
    x: jax.Array,
    activation: str,
    *,
    train: bool = False,
    key: jax.Array | None = None,
    dropout: Any = 1.0,
    dropout_mode: str = "inverted",
    bn_state: BNState = None,
    bn_momentum: Any = 0.9,
    act_params: Mapping[str, Any] | None = None,
    mask: jax.Array | None = None,
    stats: bool = False,
    act_apply: ActApply | None = None,
    dropout_masks: jax.Array | None = None,
    bn_position: str = "before",
) -> tuple[jax.Array, BNState, dict[str, jax.Array]]:
    r"""Forward pass: scores (logits) for the inputs ``x``.

    Args:
        params: the layer dicts.
        x: inputs ``(N, D)``.
        activation: registry name (static).
        train: training mode: batch statistics for batch norm, random dropout masks.
        key: PRNG key for dropout masks (training with ``dropout < 1`` only).
        dropout: **keep** probability p (traced; 1 = no dropout). The lectures' ``p = 0.5`` keeps
            half of the units.
        dropout_mode: ``"inverted"`` (scale by 1/p in training) or ``"vanilla"`` (scale by p at test).
        bn_state: running statistics (see :mod:`.batchnorm`), required when the layers have γ.
        bn_momentum: :math:`\beta_{bn}` of the running averages (traced).
        act_params: traced activation parameters (``slope``, ``alpha``); registry defaults if None.
        mask: 0/1 row weights (padding of a short last batch), for batch statistics.
        stats: also return per-hidden-layer diagnostics in ``aux`` (see :data:`STAT_KEYS`):
            mean/std of the pre-activations (after BN) and of the activations, the fraction of
            *dead* units (:math:`f'(z) = 0` on every example of the batch) and the fraction of
            *saturated* (example, unit) pairs (:math:`|f'(z)| < 0.05 \max f'`).
        act_apply: replaces ``f`` (gradient checking swaps in hand-written backward passes).
        bn_position: batch norm ``"before"`` the non-linearity (on the pre-activations, as in the
            lectures and the original paper) or ``"after"`` it (on the activations).
        dropout_masks: training-mode multipliers ``(N, Σ hidden widths)`` to use instead of drawing
            them from ``key`` (see :func:`dropout_masks_for`): the same masks for many evaluations.

    Returns:
        ``(logits, new_bn_state, aux)``; ``new_bn_state`` equals ``bn_state`` outside training.
    """
    entry = ACTIVATIONS[activation]
    ap = act_params if act_params is not None else default_act_params(activation)
    f = act_apply or entry.fn
    hidden = params[:-1]
    use_bn = bool(hidden) and "gamma" in hidden[0]
    if use_bn and bn_state is None:
        raise ValueError("this network has batch norm: pass bn_state (see init_bn_state)")
    if bn_position not in BN_POSITIONS:
        raise ValueError(
            f"bn_position must be one of {', '.join(BN_POSITIONS)}, got {bn_position!r}"
        )
    droppable = train and not (isinstance(dropout, int | float) and dropout >= 1)
    masks = dropout_masks if train and hidden else None
    if masks is None and droppable and hidden:
        masks = dropout_masks_for(params, x, activation, key, dropout, dropout_mode)
    if masks is not None:
        offsets = np.cumsum([0, *_hidden_widths(params, activation)])
    new_bn = [] if use_bn else None
    collected: dict[str, list] = {k: [] for k in STAT_KEYS}
    h = x
    for i, layer in enumerate(hidden):
        z = h @ layer["w"] + layer["b"]
        if use_bn and bn_position == "before":
            z, running = _batchnorm(z, layer, bn_state[i], bn_momentum, mask, train)
            new_bn.append(running)
        lap = {**ap, "slope": layer["slope"]} if entry.learnable else ap
        zp = z.reshape(z.shape[0], -1, entry.pieces) if entry.pieces > 1 else z
        h = f(zp, lap)
        if use_bn and bn_position == "after":
            h, running = _batchnorm(h, layer, bn_state[i], bn_momentum, mask, train)
            new_bn.append(running)
        if stats:
            _layer_stats(collected, entry, z, zp, h, lap)
        if masks is not None:
            h = h * masks[:, offsets[i] : offsets[i + 1]].astype(h.dtype)
        elif not train:
            h = dropout_test(h, dropout, dropout_mode)
    out = params[-1]
    logits = output_matmul(h, out["w"]) + out["b"]
    aux = {}
    if stats:
        aux = {k: jnp.stack(v) if v else jnp.zeros((0,), x.dtype) for k, v in collected.items()}
    return logits, new_bn, aux


def _batchnorm(values, layer, running, momentum, mask, train):
    """A layer's batch norm: the batch's statistics in training (running averages updated), the
    running averages at test time."""
    if train:
        return batchnorm_train(values, layer["gamma"], layer["beta"], running, momentum, mask)
    return batchnorm_test(values, layer["gamma"], layer["beta"], running), running


def _hidden_widths(params: Params, activation: str) -> list[int]:
    return [layer["b"].shape[-1] // ACTIVATIONS[activation].pieces for layer in params[:-1]]


def dropout_masks_for(
    params: Params, x: jax.Array, activation: str, key: jax.Array, keep: Any, mode: str
) -> jax.Array:
    """The dropout multipliers of every hidden unit for the batch ``x``, in one draw (sliced per
    layer: a smaller compiled program than one draw per layer)."""
    shape = (x.shape[0], sum(_hidden_widths(params, activation)))
    return dropout_mask(key, keep, shape, mode, x.dtype)


def _layer_stats(collected, entry, z, zp, h, ap) -> None:
    # Few, fused reductions: moments as E[z], E[z²] (std = √(E[z²] − E[z]²)).
    z, h = jax.lax.stop_gradient(z), jax.lax.stop_gradient(h)
    if entry.pieces > 1:  # maxout always passes a gradient to one piece: never dead nor saturated
        pre = jnp.mean(jnp.stack([z, z * z]), axis=(1, 2))
        dead = saturated = jnp.zeros((), z.dtype)
    else:
        d = jnp.abs(entry.deriv(zp, ap))
        small = (d < 0.05 * entry.peak_deriv).astype(z.dtype)
        pre_sums = jnp.mean(jnp.stack([z, z * z, small]), axis=1)  # (3, units)
        pre = jnp.mean(pre_sums[:2], axis=1)
        saturated = jnp.mean(pre_sums[2])
        dead = jnp.mean((jnp.max(d, axis=0) == 0).astype(z.dtype))
    act = jnp.mean(jnp.stack([h, h * h]), axis=(1, 2))
    collected["pre_mean"].append(pre[0])
    collected["pre_std"].append(jnp.sqrt(jnp.maximum(pre[1] - pre[0] ** 2, 0.0)))
    collected["act_mean"].append(act[0])
    collected["act_std"].append(jnp.sqrt(jnp.maximum(act[1] - act[0] ** 2, 0.0)))
    collected["dead"].append(dead)
    collected["saturated"].append(saturated)


Layout = tuple[tuple[tuple[str, tuple[int, ...]], ...], ...]


def layout_of(params: Params) -> Layout:
    """The (hashable) structure of ``params``: per layer, ``(key, shape)`` pairs in order."""
    return tuple(tuple((k, tuple(np.shape(v))) for k, v in layer.items()) for layer in params)


def layer_sizes(layout: Layout) -> list[int]:
    """Units of every layer, inputs first and outputs last, read from the weight matrices."""
    shapes = [shape for layer in layout for key, shape in layer if key == "w"]
    return [shapes[0][0], *(shape[1] for shape in shapes)]


def flatten(params: Params, layout: Layout | None = None) -> jax.Array:
    """All parameters in one vector (layer by layer, keys in order): optimizers then act on a single
    array, exactly as they move a 2-vector on a surface. Pass the ``layout`` for a tree that JAX
    rebuilt (a gradient, say): its dicts have their keys sorted, not in the layout's order."""
    order = layout or layout_of(params)
    leaves = [jnp.ravel(params[i][key]) for i, layer in enumerate(order) for key, _ in layer]
    return jnp.concatenate(leaves)


def flatten_numpy(params: Params) -> np.ndarray:
    """:func:`flatten` in NumPy (no compilation)."""
    return np.concatenate([np.ravel(v) for layer in params for v in layer.values()]).astype(
        np.float32
    )


def unflatten(flat: jax.Array | np.ndarray, layout: Layout) -> Params:
    """Inverse of :func:`flatten` for the structure ``layout`` (works on jnp and NumPy arrays)."""
    params, start = [], 0
    for layer in layout:
        d = {}
        for key, shape in layer:
            size = int(np.prod(shape, dtype=int))
            d[key] = flat[start : start + size].reshape(shape)
            start += size
        params.append(d)
    return params


def flat_value_and_grad(fn, layout: Layout, has_aux: bool = False):
    """``jax.value_and_grad`` of ``fn(params, *args)`` at a flat parameter vector: the gradient is
    taken by layer and joined by one concatenation (differentiating through the flat vector's
    slices makes XLA assemble it from padded copies of every layer's gradient)."""
    by_layer = jax.value_and_grad(fn, has_aux=has_aux)

    def value_and_flat(flat, *args):
        value, grads = by_layer(unflatten(flat, layout), *args)
        return value, flatten(grads, layout)

    return value_and_flat
