"""Presets of the activations lesson: the lectures' scenarios, as URL parameters."""

from __future__ import annotations

from .. import Preset

PAGE = "pages/lessons/activations.py"

PRESETS = [
    Preset(
        "act_saturating",
        "Sigmoid vs tanh vs ReLU",
        PAGE,
        {"a1": "sigmoid", "a2": "tanh", "a3": "relu", "xr": "10"},
        "Where the slopes vanish: the flat tails of sigmoid and tanh, ReLU's dead side.",
    ),
    Preset(
        "act_relu_family",
        "ReLU, Leaky ReLU, ELU",
        PAGE,
        {"a1": "relu", "a2": "leaky_relu", "a2.leaky_relu.slope": "0.1", "a3": "elu"},
        "The fixes for dead ReLUs keep a slope on the negative side.",
    ),
]
