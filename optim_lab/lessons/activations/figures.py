"""Activation functions and their derivatives, with saturated and dead regions shaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...figures import plain
from ...figures.theme import DASHES, PALETTE, base_layout

#: |f'| below this fraction of the peak derivative counts as "saturated" (the registry's rule).
SATURATION = 0.05


@dataclass(frozen=True)
class ActivationCurve:
    """One activation sampled on a grid.

    Attributes:
        name: registry name; label: legend text; colour: line colour.
        x, y, dy: the grid, f(x) and f'(x).
        peak: the largest |f'| (the reference for "saturated").
    """

    name: str
    label: str
    colour: str
    x: np.ndarray
    y: np.ndarray
    dy: np.ndarray
    peak: float = 1.0


def activation_colour(index: int) -> str:
    """The colour of the ``index``-th activation of the registry (fixed across pages)."""
    return PALETTE[index % len(PALETTE)]


def flat_regions(x: np.ndarray, dy: np.ndarray, peak: float) -> list[tuple[float, float, str]]:
    """Intervals where the gradient (almost) vanishes: ``(start, end, "dead" | "saturated")``.

    "dead" is an exact zero derivative (ReLU for z < 0), "saturated" a derivative below
    :data:`SATURATION` × peak (the flat tails of sigmoid and tanh).
    """
    small = np.abs(dy) < SATURATION * max(peak, 1e-12)
    regions: list[tuple[float, float, str]] = []
    start = None
    for i, flag in enumerate(small):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == len(small) - 1):
            end = i if flag else i - 1
            if end > start:
                kind = "dead" if np.all(dy[start : end + 1] == 0) else "saturated"
                regions.append((float(x[start]), float(x[end]), kind))
            start = None
    return regions


def describe_regions(x: np.ndarray, dy: np.ndarray, peak: float) -> str:
    """The flat regions in words, e.g. ``"dead for z < 0"`` or ``"saturated for z < −4.4 and
    z > 4.4"`` (empty when the slope never vanishes on the plotted range)."""
    parts = []
    for start, end, kind in flat_regions(x, dy, peak):
        if start <= x[0]:
            where = f"z < {end:.2g}"
        elif end >= x[-1]:
            where = f"z > {start:.2g}"
        else:
            where = f"{start:.2g} < z < {end:.2g}"
        parts.append((kind, where.replace("-", "−")))
    if not parts:
        return ""
    kinds = {k for k, _ in parts}
    if len(kinds) == 1:
        return f"{parts[0][0]} for " + " and ".join(w for _, w in parts)
    return ", ".join(f"{k} for {w}" for k, w in parts)


def activation_figure(curves: Sequence[ActivationCurve], *, shade: bool = True) -> plain.Figure:
    """f(x) (left) and f'(x) (right) for up to three activations, flat regions shaded.

    Args:
        curves: the activations to overlay (each in its own colour and dash).
        shade: shade each activation's dead/saturated intervals in its colour.
    """
    fig = plain.make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("activation f(x)", "derivative f′(x)"),
        horizontal_spacing=0.08,
    )
    for i, c in enumerate(curves):
        dash = DASHES[i % len(DASHES)]
        for col, values, suffix in ((1, c.y, ""), (2, c.dy, "′")):
            fig.add_trace(
                plain.scatter(
                    x=c.x,
                    y=values,
                    mode="lines",
                    name=c.label,
                    legendgroup=c.name,
                    showlegend=col == 1,
                    line=dict(color=c.colour, dash=dash, width=3),
                    hovertemplate=f"{c.label}<br>x=%{{x:.2f}}<br>f{suffix}=%{{y:.4g}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        if shade:
            for start, end, _kind in flat_regions(c.x, c.dy, c.peak):
                for col in (1, 2):
                    fig.add_vrect(
                        x0=start,
                        x1=end,
                        fillcolor=c.colour,
                        opacity=0.10,
                        line_width=0,
                        layer="below",
                        row=1,
                        col=col,
                    )
    fig.add_hline(y=0, line=dict(color="gray", width=1), opacity=0.5)
    fig.add_vline(x=0, line=dict(color="gray", width=1), opacity=0.5)
    if curves:
        reach = float(max(np.max(np.abs(c.x)) for c in curves))
        fig.update_xaxes(range=[-reach, reach])
    fig.update_xaxes(title_text="pre-activation z")
    fig.update_yaxes(title_text="f(z)", row=1, col=1)
    fig.update_yaxes(title_text="f′(z)", row=1, col=2)
    base_layout(fig, height=440)
    fig.update_layout(margin=dict(t=80), legend=dict(y=1.12))
    return fig
