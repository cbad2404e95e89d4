"""Gradient checks in float64: every activation, every loss, batch norm, dropout, penalties."""

import numpy as np
import pytest

from optim_lab.nn.activations import ACTIVATIONS
from optim_lab.nn.gradient_check import TOLERANCE, gradcheck, gradcheck_dataset
from optim_lab.nn.mlp import init_mlp


@pytest.mark.parametrize("activation", ACTIVATIONS.names())
def test_every_activation_passes_and_the_planted_bug_is_caught(activation):
    good = gradcheck_dataset("spiral", (6,), activation, points=30)
    assert good["max_rel_error"] < TOLERANCE and good["ok"], good["per_param"]
    names = (
        ["W1", "b1", "W2", "b2"] if activation != "prelu" else ["W1", "b1", "slope1", "W2", "b2"]
    )
    assert list(good["per_param"]) == names
    bad = gradcheck_dataset("spiral", (6,), activation, points=30, broken=True)
    if activation == "linear":  # f'(z) = 1: forgetting it is no bug
        assert bad["ok"]
    else:
        assert bad["max_rel_error"] > 1e-2 and not bad["ok"]
        assert bad["per_param"]["W1"] > 1e-2  # the error shows up below the activation


def test_batchnorm_inverted_dropout_and_penalties():
    kwargs = {"batchnorm": True, "dropout": 0.6, "l1": 0.01, "l2": 0.1, "points": 30}
    result = gradcheck_dataset("spiral", (6, 5), "relu", **kwargs)
    assert result["max_rel_error"] < TOLERANCE, result["per_param"]
    assert {"gamma1", "beta1", "gamma2", "beta2"} <= set(result["per_param"])
    assert result["per_param"]["b1"] == 0.0  # batch norm cancels the bias: exact zero


@pytest.mark.parametrize(
    ("dataset", "activation", "kwargs"),
    [
        ("spiral", "tanh", {"dropout": 0.6, "dropout_mode": "vanilla", "loss": "mse"}),
        ("moons", "elu", {"loss": "binary_cross_entropy"}),
    ],
    ids=["vanilla-dropout+mse", "bce"],
)
def test_other_losses_and_vanilla_dropout(dataset, activation, kwargs):
    result = gradcheck_dataset(dataset, (6,), activation, points=30, **kwargs)
    assert result["max_rel_error"] < TOLERANCE, result["per_param"]


def test_subset_of_coordinates_for_big_networks():
    params = init_mlp(0, (2, 6, 3), "tanh", "xavier")
    x = np.random.default_rng(0).standard_normal((10, 2)).astype(np.float32)
    y = np.arange(10) % 3
    result = gradcheck(params, x, y, "tanh", max_checks=12)
    assert result["checked"] <= 12 + 4 and result["ok"]
    with pytest.raises(ValueError, match="keep probability"):
        gradcheck(params, x, y, "tanh", dropout=0.0)
