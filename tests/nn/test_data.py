"""Datasets and preprocessing (NumPy only: no compilation)."""

import numpy as np
import pytest

from optim_lab.nn.data import (
    BUMPS,
    DATASETS,
    DIGITS_SIZE,
    FEATURES,
    PREPROCESSING_ALIASES,
    TASKS,
    feature_map,
    fit_preprocessor,
    make_dataset,
    pca_rotate,
    standardize,
    whiten,
    zero_center,
)


@pytest.mark.parametrize("name", DATASETS.names())
def test_every_dataset_splits_and_is_seeded(name):
    points = 200 if name != "digits" else 300
    a = make_dataset(name, {"points": points}, seed=3)
    b = make_dataset(name, {"points": points}, seed=3)
    c = make_dataset(name, {"points": points}, seed=4)
    n = len(a.y_train) + len(a.y_val) + len(a.y_test)
    assert n == points
    assert len(a.y_val) == len(a.y_test) == points // 5
    assert a.task == DATASETS[name].task in TASKS
    assert a.x_train.dtype == np.float32
    assert a.y_train.dtype == (np.float32 if a.regression else np.int32)
    assert a.x_train.shape[1] == len(a.feature_names)
    targets = np.concatenate([a.y_train, a.y_val, a.y_test])
    if a.regression:
        assert a.n_classes == 1 and np.all(np.isfinite(targets)) and np.std(targets) > 0.1
    else:
        assert set(np.unique(targets)) <= set(range(a.n_classes))
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_classes_parameter_and_errors():
    data = make_dataset("spiral", {"classes": 5, "points": 250})
    assert data.n_classes == 5
    assert len(np.unique(data.y_train)) == 5
    with pytest.raises(ValueError, match="no parameter 'classes'"):
        make_dataset("moons", {"classes": 3})
    with pytest.raises(ValueError, match="unknown dataset"):
        make_dataset("mnist")
    with pytest.raises(ValueError, match="points must be between"):
        make_dataset("xor", {"points": 3})


def test_digits_are_the_real_8x8_images():
    data = make_dataset("digits")
    assert data.n_features == 64 and data.n_classes == 10
    assert len(data.y_train) + len(data.y_val) + len(data.y_test) == DIGITS_SIZE
    assert data.x_train.min() >= 0 and data.x_train.max() <= 16


def test_linear_is_separable_and_pass_class_is_plausible():
    data = make_dataset("linear", {"points": 400})
    x = np.concatenate([data.x_train, data.x_val, data.x_test])
    y = np.concatenate([data.y_train, data.y_val, data.y_test])
    # A least-squares linear classifier separates it perfectly.
    design = np.c_[x, np.ones(len(x))]
    w = np.linalg.lstsq(design, 2.0 * y - 1, rcond=None)[0]
    assert np.mean((design @ w > 0) == y) == 1.0
    p = make_dataset("pass_class", {"points": 1000, "noise": 0.5})
    lectures, hours = p.x_train[:, 0], p.x_train[:, 1]
    assert lectures.min() >= 0 and lectures.max() <= 20 and hours.max() <= 60
    diligent = (lectures > 15) & (hours > 40)
    lazy = (lectures < 5) & (hours < 20)
    assert p.y_train[diligent].mean() > 0.9 and p.y_train[lazy].mean() < 0.1


