"""The MLP pytree: initialization, flattening, batch norm and dropout behaviour."""

from functools import partial

import jax
import numpy as np
import pytest

from optim_lab.nn.batchnorm import batchnorm_test, batchnorm_train, init_bn_state
from optim_lab.nn.dropout import dropout_test, dropout_train
from optim_lab.nn.init import INITS, init_std, sample_numpy
from optim_lab.nn.losses import binary_cross_entropy, mean_squared_error, softmax_cross_entropy
from optim_lab.nn.mlp import (
    apply_mlp,
    count_params,
    flat_value_and_grad,
    flatten,
    flatten_numpy,
    init_mlp,
    layout_of,
    unflatten,
)


def test_init_shapes_maxout_prelu_batchnorm():
    params = init_mlp(0, (2, 5, 4, 3), "maxout", "he", batchnorm=True)
    assert [p["w"].shape for p in params] == [(2, 10), (5, 8), (4, 3)]
    assert params[0]["gamma"].shape == (10,) and "gamma" not in params[-1]
    prelu = init_mlp(0, (2, 5, 3), "prelu", "he", activation_overrides={"slope": 0.1})
    assert float(prelu[0]["slope"]) == pytest.approx(0.1) and "slope" not in prelu[-1]
    assert count_params(prelu) == 2 * 5 + 5 + 1 + 5 * 3 + 3
    flat = flatten_numpy(prelu)
    back = unflatten(flat, layout_of(prelu))
    for a, b in zip(prelu, back, strict=True):
        for key in a:
            np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]))


def test_flatten_follows_the_layout_even_for_trees_jax_rebuilt():
    params = init_mlp(0, (2, 5, 3), "relu", "he")
    layout = layout_of(params)
    np.testing.assert_array_equal(np.asarray(flatten(params)), flatten_numpy(params))
    rebuilt = jax.tree.map(lambda a: a, params)  # JAX sorts dict keys: "b" before "w"
    assert list(rebuilt[0]) != [key for key, _ in layout[0]]
    np.testing.assert_array_equal(np.asarray(flatten(rebuilt, layout)), flatten_numpy(params))


def test_flat_value_and_grad_equals_differentiating_the_flat_vector():
    params = init_mlp(1, (2, 5, 3), "tanh", "he")
    layout = layout_of(params)
    x = jax.numpy.linspace(-1.0, 1.0, 14).reshape(7, 2)

    def loss(p, x):
        logits, _, _ = apply_mlp(p, x, "tanh")
        return jax.numpy.sum(logits**2), logits

    flat = flatten(params)
    (value, aux), grads = flat_value_and_grad(loss, layout, has_aux=True)(flat, x)
    (value0, aux0), grads0 = jax.value_and_grad(
        lambda f: loss(unflatten(f, layout), x), has_aux=True
    )(flat)
    np.testing.assert_allclose(value, value0, rtol=1e-6)
    np.testing.assert_allclose(aux, aux0, rtol=1e-6)
    np.testing.assert_allclose(grads, grads0, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    ("name", "fan_in", "fan_out", "expected"),
    [
        ("xavier", 400, 100, np.sqrt(1 / 400)),
        ("glorot", 400, 100, np.sqrt(2 / 500)),
        ("he", 400, 100, np.sqrt(2 / 400)),
        ("glorot_uniform", 400, 100, np.sqrt(2 / 500)),
        ("he_uniform", 400, 100, np.sqrt(2 / 400)),
        ("normal", 400, 100, 0.01),
        ("zeros", 400, 100, 0.0),
    ],
)
def test_init_standard_deviations(name, fan_in, fan_out, expected):
    assert init_std(name, fan_in, fan_out, 0.01) == pytest.approx(expected)
    w = sample_numpy(np.random.default_rng(0), name, (fan_in, fan_out), 0.01)
    assert w.std() == pytest.approx(expected, rel=0.03, abs=1e-12)
    if INITS[name].dist == "uniform":
        assert np.abs(w).max() <= expected * np.sqrt(3) + 1e-6


@partial(jax.jit, static_argnames=("train",))
def _bn(z, gamma, beta, running, momentum, *, train):
    if train:
        return batchnorm_train(z, gamma, beta, running, momentum)
    return batchnorm_test(z, gamma, beta, running), running


