"""Curvature costs, human units and the 2×2 Hessian along a path; runs measured against the
surface's minimum."""

import numpy as np
import pytest

from optim_lab.curvature import (
    CONDITION_CAP,
    condition_numbers,
    curvature_costs,
    eigenvalues,
    human_bytes,
    human_count,
    human_duration,
    path_hessians,
    scientific,
)
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import (
    LOSS_FLOOR_MARGIN,
    RunSpec,
    best_known_loss,
    run_many,
    steps_to_tolerance,
)


def test_lecture_example_100k_parameters():
    costs = curvature_costs(100_000, history=10)
    assert costs.hessian_entries == 10**10
    assert costs.hessian_bytes == 4 * 10**10  # float32
    assert human_bytes(costs.hessian_bytes) == "40 GB"
    assert costs.solve_flops == 10**15
    assert costs.lbfgs_bytes == 2 * 10 * 100_000 * 4
    assert human_bytes(costs.lbfgs_bytes) == "8 MB"
    assert costs.memory_ratio == pytest.approx(5000)


def test_costs_are_exact_for_huge_n():
    costs = curvature_costs(10**12, bytes_per_number=8)
    assert costs.solve_flops == 10**36
    assert costs.hessian_bytes == 8 * 10**24


@pytest.mark.parametrize("bad", [0, -3, 1.5])
def test_costs_refuse_bad_sizes(bad):
    with pytest.raises(ValueError, match="whole number"):
        curvature_costs(bad)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1 kB"),
        (999_999, "1 MB"),
        (4e10, "40 GB"),
        (1e15, "1 PB"),
    ],
)
def test_human_bytes(value, text):
    assert human_bytes(value) == text


def test_human_count_and_scientific():
    assert scientific(1e10) == "10¹⁰"
    assert scientific(4e10) == "4 × 10¹⁰"
    assert scientific(12) == "12"
    assert human_count(1e10) == "10 billion (10¹⁰)"
    assert human_count(1e15) == "1 quadrillion (10¹⁵)"
    assert human_count(1e40) == "10⁴⁰"


def test_human_duration():
    assert human_duration(0.5) == "500 ms"
    assert human_duration(30) == "30 s"
    assert human_duration(3 * 3600) == "3 h"
    assert human_duration(31_557_600 * 10) == "10 years"


def test_rosenbrock_hessian_matches_closed_form():
    points = np.array([[-1.5, 2.0], [1.0, 1.0], [0.3, -0.2]])
    h = path_hessians(SURFACES["rosenbrock"], points)
    b = 100.0
    for (x, y), hess in zip(points, h, strict=True):
        expected = np.array(
            [[2 - 4 * b * (y - x**2) + 8 * b * x**2, -4 * b * x], [-4 * b * x, 2 * b]]
        )
        np.testing.assert_allclose(hess, expected, rtol=1e-4)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 250.0])
def test_bowl_condition_number_is_kappa(kappa):
    h = path_hessians(SURFACES["bowl"], np.zeros((4, 2)), {"kappa": kappa, "angle": 30.0})
    np.testing.assert_allclose(condition_numbers(h), kappa, rtol=1e-4)


def test_damping_shrinks_the_condition_number():
    h = np.array([[[1.0, 0.0], [0.0, 100.0]]])
    assert condition_numbers(h)[0] == pytest.approx(100)
    assert condition_numbers(h, damping=10.0)[0] == pytest.approx(110 / 11)
    np.testing.assert_allclose(eigenvalues(h, 1.0), [[2.0, 101.0]])


def test_singular_and_non_finite_hessians():
    h = np.array([np.zeros((2, 2)), [[np.nan, 0.0], [0.0, 1.0]], [[-4.0, 0.0], [0.0, 2.0]]])
    kappa = condition_numbers(h)
    assert kappa[0] == CONDITION_CAP
    assert np.isnan(kappa[1])
    assert kappa[2] == pytest.approx(2.0)  # a saddle: the stretch, whatever the signs


def test_monkey_saddle_is_flat_at_the_origin():
    h = path_hessians(SURFACES["monkey_saddle"], np.zeros((1, 2)))
    np.testing.assert_allclose(h, 0.0, atol=1e-12)


def test_steps_to_tolerance():
    loss = [5.0, 1.0, 0.1, 0.001, 0.0]
    assert steps_to_tolerance(loss, 0.0, 1e-2) == 3
    assert steps_to_tolerance(loss, 0.0, 10.0) == 0
    assert steps_to_tolerance(loss, 0.0, 1e-2, diverged_at=2) is None
    assert steps_to_tolerance(loss, 0.0, -1.0) is None


def test_best_known_loss_at_the_listed_minima():
    rosenbrock = SURFACES["rosenbrock"]
    assert best_known_loss(rosenbrock, margin=0.0) == pytest.approx(0.0, abs=1e-9)
    assert best_known_loss(rosenbrock) == pytest.approx(-LOSS_FLOOR_MARGIN, abs=1e-9)
    assert best_known_loss(SURFACES["saddle"]) is None  # no minimum at all
    assert best_known_loss(SURFACES["least_squares"], margin=0.0) == pytest.approx(0.2274, abs=1e-3)
    # Himmelblau lists four minima, all at loss 0
    assert best_known_loss(SURFACES["himmelblau"], margin=0.0) == pytest.approx(0.0, abs=1e-4)


@pytest.mark.parametrize("a", [0.5, 2.0])
def test_best_known_loss_follows_the_parameters_and_the_runs(a):
    """Rosenbrock with a ≠ 1: the listed (1, 1) is no minimum any more; the loss there is
    evaluated at the current a, and the runs that get below it lower the reference."""
    rosenbrock = SURFACES["rosenbrock"]
    params = {"a": a}
    at_listed = (a - 1.0) ** 2  # f(1, 1) = (a − 1)² + b·0
    assert best_known_loss(rosenbrock, params, margin=0.0) == pytest.approx(at_listed, rel=1e-5)
    runs = run_many(rosenbrock, [RunSpec("adam", {"lr": 0.05})], rosenbrock.start, 1000, params)
    reached = float(np.min(runs[0].loss))
    assert reached < at_listed  # Adam finds the true valley floor near (a, a²)
    floor = best_known_loss(rosenbrock, params, runs)
    assert floor < reached  # every gap is positive: a log axis can show it
    assert reached - floor == pytest.approx(LOSS_FLOOR_MARGIN, rel=1e-3)
    assert floor > -2 * LOSS_FLOOR_MARGIN  # the true minimum is 0: never far below it


def test_best_known_loss_with_a_diverged_run_stays_finite():
    bowl = SURFACES["bowl"]
    runs = run_many(bowl, [RunSpec("sgd", {"lr": 2.5})], bowl.start, 100)
    assert runs[0].diverged_at is not None
    assert best_known_loss(bowl, None, runs, margin=0.0) == pytest.approx(0.0, abs=1e-9)
