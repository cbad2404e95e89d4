"""What the saddle-points lesson reads from its runs: the size of each gradient, how each run
ended, and the loss range worth showing on a surface with no bottom."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...trajectory import Trajectory


def gradient_norms(trajectories: Sequence[Trajectory]) -> list[np.ndarray]:
    """‖g‖ at every step of each run."""
    return [np.linalg.norm(t.grads, axis=1) for t in trajectories]


def run_status(traj: Trajectory, bottomless: bool) -> str:
    """How a run ended: all its steps, an escape downhill (no failure), or a divergence."""
    if traj.escaped_downhill(bottomless=bottomless):
        return f"escaped downhill (left the map at step {traj.diverged_at})"
    if traj.diverged_at is not None:
        return f"diverged at step {traj.diverged_at}"
    return "ran all steps"


def runs_table(
    trajectories: Sequence[Trajectory], norms: Sequence[np.ndarray], bottomless: bool
) -> list[dict]:
    """Per run: where it ended, its final loss, the largest and smallest ‖g‖ before any divergence
    and how it ended."""
    rows = []
    for traj, norm in zip(trajectories, norms, strict=True):
        end = traj.finite_points[-1]
        finite = norm[: traj.diverged_at] if traj.diverged_at else norm
        rows.append(
            {
                "run": traj.label,
                "ends at (x, y)": f"({end[0]:.3g}, {end[1]:.3g})",
                "final loss": float(traj.loss[len(traj.finite_points) - 1]),
                "largest ‖g‖": float(finite.max()) if finite.size else float("nan"),
                "smallest ‖g‖": float(finite.min()) if finite.size else float("nan"),
                "status": run_status(traj, bottomless),
            }
        )
    return rows


def bottomless_loss_range(
    trajectories: Sequence[Trajectory], minimum: float | None, lowest_shown: float
) -> list[float] | None:
    """On a surface with no minimum whose runs went below the lowest loss of the map: the range
    of the losses met inside the map (padded 5 %), not the −10⁶ of an escape. None otherwise."""
    if minimum is not None or lowest_shown <= min(float(np.min(t.loss)) for t in trajectories):
        return None
    top = max(float(np.max(t.loss[: len(t.finite_points)])) for t in trajectories)
    pad = 0.05 * (top - lowest_shown)
    return [lowest_shown - pad, top + pad]