def test_batchnorm_train_uses_batch_stats_and_test_uses_running_averages():
    rng = np.random.default_rng(0)
    z = (3.0 + 2.0 * rng.standard_normal((256, 4))).astype(np.float32)
    gamma, beta = np.full(4, 1.5, np.float32), np.full(4, -1.0, np.float32)
    running = {"mean": np.zeros(4, np.float32), "var": np.ones(4, np.float32)}
    y, new = _bn(z, gamma, beta, running, np.float32(0.9), train=True)
    np.testing.assert_allclose(np.asarray(y).mean(0), -1.0, atol=1e-4)
    np.testing.assert_allclose(np.asarray(y).std(0), 1.5, atol=1e-3)
    np.testing.assert_allclose(new["mean"], 0.1 * z.mean(0), rtol=1e-5)
    np.testing.assert_allclose(new["var"], 0.9 + 0.1 * z.var(0), rtol=1e-5)
    # Test mode with the initial running stats (0, 1) does not normalize...
    y_test, _ = _bn(z, gamma, beta, running, np.float32(0.9), train=False)
    np.testing.assert_allclose(np.asarray(y_test), 1.5 * z / np.sqrt(1 + 1e-5) - 1.0, rtol=1e-5)
    # ...and after many batches from the same distribution it matches the training output.
    for _ in range(100):
        _, running = _bn(z, gamma, beta, running, np.float32(0.9), train=True)
    y_test, _ = _bn(z, gamma, beta, running, np.float32(0.9), train=False)
    np.testing.assert_allclose(np.asarray(y_test), np.asarray(y), atol=1e-3)
    # A single test example gets a deterministic answer that does not depend on the batch.
    one, _ = _bn(z[:1], gamma, beta, running, np.float32(0.9), train=False)
    np.testing.assert_allclose(np.asarray(one), np.asarray(y_test[:1]), atol=1e-6)


@partial(jax.jit, static_argnames=("mode",))
def _dropout(h, key, keep, *, mode):
    return dropout_train(h, key, keep, mode), dropout_test(h, keep, mode)


@pytest.mark.parametrize("mode", ["inverted", "vanilla"])
def test_dropout_test_time_matches_training_in_expectation(mode):
    h = np.linspace(0.5, 2.0, 64, dtype=np.float32)[None, :].repeat(20_000, axis=0)
    keep = np.float32(0.5)
    train_out, test_out = _dropout(h, np.array([0, 7], np.uint32), keep, mode=mode)
    train_out, test_out = np.asarray(train_out), np.asarray(test_out)
    kept = train_out != 0
    assert kept.mean() == pytest.approx(0.5, abs=0.01)  # p is the KEEP probability
    np.testing.assert_allclose(train_out.mean(0), test_out[0], rtol=0.03)
    if mode == "inverted":  # training scales by 1/p, test leaves h alone
        np.testing.assert_allclose(train_out[kept], (h / 0.5)[kept], rtol=1e-6)
        np.testing.assert_array_equal(test_out, h)
    else:  # training keeps h as is, test scales by p
        np.testing.assert_array_equal(train_out[kept], h[kept])
        np.testing.assert_allclose(test_out, 0.5 * h, rtol=1e-6)


@partial(jax.jit, static_argnames=("activation", "train", "mode"))
def _apply(params, x, bn_state, key, keep, *, activation, train, mode):
    return apply_mlp(
        params,
        x,
        activation,
        train=train,
        key=key,
        dropout=keep,
        dropout_mode=mode,
        bn_state=bn_state,
        stats=True,
    )


