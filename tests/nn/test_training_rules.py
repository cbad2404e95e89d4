"""The rules every network trainer shares: mini-batches by epoch, one update, the 3× explosion
rule."""

import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.nn.training_rules import (
    EXPLODE_FACTOR,
    batch_at,
    epoch_order,
    iterations_per_epoch,
    take_step,
    watch_cost,
)
from optim_lab.optimizers import OPTIMIZERS

KEY = np.array([0, 5], np.uint32)


def test_iterations_per_epoch_as_in_the_lectures():
    assert iterations_per_epoch(1000, 100) == 10
    assert iterations_per_epoch(1000, 128) == 8  # ceil(1000 / 128)
    assert iterations_per_epoch(1000, None) == 1
    assert iterations_per_epoch(1000, 1) == 1000


def test_every_example_is_seen_once_per_epoch_and_the_filler_is_masked():
    order = np.asarray(epoch_order(KEY, 0, 180, 32))
    assert len(order) == 6 * 32 and sorted(set(order.tolist())) == list(range(180))
    assert sorted(order[:180].tolist()) == list(range(180))  # a permutation, then the filler
    seen = []
    for i in range(6):
        indices, mask = batch_at(jnp.asarray(order), i, 180, 32)
        counted = np.asarray(indices)[np.asarray(mask) > 0]
        seen += counted.tolist()
    assert sorted(seen) == list(range(180))  # the wrapped-around filler does not count
    assert not np.array_equal(order, np.asarray(epoch_order(KEY, 1, 180, 32)))  # fresh order


def test_full_batches_need_no_mask():
    indices, mask = batch_at(epoch_order(KEY, 0, 64, 32), 1, 64, 32)
    assert mask is None and np.asarray(indices).shape == (32,)


def test_full_batch_explodes_on_the_first_cost_past_three_times_the_start():
    _, blown = watch_cost(
        0.0, EXPLODE_FACTOR * 2.0 + 0.01, 2.0, jnp.int32(0), n=100, batch_size=100
    )
    assert bool(blown)
    _, fine = watch_cost(0.0, EXPLODE_FACTOR * 2.0 - 0.01, 2.0, jnp.int32(0), n=100, batch_size=100)
    assert not bool(fine)


@pytest.mark.parametrize("spike_at", [3, 40])
def test_one_bad_mini_batch_does_not_stop_a_run_but_a_lasting_rise_does(spike_at):
    smooth, costs = 0.0, np.full(60, 1.0)
    costs[spike_at] = 2 * EXPLODE_FACTOR  # one unlucky batch, twice past the threshold
    for t, cost in enumerate(costs):
        smooth, blown = watch_cost(smooth, cost, 1.0, jnp.int32(t), n=320, batch_size=32)
        assert not bool(blown), t
    for t in range(60, 200):  # the cost stays at 4× the start: about one epoch later, it explodes
        smooth, blown = watch_cost(smooth, 4.0, 1.0, jnp.int32(t), n=320, batch_size=32)
        if bool(blown):
            break
    assert 60 < t < 80


def _momentum_step(params, grads, cost, **kw):
    opt = OPTIMIZERS["momentum"].build()
    state = opt.init(params)
    rule = dict(live=jnp.bool_(True), smooth=jnp.float32(0), initial_cost=1.0, t=jnp.int32(0))
    return take_step(
        opt, grads, state, params, {"beta": 0.9}, 0.1, cost, n=8, batch_size=8, **{**rule, **kw}
    )


def test_one_update_is_the_optimizers_step_limited_to_the_mask_then_projected():
    params, grads = jnp.array([1.0, -2.0, 0.5]), jnp.array([0.5, 1.0, -4.0])
    step = _momentum_step(params, grads, 1.0)
    # momentum from zero velocity (EWA form): v = (1 - β) g, step −α v
    expected = np.array([1.0, -2.0, 0.5]) - 0.1 * 0.1 * np.array([0.5, 1.0, -4.0])
    np.testing.assert_allclose(step.params, expected, rtol=1e-6)
    assert bool(step.ok) and not bool(step.nonfinite) and not bool(step.exploded)
    masked = _momentum_step(params, grads, 1.0, mask=jnp.array([1.0, 0.0, 1.0]))
    np.testing.assert_allclose(masked.params, [expected[0], -2.0, expected[2]], rtol=1e-6)
    clipped = _momentum_step(params, grads, 1.0, project=lambda new, lr: jnp.clip(new, -1.0, 1.0))
    np.testing.assert_allclose(clipped.params, np.clip(expected, -1, 1), rtol=1e-6)


def test_the_verdict_tells_nonfinite_from_exploded_and_a_stopped_run_from_both():
    params, grads = jnp.ones(2), jnp.ones(2)
    nan = _momentum_step(params, grads, jnp.float32(np.nan))
    assert bool(nan.nonfinite) and not bool(nan.ok) and not bool(nan.exploded)
    assert float(nan.smooth) == 0.0  # the running average keeps its last finite value
    overflow = _momentum_step(params, jnp.array([np.inf, 0.0]), 1.0)
    assert bool(overflow.nonfinite) and not bool(overflow.ok)
    blown = _momentum_step(params, grads, EXPLODE_FACTOR * 1.01)
    assert bool(blown.exploded) and not bool(blown.ok) and not bool(blown.nonfinite)
    dead = _momentum_step(params, grads, jnp.float32(np.nan), live=jnp.bool_(False))
    assert not (bool(dead.ok) or bool(dead.nonfinite) or bool(dead.exploded))
