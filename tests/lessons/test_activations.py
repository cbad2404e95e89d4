"""The activations lesson's overview: each function's mean output for standard normal inputs,
checked against closed forms, and the registry's zero-centred flag against those means."""

import math

import pytest

from optim_lab.lessons.activations.experiment import mean_output, overview_rows
from optim_lab.nn.activations import ACTIVATIONS, act_params

PHI_MINUS_1 = 0.5 * math.erfc(1 / math.sqrt(2))  # Φ(−1)
HALF_NORMAL_MEAN = 1 / math.sqrt(2 * math.pi)  # E[max(z, 0)]


def closed_form(name: str) -> float:
    slope, alpha = act_params(name)["slope"], act_params(name)["alpha"]
    return {
        "sigmoid": 0.5,  # σ(z) − ½ is odd
        "tanh": 0.0,
        "linear": 0.0,
        "relu": HALF_NORMAL_MEAN,
        "leaky_relu": (1 - slope) * HALF_NORMAL_MEAN,  # E[z] = 0 = E[z⁺] − E[z⁻]
        "prelu": (1 - slope) * HALF_NORMAL_MEAN,
        # E[z; z > 0] + α(E[eᶻ; z < 0] − ½), E[eᶻ; z < 0] = e^{1/2} Φ(−1)
        "elu": HALF_NORMAL_MEAN + alpha * (math.exp(0.5) * PHI_MINUS_1 - 0.5),
        "maxout": 1 / math.sqrt(math.pi),  # E[max of two independent N(0, 1)]
    }[name]


@pytest.mark.parametrize("name", [e.name for e in ACTIVATIONS])
def test_mean_output_for_standard_normal_inputs_matches_its_closed_form(name):
    assert mean_output(name) == pytest.approx(closed_form(name), abs=2e-4)


def test_elu_is_closer_to_zero_mean_than_relu_but_not_zero_centred():
    assert 0.15 < mean_output("elu") < 0.17 < mean_output("relu")
    assert not ACTIVATIONS["elu"].zero_centred


def test_the_zero_centred_flag_agrees_with_the_mean_output():
    for entry in ACTIVATIONS:
        assert entry.zero_centred == (abs(mean_output(entry.name)) < 0.01), entry.name


def test_the_overview_has_one_row_per_activation_with_its_signed_mean():
    rows = overview_rows()
    assert [r["function"] for r in rows] == [e.label for e in ACTIVATIONS]
    by_label = {r["function"]: r for r in rows}
    assert by_label[ACTIVATIONS["relu"].label]["mean f(z), z ~ N(0, 1)"] == "+0.40"
