"""The lessons, one package each: ``optim_lab/lessons/<lesson>/`` holds what its page shows, in
``figures.py`` (plain figures from NumPy data), ``experiment.py`` (what it computes, where the engine
has no such function) and ``presets.py`` (the lectures' scenarios). Nothing here imports Streamlit;
the engine (``optim_lab/*.py``, ``optim_lab/nn/``) knows nothing of lessons.

A preset is a page plus URL parameters (the same ones a shared link carries), so applying one is
just opening a link.
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
    import importlib

    return [
        preset
        for lesson in PRESET_LESSONS
        for preset in importlib.import_module(f"{__name__}.{lesson}.presets").PRESETS
    ]


# The lessons with presets, in course order.
PRESET_LESSONS = (
    "arena",
    "momentum",
    "adaptive",
    "schedules",
    "saddles",
    "playground",
    "activations",
    "initialization",
    "preprocessing",
    "sanity",
    "regularization",
)
