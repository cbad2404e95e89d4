"""The second-order lesson's race table, from real runs on the bowl."""

import pytest

from optim_lab.curvature import condition_numbers, path_hessians
from optim_lab.lessons.second_order.experiment import race_table
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many


def test_newton_converges_at_once_and_a_too_large_rate_is_reported():
    bowl = SURFACES["bowl"]
    params = {"kappa": 10.0}
    specs = [
        RunSpec("newton", {"lr": 1.0}, label="Newton"),
        RunSpec("sgd", {"lr": 3.0}, label="GD"),
    ]
    trajectories = run_many(bowl, specs, bowl.start, 50, params)
    kappas = [condition_numbers(path_hessians(bowl, t.finite_points, params)) for t in trajectories]
    newton, gd = race_table(trajectories, kappas, 0.0, 1e-4, 50)
    assert newton["status"] == "converged" and int(newton["steps to loss − min ≤ 0.0001"]) <= 2
    assert newton["κ(H) at its last point"] == pytest.approx(10.0)  # curvatures 1 and 1/κ
    assert gd["status"].startswith("diverged at step")
    assert gd["steps to loss − min ≤ 0.0001"] == "not reached"
