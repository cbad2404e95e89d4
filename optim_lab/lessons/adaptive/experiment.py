"""The adaptive lesson's quantities from finished runs: what multiplied each gradient, the lengths
of the steps, and Adam's bias-correction factors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...step_inspector import states_along, step_sizes
from ...trajectory import Trajectory


def step_ratio(grads: np.ndarray, updates: np.ndarray, floor: float = 1e-12) -> np.ndarray:
    r""":math:`|\Delta\theta_{t,i}| / |g_{t,i}|`, what actually multiplied each gradient component
    (momentum included); NaN where the gradient component is below ``floor``."""
    g = np.abs(np.asarray(grads, dtype=np.float64))
    u = np.abs(np.asarray(updates, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(g > floor, u / g, np.nan)


def adam_bias_factors(beta1: float, beta2: float, steps: int) -> dict[str, np.ndarray]:
    r"""How far the raw moments fall short of their corrected values at t = 1 … steps.

    Returns:
        ``t``; ``m`` = :math:`1-\beta_1^t` (raw m over corrected m̂); ``sqrt_v`` =
        :math:`\sqrt{1-\beta_2^t}` (raw √v over √v̂); ``step`` = their ratio, the size of an
        uncorrected step relative to a corrected one when ε is negligible (< 1: a slow start,
        > 1: early steps too long).
    """
    t = np.arange(1, steps + 1, dtype=np.float64)
    m = 1.0 - beta1**t
    sqrt_v = np.sqrt(1.0 - beta2**t)
    return {"t": t, "m": m, "sqrt_v": sqrt_v, "step": m / sqrt_v}


def adam_step_multiplier(rms: np.ndarray, lr: float, eps: float, inside: bool) -> np.ndarray:
    r"""Adam's per-coordinate step size as a function of the gradient's RMS :math:`\sqrt{\hat v}`:
    :math:`\alpha/(\sqrt{\hat v}+\epsilon)` or, with ε inside the root, :math:`\alpha/\sqrt{\hat v+\epsilon}`."""
    rms = np.asarray(rms, dtype=np.float64)
    if inside:
        return lr / np.sqrt(rms * rms + eps)
    return lr / (rms + eps)


def step_lengths(updates: np.ndarray) -> np.ndarray:
    """Euclidean length of each step, ``(T, n) -> (T,)``."""
    return np.linalg.norm(np.asarray(updates, dtype=np.float64), axis=1)


def sqrt_v_hat_ranges(adam_run: Trajectory) -> list[tuple[str, float, float]]:
    """The smallest and largest √v̂ an Adam run met, per coordinate (read from its state):
    ``(label, low, high)``, for the ε figure."""
    v_hat = states_along(adam_run)["v_hat"]
    ranges = []
    for axis, col in (("x", 0), ("y", 1)):
        root = np.sqrt(v_hat[:, col])
        root = root[np.isfinite(root) & (root > 0)]
        if root.size:
            ranges.append((f"√v̂ seen in {axis}", float(root.min()), float(root.max())))
    return ranges


def per_coordinate(trajectories: Sequence[Trajectory], quantity: str) -> tuple[list, str]:
    """Per run, what each step did to each coordinate, and the axis title: ``size``, the step
    size its rule gave (from its state); ``ratio``, |Δθᵢ| / |gᵢ| as it happened."""
    if quantity == "size":
        return [step_sizes(t) for t in trajectories], "step size (log)"
    return [step_ratio(t.grads, t.updates) for t in trajectories], "|Δθᵢ| / |gᵢ| (log)"


def hparams_of(trajectories: Sequence[Trajectory], optimizer: str) -> dict:
    """The hyper-parameters of the first run of ``optimizer`` (a copy)."""
    return dict(next(t.spec.hparams for t in trajectories if t.spec.optimizer == optimizer))


def length_ratios(corrected: np.ndarray, uncorrected: np.ndarray) -> np.ndarray:
    """Uncorrected over corrected step length, step by step; NaN where either step has no positive
    length (a run that stopped)."""
    on = np.asarray(corrected, dtype=np.float64)
    off = np.asarray(uncorrected, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((on > 0) & (off > 0), off / on, np.nan)


def eps_multipliers(lr: float, eps: float, points: int = 300) -> tuple[np.ndarray, ...]:
    """``(rms, outside, inside)``: Adam's step size over gradient sizes from below ε (or 10⁻³) up
    to 10, with ε outside and inside the square root."""
    rms = np.geomspace(min(eps / 10, 1e-3), 10.0, points)
    outside = adam_step_multiplier(rms, lr, eps, inside=False)
    return rms, outside, adam_step_multiplier(rms, lr, eps, inside=True)


def largest_gap(points_a: np.ndarray, points_b: np.ndarray) -> float:
    """The largest distance between two paths' points taken at the same steps."""
    return float(np.max(np.linalg.norm(np.asarray(points_a) - np.asarray(points_b), axis=1)))
