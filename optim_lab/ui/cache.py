"""Cached wrappers around the core for pages: Python values in, NumPy out.

``st.cache_data`` keys on the arguments, so a rerun with unchanged controls costs a dictionary
look-up, and moving a slider back to an earlier value is instant.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from ..lr_finder import LRFinderResult, lr_range_test
from ..surfaces import SURFACES, SurfaceEntry, evaluate_grid, surface_from_expr
from ..trajectory import RunSpec, SweepResult, Trajectory, run_many, sweep

EXPR_PREFIX = "expr:"


def get_surface(key: str) -> SurfaceEntry:
    """A registry name, or ``expr:<formula>`` for a user formula (raises ``ValueError`` if bad)."""
    if key.startswith(EXPR_PREFIX):
        return surface_from_expr(key[len(EXPR_PREFIX) :])
    return SURFACES[key]


@st.cache_data(max_entries=64, show_spinner=False)
def grid(surface_key: str, surface_params: dict, resolution: int = 120):
    """(xs, ys, z) for contour plots."""
    return evaluate_grid(get_surface(surface_key), surface_params, resolution)


@st.cache_data(max_entries=256, show_spinner=False)
def runs(
    surface_key: str,
    surface_params: dict,
    specs: Sequence[RunSpec],
    start: tuple[float, float],
    steps: int,
) -> list[Trajectory]:
    return run_many(get_surface(surface_key), list(specs), start, steps, surface_params)


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
    return sweep(
        get_surface(surface_key),
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
    return lr_range_test(
        get_surface(surface_key), spec, start, steps, lr_min, lr_max, surface_params
    )
