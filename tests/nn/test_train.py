"""Training: accuracy on spiral and digits, compare mode, no retracing, divergence, early stopping."""

import math
from dataclasses import replace

import jax
import numpy as np
import pytest

from optim_lab.nn.evaluation import evaluate, predict_grid
from optim_lab.nn.history import History, last_recorded
from optim_lab.nn.training import TRACE_COUNTS, init_training, train, train_chunk
from optim_lab.nn.training_config import TrainConfig, make_hparams, restart_key

# A mini-batch configuration shared by most tests (one compilation for all of them): the
# lectures' 300-point spiral (180 for training), batches of 32 (I = 6 iterations per epoch, the
# last one padded and masked), dropout.
SMALL = TrainConfig(
    dataset="spiral",
    hidden=(32, 32),
    batch_size=32,
    dropout=0.8,
    optimizer="adam",
    optimizer_params={"lr": 0.02},
)
CHUNK = 25


def test_spiral_three_classes_trains_to_high_accuracy():
    history = train(SMALL, 600, chunk=CHUNK)  # 100 epochs
    state = history.state
    assert evaluate(state, "train")["acc"] >= 0.95
    assert np.mean(history["loss"][0, -12:]) < 0.3 * np.mean(history["loss"][0, :6])
    assert history.status[0]["diverged_at"] is None
    for key in ("loss", "val_loss", "train_acc", "val_acc", "lr"):
        assert history[key].shape == (1, 600) and np.all(np.isfinite(history[key]))
    assert history["grad_norm"].shape == (1, 600, 3) and history["dead"].shape == (1, 600, 2)
    assert history.epochs[-1] == pytest.approx(599 / 6)
    grid = predict_grid(state, resolution=20)
    assert grid["probs"].shape == (20, 20, 3)
    np.testing.assert_allclose(grid["probs"].sum(-1), 1, atol=1e-5)


def test_digits_reach_high_validation_accuracy():
    config = TrainConfig(dataset="digits", hidden=(64,), optimizer_params={"lr": 0.005})
    history = train(config, 150, chunk=150)
    assert evaluate(history.state, "val")["acc"] >= 0.90
    with pytest.raises(ValueError, match="2 features"):
        predict_grid(history.state)


def test_chunks_continue_one_run_and_hparams_do_not_retrace():
    state = init_training(SMALL)
    state, first = train_chunk(state, n_steps=CHUNK)
    traces = TRACE_COUNTS["chunk"]
    changed = replace(
        SMALL,
        optimizer_params={"lr": 0.005, "beta1": 0.5, "beta2": 0.9},
        l1=1e-4,
        l2=1e-3,
        dropout=0.5,
        weight_decay=1e-4,
        clip_norm=1.0,
        clip_value=0.5,
        bn_momentum=0.8,
        patience=50,
    )
    assert restart_key(changed) == restart_key(SMALL)  # the page keeps its state...
    state, second = train_chunk(state, make_hparams(changed), n_steps=CHUNK)
    assert TRACE_COUNTS["chunk"] == traces  # ...and new values run in the same compiled program
    assert restart_key(replace(SMALL, batch_size=16)) != restart_key(SMALL)
    live = History.for_state(state)
    live.append(first)
    live.append(second)
    assert live.steps == 2 * CHUNK and live.labels == ("Adam (lr=0.02)",)
    assert state.step == 2 * CHUNK and state.epoch == pytest.approx(2 * CHUNK / 6)
    assert second["lr"][0, 0] == pytest.approx(0.005)
    assert first["loss"].shape == (1, CHUNK)
    # A chunk that continues a run equals one long run (same batches, same masks).
    history = train(SMALL, 2 * CHUNK, chunk=CHUNK)
    np.testing.assert_allclose(history["loss"][0, :CHUNK], first["loss"][0], rtol=1e-6)


