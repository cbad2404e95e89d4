"""Lecture presets: named scenarios that open a page with its controls set.

A preset is a page plus URL parameters (the same ones a shared link carries), so applying one is
just opening a link. Each lesson module contributes its own presets.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    name: str  # id used in tests and links
    label: str  # button text
    page: str  # script path, e.g. "pages/lessons/arena.py"
    params: dict[str, str] = field(default_factory=dict)  # URL parameters of that page
    description: str = ""  # one sentence: what the scenario shows


def all_presets() -> list[Preset]:
    """Every lesson's presets, in course order."""
    from . import adaptive, arena, momentum, nn_lab, playground, saddles, schedules

    return [
        *arena.PRESETS,
        *momentum.PRESETS,
        *adaptive.PRESETS,
        *schedules.PRESETS,
        *saddles.PRESETS,
        *playground.PRESETS,
        *nn_lab.PRESETS,
    ]
