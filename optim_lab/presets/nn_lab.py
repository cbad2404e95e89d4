"""Presets of the MLP lab pages: activation functions, weight initialization, preprocessing and
sanity checks (the lectures' scenarios, as URL parameters)."""

from __future__ import annotations

from . import Preset

ACT = "pages/lessons/activations.py"
INIT = "pages/lessons/initialization.py"
PREP = "pages/lessons/preprocessing.py"
SANITY = "pages/lessons/sanity.py"

PRESETS = [
    Preset(
        "act_saturating",
        "Sigmoid vs tanh vs ReLU",
        ACT,
        {"a1": "sigmoid", "a2": "tanh", "a3": "relu", "xr": "10"},
        "Where the slopes vanish: the flat tails of sigmoid and tanh, ReLU's dead side.",
    ),
    Preset(
        "act_relu_family",
        "ReLU, Leaky ReLU, ELU",
        ACT,
        {"a1": "relu", "a2": "leaky_relu", "a2.leaky_relu.slope": "0.1", "a3": "elu"},
        "The fixes for dead ReLUs keep a slope on the negative side.",
    ),
    Preset(
        "init_small_tanh",
        "0.01·randn, tanh: activations vanish",
        INIT,
        {"act": "tanh", "init": "normal", "scale": "0.01"},
        "Std 0.21 at layer 1, almost 0 by layer 10.",
    ),
    Preset(
        "init_large_tanh",
        "1.0·randn, tanh: saturation",
        INIT,
        {"act": "tanh", "init": "normal", "scale": "1"},
        "Every unit pinned at ±1 (std ≈ 0.98), gradients ≈ 0.",
    ),
    Preset(
        "init_xavier_tanh",
        "Xavier, tanh",
        INIT,
        {"act": "tanh", "init": "xavier"},
        "Std ≈ 0.63 at layer 1, decaying gently to ≈ 0.23.",
    ),
    Preset(
        "init_he_relu",
        "He, ReLU",
        INIT,
        {"act": "relu", "init": "he"},
        "He's factor 2 keeps ReLU activations alive through 10 layers (compare Xavier + ReLU).",
    ),
    Preset(
        "init_xavier_relu",
        "Xavier, ReLU",
        INIT,
        {"act": "relu", "init": "xavier"},
        "With ReLU, Xavier halves the variance at every layer.",
    ),
    Preset(
        "init_zeros",
        "Zero init: symmetry",
        INIT,
        {"init": "zeros"},
        "All units identical, forever.",
    ),
    Preset(
        "prep_zigzag",
        "All-positive inputs zig-zag",
        PREP,
        {"lr": "0.5", "epochs": "2"},
        "Every SGD step moves both weights the same way unless the inputs are centred.",
    ),
    Preset(
        "sanity_relu_gradcheck",
        "Gradient check with ReLU",
        SANITY,
        {"gact": "relu", "gdata": "moons"},
        "The check on a ReLU network: the correct gradient passes, the planted bug fails.",
    ),
    Preset(
        "reg_l1_sparsity",
        "L1 vs L2: exact zeros",
        "pages/lessons/regularization.py",
        {"pen": "l1", "lam": "0.003"},
        "At the same λ, L1 sets most weights exactly to 0, L2 none.",
    ),
    Preset(
        "reg_dropout_half",
        "Dropout with p = ½",
        "pages/lessons/regularization.py",
        {"tab": "Dropout", "p": "0.5"},
        "E[a] = ½(w₁x + w₂y): vanilla and inverted dropout agree in expectation.",
    ),
    Preset(
        "reg_augmentation_moves",
        "Augmentation: robustness to moves",
        "pages/lessons/regularization.py",
        {"tab": "Augmentation & more data", "shift": "1"},
        "Moved copies of the digits keep accuracy on moved images.",
    ),
]
