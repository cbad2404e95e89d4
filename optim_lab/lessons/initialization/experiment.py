"""The weight-initialization lesson's reading of the experiment
(:func:`optim_lab.nn.init_experiment.init_experiment`): what went wrong, if anything."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def verdict(stats: Mapping[str, np.ndarray], activation: str, init: str) -> tuple[str, str]:
    """``(kind, message)``: ``error`` for the symmetry of zero weights, ``warning`` for vanishing
    activations or saturated tanh/sigmoid units, else ``success`` with the first and last std."""
    std, layers = stats["std"], len(stats["std"])
    if init == "zeros":
        return "error", (
            "**Symmetry problem:** with every weight at 0, every unit of a layer computes the same "
            f"value (spread across units = {stats['unit_spread'][0]:.3g}) and receives the same "
            "gradient, so they stay identical forever: the layer behaves like a single unit."
        )
    if std[-1] < 0.01:
        return "warning", (
            f"**Vanishing activations:** the std falls from {std[0]:.3g} at layer 1 to "
            f"{std[-1]:.2g} at layer {layers}; the last layers output (almost) only zeros."
        )
    # a std near the largest an output can have (tanh: 1, sigmoid: 0.5): most units at the ends
    if activation in ("tanh", "sigmoid") and std[0] > 0.9 * (1 if activation == "tanh" else 0.5):
        return "warning", (
            f"**Saturated units:** the std is ≈ {std[0]:.2f}, so most {activation} outputs sit at "
            "their ends, where the slope is 0: the gradients vanish."
        )
    return "success", f"Std at layer 1: {std[0]:.3g}, at layer {layers}: {std[-1]:.3g}."
