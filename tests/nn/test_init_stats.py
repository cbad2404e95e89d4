"""The lectures' initialization experiment (10 layers of 500 units, 1000 inputs)."""

import time

import numpy as np
import pytest

from optim_lab.nn.init_experiment import HIST_SAMPLES, init_stats

LECTURE = {"layers": 10, "width": 500, "samples": 1000}


def test_tanh_small_random_weights_collapse():
    stats = init_stats(**LECTURE, activation="tanh", init="normal", scale=0.01)
    assert stats["std"][0] == pytest.approx(0.21, abs=0.01)
    assert stats["std"][-1] < 1e-5
    assert np.all(np.diff(stats["std"]) < 0)
    np.testing.assert_allclose(stats["mean"], 0, atol=1e-2)
    # dL/dW_l = h_{l-1}ᵀ δ_l: tiny inputs or tiny upstream gradients at every layer.
    xavier = init_stats(**LECTURE, activation="tanh", init="xavier")
    assert stats["grad_norm"].max() < 1e-4 * xavier["grad_norm"].min()


def test_tanh_large_random_weights_saturate():
    stats = init_stats(**LECTURE, activation="tanh", init="normal", scale=1.0)
    np.testing.assert_allclose(stats["std"], 0.98, atol=0.01)
    # Almost every activation sits in the outer bins (±1) of its histogram.
    hist = stats["hist"]
    assert np.all((hist[:, :3].sum(1) + hist[:, -3:].sum(1)) / hist.sum(1) > 0.8)


def test_tanh_xavier_is_reasonable_and_fast():
    stats = init_stats(**LECTURE, activation="tanh", init="xavier")
    assert stats["std"][0] == pytest.approx(0.63, abs=0.01)
    assert stats["std"][-1] == pytest.approx(0.23, abs=0.02)
    assert stats["hist"].shape == (10, 50) and stats["edges"].shape == (10, 51)
    assert stats["hist"].sum(1).tolist() == [500 * HIST_SAMPLES] * 10
    best = min(
        _timed(lambda s=s: init_stats(**LECTURE, activation="tanh", init="xavier", seed=s))
        for s in range(3)
    )
    assert best < 2.5  # ≈ 0.3 s on an idle 2-core machine; slack for a busy one


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_relu_he_keeps_the_scale_xavier_halves_it():
    xavier = init_stats(**LECTURE, activation="relu", init="xavier")
    he = init_stats(**LECTURE, activation="relu", init="he")
    ratio = xavier["std"][1:] / xavier["std"][:-1]
    np.testing.assert_allclose(ratio, 1 / np.sqrt(2), atol=0.06)
    assert xavier["std"][-1] < 0.05
    assert 0.6 < he["std"][-1] < 1.1 and he["std"][-1] / he["std"][0] > 0.7


def test_zero_init_symmetry():
    stats = init_stats(**LECTURE, activation="tanh", init="zeros")
    np.testing.assert_array_equal(stats["unit_spread"], 0)
    np.testing.assert_array_equal(stats["grad_norm"], 0)
    assert np.all(init_stats(**LECTURE, activation="tanh", init="xavier")["unit_spread"] > 0.1)


def test_the_forward_statistics_do_not_need_the_backward_pass():
    both = init_stats(**LECTURE, activation="tanh", init="normal", scale=0.01, batchnorm=True)
    forward = init_stats(
        **LECTURE, activation="tanh", init="normal", scale=0.01, batchnorm=True, backward=False
    )
    for key in ("mean", "std", "hist", "edges", "unit_spread"):
        np.testing.assert_allclose(forward[key], both[key], rtol=1e-5, atol=1e-7, err_msg=key)
    assert np.all(both["grad_norm"] > 0) and not forward["grad_norm"].any()


def test_bad_input():
    with pytest.raises(ValueError, match="layers must be between"):
        init_stats(0, 10, 10)
    with pytest.raises(ValueError, match="unknown initialization"):
        init_stats(2, 10, 10, init="lecun")
    with pytest.raises(ValueError, match="scale must be"):
        init_stats(2, 10, 10, init="normal", scale=-1.0)
