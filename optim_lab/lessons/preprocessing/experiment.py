"""The preprocessing lesson's experiments (plain NumPy, seeded, recomputed at every slider move):
an off-centre correlated point cloud to preprocess, and a 2-weight linear unit trained by SGD on
all-positive or zero-centred inputs (why all-positive inputs force zig-zag updates)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...nn.data import pca_rotate, standardize, whiten, zero_center

#: The unit's true weights: reaching them needs w₁ to grow while w₂ shrinks.
TRUE_WEIGHTS = (1.0, -1.0)
#: Where SGD starts: the opposite corner, so both weights must move in opposite directions.
START_WEIGHTS = (-1.0, 1.0)


def correlated_cloud(
    points: int = 300,
    seed: int = 0,
    centre: tuple[float, float] = (4.0, 2.5),
    stds: tuple[float, float] = (2.0, 0.5),
    angle_deg: float = 30.0,
) -> np.ndarray:
    """An elongated Gaussian cloud, rotated and shifted away from the origin.

    Args:
        points: number of points.
        seed: NumPy seed.
        centre: the cloud's mean.
        stds: standard deviations along its two principal axes (before rotation).
        angle_deg: rotation of the long axis, in degrees.

    Returns:
        ``(points, 2)`` float64 array.
    """
    if not 3 <= int(points) <= 20_000:
        raise ValueError(f"points must be between 3 and 20000, got {points}")
    rng = np.random.default_rng(int(seed))
    z = rng.standard_normal((int(points), 2)) * np.asarray(stds, float)
    a = math.radians(angle_deg)
    rotation = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    return z @ rotation + np.asarray(centre, float)


def _unit_inputs(n: int, seed: int) -> np.ndarray:
    """All-positive inputs of the 2-weight unit (uniform in [0.2, 1.5]²)."""
    rng = np.random.default_rng(int(seed))
    return rng.uniform(0.2, 1.5, size=(int(n), 2))


def sign_bias_sgd(
    centred: bool,
    lr: float = 0.1,
    epochs: int = 3,
    examples: int = 20,
    seed: int = 0,
    resolution: int = 80,
) -> dict[str, np.ndarray]:
    r"""Per-example SGD on a linear unit :math:`\hat y = w_1 x_1 + w_2 x_2` with squared error.

    The gradient of one example is :math:`(\hat y - y)\,x`: when every :math:`x_i > 0` both
    components share the sign of :math:`\hat y - y`, so each step moves both weights up or both
    down, and reaching :data:`TRUE_WEIGHTS` from :data:`START_WEIGHTS` takes a zig-zag. Centring
    the inputs removes that constraint.

    Args:
        centred: subtract the inputs' mean first.
        lr: SGD learning rate.
        epochs: passes over the examples (shuffled each epoch).
        examples: number of examples.
        seed: the inputs and the shuffles.
        resolution: grid points per axis of the loss surface.

    Returns:
        ``path`` (steps + 1, 2) weights (finite part only), ``loss`` per point, ``grads``
        (steps, 2) per-example gradients, ``same_sign`` (fraction of steps whose two gradient
        components had the same sign), ``xs``, ``ys``, ``z`` (full-batch loss grid), ``x``
        (the inputs used), ``diverged_at`` (-1 if finite throughout).
    """
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr}")
    x = _unit_inputs(examples, seed)
    if centred:
        x = x - x.mean(axis=0)
    w_true = np.asarray(TRUE_WEIGHTS)
    y = x @ w_true
    a = x.T @ x / len(x)
    b = x.T @ y / len(x)
    c = float(y @ y) / (2 * len(x))

    def full_loss(w: np.ndarray) -> np.ndarray:
        return 0.5 * np.einsum("...i,ij,...j->...", w, a, w) - w @ b + c

    rng = np.random.default_rng(int(seed) + 1)
    w = np.asarray(START_WEIGHTS, float)
    path, grads = [w.copy()], []
    diverged_at = -1
    for _ in range(int(epochs)):
        for i in rng.permutation(len(x)):
            g = (x[i] @ w - y[i]) * x[i]
            w = w - lr * g
            if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > 1e6:
                diverged_at = len(grads)
                break
            grads.append(g)
            path.append(w.copy())
        if diverged_at >= 0:
            break
    path_arr, grads_arr = np.asarray(path), np.asarray(grads).reshape(-1, 2)
    signs = np.sign(grads_arr)
    moving = np.all(signs != 0, axis=1)
    same = float(np.mean(signs[moving, 0] == signs[moving, 1])) if moving.any() else 0.0
    xs = np.linspace(-2.0, 2.0, int(resolution))
    ys = np.linspace(-2.0, 2.0, int(resolution))
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    return {
        "path": path_arr,
        "loss": full_loss(path_arr),
        "grads": grads_arr,
        "same_sign": np.float64(same),
        "xs": xs,
        "ys": ys,
        "z": full_loss(grid),
        "x": x,
        "diverged_at": np.int64(diverged_at),
    }


def preprocessing_steps(raw: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The cloud after each fix, each fitted on the cloud itself: ``(title, points)``."""
    return [
        ("raw (+ = origin)", raw),
        ("centred", zero_center(raw)[0]),
        ("standardized", standardize(raw)[0]),
        ("PCA-rotated", pca_rotate(raw)[0]),
        ("whitened", whiten(raw)[0]),
    ]


def step_statistics(steps: Sequence[tuple[str, np.ndarray]]) -> list[dict]:
    """Per step: the means and standard deviations of both features and their correlation."""
    return [
        {
            "step": title,
            "mean x₁": p[:, 0].mean(),
            "mean x₂": p[:, 1].mean(),
            "std x₁": p[:, 0].std(),
            "std x₂": p[:, 1].std(),
            "correlation": float(np.corrcoef(p.T)[0, 1]),
        }
        for title, p in steps
    ]
