"""Gradient modifiers: each one alone, then their order inside ``apply_modifiers``."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.transforms import (
    MODIFIER_PARAMS,
    Modifiers,
    add_noise,
    add_weight_decay,
    apply_modifiers,
    clip_by_norm,
    clip_by_value,
    global_norm,
)

pytestmark = pytest.mark.usefixtures("float64")


def tree(a, b):
    """NumPy leaves, so that module constants stay float64 whatever the x64 flag at import."""
    return {"a": np.asarray(a, np.float64), "b": np.asarray(b, np.float64)}


def flat(t) -> np.ndarray:
    return np.concatenate([np.asarray(x).ravel() for x in jax.tree.leaves(t)])


def assert_tree_close(actual, expected, rtol=1e-12, atol=0.0):
    assert jax.tree.structure(actual) == jax.tree.structure(expected)
    jax.tree.map(
        lambda x, y: np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=rtol, atol=atol),
        actual,
        expected,
    )


# Global norm √(1 + 4 + 4 + 16 + 0 + 4) = √29 over both leaves.
G = tree([1.0, -2.0], [[2.0, 4.0], [0.0, -2.0]])
NORM_G = np.sqrt(29.0)


def test_global_norm_spans_all_leaves():
    np.testing.assert_allclose(global_norm(G), NORM_G, rtol=1e-14)


# -- clip by norm ----------------------------------------------------------------------------------


@pytest.mark.parametrize("c", [0.5, 1.0, 3.0, 5.0])
def test_clip_by_norm_rescales_to_exactly_c(c):
    clipped = clip_by_norm(G, c)
    np.testing.assert_allclose(global_norm(clipped), c, rtol=1e-13)
    # Same direction: every leaf scaled by the same factor c/‖g‖.
    assert_tree_close(clipped, jax.tree.map(lambda g: g * c / NORM_G, G))


@pytest.mark.parametrize("c", [NORM_G, 6.0, 100.0, 0.0, -1.0])
def test_clip_by_norm_leaves_small_gradients_and_zero_means_off(c):
    assert_tree_close(clip_by_norm(G, c), G, rtol=1e-15)


def test_clip_by_norm_zero_gradient_stays_zero():
    zero = jax.tree.map(np.zeros_like, G)
    out = clip_by_norm(zero, 1.0)
    assert np.all(flat(out) == 0.0) and np.all(np.isfinite(flat(out)))


# -- clip by value ---------------------------------------------------------------------------------


def test_clip_by_value_clamps_each_component():
    out = clip_by_value(G, 1.5)
    assert_tree_close(out, tree([1.0, -1.5], [[1.5, 1.5], [0.0, -1.5]]))


@pytest.mark.parametrize("c", [0.0, -1.0, 4.0, 10.0])
def test_clip_by_value_off_or_loose_is_identity(c):
    assert_tree_close(clip_by_value(G, c), G, rtol=0)


def test_clip_by_value_is_per_component_not_per_norm():
    # One huge component does not shrink the small ones (unlike clipping by norm).
    g = tree([100.0, 0.5], [[-0.25, 0.0], [0.0, 0.0]])
    out = clip_by_value(g, 1.0)
    assert_tree_close(out, tree([1.0, 0.5], [[-0.25, 0.0], [0.0, 0.0]]))


# -- weight decay ----------------------------------------------------------------------------------


def test_add_weight_decay():
    params = tree([10.0, -1.0], [[0.5, 0.0], [3.0, 2.0]])
    out = add_weight_decay(G, params, 0.1)
    assert_tree_close(out, tree([2.0, -2.1], [[2.05, 4.0], [0.3, -1.8]]))
    assert_tree_close(add_weight_decay(G, params, 0.0), G, rtol=0)


# -- noise -----------------------------------------------------------------------------------------


def test_add_noise_is_deterministic_per_key():
    key = jax.random.key(0)
    a = add_noise(G, key, 0.3)
    b = add_noise(G, key, 0.3)
    assert_tree_close(a, b, rtol=0)
    c = add_noise(G, jax.random.key(1), 0.3)
    assert not np.allclose(flat(a), flat(c))
    assert not np.allclose(flat(a), flat(G))


def test_add_noise_zero_sigma_is_off():
    assert_tree_close(add_noise(G, jax.random.key(3), 0.0), G, rtol=0)


def test_add_noise_statistics_and_independent_leaves():
    sigma = 0.7
    g = {"x": jnp.full((100_000,), 2.0), "y": jnp.full((100_000,), 2.0)}
    out = add_noise(g, jax.random.key(42), sigma)
    for leaf in jax.tree.leaves(out):
        xi = (np.asarray(leaf) - 2.0) / sigma
        assert abs(xi.mean()) < 0.02  # standard error 1/√1e5 ≈ 0.003
        assert abs(xi.std() - 1.0) < 0.02
    # Each leaf draws its own noise (not the same sample reused).
    x, y = np.asarray(out["x"]), np.asarray(out["y"])
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.02


def test_add_noise_scales_linearly_with_sigma():
    key = jax.random.key(5)
    zero = jax.tree.map(np.zeros_like, G)
    one = flat(add_noise(zero, key, 1.0))
    three = flat(add_noise(zero, key, 3.0))
    np.testing.assert_allclose(three, 3.0 * one, rtol=1e-14)


# -- apply_modifiers: order noise → clip norm → clip value → weight decay -------------------------

PARAMS = tree([10.0, -1.0], [[0.5, 0.0], [3.0, 2.0]])
KEY = jax.random.key(11)


def test_all_off_is_identity():
    assert_tree_close(apply_modifiers(G, PARAMS, Modifiers(), KEY), G, rtol=0)


def test_modifier_params_are_off_by_default():
    assert {p.name for p in MODIFIER_PARAMS} == set(Modifiers._fields)
    for p in MODIFIER_PARAMS:
        assert p.default == 0.0 and p.min <= p.default <= p.max
        assert getattr(Modifiers(), p.name) == 0.0


def test_noise_is_added_before_clipping_by_norm():
    # With heavy noise, the result still has norm exactly c: noise came first, then clipping.
    out = apply_modifiers(G, PARAMS, Modifiers(clip_norm=1.0, noise=50.0), KEY)
    np.testing.assert_allclose(global_norm(out), 1.0, rtol=1e-13)
    # And it is the clipped version of exactly the noisy gradient of add_noise with this key.
    assert_tree_close(out, clip_by_norm(add_noise(G, KEY, 50.0), 1.0))


def test_noise_is_added_before_clipping_by_value():
    out = apply_modifiers(G, PARAMS, Modifiers(clip_value=0.1, noise=50.0), KEY)
    assert np.max(np.abs(flat(out))) <= 0.1 + 1e-15
    assert_tree_close(out, clip_by_value(add_noise(G, KEY, 50.0), 0.1))


def test_clip_by_norm_before_clip_by_value():
    g = tree([3.0], [4.0])  # norm 5
    out = apply_modifiers(g, tree([0.0], [0.0]), Modifiers(clip_norm=1.0, clip_value=0.7), KEY)
    # norm first: (0.6, 0.8) → value: (0.6, 0.7).  (Value first would give (0.7, 0.7).)
    assert_tree_close(out, tree([0.6], [0.7]))


def test_weight_decay_is_added_after_clipping():
    # Zero gradient, big weights: the decay term λθ must not be clipped (PyTorch's order).
    zero = jax.tree.map(np.zeros_like, G)
    mods = Modifiers(clip_norm=0.5, clip_value=0.1, weight_decay=1.0)
    assert_tree_close(apply_modifiers(zero, PARAMS, mods, KEY), PARAMS)
    # With a gradient too: clip g, then add λθ.
    out = apply_modifiers(G, PARAMS, Modifiers(clip_norm=1.0, weight_decay=0.2), KEY)
    expected = jax.tree.map(lambda g, p: g / NORM_G + 0.2 * p, G, PARAMS)
    assert_tree_close(out, expected)


def test_weight_decay_is_not_noised_twice_or_scaled_by_noise():
    out = apply_modifiers(G, PARAMS, Modifiers(weight_decay=0.5, noise=2.0), KEY)
    expected = jax.tree.map(lambda n, p: n + 0.5 * p, add_noise(G, KEY, 2.0), PARAMS)
    assert_tree_close(out, expected)


def test_full_pipeline_matches_numpy():
    mods = Modifiers(clip_norm=2.0, clip_value=0.9, weight_decay=0.3, noise=0.4)
    noisy = flat(add_noise(G, KEY, 0.4))  # the noise draw itself is checked above
    g = noisy * min(1.0, 2.0 / np.linalg.norm(noisy))
    g = np.clip(g, -0.9, 0.9) + 0.3 * flat(PARAMS)
    np.testing.assert_allclose(flat(apply_modifiers(G, PARAMS, mods, KEY)), g, rtol=1e-12)


def test_modifiers_are_traced_no_retrace():
    traces = []

    @jax.jit
    def run(grads, params, mods, key):
        traces.append(1)
        return apply_modifiers(grads, params, mods, key)

    off = run(G, PARAMS, Modifiers(0.0, 0.0, 0.0, 0.0), KEY)
    on = run(G, PARAMS, Modifiers(1.0, 0.3, 0.1, 0.5), KEY)
    assert_tree_close(off, G, rtol=0)
    assert not np.allclose(flat(on), flat(G))
    assert len(traces) == 1
