r"""What every network trainer shares (the playground's and the lessons' chunked training,
:mod:`.training`, and the batched trials of searches and ensembles, :mod:`.generalization`), so a
run means the same wherever it is trained: how mini-batches are drawn, how one update is taken and
when a run has exploded.

**One update** (:func:`take_step`): the optimizer's update at the scheduled rate, limited to the
parameters a run may change, then the verdict: a run whose cost or new parameters are not finite,
or whose cost has exploded, keeps its old state and stops there.

**Mini-batches.** Epoch :math:`e` visits the training set in a fresh random order; iteration
:math:`i` of the epoch takes positions :math:`iB \ldots (i+1)B - 1` of it, with
:math:`I = \lceil N / B\rceil` iterations per epoch. The last batch of an epoch is filled up by
wrapping around, and those extra positions are masked out of the loss.

**Exploded.** A run explodes when its cost passes :math:`3\,J(\theta_0)` (the full-batch cost at
the start). With mini-batches the cost watched is a bias-corrected running average over about one
epoch (decay :math:`1 - B/N`), checked from step :math:`\min(I, 10)` on, so one unlucky batch does
not stop a healthy run.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

#: The "exploded" rule: the cost above this many times the initial cost.
EXPLODE_FACTOR = 3.0


def iterations_per_epoch(n: int, batch_size: int | None) -> int:
    r"""Iterations per epoch as in the lectures: :math:`\lceil N / B \rceil` (full batch: 1)."""
    b = n if batch_size is None else min(int(batch_size), n)
    return math.ceil(n / b)


def epoch_order(key: jax.Array, epoch, n: int, batch_size: int) -> jax.Array:
    """Epoch ``epoch``'s order of the ``n`` training examples, wrapped around to fill the last
    batch: ``I·B`` indices."""
    perm = jax.random.permutation(jax.random.fold_in(key, epoch), n).astype(jnp.int32)
    extra = iterations_per_epoch(n, batch_size) * batch_size - n
    return jnp.concatenate([perm, perm[:extra]]) if extra else perm


def batch_at(order: jax.Array, iteration, n: int, batch_size: int):
    """The examples of one iteration of an epoch (``order`` from :func:`epoch_order`) and the mask
    of the positions that count (None when every batch is full)."""
    indices = jax.lax.dynamic_slice(order, (iteration * batch_size,), (batch_size,))
    if n % batch_size == 0:
        return indices, None
    return indices, ((iteration * batch_size + jnp.arange(batch_size)) < n).astype(jnp.float32)


def cost_smoothing(n: int, batch_size: int) -> float:
    """Decay of the running average of the cost that the rule watches: a window of about one epoch
    (0 for full batches: the cost itself)."""
    return 0.0 if batch_size >= n else 1.0 - batch_size / n


def watch_cost(smooth, cost, initial_cost, t, *, n: int, batch_size: int):
    """One step of the rule: the running average updated with ``cost`` at step ``t`` (from 0), and
    whether the run has exploded (a non-finite cost is the caller's own check)."""
    beta = cost_smoothing(n, batch_size)
    smooth = beta * smooth + (1 - beta) * cost
    watched = smooth / (1 - beta ** (t + 1).astype(jnp.float32)) if beta > 0 else cost
    warmed_up = t + 1 >= min(iterations_per_epoch(n, batch_size), 10)
    return smooth, warmed_up & (watched > EXPLODE_FACTOR * initial_cost)


class Step(NamedTuple):
    """One update of one run, and its verdict (booleans are traced scalars)."""

    params: jax.Array  # the new parameters (as proposed; keep the old ones where not ``ok``)
    updates: jax.Array
    opt_state: Any
    ok: jax.Array  # live, finite and not exploded: the update is accepted
    nonfinite: jax.Array  # a live run whose cost or parameters became NaN/inf at this step
    exploded: jax.Array  # a live run whose (finite) cost passed the rule's bound at this step
    smooth: jax.Array  # the rule's running average after this step


def take_step(
    opt,
    grads,
    opt_state,
    params,
    opt_hp,
    lr,
    cost,
    *,
    live,
    smooth,
    initial_cost,
    t,
    n,
    batch_size,
    mask=None,
    project=None,
) -> Step:
    """The optimizer's update of the flat ``params`` at rate ``lr`` (only where ``mask`` is 1;
    ``project(params, lr)`` after it, e.g. a proximal step), with the verdict on ``cost`` (the
    objective at the old parameters)."""
    updates, new_state = opt.update(grads, opt_state, params, {**opt_hp, "lr": lr})
    if mask is not None:
        updates = updates * mask
    new = params + updates
    if project is not None:
        new = project(new, lr)
    finite = jnp.isfinite(cost) & jnp.all(jnp.isfinite(new))
    new_smooth, blown = watch_cost(smooth, cost, initial_cost, t, n=n, batch_size=batch_size)
    return Step(
        new,
        updates,
        new_state,
        live & finite & ~blown,
        live & ~finite,
        live & finite & blown,
        jnp.where(live & finite, new_smooth, smooth),
    )
