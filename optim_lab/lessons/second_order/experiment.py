"""The second-order lesson's race: its four runs with their defaults per surface, the table that
reads them, the condition numbers along their paths and the damping sweep's result."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ...curvature import condition_numbers, path_hessians
from ...surfaces import SurfaceEntry
from ...trajectory import RunSpec, Trajectory, steps_to_tolerance

# (URL tag, optimizer) of the four runs, and their defaults per surface.
RUNS = (("gd", "sgd"), ("adam", "adam"), ("newton", "newton"), ("lbfgs", "lbfgs"))
DEFAULTS = {
    "rosenbrock": {
        "gd": {"lr": 0.001},
        "adam": {"lr": 0.05},
        "newton": {"lr": 1.0, "damping": 1e-3},
        # no line search: α < 1 keeps the early curvature guesses from flinging the run away
        "lbfgs": {"lr": 0.5, "history": 10},
    },
    "bowl": {
        "gd": {"lr": 1.0},
        "adam": {"lr": 0.05},
        "newton": {"lr": 1.0, "damping": 1e-3},
        "lbfgs": {"lr": 1.0, "history": 10},
    },
}
# Rosenbrock's `a` moves the minimum away from the listed (1, 1): this lesson keeps it at 1.
SKIP_SURFACE_PARAMS = {"rosenbrock": ("a",), "bowl": ()}
LABELS = {"gd": "Gradient descent"}
DAMPINGS = tuple(float(f"{v:.3g}") for v in np.geomspace(1e-4, 1e3, 15))  # the sweep's λ
MAX_PARAMS = 10**12  # the cost calculator's largest N


#: The bowl's κ that the notice on Newton's damping quotes on another surface (the bowl's largest).
NOTICE_KAPPA = 1000.0


def newton_error_factor(curvature: float, lr: float, damping: float) -> float:
    r"""What one damped Newton step leaves of the error along a direction of curvature h on a
    quadratic: :math:`|1 - \alpha h/(h + \lambda)|` (0 for α = 1, λ = 0: the minimum at once)."""
    return abs(1.0 - lr * curvature / (curvature + damping))


def race_table(
    trajectories: Sequence[Trajectory],
    kappas: Sequence[np.ndarray],
    minimum: float,
    tol: float,
    steps: int,
) -> list[dict]:
    """Per run: the steps it took to come within ``tol`` of the minimum, its final gap, the
    condition number at its last point and how it ended."""
    rows = []
    for traj, kappa in zip(trajectories, kappas, strict=True):
        hit = steps_to_tolerance(traj.loss, minimum, tol, traj.diverged_at)
        end = len(traj.finite_points) - 1
        if traj.diverged_at is not None:
            status = f"diverged at step {traj.diverged_at}"
        else:
            status = "converged" if hit is not None else f"not within {steps} steps"
        rows.append(
            {
                "method": traj.label,
                f"steps to loss − min ≤ {tol:g}": "not reached" if hit is None else str(hit),
                "final loss − min": float(traj.loss[end] - minimum),
                "κ(H) at its last point": float(kappa[-1]) if len(kappa) else math.nan,
                "status": status,
            }
        )
    return rows


def path_condition_numbers(
    surface: SurfaceEntry, trajectories: Sequence[Trajectory], surface_params: dict
) -> list[np.ndarray]:
    """κ(H) at every finite point of each run's path."""
    return [
        condition_numbers(path_hessians(surface, t.finite_points, surface_params))
        for t in trajectories
    ]


def start_condition_numbers(
    surface: SurfaceEntry, surface_params: dict, damping: float
) -> tuple[float, float]:
    """κ(H) and κ(H + λI) at the surface's start."""
    start_h = path_hessians(surface, np.asarray([surface.start]), surface_params)
    return float(condition_numbers(start_h)[0]), float(condition_numbers(start_h, damping)[0])


def damping_specs(newton: RunSpec) -> tuple[RunSpec, ...]:
    """Newton's run once for each λ of :data:`DAMPINGS`, its other settings kept."""
    return tuple(
        replace(newton, hparams={**newton.hparams, "damping": d}, label=f"λ = {d:g}")
        for d in DAMPINGS
    )


def damping_hits(
    trajectories: Sequence[Trajectory], minimum: float, tol: float
) -> tuple[list[int | None], int | None]:
    """The steps each λ's run took to come within ``tol`` of ``minimum`` (None: never, or only
    after diverging), and the fewest."""
    hits = [steps_to_tolerance(t.loss, minimum, tol, t.diverged_at) for t in trajectories]
    return hits, min((h for h in hits if h is not None), default=None)
