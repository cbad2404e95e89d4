"""Presets of the initialization lesson: the lectures' scenarios, as URL parameters."""

from __future__ import annotations

from .. import Preset

PAGE = "pages/lessons/initialization.py"

PRESETS = [
    Preset(
        "init_small_tanh",
        "0.01·randn, tanh: activations vanish",
        PAGE,
        {"act": "tanh", "init": "normal", "scale": "0.01"},
        "Std 0.21 at layer 1, almost 0 by layer 10.",
    ),
    Preset(
        "init_large_tanh",
        "1.0·randn, tanh: saturation",
        PAGE,
        {"act": "tanh", "init": "normal", "scale": "1"},
        "Every unit pinned at ±1 (std ≈ 0.98), gradients ≈ 0.",
    ),
    Preset(
        "init_xavier_tanh",
        "Xavier, tanh",
        PAGE,
        {"act": "tanh", "init": "xavier"},
        "Std ≈ 0.63 at layer 1, decaying gently to ≈ 0.23.",
    ),
    Preset(
        "init_he_relu",
        "He, ReLU",
        PAGE,
        {"act": "relu", "init": "he"},
        "He's factor 2 keeps ReLU activations alive through 10 layers (compare Xavier + ReLU).",
    ),
    Preset(
        "init_xavier_relu",
        "Xavier, ReLU",
        PAGE,
        {"act": "relu", "init": "xavier"},
        "With ReLU, Xavier halves the variance at every layer.",
    ),
    Preset(
        "init_zeros",
        "Zero init: symmetry",
        PAGE,
        {"init": "zeros"},
        "All units identical, forever.",
    ),
]
