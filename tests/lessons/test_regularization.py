"""The regularization lesson's experiments, checked on data: penalties shrink the overfitting gap
and L1 zeroes weights, dropout agrees in expectation and narrows the loss gap, early stopping on a
recorded curve matches early stopping during training, augmentation buys robustness to moves."""

import numpy as np
import pytest

from optim_lab.lessons.regularization import experiment as reg
from optim_lab.lessons.regularization.experiment import (
    PENALTIES,
    SPIRAL,
    TEST_FRACTION,
    VAL_FRACTION,
    augmentation_compare,
    dropout_gap,
    mask_table,
    neuron_samples,
    penalty_lambdas,
    penalty_sweep,
    shift_images,
    stopping_curves,
)
from optim_lab.nn import TrainConfig, train
from optim_lab.nn.regularization import early_stopping_after


@pytest.fixture(scope="module")
def sweep():
    return penalty_sweep(seed=0)


def test_penalty_lambdas():
    l1, l2 = penalty_lambdas("elastic", np.array([0.2]))
    assert l1[0] == pytest.approx(0.1) and l2[0] == pytest.approx(0.1)
    assert penalty_lambdas("l1", np.array([0.2]))[1][0] == 0
    with pytest.raises(ValueError):
        penalty_lambdas("l3", np.array([0.1]))


def test_l1_zeroes_weights_l2_only_shrinks(sweep):
    n = len(sweep["lams"])
    zeros = {p: sweep["zeros"][i * n : (i + 1) * n] for i, p in enumerate(PENALTIES)}
    assert np.all(zeros["l2"] == 0)
    assert zeros["l1"][0] == 0  # λ = 0: no penalty
    assert np.all(zeros["l1"][1:] > zeros["l2"][1:])
    assert np.all(np.diff(zeros["l1"]) >= 0)  # more λ, more zeros
    norms = np.abs(sweep["weights"][:n]).sum(axis=1)  # L2: the weights shrink as λ grows
    assert norms[-1] < 0.5 * norms[0]


def test_picking_a_penalty_and_a_lambda_reads_the_right_runs(sweep):
    from optim_lab.lessons.regularization.experiment import (
        PENALTIES,
        pick_penalty,
        sweep_table,
        weights_at,
    )

    n = len(sweep["lams"])
    lam = float(sweep["lams"][3])
    picked = pick_penalty(sweep, "l1", lam)
    assert picked["run"] == n + 3 and picked["unpenalized"] == n and picked["lam_index"] == 3
    np.testing.assert_array_equal(picked["final_val"], sweep["val_acc"][n : 2 * n, -1])
    weights, zeros = weights_at(sweep, lam)
    assert list(weights) == list(PENALTIES) and zeros["l1"] == int(sweep["zeros"][n + 3])
    assert list(weights_at(sweep, 0.0)[0]) == ["none"]
    table = sweep_table(sweep)
    assert list(table["penalty"][n - 1 : n + 1]) == ["l2", "l1"] and len(table["lambda"]) == 3 * n


def test_l2_shrinks_the_overfitting_gap(sweep):
    n = len(sweep["lams"])
    gap = sweep["train_acc"][:n, -1] - sweep["val_acc"][:n, -1]
    lam = list(sweep["lams"])
    assert gap[0] > 0.05  # λ = 0 overfits
    assert gap[lam.index(np.float32(1e-2))] < gap[0] - 0.03
    assert sweep["train_acc"][n - 1, -1] < sweep["train_acc"][0, -1] - 0.2  # λ = 0.1 underfits
    assert sweep["grid_probs"].shape[:3] == (3 * n, 60, 60)
    assert sweep["steps"][0] == 0 and sweep["train_loss"].shape == sweep["val_loss"].shape


