"""The rules every network trainer shares: mini-batches by epoch, the 3× explosion rule."""

import jax.numpy as jnp
import numpy as np
import pytest

from optim_lab.nn.training_rules import (
    EXPLODE_FACTOR,
    batch_at,
    epoch_order,
    iterations_per_epoch,
    watch_cost,
)

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
