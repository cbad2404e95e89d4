"""Presets of the preprocessing lesson: the lectures' scenarios, as URL parameters."""

from __future__ import annotations

from .. import Preset

PAGE = "pages/lessons/preprocessing.py"

PRESETS = [
    Preset(
        "prep_zigzag",
        "All-positive inputs zig-zag",
        PAGE,
        {"lr": "0.5", "epochs": "2"},
        "Every SGD step moves both weights the same way unless the inputs are centred.",
    ),
]
