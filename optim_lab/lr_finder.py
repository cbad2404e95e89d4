r"""The learning-rate range test: grow α exponentially during one run and watch the loss.

.. math:: \alpha_t = \alpha_{min} \left(\frac{\alpha_{max}}{\alpha_{min}}\right)^{t/(T-1)}

The loss is smoothed by a bias-corrected EWA; the suggested α is where the smoothed loss falls fastest
against log α. The test stops once the loss passes 4× its best.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any, NamedTuple

import jax
import numpy as np

from .ewa import ewa_series
from .surfaces import SurfaceEntry
from .trajectory import (
    RunSpec,
    _as_start,
    _single_run,
    _surface_params,
    default_dtype,
    pack_numbers,
)

STOP_FACTOR = 4.0


class LRFinderResult(NamedTuple):
    lr: np.ndarray  # α used at each step (up to the stop)
    loss: np.ndarray  # loss after each step
    smoothed: np.ndarray  # bias-corrected EWA of the loss
    suggested_lr: float | None
    stopped_at: int | None  # step where the loss passed 4× its best (None: ran to the end)


@partial(jax.jit, static_argnames=("program",))
def _range_run(program, start, surface_params, runs, lr):
    outs, diverged_at = jax.vmap(lambda run: _single_run(program, start, surface_params, run, lr))(
        runs
    )
    return outs.loss[0], diverged_at[0]


def lr_range_test(
    surface: SurfaceEntry,
    spec: RunSpec,
    start,
    steps: int = 200,
    lr_min: float = 1e-5,
    lr_max: float = 10.0,
    surface_params: Mapping[str, Any] | None = None,
    smoothing: float = 0.9,
) -> LRFinderResult:
    """Runs ``spec`` with an exponentially growing learning rate and suggests one.

    Args:
        surface, spec, start, surface_params: as in :func:`optim_lab.trajectory.run`; the spec's own
            lr and schedule are ignored.
        steps: length of the test.
        lr_min, lr_max: the range swept (log-spaced).
        smoothing: β of the EWA that smooths the loss.
    """
    if not 0 < lr_min < lr_max:
        raise ValueError(f"need 0 < lr_min < lr_max, got {lr_min:g} and {lr_max:g}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing:g}")
    dtype = default_dtype()
    program, packed = pack_numbers(surface, [spec], steps, details=False, dtype=dtype)
    lrs = np.geomspace(lr_min, lr_max, steps)
    padded = np.concatenate([lrs, np.full(program.steps - steps, lr_max)]).astype(dtype)
    loss, diverged_at = _range_run(
        program,
        _as_start(start, dtype),
        _surface_params(surface, surface_params, dtype),
        packed,
        padded,
    )
    loss = np.asarray(loss, dtype=np.float64)[:steps]
    end = min(int(diverged_at) - 1, steps)  # steps before the divergence
    best = np.minimum.accumulate(loss)
    blown = np.nonzero((loss > STOP_FACTOR * best) & (best > 0))[0]
    stopped_at = int(blown[0]) if blown.size else None
    if stopped_at is not None:
        end = min(end, stopped_at + 1)
    elif end < steps:
        stopped_at = end
    loss, lrs = loss[:end], lrs[:end]
    _, smoothed = ewa_series(loss, smoothing)
    suggested = None
    if len(loss) >= 3:
        slope = np.gradient(smoothed, np.log(lrs))
        suggested = float(lrs[int(np.argmin(slope))])
    return LRFinderResult(lrs, loss, smoothed, suggested, stopped_at)
