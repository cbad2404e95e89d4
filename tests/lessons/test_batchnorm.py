"""The batch-normalization lesson's claims, checked on data: the transform's steps, BN in the
initialization experiment, eval mode's running statistics, tiny batches, larger learning rates."""

import numpy as np
import pytest

from optim_lab.lessons.batchnorm.experiment import (
    BATCH_SIZES,
    RATES,
    initialization_spreads,
    placement_compare,
    rate_sweep,
    rate_table,
    train_and_test_modes,
    transform_steps,
)
from optim_lab.lessons.batchnorm.text import placement_result
from optim_lab.nn.batchnorm import BN_EPS


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_the_transform_step_by_step(batch_size):
    steps = transform_steps(batch_size, gamma=1.5, beta=-0.5, seed=3)
    z = steps["z"]
    assert z.shape == (batch_size, 3)
    np.testing.assert_allclose(steps["mu"], z.sum(axis=0) / batch_size)
    np.testing.assert_allclose(steps["var"], np.var(z, axis=0))  # biased: divide by m
    np.testing.assert_allclose(steps["z_hat"].mean(axis=0), 0.0, atol=1e-9)
    expected_var = steps["var"] / (steps["var"] + BN_EPS)
    np.testing.assert_allclose(steps["z_hat"].var(axis=0), expected_var, rtol=1e-9)
    # the engine's output (float32) is γ·x̂ + β
    np.testing.assert_allclose(steps["y"], 1.5 * steps["z_hat"] - 0.5, rtol=1e-4, atol=1e-4)


def test_bn_keeps_the_spread_of_every_layer_of_the_small_init_experiment():
    spreads = initialization_spreads(0)
    plain, normalized = spreads["plain"], spreads["normalized"]
    assert plain[-1] < 1e-3 * plain[0]  # collapses without batch norm
    assert np.all(normalized < 2 * normalized[0]) and np.all(normalized > normalized[0] / 2)


def test_eval_mode_uses_running_statistics_and_tiny_batches_hurt():
    small, large = train_and_test_modes(2, 0), train_and_test_modes(64, 0)
    for result in (small, large):
        assert result["alone_gap"] < 1e-4  # one example alone = the same inside a batch of 64
        assert result["single_spread"] < 1e-4  # train mode, batches of one: every output equal
    assert large["eval_acc"] > 0.9
    assert small["eval_acc"] < large["eval_acc"] - 0.2
    assert large["train_mode_acc"] < large["eval_acc"] + 1e-9  # a batch's statistics cost a bit


@pytest.mark.slow
def test_batch_norm_trains_at_rates_where_the_plain_network_diverges():
    sweep = rate_sweep(0)
    plain, bn = sweep["plain"], sweep["bn"]
    lost = [i for i, d in enumerate(plain["diverged_at"]) if d is not None]
    assert lost, "the largest rates must be too large without batch norm"
    assert all(bn["diverged_at"][i] is None for i in lost)
    assert max(bn["val_acc"][i] for i in lost) > 0.8
    rows = rate_table(sweep)
    assert [r["learning rate"] for r in rows] == [f"{lr:g}" for lr in RATES]
    assert rows[lost[0]]["without batch norm"].startswith("diverged at step")


def test_the_rate_table_reads_accuracy_or_divergence():
    sweep = {
        "rates": np.array([0.1, 1.0]),
        "plain": {"val_acc": np.array([0.9, np.nan]), "diverged_at": [None, 5]},
        "bn": {"val_acc": np.array([0.95, 0.9]), "diverged_at": [None, None]},
    }
    assert rate_table(sweep) == [
        {"learning rate": "0.1", "without batch norm": "90.0%", "with batch norm": "95.0%"},
        {
            "learning rate": "1",
            "without batch norm": "diverged at step 5",
            "with batch norm": "90.0%",
        },
    ]


def test_batch_norm_trains_before_and_after_the_non_linearity():
    compare = placement_compare("relu", 0)
    assert set(compare) == {"before", "after"}
    for run in compare.values():
        assert run["diverged_at"] is None and run["val_acc"] > 0.85
    assert compare["before"]["loss"].shape == compare["after"]["loss"].shape
    sentence = placement_result(compare)
    assert f"{compare['after']['val_acc']:.1%} after" in sentence
