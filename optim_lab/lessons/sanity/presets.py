"""Presets of the sanity lesson: the lectures' scenarios, as URL parameters."""

from __future__ import annotations

from .. import Preset

PAGE = "pages/lessons/sanity.py"

PRESETS = [
    Preset(
        "sanity_relu_gradcheck",
        "Gradient check with ReLU",
        PAGE,
        {"gact": "relu", "gdata": "moons"},
        "The check on a ReLU network: the correct gradient passes, the planted bug fails.",
    ),
]
