"""The second-order lesson's race: its four runs with their defaults per surface, and the table
that reads them."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...trajectory import Trajectory, steps_to_tolerance

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
