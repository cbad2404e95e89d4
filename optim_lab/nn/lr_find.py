r"""The learning-rate range test on a network: one training run, mini-batch by mini-batch, whose
rate grows exponentially at every step (Smith 2017; fastai's ``lr_find``).

The run is the trainer's own (:mod:`.training`, the configuration's data, network, optimizer and
mini-batches) with the registry's exponential schedule
:math:`\alpha_t = \alpha_0 e^{-kt}` at a *negative* rate :math:`k`:

.. math::
    \alpha_t = \alpha_{min} \left(\frac{\alpha_{max}}{\alpha_{min}}\right)^{t/(T-1)}, \qquad
    \alpha_0 = \alpha_{min},\quad k = -\frac{\ln(\alpha_{max}/\alpha_{min})}{T-1}.

The loss :math:`L_t` is the mini-batch loss at step :math:`t` (before its update). It is smoothed
by the bias-corrected EWA of :mod:`optim_lab.ewa` with :math:`\beta = 0.98`, as fastai does:

.. math::
    v_t = \beta v_{t-1} + (1-\beta) L_t,\quad v_0 = 0, \qquad
    \tilde L_t = \frac{v_t}{1-\beta^{t+1}}.

**Stop.** The test ends at the first step with :math:`\tilde L_t > 4 \min_{s\le t}\tilde L_s`
(that step is kept), or before the first step whose loss is not finite (the trainer also ends a run
whose cost, averaged over about an epoch, passes 3× its initial value; see
:mod:`.training_rules`).

**Suggestions** (rules in :mod:`optim_lab.lr_finder`) read :math:`\tilde L` as fastai does,
without its last 5 points (the blow-up) and its first
:math:`\max(\lfloor T/10\rfloor, 1/(1-\beta))` = 50 steps: while :math:`t < 1/(1-\beta)` the
bias-corrected average holds fewer batches than its window, and on small mini-batches it wanders
as much as the curve falls.

- ``steepest``: :math:`\arg\min_i \partial\tilde L/\partial\ln\alpha`, where the loss falls
  fastest per decade of α. One step of the smoothed curve moves by
  :math:`(1-\beta)(L_t - \tilde L_{t-1})`: one batch's luck. So the slope is taken across a
  quarter decade of α on either side, :math:`\tilde L_{i+h} - \tilde L_{i-h}` over
  :math:`\ln\alpha_{i+h} - \ln\alpha_{i-h}` with :math:`h` = the steps in a quarter decade
  (11 for the default sweep);
- ``min_div_10``: :math:`\alpha_{i^*}/10`, :math:`i^* = \arg\min_i \tilde L_i`: the lowest point
  is close to the edge of blowing up, so step back a decade;
- ``valley``: fastai's rule, about halfway along the longest descending stretch of
  :math:`\tilde L` (:func:`optim_lab.lr_finder.valley_index` has the exact formula).

**Cyclical bounds** (:func:`optim_lab.lr_finder.cyclic_bounds`): over the same stretch, with
:math:`\Delta = \tilde L_{first} - \tilde L_{min}`, the lower bound is the first α where
:math:`\tilde L \le \tilde L_{first} - 0.1\Delta` (the loss has started to fall), the upper bound
the first α where :math:`\tilde L \le \tilde L_{min} + 0.1\Delta` (the fall is nearly over).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ..ewa import ewa_series
from ..lr_finder import cyclic_bounds, min_div_10, steepest, stop_index, sweep_rates, valley
from .training import init_training, train_chunk
from .training_config import TrainConfig, f32, make_hparams

#: fastai sweeps 1e-7 → 10 in 100 steps; with 300 the smoothing's lag, 1/(1−β) = 50 steps, is
#: about a decade of α instead of four.
LR_MIN, LR_MAX, STEPS = 1e-6, 10.0, 300
#: EWA decay of the smoothed loss (fastai's).
BETA = 0.98
#: Most steps a test may take.
MAX_STEPS = 300
#: Steps per compiled chunk: the test stops after the chunk in which it passes 4× its best.
CHUNK = 50
#: The rules read the curve without its last this many points.
SKIP_END = 5
#: The steepest slope is measured across this many decades of α on either side.
SLOPE_DECADES = 0.25


class LRFindResult(NamedTuple):
    """A range test on a network (every array covers the steps taken, up to the stop).

    Attributes:
        lr: α of each step.
        loss: mini-batch loss of each step.
        smoothed: its bias-corrected EWA (β = 0.98).
        suggestions: ``{"steepest", "min_div_10", "valley"}`` → α (``None``: too few points).
        bounds: ``(lower, upper)`` for a cyclical schedule, or ``None`` when the loss never fell.
        stopped_at: the step where the test stopped (the last one kept, or the first non-finite
            one), ``None`` when it ran through the whole range.
        window: ``(first, end)``, the steps the rules read (``end`` exclusive).
    """

    lr: np.ndarray
    loss: np.ndarray
    smoothed: np.ndarray
    suggestions: dict[str, float | None]
    bounds: tuple[float, float] | None
    stopped_at: int | None
    window: tuple[int, int]

    @property
    def ending(self) -> str:
        """Why the test ended: ``"blown"`` (smoothed loss past 4× its best), ``"diverged"`` (a
        loss that is not finite, or the trainer's own divergence rule) or ``"range"`` (it swept
        the whole range)."""
        if self.stopped_at is None:
            return "range"
        return "diverged" if self.stopped_at == len(self.loss) else "blown"


def range_config(config: TrainConfig, steps: int) -> TrainConfig:
    """The configuration the test trains: the exponential schedule, no early stopping, and the
    validation set evaluated only at the start (the test reads the training loss)."""
    return replace(config, schedule="exponential", schedule_params={}, patience=0, eval_every=steps)


def growing_hparams(config: TrainConfig, lr_min: float, lr_max: float, steps: int) -> tuple:
    """The trainer's traced values with the exponential schedule turned into the sweep: base rate
    α_min, rate k = −ln(α_max/α_min)/(T−1) (the registry only offers decays, k ≥ 0)."""
    k = -math.log(lr_max / lr_min) / (steps - 1)
    return tuple(
        {**hp, "sched": {**hp["sched"], "lr": f32(lr_min), "k": f32(k)}}
        for hp in make_hparams(config)
    )


def slope_span(lr) -> int:
    """Steps in :data:`SLOPE_DECADES` decades of a geometric sweep (at least 1)."""
    if len(lr) < 2:
        return 1
    return max(1, round(SLOPE_DECADES / math.log10(lr[1] / lr[0])))


def read_curve(lr, loss, steps: int, beta: float = BETA) -> LRFindResult:
    """The smoothing, the stop and the rules applied to a recorded test.

    Args:
        lr, loss: the rate and the loss of each step recorded (NaN once the run stopped).
        steps: the test's planned length T (the rules skip its first
            max(⌊T/10⌋, 1/(1−β)) steps).
        beta: EWA decay of the smoothing.
    """
    lr, loss = np.asarray(lr, np.float64), np.asarray(loss, np.float64)
    nonfinite = np.flatnonzero(~np.isfinite(loss))
    end = int(nonfinite[0]) if nonfinite.size else len(loss)
    _, smoothed = ewa_series(loss[:end], beta)
    blown = stop_index(smoothed)
    stopped_at = blown if blown is not None else (end if nonfinite.size else None)
    if blown is not None:
        end = blown + 1
    lr, loss, smoothed = lr[:end], loss[:end], smoothed[:end]
    first = min(max(steps // 10, round(1 / (1 - beta))), end)
    window = (first, max(end - SKIP_END, first))
    lrs, curve = lr[window[0] : window[1]], smoothed[window[0] : window[1]]
    suggestions = {
        "steepest": steepest(lrs, curve, slope_span(lr)),
        "min_div_10": min_div_10(lrs, curve),
        "valley": valley(lrs, curve),
    }
    bounds = cyclic_bounds(lrs, curve)
    return LRFindResult(lr, loss, smoothed, suggestions, bounds, stopped_at, window)


def lr_find(
    config: TrainConfig,
    lr_min: float = LR_MIN,
    lr_max: float = LR_MAX,
    steps: int = STEPS,
    beta: float = BETA,
) -> LRFindResult:
    """Runs the range test on ``config``'s data, network and optimizer (its rate and schedule are
    replaced by the sweep; ``batch_size`` is the mini-batch of every step).

    Args:
        config: the training configuration.
        lr_min, lr_max: the range swept (log-spaced).
        steps: the test's length T (2 … 300); it stops earlier when the loss blows up.
        beta: EWA decay of the smoothing (fastai: 0.98).

    Raises:
        ValueError: an invalid configuration or range (one-line message).
    """
    if not 2 <= int(steps) <= MAX_STEPS:
        raise ValueError(f"steps must be between 2 and {MAX_STEPS}, got {steps}")
    sweep_rates(lr_min, lr_max, steps)  # checks the range
    if not 0 <= beta < 1:
        raise ValueError(f"beta must be in [0, 1), got {beta:g}")
    steps = int(steps)
    config = range_config(config, steps)
    state = init_training(config)
    hparams = growing_hparams(config, lr_min, lr_max, steps)
    lr, loss = [], []
    while state.step < steps:
        state, records = train_chunk(state, hparams, n_steps=min(CHUNK, steps), until=steps)
        taken = min(CHUNK, steps - len(loss))
        lr.extend(records["lr"][0, :taken])
        loss.extend(records["loss"][0, :taken])
        # Stop training once the curve has stopped; read_curve cuts it exactly.
        if read_curve(lr, loss, steps, beta).stopped_at is not None:
            break
    return read_curve(lr, loss, steps, beta)