def test_compare_mode_matches_training_alone():
    compare = ["momentum", ("adam", {"lr": 0.01})]
    together = train(SMALL, CHUNK, compare=compare, chunk=CHUNK)
    assert together.labels == ("Momentum (EWA)", "Adam (lr=0.01)")
    assert together["loss"].shape == (2, CHUNK)
    momentum = train(replace(SMALL, optimizer="momentum", optimizer_params={}), CHUNK, chunk=CHUNK)
    adam = train(replace(SMALL, optimizer_params={"lr": 0.01}), CHUNK, chunk=CHUNK)
    for i, alone in enumerate([momentum, adam]):
        np.testing.assert_allclose(together["loss"][i], alone["loss"][0], rtol=1e-5, atol=1e-6)
        p_together, _ = together.state.params(i)
        p_alone, _ = alone.state.params(0)
        np.testing.assert_allclose(p_together[0]["w"], p_alone[0]["w"], rtol=1e-5, atol=1e-6)
    assert not np.allclose(together["loss"][0], together["loss"][1])
    with pytest.raises(ValueError, match="1 to 4"):
        init_training(SMALL, compare=["sgd"] * 5)


def test_exploding_loss_is_recorded_and_stops_the_run():
    history = train(replace(SMALL, optimizer_params={"lr": 10.0}), CHUNK, chunk=CHUNK)
    status = history.status[0]
    assert status["exploded_at"] is not None and status["nonfinite_at"] is None
    end = status["diverged_at"]
    assert np.all(np.isfinite(history["loss"][0, :end]))
    assert np.all(np.isnan(history["loss"][0, end + 1 :]))
    params, _ = history.state.params()
    assert all(np.all(np.isfinite(layer["w"])) for layer in params)


def test_non_finite_loss_is_recorded_separately():
    config = TrainConfig(
        dataset="pass_class",
        preprocess="none",
        hidden=(64,) * 5,
        init="normal",
        init_scale=10.0,
        optimizer="sgd",
        optimizer_params={"lr": 10.0},
    )
    history = train(config, 10, chunk=10)
    status = history.status[0]
    assert status["nonfinite_at"] == status["diverged_at"] is not None
    assert status["exploded_at"] is None
    params, _ = history.state.params()
    assert all(np.all(np.isfinite(layer["w"])) for layer in params)


def test_early_stopping_keeps_the_best_weights():
    config = replace(SMALL, patience=3, optimizer_params={"lr": 0.05})
    history = train(config, 2 * CHUNK, chunk=CHUNK)
    status = history.status[0]
    assert status["stopped_at"] is not None
    val = history["val_loss"][0]
    assert status["best_step"] == int(np.nanargmin(val))
    assert status["stopped_at"] == status["best_step"] + 3
    assert np.all(np.isfinite(history["loss"][0, : status["stopped_at"] + 1]))
    assert np.all(np.isnan(history["loss"][0, status["stopped_at"] + 1 :]))
    best = evaluate(history.state, "val", best=True)["loss"]
    assert best == pytest.approx(np.nanmin(val), rel=1e-4)
    restored = history.state.restore_best()
    assert evaluate(restored, "val")["loss"] == pytest.approx(best, rel=1e-6)


def test_history_appends_chunks():
    history = History(("a",), 3)
    history.append({"loss": np.ones((1, 5))})
    history.append({"loss": np.zeros((1, 5))}, limit=2)
    assert history.steps == 7 and history.epochs[-1] == pytest.approx(2.0)


def test_bad_configurations_raise_value_error():
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_hparams(replace(SMALL, optimizer="adamax"))
    with pytest.raises(ValueError, match="lr must be between"):
        make_hparams(replace(SMALL, optimizer_params={"lr": -1}))
    with pytest.raises(ValueError, match="dropout must be between"):
        make_hparams(replace(SMALL, dropout=0.0))
    with pytest.raises(ValueError, match="batch size"):
        init_training(replace(SMALL, batch_size=0))
    with pytest.raises(ValueError, match="2 classes"):
        init_training(replace(SMALL, loss="binary_cross_entropy"))


