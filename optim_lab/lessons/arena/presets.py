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
    Preset(
        "l2_or_weight_decay",
        "L2 or weight decay? The same for SGD, not for Adam",
        PAGE,
        {
            "surface": "custom",
            "f": "(x - 1.5)**2 + 10*(y - 1)**2",
            "x0": "-2",
            "y0": "-2",
            "steps": "1000",
            "n": "4",
            "r1.opt": "sgd",
            "r1.sgd.lr": "0.04",
            "r1.weight_decay": "0.5",
            "r2.opt": "sgd",
            "r2.sgd.lr": "0.04",
            "r2.decoupled_decay": "0.5",
            "r3.opt": "adam",
            "r3.adam.lr": "0.05",
            "r3.adam.beta2": "0.99",
            "r3.weight_decay": "0.5",
            "r4.opt": "adamw",
            "r4.adamw.lr": "0.05",
            "r4.adamw.beta2": "0.99",
            "r4.adamw.weight_decay": "0.5",
        },
        "λ = 0.5 as an L2 penalty (coupled weight decay) and as decoupled decay. For SGD the two "
        "paths are one: both end at the penalized minimum (1.2, 0.976). Adam with the L2 penalty "
        "ends there too; AdamW ends near the unpenalized minimum (1.5, 1): its decay competes "
        "with a normalized step, which a gradient of about ε already balances while |λθ| < 1 "
        "(β₂ = 0.99 here; with 0.999 the early gradients stay in its memory longer and it "
        "takes longer to get there).",
    ),
    Preset(
        "l1_lands_on_an_axis",
        "L1 lands on an axis, L2 only shrinks",
        PAGE,
        {
            "surface": "custom",
            "f": "(x - 1.5)**2 + (y - 0.4)**2",
            "x0": "-2",
            "y0": "2",
            "steps": "500",
            "n": "3",
            "r1.opt": "sgd",
            "r1.sgd.lr": "0.02",
            "r2.opt": "sgd",
            "r2.sgd.lr": "0.02",
            "r2.l1": "1",
            "r3.opt": "sgd",
            "r3.sgd.lr": "0.02",
            "r3.weight_decay": "1",
        },
        "The same bowl, centred at (1.5, 0.4), with no penalty, with L1 (λ₁ = 1) and with L2 "
        "(λ = 1). L2 shrinks both coordinates by the same factor, to (1, 0.267). L1 takes the "
        "same amount off every slope: x moves to 1, but y's pull of at most 0.8 towards 0.4 "
        "never beats λ₁ = 1, so y goes to 0, where plain gradient steps keep crossing the axis "
        "by up to α(0.8 + λ₁) ≈ 0.04.",
    ),
]
