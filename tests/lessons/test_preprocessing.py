"""The preprocessing lesson's experiments: the point cloud and the sign-bias SGD unit."""

from __future__ import annotations

import numpy as np
import pytest

from optim_lab.lessons.preprocessing.experiment import (
    TRUE_WEIGHTS,
    correlated_cloud,
    preprocessing_steps,
    sign_bias_sgd,
    step_statistics,
)


def test_cloud_is_off_centre_correlated_and_seeded():
    x = correlated_cloud(500, seed=1)
    assert x.shape == (500, 2)
    assert np.linalg.norm(x.mean(axis=0)) > 2
    assert abs(np.corrcoef(x.T)[0, 1]) > 0.5
    np.testing.assert_array_equal(x, correlated_cloud(500, seed=1))
    with pytest.raises(ValueError):
        correlated_cloud(1)


def test_positive_inputs_force_same_sign_gradients():
    positive = sign_bias_sgd(False, lr=0.3, epochs=3)
    centred = sign_bias_sgd(True, lr=0.3, epochs=3)
    assert float(positive["same_sign"]) == 1.0
    assert float(centred["same_sign"]) < 0.8
    for r in (positive, centred):
        assert r["path"].shape == (61, 2) and int(r["diverged_at"]) == -1
        assert np.linalg.norm(r["path"][-1] - TRUE_WEIGHTS) < 0.5
        assert r["z"].shape == (80, 80) and np.all(np.isfinite(r["z"]))


def test_sign_bias_divergence_is_data():
    r = sign_bias_sgd(False, lr=50.0, epochs=3)
    assert int(r["diverged_at"]) >= 0
    assert np.all(np.isfinite(r["path"]))
    with pytest.raises(ValueError):
        sign_bias_sgd(False, lr=-1.0)


def test_each_fix_does_what_the_page_says():
    raw = correlated_cloud(400, seed=3)
    stats = {row["step"]: row for row in step_statistics(preprocessing_steps(raw))}
    assert abs(stats["raw (+ = origin)"]["mean x₁"]) > 0.5  # off-centre to begin with
    for step in ("centred", "standardized", "PCA-rotated", "whitened"):
        assert abs(stats[step]["mean x₁"]) < 1e-5 and abs(stats[step]["mean x₂"]) < 1e-5
    assert stats["standardized"]["std x₁"] == pytest.approx(1.0, abs=1e-4)
    assert abs(stats["standardized"]["correlation"]) > 0.3  # still tilted
    assert abs(stats["PCA-rotated"]["correlation"]) < 1e-4
    assert stats["whitened"]["std x₁"] == pytest.approx(1.0, abs=1e-4)
    assert stats["whitened"]["std x₂"] == pytest.approx(1.0, abs=1e-4)
