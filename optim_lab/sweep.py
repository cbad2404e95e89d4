"""Hyper-parameter sweeps on a 2D surface: a grid of runs of one optimizer over two of its
hyper-parameters, one vmapped call, final values only (the momentum lesson's (α, β) map)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .cpu_tuning import pieces_for_cores
from .optimizers import OPTIMIZERS
from .programs import per_program
from .surfaces import SurfaceEntry
from .trajectory import (
    MAX_STEPS,
    PackedNumbers,
    Program,
    RunSpec,
    _as_start,
    _stepper,
    _surface_params,
    column_of,
    default_dtype,
    pack_numbers,
)


class SweepResult(NamedTuple):
    """Per grid cell (rows = y values, columns = x values)."""

    x_name: str
    x_values: np.ndarray
    y_name: str
    y_values: np.ndarray
    final_loss: np.ndarray  # loss at the end (at the last finite point if diverged)
    steps_to_tol: np.ndarray  # first step with loss − best ≤ tol; -1 when never reached
    diverged: np.ndarray  # bool


@per_program
def _sweep_batch(program: Program, n_steps, start, surface_params, packed: PackedNumbers, tol):
    """Final loss, first step within ``tol`` of the best known minimum and divergence per run, after
    ``n_steps`` (traced, ≤ ``program.steps``): the loop carries only these, never the whole path."""
    minima = [
        program.surface.fn(jnp.asarray(m, start.dtype), surface_params)
        for m in program.surface.minima
    ]
    target = jnp.min(jnp.stack(minima)) if minima else 0.0

    def one(run):
        carry, step = _stepper(program, start, surface_params, run, freeze=False, hoist=True)

        def body(t, carry_and_stats):
            carry, (final_loss, first_hit) = carry_and_stats
            carry, out = step(carry, t)
            healthy = t + 1 < carry[-1]
            hit = healthy & (out.loss - target <= tol) & (first_hit < 0)
            final_loss = jnp.where(healthy, out.loss, final_loss)
            return carry, (final_loss, jnp.where(hit, t + 1, first_hit))

        # A loop of exactly n_steps (traced: any step count shares one program).
        stats = (carry[1], jnp.asarray(-1))
        carry, (final_loss, first_hit) = jax.lax.fori_loop(0, n_steps, body, (carry, stats))
        return final_loss, first_hit, carry[-1] <= n_steps

    return jax.vmap(one)(packed)


def sweep(
    surface: SurfaceEntry,
    base: RunSpec,
    x_name: str,
    x_values: Sequence[float],
    y_name: str,
    y_values: Sequence[float],
    start,
    steps: int,
    surface_params: Mapping[str, Any] | None = None,
    tol: float = 1e-3,
) -> SweepResult:
    """Runs ``base`` over the grid ``x_name × y_name`` (two of its optimizer's hyper-parameters).

    The grid is one vmapped call; only final values come back. ``tol`` is measured from the surface's
    best known minimum (0 when none is listed).
    """
    entry = OPTIMIZERS[base.optimizer]
    xs = np.asarray(x_values, dtype=float)
    ys = np.asarray(y_values, dtype=float)
    for name, values in ((x_name, xs), (y_name, ys)):
        for value in values:
            entry.param(name).validate(value)
    if x_name == y_name:
        raise ValueError(f"sweep two different hyper-parameters, not {x_name} twice")
    if not (math.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number ≥ 0, got {tol:g}")
    dtype = default_dtype()
    # Pack the base run once and tile it: the grid only changes two columns.
    program, packed = pack_numbers(surface, [base], steps, False, dtype)
    column = partial(column_of, program.columns)
    program = replace(program, steps=MAX_STEPS)
    grid_x, grid_y = np.meshgrid(xs, ys)
    numbers = np.repeat(packed.numbers, grid_x.size, axis=0)
    numbers[:, column("hparams", x_name)] = grid_x.reshape(-1)
    numbers[:, column("hparams", y_name)] = grid_y.reshape(-1)
    if "lr" in (x_name, y_name):  # the schedule's base lr follows the optimizer's
        numbers[:, column("sched_params", "lr")] = numbers[:, column("hparams", "lr")]
    packed = PackedNumbers(
        numbers,
        np.repeat(packed.sched_index, grid_x.size),
        np.repeat(packed.seed, grid_x.size),
    )
    rest = (
        np.int32(steps),
        _as_start(start, dtype),
        _surface_params(surface, surface_params, dtype),
    )
    parts = [
        _sweep_batch(program, *rest, part, np.asarray(tol, dtype))  # dispatched, not awaited
        for part in pieces_for_cores(packed)
    ]
    final, first, diverged = (
        np.concatenate([np.asarray(part[i]) for part in parts])[: grid_x.size] for i in range(3)
    )
    shape = (len(ys), len(xs))
    return SweepResult(
        x_name,
        xs,
        y_name,
        ys,
        np.asarray(final, dtype=np.float64).reshape(shape),
        np.asarray(first).reshape(shape),
        np.asarray(diverged).reshape(shape),
    )
