"""Penalties on weights only, and early stopping (pure helper inside a scan, and in NumPy)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.nn.regularization import (
    early_stopping_after,
    early_stopping_init,
    early_stopping_update,
    elastic_net,
    l1_penalty,
    l2_penalty,
)

PARAMS = [
    {
        "w": np.array([[1.0, -2.0]], np.float32),
        "b": np.array([5.0, 5.0], np.float32),
        "gamma": np.array([3.0, 3.0], np.float32),
    },
    {"w": np.array([[-3.0], [0.5]], np.float32), "b": np.array([7.0], np.float32)},
]


@jax.jit
def _penalties(params):
    grads = jax.grad(lambda p: elastic_net(p, 0.0, 0.3))(params)
    return l1_penalty(params), l2_penalty(params), elastic_net(params, 0.1, 2.0), grads


def test_penalties_act_on_weights_only():
    l1, l2, both, grads = _penalties(PARAMS)
    assert float(l1) == pytest.approx(1 + 2 + 3 + 0.5)
    assert float(l2) == pytest.approx(0.5 * (1 + 4 + 9 + 0.25))
    assert float(both) == pytest.approx(0.1 * 6.5 + 2.0 * 7.125)
    np.testing.assert_allclose(grads[0]["w"], 0.3 * PARAMS[0]["w"])  # = coupled weight decay
    assert not np.any(grads[0]["b"]) and not np.any(grads[0]["gamma"])


@jax.jit
def _scan_early_stopping(val_losses, patience):
    """Params at step t are t·[1, 1]; returns the state after observing every loss."""

    def body(state, inputs):
        t, loss = inputs
        params = {"w": jnp.full(2, t, jnp.float32)}
        return early_stopping_update(state, loss, params, t, patience), None

    init = early_stopping_init({"w": jnp.zeros(2, jnp.float32)})
    steps = jnp.arange(val_losses.shape[0], dtype=jnp.int32)
    state, _ = jax.lax.scan(body, init, (steps, val_losses))
    return state


def test_early_stopping_restores_best_weights_inside_scan():
    losses = np.array([5.0, 4.0, 3.0, 3.5, 2.5, 2.6, 2.7, 2.8, 2.4, 1.0], np.float32)
    state = _scan_early_stopping(losses, np.float32(3))
    assert int(state.best_step) == 4 and float(state.best_loss) == pytest.approx(2.5)
    assert int(state.stopped_at) == 7  # steps 5, 6, 7 without improvement
    np.testing.assert_array_equal(np.asarray(state.best_params["w"]), [4.0, 4.0])
    # patience 0: never stops, best is the global minimum.
    state = _scan_early_stopping(losses, np.float32(0))
    assert int(state.stopped_at) == -1 and int(state.best_step) == 9
    np.testing.assert_array_equal(np.asarray(state.best_params["w"]), [9.0, 9.0])


def test_early_stopping_after_the_fact():
    losses = [5.0, 4.0, 3.0, 3.5, 2.5, 2.6, 2.7, 2.8, 2.4, 1.0]
    assert early_stopping_after(losses, 3) == {"best_index": 4, "stopped_at": 7}
    assert early_stopping_after(losses, 0) == {"best_index": 9, "stopped_at": None}
    assert early_stopping_after([np.nan, np.nan], 1) == {"best_index": None, "stopped_at": 0}
