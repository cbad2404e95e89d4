"""The second-order lesson's race table and condition numbers, from real runs on the bowl; the
damping sweep's reading; the cost calculator's sentence."""

import numpy as np
import pytest

from optim_lab.curvature import condition_numbers, curvature_costs, human_duration, path_hessians
from optim_lab.lessons.second_order.experiment import (
    DAMPINGS,
    damping_hits,
    damping_specs,
    newton_error_factor,
    path_condition_numbers,
    race_table,
    start_condition_numbers,
)
from optim_lab.lessons.second_order.text import cost_summary, hessian_erratum, newton_notice
from optim_lab.surfaces import SURFACES
from optim_lab.sweep import sweep
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


def test_damping_hits_read_from_the_runs_agree_with_the_compiled_sweep():
    # The sweep counts steps inside its compiled loop; the page reads the same from the runs' losses.
    rosenbrock = SURFACES["rosenbrock"]
    newton = RunSpec("newton", {"lr": 1.0, "damping": 1e-3})
    steps, tol = 200, 1e-6
    runs = run_many(rosenbrock, damping_specs(newton), rosenbrock.start, steps)
    hits, best = damping_hits(runs, 0.0, tol)
    reference = sweep(
        rosenbrock, newton, "damping", DAMPINGS, "lr", [1.0], rosenbrock.start, steps, tol=tol
    )
    expected = [int(s) if s >= 0 else None for s in reference.steps_to_tol[0]]
    assert hits == expected
    assert None in hits and best == min(h for h in hits if h is not None)  # both kinds shown
    assert [r.diverged_at is not None for r in runs] == list(reference.diverged[0])


def test_cost_summary_for_the_lecture_network():
    costs = curvature_costs(100_000, 10, 4)
    summary = cost_summary(costs)
    assert "N = 100,000" in summary
    assert "**5,000×**" in summary  # N² numbers against 2mN: N / 2m
    assert f"**{human_duration(1e15 / 1e13)}**" in summary  # N³ operations at 10 TFLOP/s
    assert human_duration(4 * 10 * 100_000 / 1e13) in summary


@pytest.mark.parametrize(("lr", "damping"), [(1.0, 1e-3), (1.0, 0.0), (0.5, 1e-2)])
def test_damped_newton_shrinks_each_direction_of_the_bowl_by_its_factor(float64, lr, damping):
    bowl, kappa = SURFACES["bowl"], 1000.0
    params = {"kappa": kappa, "angle": 0.0}  # u = x (curvature 1/κ), v = y (curvature 1)
    spec = RunSpec("newton", {"lr": lr, "damping": damping})
    (run,) = run_many(bowl, [spec], (2.0, 1.0), 4, params)
    x, y = np.asarray(run.points)[:, 0], np.asarray(run.points)[:, 1]
    flat, steep = newton_error_factor(1 / kappa, lr, damping), newton_error_factor(1, lr, damping)
    k = np.arange(1, 4)
    np.testing.assert_allclose(x[1:4], 2.0 * flat**k, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(
        np.abs(y[1:3]), 1.0 * steep ** np.arange(1, 3), rtol=1e-6, atol=1e-12
    )


def test_the_notice_says_the_flat_direction_only_halves_at_the_default_damping():
    assert newton_error_factor(1e-3, 1.0, 1e-3) == pytest.approx(0.5)
    assert "keeps 0.5 of its error per step" in newton_notice(1.0, 1e-3, 1000.0)[0]
    assert "keeps 0 of its error" in newton_notice(1.0, 0.0, 1000.0)[0]


def test_the_hessian_erratum_uses_the_calculators_numbers():
    note = hessian_erratum()
    assert "10¹⁰" in note and "40 GB" in note  # 10⁵ parameters → 10¹⁰ entries × 4 bytes
    assert "10¹⁵" in note  # the N³ solve
