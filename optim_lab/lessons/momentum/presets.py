"""Lecture presets of the momentum lesson (pages/lessons/momentum.py)."""

from .. import Preset

PAGE = "pages/lessons/momentum.py"

PRESETS: list[Preset] = [
    Preset(
        "momentum_oscillation",
        "Momentum makes its own oscillations",
        PAGE,
        {"form": "heavy_ball", "lr": "0.02", "beta": "0.99", "steps": "500"},
        "Classic momentum with α = 0.02 and β = 0.99 (the distill.pub example): the heavy ball "
        "swings around the minimum for hundreds of steps, while plain SGD with the same α slides "
        "in without oscillating.",
    ),
    Preset(
        "momentum_narrow_valley",
        "Momentum in a narrow valley",
        PAGE,
        {"form": "heavy_ball", "kappa": "100", "metric": "steps", "lr": "1.2", "beta": "0.8"},
        "On a bowl with condition number 100, well-tuned momentum (α = 1.2, ρ = 0.8) gets within "
        "10⁻⁴ of the minimum in under 40 steps, while plain SGD with the same α does not get "
        "there in 200; the map shows how narrow the fast region is.",
    ),
]
