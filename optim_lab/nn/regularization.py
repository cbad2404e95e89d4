r"""Weight penalties and early stopping.

Penalties act on the weight matrices ``w`` only (not biases, γ, β or PReLU slopes):

.. math::
    R_{L1} = \sum_l \sum_{ij} |W^{(l)}_{ij}|,\qquad
    R_{L2} = \tfrac12 \sum_l \sum_{ij} \big(W^{(l)}_{ij}\big)^2,\qquad
    R = \lambda_1 R_{L1} + \lambda_2 R_{L2}\ \text{(elastic net)}

With the ½, the gradient of :math:`\lambda_2 R_{L2}` is :math:`\lambda_2 W`, the same as
coupled weight decay (which, unlike this penalty, also decays biases).

Early stopping keeps the parameters with the lowest validation loss and stops once the loss has not
improved for ``patience`` evaluations. :func:`early_stopping_update` is a pure jnp function (usable
inside ``lax.scan``); :func:`early_stopping_after` does the same on a finished curve in NumPy.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

Params = Any


def weight_leaves(params: Params) -> list[jax.Array]:
    """The weight matrices ``w`` of every layer (what the penalties act on)."""
    return [layer["w"] for layer in params]


def l1_penalty(params: Params) -> jax.Array:
    r""":math:`\sum |W|` over all weight matrices."""
    return sum(jnp.sum(jnp.abs(w)) for w in weight_leaves(params))


def l2_penalty(params: Params) -> jax.Array:
    r""":math:`\tfrac12 \sum W^2` over all weight matrices."""
    return 0.5 * sum(jnp.sum(jnp.square(w)) for w in weight_leaves(params))


def elastic_net(params: Params, l1: Any, l2: Any) -> jax.Array:
    r"""Elastic net :math:`\lambda_1 \sum|W| + \tfrac{\lambda_2}{2}\sum W^2` (either λ may be 0)."""
    return l1 * l1_penalty(params) + l2 * l2_penalty(params)


class EarlyStopping(NamedTuple):
    """Early-stopping memory: the best loss, when it was seen and the parameters then."""

    best_loss: jax.Array
    best_step: jax.Array  # -1 until the first evaluation
    best_params: Params
    bad_count: jax.Array  # evaluations since the last improvement
    stopped_at: jax.Array  # step at which patience ran out, -1 while running


def early_stopping_init(params: Params, dtype=jnp.float32) -> EarlyStopping:
    """A fresh early-stopping state that remembers ``params`` as the best so far."""
    return EarlyStopping(
        jnp.full((), jnp.inf, dtype),
        jnp.full((), -1, jnp.int32),
        params,
        jnp.zeros((), jnp.int32),
        jnp.full((), -1, jnp.int32),
    )


def early_stopping_update(
    state: EarlyStopping, loss: Any, params: Params, step: Any, patience: Any, active: Any = True
) -> EarlyStopping:
    """Observe a validation ``loss`` of ``params`` at ``step`` (pure; jit/scan-safe).

    A loss counts as an improvement when it is strictly below the best. After ``patience``
    evaluations without improvement (``patience <= 0``: never), ``stopped_at`` is set to ``step``;
    after that the state no longer changes.

    Args:
        state: the current state.
        loss: validation loss of ``params``.
        params: the parameters that gave ``loss``.
        step: the step number (recorded as ``best_step`` / ``stopped_at``).
        patience: evaluations without improvement tolerated (traced).
        active: only observe when true (e.g. a step where validation was evaluated).

    Returns:
        The new state; ``state.best_params`` are the weights to restore.
    """
    running = (state.stopped_at < 0) & active
    improved = running & (loss < state.best_loss)
    best_params = jax.tree.map(lambda b, p: jnp.where(improved, p, b), state.best_params, params)
    bad = jnp.where(improved, 0, jnp.where(running, state.bad_count + 1, state.bad_count))
    stop = running & (patience > 0) & (bad >= patience)
    return EarlyStopping(
        jnp.where(improved, loss, state.best_loss).astype(state.best_loss.dtype),
        jnp.where(improved, step, state.best_step).astype(jnp.int32),
        best_params,
        bad.astype(jnp.int32),
        jnp.where(stop, step, state.stopped_at).astype(jnp.int32),
    )


def early_stopping_after(val_losses: np.ndarray, patience: int) -> dict[str, int | None]:
    """Early stopping on a finished validation curve (NumPy).

    Args:
        val_losses: one loss per evaluation (non-finite values never improve).
        patience: evaluations without improvement tolerated (``<= 0``: never stop).

    Returns:
        ``{"best_index": i, "stopped_at": j | None}``: the evaluation whose weights to restore, and
        where training would have stopped.
    """
    best, best_i, bad = np.inf, -1, 0
    for i, loss in enumerate(np.asarray(val_losses, dtype=float)):
        if np.isfinite(loss) and loss < best:
            best, best_i, bad = loss, i, 0
        else:
            bad += 1
        if patience > 0 and bad >= patience:
            return {"best_index": best_i if best_i >= 0 else None, "stopped_at": i}
    return {"best_index": best_i if best_i >= 0 else None, "stopped_at": None}
