"""The adaptive lesson's quantities from finished runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim_lab.lessons.adaptive import experiment as adaptive_lesson


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
