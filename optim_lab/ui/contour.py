"""The loss contour of a surface with runs drawn on it, as the optimization lessons show it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..figures import plain
from ..figures.surface import Path, contour_figure
from .cache import get_surface, grid


def run_contour(
    surface_key: str,
    surface_params: dict,
    paths: Sequence[Path],
    *,
    start: tuple[float, float] | None = None,
    animate: bool = True,
    show_final: bool = True,
    **options: Any,
) -> plain.Figure:
    """:func:`~optim_lab.figures.surface.contour_figure` on the surface's cached grid, with its
    known minima and colour scale: animated (Play, step slider) and opened on the whole paths.

    Args:
        surface_key: a registry name or ``expr:<formula>`` (see :func:`~optim_lab.ui.cache.get_surface`).
        surface_params: the surface's parameter values.
        paths: the runs to draw.
        start: the start ★ (default: the surface's own start).
        animate, show_final: as in :func:`~optim_lab.figures.surface.contour_figure`.
        **options: more of its keyword arguments (``height``, ``click_grid``, ``highlight``…).
    """
    entry = get_surface(surface_key)
    xs, ys, z = grid(surface_key, surface_params)
    return contour_figure(
        xs,
        ys,
        z,
        paths,
        start=tuple(entry.start) if start is None else start,
        minima=entry.minima,
        log_scale=entry.log_scale,
        animate=animate,
        show_final=show_final,
        **options,
    )
