"""Lecture scenarios for the optimizer arena (``pages/lessons/arena.py``); URL keys as in
:mod:`optim_lab.ui.arena_controls`."""

from .. import Preset

PAGE = "pages/lessons/arena.py"

PRESETS: list[Preset] = [
    Preset(
        "poor_conditioning",
        "Poor conditioning: SGD zig-zags, momentum rolls",
        PAGE,
        {
            "surface": "bowl",
            "s.kappa": "100",
            "steps": "200",
            "n": "3",
            "r1.opt": "sgd",
            "r1.sgd.lr": "1.9",
            "r2.opt": "momentum",
            "r2.momentum.lr": "1.9",
            "r2.momentum.beta": "0.9",
            "r3.opt": "momentum",
            "r3.momentum.lr": "6",
            "r3.momentum.beta": "0.9",
        },
        "In a valley 100 times steeper across than along, SGD at α = 1.9 (just under its limit of "
        "2) zig-zags and crawls; momentum smooths the zig-zag at the same α and, because the "
        "zig-zag cancels in its average, tolerates α = 6 and arrives far sooner.",
    ),
    Preset(
        "local_minima",
        "Local minima: SGD stops, momentum rolls on",
        PAGE,
        {
            "surface": "local_minima",
            "x0": "2.8",
            "y0": "-2.8",
            "steps": "200",
            "n": "2",
            "r1.opt": "sgd",
            "r1.sgd.lr": "0.1",
            "r2.opt": "momentum",
            "r2.momentum.lr": "1",
            "r2.momentum.beta": "0.9",
        },
        "From the bottom-right corner SGD settles in the first, shallow well it meets; momentum "
        "carries enough speed through it to reach the deepest well.",
    ),
    Preset(
        "gradient_noise",
        "Noisy gradients: minibatches of 2",
        PAGE,
        {
            "surface": "least_squares",
            "s.batch_size": "2",
            "steps": "200",
            "n": "2",
            "r1.opt": "sgd",
            "r1.sgd.lr": "0.1",
            "r2.opt": "momentum",
            "r2.momentum.lr": "0.1",
            "r2.momentum.beta": "0.9",
        },
        "Fitting a line with minibatches of two points: every gradient is noisy, so SGD keeps "
        "jumping around the minimum; momentum averages about ten gradients and settles closer.",
    ),
    Preset(
        "lr_too_high",
        "Learning rate too high: SGD diverges",
        PAGE,
        {
            "surface": "bowl",
            "steps": "100",
            "n": "3",
            "r1.opt": "sgd",
            "r1.sgd.lr": "2.5",
            "r2.opt": "sgd",
            "r2.sgd.lr": "1.9",
            "r3.opt": "sgd",
            "r3.sgd.lr": "0.5",
        },
        "The steepest curvature of the bowl is 1, so SGD is stable only for α < 2: at α = 2.5 "
        "every step overshoots further and the run diverges, at 1.9 it zig-zags but converges, "
        "at 0.5 it glides in.",
    ),
]