def test_apply_mlp_modes_and_stats():
    params = init_mlp(1, (3, 16, 16, 4), "relu", "he", batchnorm=True)
    bn = init_bn_state(params)
    x = np.random.default_rng(0).standard_normal((64, 3)).astype(np.float32)
    key = np.array([0, 1], np.uint32)
    logits, new_bn, aux = _apply(
        params, x, bn, key, np.float32(1.0), activation="relu", train=True, mode="inverted"
    )
    assert logits.shape == (64, 4)
    assert set(aux) == {"pre_mean", "pre_std", "act_mean", "act_std", "dead", "saturated"}
    assert aux["pre_mean"].shape == (2,)
    # BN with γ = 1, β = 0: pre-activations are standardized in training mode.
    np.testing.assert_allclose(np.asarray(aux["pre_mean"]), 0, atol=1e-5)
    np.testing.assert_allclose(np.asarray(aux["pre_std"]), 1, atol=1e-3)
    assert not np.allclose(new_bn[0]["mean"], 0)
    # keep = 1 in training mode is deterministic; test mode leaves bn_state as it is.
    again, _, _ = _apply(
        params,
        x,
        bn,
        np.array([0, 2], np.uint32),
        np.float32(1.0),
        activation="relu",
        train=True,
        mode="inverted",
    )
    np.testing.assert_allclose(np.asarray(again), np.asarray(logits), rtol=1e-6)
    _, same_bn, _ = _apply(
        params, x, bn, key, np.float32(0.5), activation="relu", train=False, mode="vanilla"
    )
    np.testing.assert_array_equal(np.asarray(same_bn[0]["mean"]), bn[0]["mean"])
    with pytest.raises(ValueError, match="bn_state"):
        apply_mlp(params, x, "relu")
    # Dead ReLUs: β = −100 keeps 4 of the 16 first-layer units below 0 for every example.
    params[0]["beta"] = params[0]["beta"].copy()
    params[0]["beta"][:4] = -100.0
    _, _, aux = _apply(
        params, x, bn, key, np.float32(1.0), activation="relu", train=True, mode="inverted"
    )
    assert float(aux["dead"][0]) == pytest.approx(0.25)
    assert float(aux["saturated"][0]) >= 0.25


@jax.jit
def _losses(logits, labels, mask, s, y, out, targets):
    return (
        softmax_cross_entropy(logits, labels),
        softmax_cross_entropy(logits, labels, mask),
        binary_cross_entropy(s, y),
        mean_squared_error(out, targets),
    )


def test_losses():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]], np.float32)
    labels = np.array([0, 2])
    s = np.array([[3.0], [-2.0]], np.float32)
    out = np.array([[1.0, 0.0], [0.5, 0.5]], np.float32)
    ce, masked, bce, mse = _losses(
        logits, labels, np.array([1.0, 0.0], np.float32), s, np.array([1, 1]), out, np.array([0, 0])
    )
    first = np.log(np.exp(logits[0]).sum()) - 2.0
    assert float(ce) == pytest.approx(np.mean([first, np.log(3.0)]), rel=1e-6)
    assert float(masked) == pytest.approx(first, rel=1e-6)  # the masked row does not count
    assert float(bce) == pytest.approx(np.mean(np.log1p(np.exp(-s[:, 0]))), rel=1e-5)
    assert float(mse) == pytest.approx(0.5 * (0.25 + 0.25) / 2)  # ½Σ(s − onehot)², averaged


@pytest.mark.parametrize("position", ["before", "after"])
def test_batch_norm_goes_before_or_after_the_non_linearity(position):
    params = init_mlp(2, (3, 6, 2), "tanh", "xavier", batchnorm=True)
    params[0]["gamma"] = np.linspace(0.5, 2.0, 6).astype(np.float32)
    params[0]["beta"] = np.linspace(-1.0, 1.0, 6).astype(np.float32)
    x = np.random.default_rng(0).standard_normal((32, 3)).astype(np.float32)
    bn = init_bn_state(params)
    logits, new_bn, _ = apply_mlp(
        params, x, "tanh", train=True, bn_state=bn, bn_momentum=0.5, bn_position=position
    )
    hidden, out = params[0], params[1]

    def normalize(v):  # by hand, float64
        mu, var = v.mean(axis=0), v.var(axis=0)
        return hidden["gamma"] * (v - mu) / np.sqrt(var + 1e-5) + hidden["beta"], mu, var

    z = x.astype(np.float64) @ hidden["w"] + hidden["b"]
    if position == "before":
        h, mu, var = normalize(z)
        h = np.tanh(h)
    else:
        h, mu, var = normalize(np.tanh(z))
    np.testing.assert_allclose(logits, h @ out["w"] + out["b"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(new_bn[0]["mean"], 0.5 * mu, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(new_bn[0]["var"], 0.5 + 0.5 * var, rtol=1e-4)


def test_an_unknown_batch_norm_position_is_refused():
    params = init_mlp(0, (2, 4, 2), "relu", "he", batchnorm=True)
    with pytest.raises(ValueError, match="bn_position"):
        apply_mlp(
            params,
            np.zeros((4, 2), np.float32),
            "relu",
            bn_state=init_bn_state(params),
            bn_position="middle",
        )
