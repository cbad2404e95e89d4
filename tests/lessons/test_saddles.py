"""The saddle-points lesson's reading of its runs, on hand-made trajectories: gradient sizes, how
each run ended, its table row and the loss range shown on a bottomless surface."""

import numpy as np
import pytest

from optim_lab.lessons.saddles.experiment import (
    bottomless_loss_range,
    gradient_norms,
    run_status,
    runs_table,
)
from optim_lab.trajectory import RunSpec, Trajectory


def trajectory(loss, grads, diverged_at=None, label="SGD") -> Trajectory:
    loss = np.asarray(loss, dtype=float)
    points = np.stack([np.arange(len(loss)), -np.arange(len(loss))], axis=1).astype(float)
    grads = np.asarray(grads, dtype=float)
    return Trajectory(
        RunSpec("sgd", {"lr": 0.1}, label=label),
        points,
        loss,
        np.full(len(grads), 0.1),
        grads,
        np.zeros_like(grads),
        diverged_at,
    )


def test_gradient_norms_are_euclidean_per_step():
    (norm,) = gradient_norms([trajectory([1, 1, 1], [[3, 4], [0, 0]])])
    np.testing.assert_allclose(norm, [5.0, 0.0])


def test_run_status_tells_an_escape_from_a_divergence():
    downhill = trajectory([0.0, -5.0, -1e6, -1e6], [[1, 0]] * 3, diverged_at=2)
    uphill = trajectory([1.0, 9.0, 1e9, 1e9], [[1, 0]] * 3, diverged_at=2)
    assert run_status(downhill, bottomless=True) == "escaped downhill (left the map at step 2)"
    assert run_status(downhill, bottomless=False) == "diverged at step 2"
    assert run_status(uphill, bottomless=True) == "diverged at step 2"
    assert run_status(trajectory([1, 0.5], [[1, 0]]), bottomless=True) == "ran all steps"


def test_runs_table_stops_at_the_divergence():
    diverged = trajectory([2.0, 1.0, 1e9, 1e9], [[0, 1], [0, 5], [0, 1e6]], 2, "fast")
    steady = trajectory([2.0, 1.0, 0.5], [[0, 2], [0, 0.5]], None, "slow")
    fast, slow = runs_table([diverged, steady], gradient_norms([diverged, steady]), False)
    assert fast == {
        "run": "fast",
        "ends at (x, y)": "(1, -1)",  # its last finite point
        "final loss": 1.0,
        "largest ‖g‖": 5.0,  # the 10⁶ of the divergence left out
        "smallest ‖g‖": 1.0,
        "status": "diverged at step 2",
    }
    assert (slow["largest ‖g‖"], slow["smallest ‖g‖"], slow["final loss"]) == (2.0, 0.5, 0.5)
    assert slow["status"] == "ran all steps"


def test_bottomless_loss_range_shows_the_losses_inside_the_map():
    escaped = trajectory([0.0, -3.0, -1e6, -1e6], [[1, 0]] * 3, diverged_at=2)
    stayed = trajectory([1.0, 0.5, 0.2, 0.1], [[1, 0]] * 3)
    low, high = bottomless_loss_range([escaped, stayed], None, -4.0)
    assert (low, high) == pytest.approx((-4.0 - 0.25, 1.0 + 0.25))  # 5 % of the span 5
    assert bottomless_loss_range([escaped, stayed], 0.0, -4.0) is None  # a surface with a minimum
    assert bottomless_loss_range([stayed], None, -4.0) is None  # nothing went below the map
