r"""The learning-rate range test: grow α exponentially during one run and watch the loss.

.. math:: \alpha_t = \alpha_{min} \left(\frac{\alpha_{max}}{\alpha_{min}}\right)^{t/(T-1)},
          \qquad t = 0, \dots, T-1

This module runs it on a surface (:func:`lr_range_test`) and holds the rules every range test
reads off its curve (the network's, :mod:`optim_lab.nn.lr_find`, uses the same ones):

- **stop** (:func:`stop_index`): at the first step whose watched loss is not finite or passes
  4× its best so far, :math:`L_t > 4 \min_{s \le t} L_s` (only while that best is positive);
- **steepest** (:func:`steepest`): the α where the smoothed loss :math:`\tilde L` falls fastest
  against :math:`\ln\alpha`, :math:`\arg\min_i \partial \tilde L / \partial \ln\alpha`, the slope
  taken by differences across :math:`\pm h` steps (central differences on a surface);
- **minimum ÷ 10** (:func:`min_div_10`): :math:`\alpha_{i^*}/10` with
  :math:`i^* = \arg\min_i \tilde L_i`;
- **valley** (:func:`valley`): fastai's rule on the longest descending stretch;
- **cyclical bounds** (:func:`cyclic_bounds`): where the fall of :math:`\tilde L` is 10 % and 90 %
  done.

On a surface the loss is deterministic: the test stops on the raw loss and smooths it lightly
(β = 0.9) for the suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import jax
import numpy as np

from .ewa import ewa_series
from .programs import per_program
from .surfaces import SurfaceEntry
from .trajectory import (
    RunSpec,
    _as_start,
    _single_run,
    _surface_params,
    default_dtype,
    pack_numbers,
)

#: The test stops once the watched loss passes this many times its best.
STOP_FACTOR = 4.0
#: The cyclical bounds: where this share and (1 − it) of the smoothed loss's fall are done.
FALL_SHARE = 0.1
#: Every rule needs at least this many points.
MIN_POINTS = 3


def sweep_rates(lr_min: float, lr_max: float, steps: int) -> np.ndarray:
    r"""The rates of a range test, :math:`\alpha_t = \alpha_{min} (\alpha_{max}/\alpha_{min})^{t/(T-1)}`.

    Raises:
        ValueError: unless :math:`0 < \alpha_{min} < \alpha_{max}` and ``steps`` ≥ 2.
    """
    if not 0 < lr_min < lr_max:
        raise ValueError(f"need 0 < lr_min < lr_max, got {lr_min:g} and {lr_max:g}")
    if int(steps) < 2:
        raise ValueError(f"a range test needs at least 2 steps, got {steps}")
    return np.geomspace(lr_min, lr_max, int(steps))


def stop_index(values, factor: float = STOP_FACTOR) -> int | None:
    r"""The first step whose value is not finite or passes ``factor`` × the best so far,
    :math:`L_t > c \min_{s \le t} L_s` (checked only while that best is positive); ``None`` if
    there is none."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    best = np.minimum.accumulate(np.where(finite, values, np.inf))
    with np.errstate(invalid="ignore"):
        blown = ~finite | ((best > 0) & (values > factor * best))
    hits = np.flatnonzero(blown)
    return int(hits[0]) if hits.size else None


def _checked(lr, curve) -> tuple[np.ndarray, np.ndarray] | None:
    lr, curve = np.asarray(lr, dtype=np.float64), np.asarray(curve, dtype=np.float64)
    if len(lr) != len(curve):
        raise ValueError(f"{len(lr)} rates for {len(curve)} losses")
    if len(curve) < MIN_POINTS or not np.all(np.isfinite(curve)):
        return None
    return lr, curve


def steepest(lr, curve, span: int = 1) -> float | None:
    r"""The rate where ``curve`` falls fastest against :math:`\ln\alpha`,
    :math:`\alpha_{i^*}` with

    .. math:: i^* = \arg\min_i \frac{L_{i+h} - L_{i-h}}{\ln\alpha_{i+h} - \ln\alpha_{i-h}}

    (indices clipped to the curve, so the ends are one-sided). ``span`` :math:`h = 1` is the
    central difference; a wider span averages the slope over more steps, for noisy curves.
    ``None`` for fewer than 3 finite points.
    """
    checked = _checked(lr, curve)
    if checked is None:
        return None
    lr, curve = checked
    i = np.arange(len(curve))
    lo, hi = np.maximum(i - span, 0), np.minimum(i + span, len(curve) - 1)
    log_lr = np.log(lr)
    return float(lr[int(np.argmin((curve[hi] - curve[lo]) / (log_lr[hi] - log_lr[lo])))])


