"""Lecture presets of the adaptive-methods lesson (pages/lessons/adaptive.py)."""

from .. import Preset

PAGE = "pages/lessons/adaptive.py"

PRESETS: list[Preset] = [
    Preset(
        "adam_bias_correction",
        "Adam without bias correction starts slow",
        PAGE,
        {"adam.beta2": "0.9"},
        "With β₁ = β₂ = 0.9 the uncorrected moments make Adam's first step about a third of the "
        "corrected one; the 'Adam's bias correction' section compares both runs step by step "
        "(with the usual β₂ = 0.999 the uncorrected steps come out too long instead).",
    ),
    Preset(
        "adaptive_rotated_bowl",
        "Per-coordinate steps need aligned axes",
        PAGE,
        {"s.angle": "45"},
        "The same narrow valley turned by 45°: every coordinate now sees both curvatures, so the "
        "adaptive methods lose most of their edge over plain SGD.",
    ),
]
