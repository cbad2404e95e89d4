"""The adaptive lesson's quantities from finished runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim_lab.lessons.adaptive import experiment as adaptive_lesson
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, run_many


def test_step_ratio_hides_zero_gradients():
    ratio = adaptive_lesson.step_ratio(np.array([[1.0, 0.0]]), np.array([[-0.5, 0.1]]))
    assert ratio[0, 0] == 0.5 and math.isnan(ratio[0, 1])


def test_adam_bias_factors():
    f = adaptive_lesson.adam_bias_factors(0.9, 0.999, 3)
    assert f["m"][0] == pytest.approx(0.1)
    assert f["sqrt_v"][0] == pytest.approx(math.sqrt(0.001))
    assert f["step"][0] == pytest.approx(0.1 / math.sqrt(0.001))  # ≈ 3.16: too long
    same = adaptive_lesson.adam_bias_factors(0.9, 0.9, 1)
    assert same["step"][0] == pytest.approx(math.sqrt(0.1))  # ≈ 0.32: a slow start


def test_adam_step_multiplier_caps():
    rms = np.array([0.0, 1e-6, 10.0])
    outside = adaptive_lesson.adam_step_multiplier(rms, 0.1, 1e-2, inside=False)
    inside = adaptive_lesson.adam_step_multiplier(rms, 0.1, 1e-2, inside=True)
    assert outside[0] == pytest.approx(0.1 / 1e-2) and inside[0] == pytest.approx(0.1 / 0.1)
    assert outside[2] == pytest.approx(inside[2], rel=1e-3)


def test_the_range_of_sqrt_v_hat_is_read_from_adams_state():
    bowl = SURFACES["bowl"]
    (adam,) = run_many(bowl, [RunSpec("adam", {"lr": 0.05})], bowl.start, 40, {"kappa": 50.0})
    ranges = dict(
        (label, (low, high)) for label, low, high in adaptive_lesson.sqrt_v_hat_ranges(adam)
    )
    # at step 1, v̂ = g² exactly: the first gradient's size lies within each range
    for label, g in zip(("√v̂ seen in x", "√v̂ seen in y"), np.abs(adam.grads[0]), strict=True):
        low, high = ranges[label]
        assert low <= g * (1 + 1e-5) and g <= high * (1 + 1e-5)


def test_the_hyper_parameters_of_the_first_run_of_an_optimizer():
    bowl = SURFACES["bowl"]
    specs = [RunSpec("sgd", {"lr": 0.1}), RunSpec("adam", {"lr": 0.05}), RunSpec("adam")]
    trajs = run_many(bowl, specs, bowl.start, 3)
    hp = adaptive_lesson.hparams_of(trajs, "adam")
    assert hp == dict(trajs[1].spec.hparams) and hp["lr"] == 0.05
    hp["lr"] = 1.0  # a copy: the run keeps its own
    assert trajs[1].spec.hparams["lr"] == 0.05


def test_length_ratios_mark_a_stopped_run():
    on = np.array([0.1, 0.2, 0.0, np.nan])
    off = np.array([0.3, 0.1, 0.5, 0.4])
    ratios = adaptive_lesson.length_ratios(on, off)
    assert ratios[:2] == pytest.approx([3.0, 0.5])
    assert np.isnan(ratios[2]) and np.isnan(ratios[3])


def test_eps_multipliers_span_below_eps_and_place_it_both_ways():
    rms, outside, inside = adaptive_lesson.eps_multipliers(0.1, 0.01)
    assert rms[0] == pytest.approx(1e-3) and rms[-1] == pytest.approx(10.0) and len(rms) == 300
    np.testing.assert_allclose(outside, 0.1 / (rms + 0.01))
    np.testing.assert_allclose(inside, 0.1 / np.sqrt(rms**2 + 0.01))
    assert adaptive_lesson.eps_multipliers(0.1, 1e-8)[0][0] == pytest.approx(1e-9)


def test_largest_gap_between_two_paths():
    a = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    b = np.array([[0.0, 0.0], [1.0, 4.0], [2.0, 1.0]])
    assert adaptive_lesson.largest_gap(a, b) == 3.0
