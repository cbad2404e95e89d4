"""Presets of the regularization lesson: the lectures' scenarios, as URL parameters."""

from __future__ import annotations

from .. import Preset

PAGE = "pages/lessons/regularization.py"

PRESETS = [
    Preset(
        "reg_l1_sparsity",
        "L1 vs L2: exact zeros",
        PAGE,
        {"pen": "l1", "lam": "0.003"},
        "At the same λ, L1 sets most weights exactly to 0, L2 none.",
    ),
    Preset(
        "reg_dropout_half",
        "Dropout with p = ½",
        PAGE,
        {"tab": "Dropout", "p": "0.5"},
        "E[a] = ½(w₁x + w₂y): vanilla and inverted dropout agree in expectation.",
    ),
    Preset(
        "reg_augmentation_moves",
        "Augmentation: robustness to moves",
        PAGE,
        {"tab": "Augmentation & more data", "shift": "1"},
        "Moved copies of the digits keep accuracy on moved images.",
    ),
]