def min_div_10(lr, curve) -> float | None:
    r"""A tenth of the rate at the curve's lowest point, :math:`\alpha_{i^*}/10`,
    :math:`i^* = \arg\min_i L_i` (fastai's "minimum"): the lowest point is already close to where
    the loss blows up."""
    checked = _checked(lr, curve)
    if checked is None:
        return None
    lr, curve = checked
    return float(lr[int(np.argmin(curve))] / 10)


def valley_index(curve) -> int | None:
    r"""fastai's valley rule, as an index into ``curve``.

    :math:`\ell_i` is the length of the longest strictly decreasing subsequence of the curve that
    ends at :math:`i`: :math:`\ell_i = 1 + \max\{\ell_j : j < i,\ L_j > L_i\}` (1 if there is
    none). The valley ends at :math:`e`, the first index with the largest :math:`\ell`, and starts
    at :math:`s = e - \ell_e`; with :math:`\ell = e - s` the rule picks
    :math:`i = s + \lfloor \ell/3 \rfloor + \lfloor \ell/6 \rfloor`, the middle of the valley's
    middle third: about halfway along it (0 if that falls before the curve's start).
    ``None`` for fewer than 3 finite points.
    """
    curve = np.asarray(curve, dtype=np.float64)
    if len(curve) < MIN_POINTS or not np.all(np.isfinite(curve)):
        return None
    lengths = np.ones(len(curve), dtype=int)
    for i in range(1, len(curve)):
        higher = curve[:i] > curve[i]
        if higher.any():
            lengths[i] = 1 + lengths[:i][higher].max()
    end = int(np.argmax(lengths))
    length = int(lengths[end])
    start = end - length
    return max(start + length // 3 + length // 6, 0)


def valley(lr, curve) -> float | None:
    """The rate at :func:`valley_index` (fastai's default suggestion)."""
    checked = _checked(lr, curve)
    if checked is None:
        return None
    lr, curve = checked
    return float(lr[valley_index(curve)])


def cyclic_bounds(lr, curve, share: float = FALL_SHARE) -> tuple[float, float] | None:
    r"""Bounds for a cyclical schedule read off the curve: where its fall is ``share`` done and
    where it is ``1 − share`` done.

    The fall runs from the curve's first value :math:`L_0` to its lowest, :math:`L_{min}`, a drop
    :math:`\Delta = L_0 - L_{min}`. The lower bound is the first rate with
    :math:`L_i \le L_0 - 0.1\,\Delta` (the loss has started to fall); the upper bound the first
    with :math:`L_i \le L_{min} + 0.1\,\Delta` (the fall is nearly over: beyond it the loss only
    turns up). ``None`` when the curve never falls.
    """
    checked = _checked(lr, curve)
    if checked is None:
        return None
    lr, curve = checked
    drop = curve[0] - curve.min()
    if not drop > 0:
        return None
    lower = int(np.argmax(curve <= curve[0] - share * drop))
    upper = int(np.argmax(curve <= curve.min() + share * drop))
    return float(lr[lower]), float(lr[upper])


class LRFinderResult(NamedTuple):
    lr: np.ndarray  # α used at each step (up to the stop)
    loss: np.ndarray  # loss after each step
    smoothed: np.ndarray  # bias-corrected EWA of the loss
    suggested_lr: float | None
    stopped_at: int | None  # step where the loss passed 4× its best (None: ran to the end)


@per_program
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
    lrs = sweep_rates(lr_min, lr_max, steps)
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), got {smoothing:g}")
    dtype = default_dtype()
    program, packed = pack_numbers(surface, [spec], steps, details=False, dtype=dtype)
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
    stopped_at = stop_index(loss[: max(end, 0)])
    if stopped_at is not None:
        end = stopped_at + 1
    elif end < steps:
        stopped_at = end
    loss, lrs = loss[:end], lrs[:end]
    _, smoothed = ewa_series(loss, smoothing)
    return LRFinderResult(lrs, loss, smoothed, steepest(lrs, smoothed), stopped_at)