@pytest.mark.parametrize("keep", [0.5, 0.3])
def test_dropout_modes_agree_in_expectation(keep):
    out = neuron_samples((1.0, 2.0), (3.0, -1.0), keep, 20000, seed=1)
    assert out["full"] == pytest.approx(1.0)
    # same masks: the inverted output is the vanilla one divided by p
    np.testing.assert_allclose(out["inverted"], out["vanilla"] / keep, rtol=1e-5, atol=1e-5)
    assert out["vanilla_mean"][-1] == pytest.approx(keep * out["full"], abs=0.05)
    assert out["inverted_mean"][-1] == pytest.approx(out["full"], abs=0.1)
    rows = mask_table((1.0, 2.0), (3.0, -1.0), keep)
    assert sum(r["P(mask)"] for r in rows) == pytest.approx(1.0)
    assert sum(r["P(mask)"] * r["a"] for r in rows) == pytest.approx(keep * out["full"])


def test_lower_keep_probability_narrows_the_loss_gap():
    out = dropout_gap((1.0, 0.4), steps=300)
    gap = out["final_val_loss"] - out["train_loss"]
    assert gap[1] < gap[0]
    assert out["train_loss"][1] > out["train_loss"][0]  # dropout makes memorising harder


def test_early_stopping_on_the_curve_matches_training_with_patience():
    curves = stopping_curves(steps=300)
    stop = early_stopping_after(curves["val_loss"], 20)
    assert stop["stopped_at"] is not None
    assert curves["val_loss"][stop["best_index"]] == np.min(
        curves["val_loss"][: stop["stopped_at"] + 1]
    )
    config = TrainConfig(
        dataset="spiral",
        dataset_params=SPIRAL,
        val_fraction=VAL_FRACTION,
        test_fraction=TEST_FRACTION,
        hidden=(64, 64),
        optimizer="adam",
        optimizer_params={"lr": 0.01},
        patience=20,
    )
    status = train(config, 300).status[0]
    assert status["best_step"] == stop["best_index"]
    assert status["stopped_at"] == stop["stopped_at"]


def test_shift_images_whole_pixel_moves_are_exact():
    x = np.zeros((1, 64), np.float32)
    x[0, 27] = 16.0
    out = shift_images(x, copies=5, max_shift=0.0, noise=0.0)
    np.testing.assert_array_equal(out[:, 0], np.repeat(x, 5, axis=0))
    moved = shift_images(x, copies=20, max_shift=1.0, noise=0.0, seed=3)
    assert moved.shape == (20, 1, 64)
    assert np.all(moved.sum(axis=-1) <= 16.0 + 1e-4)  # ink is moved (and cut at the border)
    for img in moved[:, 0]:
        r, c = divmod(int(np.argmax(img)), 8)
        assert abs(r - 3) <= 1 and abs(c - 3) <= 1
    with pytest.raises(ValueError):
        shift_images(np.zeros((2, 10)))


def test_augmentation_buys_robustness_to_moves():
    out = augmentation_compare(n_train=100, max_shift=1.0, noise=1.0, init_seeds=(0, 1))
    assert out["n_augmented"] == 400
    assert np.mean(out["augmented_moved"]) > np.mean(out["plain_moved"]) + 0.05
    assert out["examples"].shape == (4, 6, 64)


def _brute_force_best(inside) -> float:
    xs = np.linspace(-2.5, 2.5, 1001)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)
    return float(np.min(reg.geometry_loss(grid[inside(grid)])))


def test_the_l1_budget_puts_the_best_weights_on_an_axis_and_the_l2_budget_does_not():
    t = 1.0
    l1, l2 = reg.best_on_l1_ball(t), reg.best_on_l2_ball(t)
    assert l1[1] == 0.0 and np.abs(l1).sum() == pytest.approx(t)  # a corner of the diamond
    assert l2[1] > 0.05 and np.linalg.norm(l2) == pytest.approx(t)  # off the axis, on the disc
    # nothing inside either budget does better (a dense grid, up to its spacing)
    in_diamond = _brute_force_best(lambda w: np.abs(w).sum(axis=1) <= t)
    in_disc = _brute_force_best(lambda w: np.linalg.norm(w, axis=1) <= t)
    assert reg.geometry_loss(l1) <= in_diamond + 1e-9
    assert reg.geometry_loss(l2) <= in_disc + 1e-9
    assert reg.geometry_loss(l2) < reg.geometry_loss(l1)  # the disc holds more of the plane
