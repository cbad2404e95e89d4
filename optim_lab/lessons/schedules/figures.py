"""Learning-rate figures: schedules over steps and the LR range test.

Builders take NumPy data and return ``plain.Figure``; no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...figures import plain
from ...figures.theme import DASHES, DIVERGED_COLOR, PALETTE, base_layout
from ...schedules import SCHEDULES

SMOOTHED_COLOR = PALETTE[0]
RAW_COLOR = "rgba(128, 128, 128, 0.75)"  # mid grey reads on light and dark backgrounds
SUGGESTED_COLOR = PALETTE[2]


@dataclass
class ScheduleCurve:
    """One schedule to draw: its registry name (fixes the colour), legend text and values."""

    name: str
    label: str
    values: np.ndarray


# A fixed colour per schedule (colour-blind-safe sets, no yellow: it vanishes on white), so a
# schedule keeps it when others are added or removed; constant is the neutral grey baseline.
SCHEDULE_COLORS = {
    "constant": "#8C8C8C",
    "step": "#E69F00",
    "multistep": "#009E73",
    "exponential": "#D55E00",
    "inverse_time": "#CC79A7",
    "cosine": "#0072B2",
    "cyclic": "#AA4499",
    "warm_restarts": "#44AA99",
    "plateau": "#999933",
}


def schedule_color(name: str) -> str:
    """The fixed colour of a schedule (schedules added later cycle through the palette)."""
    if name in SCHEDULE_COLORS:
        return SCHEDULE_COLORS[name]
    index = SCHEDULES.index(name) if name in SCHEDULES else 0
    return PALETTE[index % len(PALETTE)]


def schedule_figure(
    curves: Sequence[ScheduleCurve],
    *,
    log_y: bool = False,
    title: str | None = None,
    height: int = 380,
) -> plain.Figure:
    """Learning rate against the step, one line per schedule.

    Args:
        curves: the schedules (values at t = 0 … T−1).
        log_y: log axis for the learning rate (values ≤ 0 are left out: a log axis cannot show them).
        title: optional title.
        height: figure height in pixels.
    """
    fig = plain.Figure()
    for i, curve in enumerate(curves):
        values = np.asarray(curve.values, dtype=float)
        if log_y:
            values = np.where(values > 0, values, np.nan)
        fig.add_trace(
            plain.scatter(
                x=np.arange(len(values)),
                y=values,
                mode="lines",
                name=curve.label,
                line=dict(
                    color=schedule_color(curve.name),
                    width=2.5,
                    dash=DASHES[(i // len(SCHEDULE_COLORS)) % len(DASHES)],
                ),
                hovertemplate=f"{curve.label}<br>step %{{x}}<br>α = %{{y:.4g}}<extra></extra>",
            )
        )
    base_layout(fig, title=title, height=height)
    fig.update_xaxes(title="step t", rangemode="tozero")
    fig.update_yaxes(
        title="learning rate α (log)" if log_y else "learning rate α",
        type="log" if log_y else "linear",
        rangemode="normal" if log_y else "tozero",
    )
    return fig


def range_test_figure(
    lr: np.ndarray,
    loss: np.ndarray,
    smoothed: np.ndarray,
    suggested_lr: float | None,
    stopped_at: int | None,
    *,
    title: str | None = None,
    height: int = 420,
) -> plain.Figure:
    """The LR range test: loss against a growing learning rate on a log axis.

    Args:
        lr: learning rate used at each step (the full sweep; only the first ``len(loss)`` are drawn).
        loss: loss after each step, up to where the test stopped.
        smoothed: the smoothed loss (same length as ``loss``).
        suggested_lr: where the smoothed loss falls fastest, marked with a vertical line.
        stopped_at: step where the loss blew up (the test's last point), or ``None``.
    """
    n = len(loss)
    xs = np.asarray(lr, dtype=float)[:n]
    loss = np.asarray(loss, dtype=float)
    smoothed = np.asarray(smoothed, dtype=float)
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=xs,
            y=loss,
            mode="lines",
            name="loss",
            line=dict(color=RAW_COLOR, width=1.5),
            hovertemplate="α = %{x:.3g}<br>loss %{y:.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        plain.scatter(
            x=xs,
            y=smoothed,
            mode="lines",
            name="smoothed loss",
            line=dict(color=SMOOTHED_COLOR, width=3),
            hovertemplate="α = %{x:.3g}<br>smoothed %{y:.4g}<extra></extra>",
        )
    )
    finite = np.concatenate([loss[np.isfinite(loss)], smoothed[np.isfinite(smoothed)]])
    log_y = finite.size > 0 and finite.min() > 0 and finite.max() / finite.min() > 50
    if suggested_lr is not None and n:
        k = int(np.argmin(np.abs(np.log(xs) - np.log(suggested_lr))))
        fig.add_vline(x=suggested_lr, line=dict(color=SUGGESTED_COLOR, width=2, dash="dash"))
        fig.add_trace(
            plain.scatter(
                x=[suggested_lr],
                y=[smoothed[k]],
                mode="markers",
                name=f"suggested α ≈ {suggested_lr:.3g} (steepest descent)",
                marker=dict(symbol="diamond", size=13, color=SUGGESTED_COLOR, line=dict(width=1.5)),
                hovertemplate="suggested α = %{x:.3g}<extra></extra>",
            )
        )
    if stopped_at is not None and n:
        fig.add_trace(
            plain.scatter(
                x=[xs[-1]],
                y=[loss[-1]],
                mode="markers",
                name=f"stopped at step {stopped_at}: loss blew up",
                marker=dict(symbol="x", size=13, color=DIVERGED_COLOR, line=dict(width=1)),
                hovertemplate="stopped: α = %{x:.3g}<br>loss %{y:.4g}<extra></extra>",
            )
        )
    base_layout(fig, title=title, height=height)
    fig.update_xaxes(title="learning rate α (log)", type="log")
    fig.update_yaxes(title="loss (log)" if log_y else "loss", type="log" if log_y else "linear")
    return fig
