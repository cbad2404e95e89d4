"""The second-order lesson's race table and condition numbers, from real runs on the bowl; the
damping sweep's reading; the cost calculator's sentence."""

import numpy as np
import pytest

from optim_lab.curvature import condition_numbers, curvature_costs, human_duration, path_hessians
from optim_lab.lessons.second_order.experiment import (
    damping_hits,
    path_condition_numbers,
    race_table,
    start_condition_numbers,
)
from optim_lab.lessons.second_order.text import cost_summary
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


def test_condition_numbers_on_the_bowl_are_its_kappa():
    bowl = SURFACES["bowl"]
    params = {"kappa": 100.0}
    before, damped = start_condition_numbers(bowl, params, 1.0)
    assert before == pytest.approx(100.0)  # curvatures 1 and 1/κ everywhere
    assert damped == pytest.approx((1 + 1.0) / (0.01 + 1.0))
    trajectories = run_many(bowl, [RunSpec("sgd", {"lr": 0.5})], bowl.start, 20, params)
    (kappa,) = path_condition_numbers(bowl, trajectories, params)
    assert kappa.shape == (len(trajectories[0].finite_points),)
    np.testing.assert_allclose(kappa, 100.0)


def test_damping_hits_reads_never_as_none_and_picks_the_fewest():
    hits, best = damping_hits(np.array([-1, 12, 3, -1, 7]))
    assert hits == [None, 12, 3, None, 7] and best == 3
    assert damping_hits(np.array([-1, -1])) == ([None, None], None)


def test_cost_summary_for_the_lecture_network():
    costs = curvature_costs(100_000, 10, 4)
    summary = cost_summary(costs)
    assert "N = 100,000" in summary
    assert "**5,000×**" in summary  # N² numbers against 2mN: N / 2m
    assert f"**{human_duration(1e15 / 1e13)}**" in summary  # N³ operations at 10 TFLOP/s
    assert human_duration(4 * 10 * 100_000 / 1e13) in summary
