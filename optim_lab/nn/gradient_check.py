r"""Gradient checking: analytic gradients against central differences, in float64.

The analytic gradient is backpropagation through the network in which every activation's backward
pass is the hand-written derivative from the registry (``deriv``, and ``deriv_param`` for PReLU's
slope), so the check tests those formulas as well as the rest of the network (losses, batch norm,
dropout with a fixed mask, penalties). The numerical gradient is

.. math:: \frac{\partial L}{\partial \theta_i} \approx \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h}

and each parameter tensor gets the relative error

.. math:: \mathrm{err} = \frac{\lVert g_{analytic} - g_{numeric}\rVert_2}
                             {\lVert g_{analytic}\rVert_2 + \lVert g_{numeric}\rVert_2}

(0 when both vanish: below :data:`NOISE_FLOOR`·√n, the round-off of the differences; a bias that
batch norm cancels has an exact zero gradient). In float64, :math:`< 10^{-7}` is a correct gradient, :math:`> 10^{-3}` a bug.
``broken=True`` plants the classic bug of forgetting the activation's derivative in the backward pass
(:math:`\delta_z = \delta_h` instead of :math:`\delta_h \odot f'(z)`; maxout sends the gradient to both
pieces): the check catches it for every non-linear activation.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .activations import ACTIVATIONS, act_params
from .batchnorm import init_bn_state
from .budget import check_gradcheck
from .data import fit_preprocessor, make_dataset
from .dropout import DROPOUT_MODES
from .losses import LOSSES, output_size
from .mlp import (
    Layout,
    apply_mlp,
    dropout_masks_for,
    init_mlp,
    layer_sizes,
    layout_of,
    unflatten,
    weight_layers,
)
from .regularization import elastic_net

#: Relative error above which a gradient is reported wrong.
TOLERANCE = 1e-6
#: Gradients below this (times √count) are zero up to the round-off of central differences.
NOISE_FLOOR = 1e-8
#: At most this many coordinates are perturbed (a random subset per tensor beyond it).
MAX_CHECKS = 4000


def _registry_activation(name: str, broken: Any):
    """``f(z, ap)`` whose backward pass uses the registry's derivative, or, where the traced flag
    ``broken`` is set, the planted bug (one compiled program for both)."""
    entry = ACTIVATIONS[name]

    @jax.custom_vjp
    def f(z, ap):
        return entry.fn(z, ap)

    def fwd(z, ap):
        return entry.fn(z, ap), (z, ap)

    def bwd(res, g):
        z, ap = res
        if entry.pieces > 1:
            dz = g[..., None] * jnp.where(broken, jnp.ones_like(z), entry.deriv(z, ap))
        else:
            dz = g * jnp.where(broken, jnp.ones_like(z), entry.deriv(z, ap))
        dap = jax.tree.map(jnp.zeros_like, ap)
        if entry.learnable:
            dap["slope"] = jnp.sum(g * entry.deriv_param(z, ap)).reshape(jnp.shape(ap["slope"]))
        return dz, dap

    f.defvjp(fwd, bwd)
    return f


@partial(
    jax.jit,
    static_argnames=("layout", "activation", "loss", "dropout_mode", "use_dropout"),
)
def _check(
    flat,
    idx,
    x,
    y,
    bn_state,
    key,
    keep,
    ap,
    l1,
    l2,
    h,
    broken,
    *,
    layout: Layout,
    activation,
    loss,
    dropout_mode,
    use_dropout,
):
    f_act = _registry_activation(activation, broken)

    # One fixed dropout mask, drawn once outside the many perturbed evaluations.
    masks = None
    if use_dropout:
        masks = dropout_masks_for(unflatten(flat, layout), x, activation, key, keep, dropout_mode)

    def objective(flat, act_apply):
        params = unflatten(flat, layout)
        logits, _, _ = apply_mlp(
            params,
            x,
            activation,
            train=True,
            dropout=keep if use_dropout else 1.0,
            dropout_mode=dropout_mode,
            bn_state=bn_state,
            act_params=ap,
            act_apply=act_apply,
            dropout_masks=masks,
        )
        return LOSSES[loss].fn(logits, y) + elastic_net(params, l1, l2)

    analytic = jax.grad(lambda f: objective(f, f_act))(flat)

    def central(i):
        e = jnp.zeros_like(flat).at[i].set(h)
        return (objective(flat + e, None) - objective(flat - e, None)) / (2 * h)

    numeric = jax.lax.map(central, idx, batch_size=256)
    return analytic[idx], numeric


def _pick_indices(layout: Layout, max_checks: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates to perturb (all, or a random subset per tensor) and the tensor of each."""
    sizes = [int(np.prod(shape, dtype=int)) for layer in layout for _, shape in layer]
    total = sum(sizes)
    rng = np.random.default_rng(seed)
    per_tensor = max(1, max_checks // len(sizes))
    idx, owner, start = [], [], 0
    for t, size in enumerate(sizes):
        local = (
            np.arange(size)
            if total <= max_checks or size <= per_tensor
            else np.sort(rng.choice(size, per_tensor, replace=False))
        )
        idx.append(start + local)
        owner.append(np.full(len(local), t))
        start += size
    return np.concatenate(idx).astype(np.int32), np.concatenate(owner)


def gradcheck(
    params: list[dict],
    x: np.ndarray,
    y: np.ndarray,
    activation: str,
    *,
    loss: str = "cross_entropy",
    bn_state: Any = None,
    dropout: float = 1.0,
    dropout_mode: str = "inverted",
    activation_overrides: Mapping[str, Any] | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
    h: float = 1e-6,
    broken: bool = False,
    max_checks: int = MAX_CHECKS,
    seed: int = 0,
) -> dict[str, Any]:
    r"""Relative error between analytic and numerical gradients of the training loss, per tensor.

    The loss is the training-mode objective (batch-norm batch statistics, dropout with one fixed mask
    drawn from ``seed``) plus :math:`\lambda_1\sum|W| + \tfrac{\lambda_2}{2}\sum W^2`, in float64.

    Args:
        params: the network (any dtype; converted to float64).
        x: inputs ``(N, D)``; y: integer labels ``(N,)``.
        activation: registry name.
        loss: registry name of the loss.
        bn_state: running statistics when the network has batch norm (default: fresh ones).
        dropout: keep probability p (1 = off); dropout_mode: ``inverted`` or ``vanilla``.
        activation_overrides: activation parameters (``slope``, ``alpha``).
        l1, l2: penalty weights.
        h: the finite-difference step.
        broken: plant the "forgot f'(z)" bug in the analytic gradient.
        max_checks: perturb at most this many coordinates (a random subset of each tensor beyond).
        seed: the dropout mask and the coordinate subset.

    Returns:
        ``{"max_rel_error": e, "per_param": {"W1": e1, "b1": ..., ...}, "checked": n, "ok": bool}``.
    """
    if dropout_mode not in DROPOUT_MODES:
        raise ValueError(
            f"dropout mode must be one of {', '.join(DROPOUT_MODES)}, got {dropout_mode!r}"
        )
    if not 0 < dropout <= 1:
        raise ValueError(f"dropout keep probability must be in (0, 1], got {dropout}")
    layout = layout_of(params)
    names = weight_layers(params)
    if bn_state is None:
        bn_state = init_bn_state(params)
    idx, owner = _pick_indices(layout, int(max_checks), seed)
    check_gradcheck(layer_sizes(layout), len(y), len(idx))
    ap = act_params(activation, activation_overrides)
    with jax.enable_x64(True):
        f64 = partial(np.asarray, dtype=np.float64)
        flat = np.concatenate([f64(v).ravel() for layer in params for v in layer.values()])
        analytic, numeric = _check(
            flat,
            idx,
            f64(x),
            np.asarray(y, np.int32),
            jax.tree.map(f64, bn_state),
            np.array([0, seed % 2**32], np.uint32),
            np.float64(dropout),
            {k: np.float64(v) for k, v in ap.items()},
            np.float64(l1),
            np.float64(l2),
            np.float64(h),
            np.bool_(broken),
            layout=layout,
            activation=activation,
            loss=loss,
            dropout_mode=dropout_mode,
            use_dropout=dropout < 1,
        )
        analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    per_param = {}
    for t, name in enumerate(names):
        a, n = analytic[owner == t], numeric[owner == t]
        na, nn = np.linalg.norm(a), np.linalg.norm(n)
        # Both zero up to finite-difference round-off (e.g. a bias followed by batch norm): 0.
        noise = NOISE_FLOOR * np.sqrt(len(a))
        per_param[name] = float(np.linalg.norm(a - n) / (na + nn)) if max(na, nn) > noise else 0.0
    worst = max(per_param.values())
    return {
        "max_rel_error": worst,
        "per_param": per_param,
        "checked": len(idx),
        "ok": worst < TOLERANCE,
    }


def gradcheck_dataset(
    dataset: str = "spiral",
    hidden: tuple[int, ...] = (8, 8),
    activation: str = "tanh",
    *,
    batchnorm: bool = False,
    dropout: float = 1.0,
    dropout_mode: str = "inverted",
    loss: str = "cross_entropy",
    init: str = "xavier",
    points: int = 50,
    seed: int = 0,
    broken: bool = False,
    l1: float = 0.0,
    l2: float = 0.0,
) -> dict[str, Any]:
    """:func:`gradcheck` on a small network and a few standardized examples of a dataset.

    Args:
        dataset: registry name (``points`` examples are generated, all used).
        hidden: hidden widths.
        activation, batchnorm, dropout, dropout_mode, loss, init: the network.
        points: examples in the batch.
        seed: data, weights and dropout mask.
        broken: plant the backward-pass bug.
        l1, l2: penalty weights.
    """
    data = make_dataset(dataset, {"points": points}, seed)
    prep = fit_preprocessor("standardize", data.x_train)
    x = prep.apply(np.concatenate([data.x_train, data.x_val, data.x_test]))
    y = np.concatenate([data.y_train, data.y_val, data.y_test])
    sizes = (x.shape[1], *map(int, hidden), output_size(loss, data.n_classes))
    params = init_mlp(seed, sizes, activation, init, batchnorm=batchnorm)
    if batchnorm:
        # Move γ, β off their initial 1, 0 so their gradients are generic.
        rng = np.random.default_rng(seed + 1)
        for layer in params[:-1]:
            layer["gamma"] = layer["gamma"] + 0.1 * rng.standard_normal(
                layer["gamma"].shape
            ).astype(np.float32)
            layer["beta"] = layer["beta"] + 0.1 * rng.standard_normal(layer["beta"].shape).astype(
                np.float32
            )
    # Non-zero biases: a generic point (and no unit sits exactly at a ReLU kink).
    rng = np.random.default_rng(seed + 2)
    for layer in params:
        layer["b"] = layer["b"] + 0.1 * rng.standard_normal(layer["b"].shape).astype(np.float32)
    return gradcheck(
        params,
        x,
        y,
        activation,
        loss=loss,
        dropout=dropout,
        dropout_mode=dropout_mode,
        seed=seed,
        broken=broken,
        l1=l1,
        l2=l2,
    )


__all__ = ["MAX_CHECKS", "TOLERANCE", "gradcheck", "gradcheck_dataset"]
