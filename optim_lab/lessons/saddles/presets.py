"""Lecture presets of the saddles, plateaus & cliffs lesson (pages/lessons/saddles.py)."""

from .. import Preset

PAGE = "pages/lessons/saddles.py"

PRESETS: list[Preset] = [
    Preset(
        name="saddle_point",
        label="Saddle point: SGD stalls, momentum escapes",
        page=PAGE,
        params={
            "scenario": "saddle",
            "saddle.y0": "0.001",
            "saddle.sgd.lr": "0.01",
            "saddle.hb.lr": "0.01",
            "saddle.hb.rho": "0.9",
            "steps": "200",
        },
        description=(
            "On f = x² − y², starting a hair off the saddle's axis at (1, 0.001): plain SGD "
            "lingers at the saddle for the whole run while momentum and Adam roll off it."
        ),
    ),
    Preset(
        name="clipping_cliff",
        label="Cliff: clipping tames exploding steps",
        page=PAGE,
        params={
            "scenario": "cliff",
            "cliff.sp.steepness": "50",
            "cliff.lr": "0.1",
            "cliff.norm": "1",
            "cliff.value": "1",
            "steps": "200",
        },
        description=(
            "A valley ending at a steep wall: unclipped SGD is thrown back each time it touches "
            "the wall, while clipping the gradient by norm or by value keeps every step short."
        ),
    ),
]
