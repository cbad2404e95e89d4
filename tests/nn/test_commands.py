"""CLI handlers of the MLP lab: output shapes and one-line ValueErrors on bad input."""

import argparse
import json

import pytest

from optim_lab.nn.commands import register


def run(*argv):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    out = args.handler(args)
    json.dumps(out, allow_nan=False)  # JSON-able, no NaN
    return out


def test_init_stats_shape():
    out = run(
        "init-stats",
        "--layers",
        "3",
        "--width",
        "40",
        "--samples",
        "50",
        "--activation",
        "tanh",
        "--init",
        "normal",
        "--scale",
        "0.01",
    )
    assert set(out) == {"mean", "std"} and len(out["mean"]) == len(out["std"]) == 3
    assert out["std"][0] > out["std"][1] > out["std"][2]


# The same static configuration as tests/nn/test_train.py's SMALL (no extra compilation).
TRAIN = [
    "train",
    "--dataset",
    "spiral",
    "--hidden",
    "32,32",
    "--batch-size",
    "32",
    "--dropout",
    "0.8",
    "--steps",
    "25",
]


def test_init_stats_with_batchnorm_keeps_every_layers_spread():
    args = ("init-stats", "--layers", "6", "--width", "100", "--samples", "200", "--init", "normal")
    plain, normalized = run(*args), run(*args, "--batchnorm")
    assert set(normalized) == {"mean", "std"} and len(normalized["std"]) == 6  # the same JSON
    assert plain["std"][-1] < 1e-4 * plain["std"][0]  # 0.01·randn: the spread collapses
    assert max(normalized["std"]) < 2 * min(normalized["std"])


def test_train_shape():
    argv = [*TRAIN, "--activation", "relu", "--init", "he", "--optimizer", "adam", "--l2", "1e-4"]
    out = run(*argv, "--set", "lr=0.02")
    assert set(out) == {"loss", "val_loss", "train_acc", "val_acc", "diverged_at"}
    assert len(out["loss"]) == len(out["val_loss"]) == 25
    assert 0 <= out["train_acc"] <= 1 and 0 <= out["val_acc"] <= 1 and out["diverged_at"] is None


def test_train_with_features_and_no_hidden_layer_solves_xor():
    argv = ["train", "--dataset", "xor", "--features", "x1x2", "--hidden", "none"]
    out = run(*argv, "--steps", "300", "--set", "lr=0.05", "--task", "classification")
    assert set(out) == {"loss", "val_loss", "train_acc", "val_acc", "diverged_at"}
    assert out["val_acc"] >= 0.95


def test_train_regression_reports_mean_squared_errors():
    argv = ["train", "--dataset", "plane", "--task", "regression", "--hidden", "8"]
    out = run(*argv, "--steps", "300", "--set", "lr=0.02", "--train-share", "0.5")
    assert set(out) == {"loss", "val_loss", "train_mse", "val_mse", "diverged_at"}
    # the plane's heights (x₁ + x₂)/10 over [-6, 6]² have variance 2·12²/12/100 = 0.24
    assert out["val_mse"] < 0.01 * 0.24 and out["train_mse"] < 0.01 * 0.24
    assert out["loss"][-1] == pytest.approx(out["train_mse"], rel=0.2)  # the loss is the MSE


def test_train_new_flags_reach_the_configuration():
    from optim_lab.nn.commands import config_from_args

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    new_flags = ["--features", "x1,x2,sin_x1", "--train-share", "0.7", "--preprocess", "raw"]
    args = parser.parse_args([*TRAIN, *new_flags, "--init", "normal", "--init-scale", "0.3"])
    config = config_from_args(args)
    assert config.features == ("x1", "x2", "sin_x1") and config.train_share == 0.7
    assert (
        config.preprocess == "raw" and config.init_scale == 0.3 and config.loss == "cross_entropy"
    )
    old = parser.parse_args([*TRAIN, "--init", "normal", "--scale", "0.2"])
    assert config_from_args(old).init_scale == 0.2  # the old flag still works
    regression = parser.parse_args(["train", "--dataset", "gaussians", "--steps", "5"])
    assert config_from_args(regression).loss == "mse"  # the task's default loss


def test_train_divergence_cuts_the_curves():
    out = run(*TRAIN, "--set", "lr=10")
    assert out["diverged_at"] is not None and len(out["loss"]) <= out["diverged_at"] + 1


def test_gradcheck_shape():
    out = run(
        "gradcheck", "--dataset", "moons", "--hidden", "6", "--activation", "relu", "--points", "30"
    )
    assert set(out) == {"max_rel_error", "per_param"}
    assert out["max_rel_error"] < 1e-6 and set(out["per_param"]) == {"W1", "b1", "W2", "b2"}


