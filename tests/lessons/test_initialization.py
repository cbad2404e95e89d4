"""The initialization lesson's verdict on the lectures' cases, from the experiment itself."""

import pytest

from optim_lab.lessons.initialization.experiment import verdict
from optim_lab.nn import init_stats


@pytest.mark.parametrize(
    "activation, init, scale, kind, words",
    [
        ("tanh", "zeros", 0.01, "error", "Symmetry problem"),
        ("tanh", "normal", 0.01, "warning", "Vanishing activations"),
        ("tanh", "normal", 1.0, "warning", "Saturated units"),
        ("tanh", "xavier", 0.01, "success", "Std at layer 1"),
        ("relu", "he", 0.01, "success", "Std at layer 1"),
    ],
)
def test_the_lectures_cases(activation, init, scale, kind, words):
    stats = init_stats(
        layers=10, width=500, samples=1000, activation=activation, init=init, scale=scale, seed=0
    )
    found, message = verdict(stats, activation, init)
    assert found == kind and words in message
