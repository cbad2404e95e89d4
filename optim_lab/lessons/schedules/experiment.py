"""What the schedules lesson computes around the registry: its defaults, sliders sized to the runs
it shows, a schedule's curve and the tables it exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ...lr_finder import LRFinderResult
from ...schedules import ScheduleEntry, schedule_values
from ...trajectory import step_bucket
from .figures import ScheduleCurve

MAX_STEPS_SHOWN = 1000
# Explorer defaults chosen so that every schedule shows its shape within the default 200 steps.
EXPLORER_DEFAULTS = {
    "step": {"step_size": 50},
    "cosine": {"t_max": 200},
    "warm_restarts": {"t_mult": 2},
}
RUN_DEFAULTS = {
    "step": {"step_size": 50},
    "cosine": {"t_max": 200},
    "cyclic": {"lr_min": 0.01, "lr_max": 0.2, "step_size": 25},
    "warm_restarts": {"t_0": 50},
    "exponential": {"k": 0.02},
    "inverse_time": {"k": 0.05},
}
# Schedules whose rate falls by factors: their lr plot reads best on a log axis.
LOG_LR_SCHEDULES = ("exponential", "step", "multistep")


def slider_entry(entry: ScheduleEntry, max_steps: int = MAX_STEPS_SHOWN) -> ScheduleEntry:
    """The schedule with its step-count parameters capped at the longest run shown, so their
    sliders span 1 … 1000 rather than the registry's 1 … 10⁶ (a link beyond is refused)."""

    def capped(spec):
        if spec.integer and spec.kind == "number" and spec.choices is None:
            return replace(spec, max=min(spec.max, max_steps))
        return spec

    return replace(entry, params=tuple(capped(p) for p in entry.params))


def schedule_curve(name: str, params: Mapping[str, Any], n_steps: int) -> np.ndarray:
    """The rate at t = 0 … n_steps−1, computed over the compiled bucket that covers n_steps (so
    changing the length does not compile a new program)."""
    return schedule_values(name, params, step_bucket(n_steps))[:n_steps]


def curves_table(curves: Sequence[ScheduleCurve], n_steps: int) -> dict[str, Any]:
    """The explorer's export: one column of steps, one column ``lr_<name>`` per schedule drawn (a
    schedule named ``step`` must not replace the steps)."""
    return {"step": list(range(n_steps)), **{f"lr_{curve.name}": curve.values for curve in curves}}


def range_test_table(result: LRFinderResult) -> dict[str, np.ndarray]:
    """The range test's export: the rate, loss and smoothed loss of every step it took."""
    taken = len(result.loss)
    return {"lr": result.lr[:taken], "loss": result.loss, "smoothed": result.smoothed}
