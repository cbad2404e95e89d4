"""Lecture presets of the learning-rate schedules lesson (pages/lessons/schedules.py)."""

from .. import Preset

PAGE = "pages/lessons/schedules.py"

PRESETS: list[Preset] = [
    Preset(
        name="step_decay",
        label="Step decay: halve the rate and SGD settles",
        page=PAGE,
        params={
            "surface": "least_squares",
            "opt": "sgd",
            "sgd.lr": "0.2",
            "r.sched": "step",
            "r.step.step_size": "20",
            "r.step.gamma": "0.5",
            "rsteps": "200",
            # section 1 draws the same two learning-rate curves
            "show": "constant,step",
            "s.constant.lr": "0.2",
            "s.step.lr": "0.2",
            "s.step.step_size": "20",
            "s.step.gamma": "0.5",
        },
        description=(
            "Minibatch SGD at a constant rate keeps bouncing around the least-squares minimum; "
            "halving the rate every 20 steps lets the same run settle."
        ),
    ),
    Preset(
        name="cyclical_saddle",
        label="Cyclical LR: big steps cross the plateau",
        page=PAGE,
        params={
            "surface": "plateau",
            "opt": "sgd",
            "sgd.lr": "0.5",
            "r.sched": "cyclic",
            "r.cyclic.lr_min": "0.5",
            "r.cyclic.lr_max": "3",
            "r.cyclic.step_size": "25",
            "rsteps": "200",
            "show": "constant,cyclic",
            "s.constant.lr": "0.5",
            "s.cyclic.lr_min": "0.5",
            "s.cyclic.lr_max": "3",
            "s.cyclic.step_size": "25",
        },
        description=(
            "On a flat plateau SGD at a constant rate barely moves; a triangular cyclical rate "
            "between 0.5 and 3 carries it across to the basin, and its low phases let it settle."
        ),
    ),
]