def test_preprocessing_is_fit_on_train_only():
    rng = np.random.default_rng(0)
    mix = np.array([[3.0, 1.0], [1.0, 0.5]])
    train = rng.standard_normal((500, 2)) @ mix + [5.0, -2.0]
    val = rng.standard_normal((100, 2)) @ mix + [5.0, -2.0]
    c_train, c_val = zero_center(train, val)
    np.testing.assert_allclose(c_train.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(c_val, val - train.mean(0), atol=1e-4)
    s_train, _ = standardize(train, val)
    np.testing.assert_allclose(s_train.std(0), 1, atol=1e-4)
    r_train, r_val = pca_rotate(train, val)
    cov = np.cov(r_train.T, bias=True)
    assert abs(cov[0, 1]) < 1e-3 * cov[0, 0] and cov[0, 0] > cov[1, 1]
    prep = fit_preprocessor("pca", train)
    np.testing.assert_allclose(prep.apply(val), r_val, atol=1e-5)
    w_train, _ = whiten(train, val)
    np.testing.assert_allclose(np.cov(w_train.T, bias=True), np.eye(2), atol=1e-3)


def test_whitening_ignores_constant_pixels():
    data = make_dataset("digits", {"points": 300})
    prep = fit_preprocessor("whiten", data.x_train)
    out = prep.apply(data.x_val)
    assert np.all(np.isfinite(out)) and np.abs(out).max() < 1e3
    with pytest.raises(ValueError, match="unknown preprocessing"):
        fit_preprocessor("normalize", data.x_train)


def test_regression_sets_are_tensorflow_playgrounds():
    plane = make_dataset("plane", {"points": 500})
    x = np.concatenate([plane.x_train, plane.x_val, plane.x_test])
    y = np.concatenate([plane.y_train, plane.y_val, plane.y_test])
    assert np.abs(x).max() <= 6.0 and np.abs(x).max() > 5.5  # the square [-6, 6]²
    np.testing.assert_allclose(y, (x[:, 0] + x[:, 1]) / 10, atol=1e-6)  # no noise by default
    noisy = make_dataset("plane", {"points": 500, "noise": 0.5})
    gap = noisy.y_train - noisy.x_train.sum(axis=1) / 10
    assert 0.1 < np.abs(gap).max() <= 0.6 + 1e-6  # jitter of up to 0.5·6 per axis, /10 each

    # gaussians: each bump is 1 (or −1) at its centre, 0 two units away, half-way at distance 1
    from optim_lab.nn.data import bumps

    for cx, cy, sign in BUMPS:
        np.testing.assert_allclose(
            bumps(np.array([[cx, cy], [cx + 1, cy], [cx, cy + 2.0]])),
            [
                sign,
                0.5 * sign,
                0.0,
            ],
            atol=1e-12,
        )
    assert bumps(np.array([[-2.0, 0.0]]))[0] == 0.0  # 2.5 from the nearest centres: no bump
    data = make_dataset("gaussians", {"points": 400})
    assert data.y_train.min() >= -1 and data.y_train.max() <= 1
    np.testing.assert_allclose(data.y_train, bumps(data.x_train.astype(float)), atol=1e-6)


def test_feature_maps_against_hand_values():
    x = np.array([[0.5, -2.0], [np.pi / 2, 3.0]])
    hand = {
        "x1": [0.5, np.pi / 2],
        "x2": [-2.0, 3.0],
        "x1sq": [0.25, np.pi**2 / 4],
        "x2sq": [4.0, 9.0],
        "x1x2": [-1.0, 3 * np.pi / 2],
        "sin_x1": [np.sin(0.5), 1.0],
        "sin_x2": [np.sin(-2.0), np.sin(3.0)],
    }
    assert set(hand) == set(FEATURES.names())
    for name, values in hand.items():
        np.testing.assert_allclose(feature_map((name,), x)[:, 0], values, rtol=1e-6)
    both = feature_map(("x1x2", "x2sq"), x)
    np.testing.assert_allclose(both, np.c_[hand["x1x2"], hand["x2sq"]], rtol=1e-6)
    np.testing.assert_array_equal(feature_map((), x), x.astype(np.float32))  # raw inputs
    with pytest.raises(ValueError, match="unknown feature"):
        feature_map(("x3",), x)
    with pytest.raises(ValueError, match="at most once"):
        feature_map(("x1", "x1"), x)
    with pytest.raises(ValueError, match="2 coordinates"):
        feature_map(("x1",), np.zeros((3, 64)))


def test_features_come_before_the_preprocessing_fit():
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(200, 2))
    prep = fit_preprocessor("standardize", x, features=("x1x2", "x1sq"))
    mapped = np.c_[x[:, 0] * x[:, 1], x[:, 0] ** 2]
    expected = (mapped - mapped.mean(axis=0)) / mapped.std(axis=0)
    np.testing.assert_allclose(prep.apply(x), expected, rtol=1e-4, atol=1e-4)
    assert prep.matrix.shape == (2, 2)
    # "raw" is TensorFlow Playground's name for no preprocessing
    assert PREPROCESSING_ALIASES["raw"] == "none"
    raw = fit_preprocessor("raw", x, features=("x2",))
    np.testing.assert_allclose(raw.apply(x)[:, 0], x[:, 1], rtol=1e-6)


def test_the_sine_features_are_taken_on_tensorflow_playgrounds_scale():
    rng = np.random.default_rng(0)
    features = ("sin_x1", "sin_x2", "x1")
    # a set drawn in [−6, 6]² (as TensorFlow Playground's) keeps sin x as it is
    wide = rng.uniform(-6, 6, size=(2000, 2))
    wide[0] = (6.0, -6.0)
    prep = fit_preprocessor("raw", wide, features=features)
    np.testing.assert_allclose(prep.apply(wide), np.c_[np.sin(wide), wide[:, 0]], atol=1e-6)
    # a set spanning [−1, 1] × [−0.5, 0.5] is stretched to it: sin(6x₁/1), sin(6x₂/0.5)
    narrow = rng.uniform(-1, 1, size=(500, 2)) * (1.0, 0.5)
    narrow[:2] = ((1.0, 0.2), (-0.3, -0.5))
    prep = fit_preprocessor("raw", narrow, features=features)
    expected = np.c_[np.sin(6 * narrow[:, 0]), np.sin(12 * narrow[:, 1]), narrow[:, 0]]
    np.testing.assert_allclose(prep.apply(narrow), expected, atol=1e-5)
    # new points (a validation split, the boundary's grid) use the training split's scale
    grid = np.array([[2.0, 2.0]])
    np.testing.assert_allclose(prep.apply(grid), [[np.sin(12.0), np.sin(24.0), 2.0]], atol=1e-5)