def test_statistics_every_k_steps_match_every_step_and_are_carried_between():
    # With dropout, the separate statistics pass must draw the same masks as the training pass.
    every_step = train(SMALL, 12, chunk=12)
    every_4 = train(replace(SMALL, eval_every=4), 12, chunk=12)
    np.testing.assert_allclose(every_4["loss"], every_step["loss"], rtol=1e-5, atol=1e-6)
    for key in ("pre_mean", "pre_std", "act_mean", "act_std", "dead", "saturated"):
        measured, carried = every_4[key][0], every_step[key][0]
        assert measured.shape == (12, 2)
        np.testing.assert_allclose(measured[::4], carried[::4], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(measured[1:4], np.repeat(measured[:1], 3, axis=0))
    assert not np.allclose(every_4["act_std"][0][0], every_4["act_std"][0][4])


# Every field of TrainConfig with another valid value: a restart field must change restart_key, a
# traced one must not, and a running training takes all the traced ones without recompiling.
OTHER_VALUES = {
    "dataset": "moons",
    "dataset_params": {"noise": 0.3},
    "seed": 1,
    "features": ("x1", "x2", "x1x2"),
    "preprocess": "center",
    "val_fraction": 0.25,
    "test_fraction": 0.25,
    "train_share": 0.5,
    "hidden": (16,),
    "activation": "tanh",
    "activation_params": {"slope": 0.2},
    "init": "xavier",
    "init_scale": 0.1,
    "batchnorm": True,
    "bn_position": "after",
    "bn_momentum": 0.8,
    "loss": "mse",
    "optimizer": "sgd",
    "optimizer_params": {"lr": 0.005, "beta1": 0.5},
    "schedule": "step",
    "schedule_params": {"lr": 0.01},
    "batch_size": 16,
    "l1": 1e-4,
    "l2": 1e-3,
    "weight_decay": 1e-4,
    "clip_norm": 1.0,
    "clip_value": 0.5,
    "grad_noise": 0.1,
    "dropout": 1.0,
    "dropout_mode": "vanilla",
    "patience": 50,
    "eval_every": 5,
}
RESTARTS_THROUGH_RUN_NAMES = {"optimizer"}


def test_every_field_is_either_a_restart_or_a_traced_value():
    from dataclasses import fields

    base = replace(SMALL, activation="leaky_relu")  # an activation with a parameter
    assert set(OTHER_VALUES) == {f.name for f in fields(TrainConfig)}  # a new field is classified
    restart = {f.name for f in fields(TrainConfig) if "restart" in f.metadata}
    restart |= RESTARTS_THROUGH_RUN_NAMES
    traced = {}
    for name, value in OTHER_VALUES.items():
        changed = restart_key(replace(base, **{name: value})) != restart_key(base)
        assert changed == (name in restart), name
        if name not in restart:
            traced[name] = value
            # ...and a traced field is really passed to the running training
            before = jax.tree.leaves(make_hparams(base))
            after = jax.tree.leaves(make_hparams(replace(base, **{name: value})))
            assert any(not np.array_equal(x, y) for x, y in zip(before, after, strict=True)), name
    state = init_training(base)
    state, _ = train_chunk(state, n_steps=CHUNK)
    traces = TRACE_COUNTS["chunk"]
    train_chunk(state, make_hparams(replace(base, **traced)), n_steps=CHUNK)
    assert TRACE_COUNTS["chunk"] == traces


def test_the_latest_value_skips_the_nan_tail_of_a_stopped_run():
    values = np.array([2.0, 1.5, np.inf, np.nan, np.nan], np.float32)
    assert last_recorded(values) == math.inf  # a diverged value is shown, only NaN is skipped
    assert last_recorded(np.array([0.9, 0.4, np.nan])) == 0.4
    assert last_recorded(np.array([np.nan, np.nan])) is None
    assert last_recorded(np.array([])) is None


def test_batch_norm_after_the_non_linearity_trains_and_evaluates():
    config = replace(SMALL, batchnorm=True, bn_position="after", dropout=1.0)
    history = train(config, 60)
    assert np.all(np.isfinite(history["loss"][0]))
    result = evaluate(history.state, "val")
    assert 0.0 <= result["acc"] <= 1.0 and np.isfinite(result["loss"])
    with pytest.raises(ValueError, match="maxout"):
        init_training(replace(config, activation="maxout"))


def test_xor_is_linearly_separable_in_the_product_feature():
    config = TrainConfig(
        dataset="xor", features=("x1x2",), hidden=(), optimizer_params={"lr": 0.05}
    )
    history = train(config, 300)
    state = history.state
    assert state.prep.matrix.shape == (1, 1)  # one input: x₁x₂
    assert len(state.params()[0]) == 1  # no hidden layer: a logistic regression
    assert evaluate(state, "val")["acc"] >= 0.95
    # the raw coordinates alone leave a linear model at chance
    plain = train(replace(config, features=()), 300).state
    assert evaluate(plain, "val")["acc"] < 0.75


def test_the_sine_features_separate_the_spiral_without_a_hidden_layer():
    # TensorFlow Playground's demo: sines of the coordinates on its [−6, 6] scale
    config = TrainConfig(
        dataset="spiral",
        dataset_params={"classes": 2},
        features=("x1", "x2", "sin_x1", "sin_x2"),
        hidden=(),
    )
    for seed in range(3):
        with_sines = train(replace(config, seed=seed), 1500).state
        assert evaluate(with_sines, "val")["acc"] >= 0.95
        plain = train(replace(config, seed=seed, features=("x1", "x2")), 1500).state
        assert evaluate(plain, "val")["acc"] < 0.85


def test_plane_regression_reaches_a_small_fraction_of_the_target_variance():
    config = TrainConfig(
        dataset="plane", hidden=(8,), loss="mse", optimizer_params={"lr": 0.02}, train_share=0.5
    )
    history = train(config, 300)
    state = history.state
    variance = float(np.var(state.dataset.y_val))  # the MSE of predicting the mean
    result = evaluate(state, "val")
    assert result["mse"] == result["loss"] < 0.01 * variance
    assert math.isnan(result["acc"])  # a real target has no accuracy
    independent = np.mean(
        (predict_grid_values(state, state.dataset.x_val) - state.dataset.y_val) ** 2
    )
    assert result["mse"] == pytest.approx(independent, rel=1e-4)
    assert np.isnan(history["train_acc"]).all() and np.isfinite(history["loss"]).all()
    grid = predict_grid(state, 11)
    assert grid["values"].shape == (11, 11) and "probs" not in grid
    # the grid's value at a point is the plane's height there (x₁ + x₂)/10, learned
    xx, yy = np.meshgrid(grid["x"], grid["y"])
    inside = (np.abs(xx) < 5) & (np.abs(yy) < 5)
    assert np.mean(np.abs(grid["values"] - (xx + yy) / 10)[inside]) < 0.05


def predict_grid_values(state, x):
    """The network's outputs on raw inputs ``x``, computed with NumPy from its weights."""
    h = state.prep.apply(x).astype(float)
    layers = state.params()[0]
    for i, layer in enumerate(layers):
        h = h @ np.asarray(layer["w"], float) + np.asarray(layer["b"], float)
        if i < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return h[:, 0]


def test_a_regression_set_refuses_a_classification_loss_and_the_split_is_one_number():
    with pytest.raises(ValueError, match="does not fit a regression target"):
        init_training(TrainConfig(dataset="plane", hidden=(4,)))
    config = TrainConfig(
        dataset="moons", hidden=(4,), train_share=0.3, dataset_params={"points": 100}
    )
    data = init_training(config).dataset
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (30, 70, 0)
    assert config.split_fractions() == pytest.approx((0.7, 0.0))
    assert TrainConfig().split_fractions() == (0.2, 0.2)  # unset: today's 60/20/20
    with pytest.raises(ValueError, match="train_share"):
        TrainConfig(train_share=0.95).split_fractions()
