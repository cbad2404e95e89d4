"""Line charts over steps: loss, learning rate, gradient norm."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import plain
from .surface import Path
from .theme import DIVERGED_COLOR, base_layout, run_style


def per_step_figure(
    paths: Sequence[Path],
    series: Sequence[np.ndarray],
    *,
    y_title: str,
    log_y: bool = False,
    title: str | None = None,
    height: int = 320,
    x_title: str = "step",
) -> plain.Figure:
    """One line per run (``series[i]`` for ``paths[i]``), in the run's colour; diverged runs end
    with a ✕ at their divergence step."""
    fig = plain.Figure()
    for path, values in zip(paths, series, strict=True):
        values = np.asarray(values, dtype=float)
        end = len(values) if path.diverged_at is None else min(len(values), path.diverged_at)
        values = values[:end]
        if log_y:
            values = np.where(values > 0, values, np.nan)  # log axes cannot show ≤ 0
        style = run_style(path.optimizer, path.repeat)
        fig.add_trace(
            plain.scatter(
                x=np.arange(end),
                y=values,
                mode="lines",
                name=path.label,
                line=dict(color=style["color"], dash=style["dash"], width=2),
            )
        )
        if path.diverged_at is not None and end:
            fig.add_trace(
                plain.scatter(
                    x=[end - 1],
                    y=[values[-1]],
                    mode="markers",
                    showlegend=False,
                    hovertext=f"{path.label} diverged at step {path.diverged_at}",
                    hoverinfo="text",
                    marker=dict(symbol="x", size=12, color=DIVERGED_COLOR),
                )
            )
    base_layout(fig, title=title, height=height)
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, type="log" if log_y else "linear", exponentformat="power")
    return fig


def loss_figure(
    paths: Sequence[Path],
    losses: Sequence[np.ndarray],
    *,
    minimum: float | None = None,
    title: str | None = None,
    height: int = 320,
) -> plain.Figure:
    """Loss vs step on a log axis: the gap to ``minimum`` (the surface's best known loss) when
    given, so convergence shows as a straight descent."""
    if minimum is not None:
        losses = [np.asarray(loss) - minimum for loss in losses]
        y_title = "loss − minimum (log)"
    else:
        y_title = "loss (log)"
    positive = all(np.nanmin(np.asarray(loss)) > 0 for loss in losses if len(loss))
    return per_step_figure(
        paths,
        losses,
        y_title=y_title if positive else "loss",
        log_y=positive,
        title=title,
        height=height,
    )


def recolor_runs(fig: plain.Figure, colors: dict[str, str]) -> plain.Figure:
    """Gives every trace whose legend name starts with a run label that run's colour.

    Two runs of the same optimizer share its colour and differ only by dash; when they differ by
    their schedule, the scheduled run takes the schedule's colour (as in the schedule chart) so the
    pair reads apart even where noisy curves overlap.

    Args:
        fig: a figure built by :mod:`optim_lab.figures.surface` or :mod:`optim_lab.figures.lines`.
        colors: run label → colour.
    """
    for trace in fig.data:
        name = trace.get("name") or ""
        for label, color in colors.items():
            if name.startswith(label) and trace["type"] == "scatter":
                plain.update(trace, line_color=color, marker_color=color)
    return fig


LOSS_FLOOR = 1e-12


def loss_gap_figure(
    paths: Sequence[Path],
    losses: Sequence[np.ndarray],
    minimum: float | None,
    *,
    floor: float = LOSS_FLOOR,
    height: int = 320,
) -> plain.Figure:
    """Loss − minimum on a log axis, floored at ``floor``.

    Runs that reach the minimum exactly (float32 often rounds the loss to 0 there) would otherwise
    vanish from a log axis, or push :func:`~optim_lab.figures.lines.loss_figure` onto a linear one
    where one early spike flattens every other curve. Without a known minimum this is the plain
    loss figure.
    """
    if minimum is None:
        return loss_figure(paths, losses, height=height)
    gaps = [np.maximum(np.asarray(loss, dtype=float) - minimum, floor) for loss in losses]
    return per_step_figure(
        paths, gaps, y_title=f"loss − minimum (log, floor {floor:.0e})", log_y=True, height=height
    )
