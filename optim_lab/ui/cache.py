"""Cached wrappers around the core for pages: Python values in, NumPy out.

``st.cache_data`` keys on the arguments, so a rerun with unchanged controls costs a dictionary
look-up, and moving a slider back to an earlier value is instant.

A user formula's computations run in a helper process on a server (:mod:`optim_lab.offload`): each
new formula compiles programs of its own, which the server would keep, and a helper gives back when
it is recycled. The formulas the app offers itself (the arena's default and its lecture presets')
are fixed and small: they run in the server like the registry's surfaces, and do not wait behind
other students' trainings in the helpers' line.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ..lr_finder import LRFinderResult, lr_range_test
from ..offload import offloaded
from ..step_inspector import inspect_step
from ..surfaces import SURFACES, SurfaceEntry, evaluate_grid, surface_from_expr
from ..sweep import SweepResult, sweep
from ..trajectory import RunSpec, Trajectory, run_many

EXPR_PREFIX = "expr:"


def get_surface(key: str) -> SurfaceEntry:
    """A registry name, or ``expr:<formula>`` for a user formula (raises ``ValueError`` if bad)."""
    if key.startswith(EXPR_PREFIX):
        return surface_from_expr(key[len(EXPR_PREFIX) :])
    return SURFACES[key]


_CORE = {f.__name__: f for f in (evaluate_grid, run_many, sweep, lr_range_test, inspect_step)}
_OFFERED: set[str] = set()  # surface keys of the formulas the app offers itself


def offer_formulas(*formulas: str) -> None:
    """Marks formulas the app offers itself: :func:`compute` runs them in this process."""
    _OFFERED.update(EXPR_PREFIX + formula for formula in formulas)


def compute(function, surface_key: str, *args):
    """``function(surface, *args)``, for a visitor's formula in a helper process (see the module
    docstring)."""
    if surface_key.startswith(EXPR_PREFIX) and surface_key not in _OFFERED:
        return _formula_compute(function.__name__, surface_key, *args)
    return function(get_surface(surface_key), *args)


@offloaded
def _formula_compute(name: str, surface_key: str, *args):
    return _CORE[name](get_surface(surface_key), *args)


@st.cache_data(max_entries=64, show_spinner=False)
def grid(surface_key: str, surface_params: dict, resolution: int = 120):
    """(xs, ys, z) for contour plots."""
    return compute(evaluate_grid, surface_key, surface_params, resolution)


@st.cache_data(max_entries=64, show_spinner=False)
def runs(
    surface_key: str,
    surface_params: dict,
    specs: Sequence[RunSpec],
    start: tuple[float, float],
    steps: int,
) -> list[Trajectory]:
    return compute(run_many, surface_key, list(specs), start, steps, surface_params)


@st.cache_data(max_entries=64, show_spinner=False)
def sweep_grid(
    surface_key: str,
    surface_params: dict,
    base: RunSpec,
    x_name: str,
    x_values: tuple,
    y_name: str,
    y_values: tuple,
    start: tuple[float, float],
    steps: int,
    tol: float,
) -> SweepResult:
    return compute(
        sweep,
        surface_key,
        base,
        x_name,
        x_values,
        y_name,
        y_values,
        start,
        steps,
        surface_params,
        tol,
    )


@st.cache_data(max_entries=64, show_spinner=False)
def range_test(
    surface_key: str,
    surface_params: dict,
    spec: RunSpec,
    start: tuple[float, float],
    steps: int,
    lr_min: float,
    lr_max: float,
) -> LRFinderResult:
    return compute(lr_range_test, surface_key, spec, start, steps, lr_min, lr_max, surface_params)
