"""Presets of the training playground (pages/lessons/playground.py)."""

from .. import Preset

PAGE = "pages/lessons/playground.py"

PRESETS = [
    Preset(
        "playground_spiral",
        "Spiral, Adam",
        PAGE,
        {},
        "A 3-arm spiral learned by a 2×12 ReLU network with Adam: watch the boundary curl.",
    ),
    Preset(
        "playground_too_high_lr",
        "Learning rate too high",
        PAGE,
        {"o1": "sgd", "o1.sgd.lr": "10"},
        "Plain gradient descent with a huge step: the run diverges within a few iterations.",
    ),
    Preset(
        "playground_compare",
        "Four optimizers, same start",
        PAGE,
        {"ds": "moons", "cmp": "1", "n": "4", "batch": "mini", "bs": "16"},
        "Adam, SGD, momentum and RMSprop from the same weights on the same mini-batches.",
    ),
    Preset(
        "playground_overfit",
        "Overfitting, then L2",
        PAGE,
        {"ds": "circles", "d.circles.noise": "0.25", "d.circles.points": "80", "units": "48"},
        "Few noisy points and a big network: validation loss turns up; raise L2 to fix it.",
    ),
    Preset(
        "playground_xor_feature",
        "XOR with the feature x₁x₂",
        PAGE,
        {"ds": "xor", "layers": "0", "feat": "x1x2", "o1.adam.lr": "0.05"},
        "No hidden layer at all: fed the product x₁x₂, a single output unit separates XOR.",
    ),
    Preset(
        "playground_spiral_sines",
        "The spiral with sine features",
        PAGE,
        {
            "ds": "spiral",
            "d.spiral.classes": "2",
            "layers": "0",
            "feat": "x1,x2,sin_x1,sin_x2",
            "o1.adam.lr": "0.05",
        },
        "No hidden layer either: with the sines of the coordinates beside them, a single layer "
        "of weights separates both arms of the spiral (with x₁ and x₂ alone it cannot).",
    ),
    Preset(
        "playground_regression",
        "Regression: six bumps",
        PAGE,
        {"ds": "gaussians", "d.gaussians.points": "400", "units": "8"},
        "A real-valued target: the colour map is the network's output, the curves its MSE.",
    ),
]