def test_registry_listings():
    assert [a["name"] for a in run("activations")["activations"]][:3] == ["sigmoid", "tanh", "relu"]
    assert "he" in [i["name"] for i in run("inits")["inits"]]
    assert "digits" in [d["name"] for d in run("datasets")["datasets"]]
    assert "mse" in [loss["name"] for loss in run("losses")["losses"]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("train", "--dataset", "mnist", "--steps", "5"), "unknown dataset"),
        (("train", "--dataset", "spiral", "--steps", "5", "--hidden", "a,b"), "--hidden"),
        (("train", "--dataset", "spiral", "--steps", "0"), "--steps"),
        (("train", "--dataset", "spiral", "--steps", "5", "--set", "lr"), "expected name=value"),
        (("train", "--dataset", "spiral", "--steps", "5", "--set", "gamma=1"), "no parameter"),
        (("train", "--dataset", "spiral", "--steps", "5", "--dropout", "0"), "dropout"),
        (("train", "--dataset", "moons", "--classes", "3", "--steps", "5"), "classes"),
        (("train", "--dataset", "xor", "--steps", "5", "--features", "x1,x3"), "unknown feature"),
        (("train", "--dataset", "digits", "--steps", "5", "--features", "x1"), "2 coordinates"),
        (("train", "--dataset", "plane", "--steps", "5", "--task", "classification"), "regression"),
        (("train", "--dataset", "xor", "--steps", "5", "--task", "ranking"), "--task"),
        (
            ("train", "--dataset", "plane", "--steps", "5", "--loss", "cross_entropy"),
            "does not fit",
        ),
        (("train", "--dataset", "xor", "--steps", "5", "--train-share", "0.95"), "train_share"),
        (("train", "--dataset", "xor", "--steps", "5", "--preprocess", "cook"), "preprocessing"),
        (
            ("train", "--dataset", "spiral", "--steps", "5", "--activation", "swish"),
            "unknown activation",
        ),
        (("init-stats", "--layers", "0"), "layers"),
        (("init-stats", "--init", "lecun"), "unknown initialization"),
        (("gradcheck", "--activation", "relu6"), "unknown activation"),
        (("gradcheck", "--dropout", "1.5"), "keep probability"),
    ],
)
def test_bad_input_raises_one_line_value_error(argv, message):
    with pytest.raises(ValueError, match=message) as info:
        run(*argv)
    assert "\n" not in str(info.value)


def test_wired_into_the_main_cli(capsys):
    from optim_lab.cli import main

    assert main(["init-stats", "--layers", "2", "--width", "40", "--samples", "50"]) == 0
    assert len(json.loads(capsys.readouterr().out)["std"]) == 2
    assert main(["train", "--dataset", "nope", "--steps", "3"]) == 2
    assert "unknown dataset" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# Generalization: search, ensembles, transfer


def test_search_shape():
    out = run("search", "--method", "grid", "--trials", "4", "--steps", "20", "--hidden", "8")
    assert len(out["trials"]) == 4
    assert set(out["trials"][0]) >= {"lr", "reg", "val_acc", "stage", "exploded"}
    assert isinstance(out["trials"][0]["exploded"], bool)
    assert out["best"] in out["trials"]


def test_ensemble_shape():
    out = run("ensemble", "--members", "2", "--kind", "snapshot", "--steps", "20", "--hidden", "8")
    assert len(out["member_acc"]) == 2 and 0 <= out["ensemble_acc"] <= 1


def test_transfer_shape():
    out = run("transfer", "--target-examples", "10", "--steps", "20", "--pretrain-steps", "100")
    for key in ("scratch", "probe", "finetune_top", "finetune_all"):
        assert 0 <= out[key] <= 1


@pytest.mark.parametrize(
    "argv",
    [
        ("search", "--method", "bayes"),
        ("search", "--trials", "0"),
        ("ensemble", "--kind", "bagging"),
        ("ensemble", "--members", "0"),
        ("transfer", "--target-examples", "1"),
        ("search", "--dataset", "nope"),
    ],
)
def test_bad_input_is_a_one_line_value_error(argv):
    with pytest.raises(ValueError) as info:
        run(*argv)
    assert "\n" not in str(info.value)


# ------------------------------------------------------------------------------------------------
# The LR range test


def test_lr_find_shape():
    out = run("lr-find", "--dataset", "spiral", "--hidden", "32,32", "--batch-size", "32")
    assert set(out) == {"lr", "loss", "smoothed", "suggestions", "bounds", "stopped_at"}
    assert 50 < len(out["lr"]) == len(out["loss"]) == len(out["smoothed"]) <= 300
    assert set(out["suggestions"]) == {"steepest", "min_div_10", "valley"}
    for alpha in (*out["suggestions"].values(), *out["bounds"]):
        assert out["lr"][0] <= alpha <= out["lr"][-1]
    assert out["bounds"][0] < out["bounds"][1]
    assert out["stopped_at"] is None or out["stopped_at"] >= len(out["loss"]) - 1


def test_lr_find_on_a_regression_set_trains_with_mse():
    out = run("lr-find", "--dataset", "plane", "--hidden", "8,8", "--steps", "120")
    assert 0 < out["loss"][0] < 2  # a mean squared error on targets of size about 1
    assert min(out["smoothed"]) < 0.5 * out["smoothed"][0]  # the rates that train were crossed
    assert set(out["suggestions"]) == {"steepest", "min_div_10", "valley"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("lr-find", "--steps", "1"), "steps"),
        (("lr-find", "--lr-min", "1", "--lr-max", "0.1"), "lr_min < lr_max"),
        (("lr-find", "--hidden", "a"), "--hidden"),
        (("lr-find", "--dataset", "nope"), "unknown dataset"),
        (("lr-find", "--optimizer", "nope"), "unknown optimizer"),
    ],
)
def test_lr_find_bad_input_is_a_one_line_value_error(argv, message):
    with pytest.raises(ValueError, match=message) as info:
        run(*argv)
    assert "\n" not in str(info.value)
