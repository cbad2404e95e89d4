"""Learning-rate figures: schedules over steps and the LR range test (on a surface and on a network).

Builders take NumPy data and return ``plain.Figure``; no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...figures import plain
from ...figures.theme import DASHES, DIVERGED_COLOR, PALETTE, base_layout, hex_to_rgba
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
    dash: str | None = None  # None: one per repeat of the colours
    color_of: str | None = None  # the schedule whose colour it takes (default: ``name``)


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
                    color=schedule_color(curve.color_of or curve.name),
                    width=2.5,
                    dash=curve.dash or DASHES[(i // len(SCHEDULE_COLORS)) % len(DASHES)],
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


def _range_test_curves(xs, loss, smoothed, names, raw_width: float = 1.0) -> plain.Figure:
    """A range test's raw and smoothed loss against the rate."""
    fig = plain.Figure()
    for values, name, kind, color, width in (
        (loss, names[0], "loss", RAW_COLOR, raw_width),
        (smoothed, names[1], "smoothed", SMOOTHED_COLOR, 3),
    ):
        fig.add_trace(
            plain.scatter(
                x=xs,
                y=values,
                mode="lines",
                name=name,
                line=dict(color=color, width=width),
                hovertemplate=f"α = %{{x:.3g}}<br>{kind} %{{y:.4g}}<extra></extra>",
            )
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
    fig = _range_test_curves(xs, loss, smoothed, ("loss", "smoothed loss"), raw_width=1.5)
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
    fig.update_xaxes(title="learning rate α (log)", type="log", exponentformat="power")
    fig.update_yaxes(title="loss (log)" if log_y else "loss", type="log" if log_y else "linear")
    return fig


# One colour and marker per suggestion rule (steepest keeps part 3's colour for the same rule).
RULE_STYLES = {
    "steepest": (SUGGESTED_COLOR, "diamond"),
    "min_div_10": (PALETTE[1], "square"),
    "valley": (PALETTE[4], "circle"),
}
BOUNDS_COLOR = hex_to_rgba(PALETTE[5], 0.2)
ENDINGS = {
    "blown": "stopped: smoothed loss > 4× its best",
    "diverged": "stopped: the training blew up",
    "range": "end of the range",
}


def _on_curve(lr: np.ndarray, curve: np.ndarray, alpha: float) -> float:
    """The curve's value at rate ``alpha`` (linear in ln α between steps)."""
    return float(np.interp(np.log(alpha), np.log(lr), curve))


def network_range_figure(
    lr: np.ndarray,
    loss: np.ndarray,
    smoothed: np.ndarray,
    suggestions: dict[str, float | None],
    labels: dict[str, str],
    bounds: tuple[float, float] | None,
    ending: str,
    *,
    height: int = 460,
) -> plain.Figure:
    """The range test on a network: mini-batch loss and smoothed loss against α (log axis), each
    suggestion marked on the smoothed curve, the lowest smoothed loss, the cyclical bounds shaded.

    Args:
        lr, loss, smoothed: the steps taken.
        suggestions: rule name → α (``None``: not enough points), in :data:`RULE_STYLES`.
        labels: rule name → its name in the legend.
        bounds: ``(lower, upper)`` of a cyclical schedule, or ``None``.
        ending: why the test ended (:attr:`optim_lab.nn.lr_find.LRFindResult.ending`).
    """
    xs, loss, smoothed = (np.asarray(a, dtype=float) for a in (lr, loss, smoothed))
    fig = _range_test_curves(xs, loss, smoothed, ("mini-batch loss", "smoothed (β = 0.98)"))
    if len(xs) == 0:
        return base_layout(fig, height=height)
    if bounds is not None:
        fig.add_vrect(
            x0=bounds[0], x1=bounds[1], fillcolor=BOUNDS_COLOR, line_width=0, layer="below"
        )
        fig.add_trace(
            plain.scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"cyclical bounds {bounds[0]:.2g} – {bounds[1]:.2g}",
                marker=dict(symbol="square", size=14, color=BOUNDS_COLOR),
            )
        )
    lowest = int(np.argmin(smoothed))
    fig.add_trace(
        plain.scatter(
            x=[xs[lowest]],
            y=[smoothed[lowest]],
            mode="markers",
            name=f"lowest smoothed loss (α ≈ {xs[lowest]:.2g})",
            marker=dict(symbol="circle-open", size=12, color=SMOOTHED_COLOR, line=dict(width=2)),
            hovertemplate="lowest: α = %{x:.3g}<br>smoothed %{y:.4g}<extra></extra>",
        )
    )
    for rule, alpha in suggestions.items():
        if alpha is None:
            continue
        color, symbol = RULE_STYLES[rule]
        fig.add_vline(x=alpha, line=dict(color=color, width=1.5, dash="dash"))
        fig.add_trace(
            plain.scatter(
                x=[alpha],
                y=[_on_curve(xs, smoothed, alpha)],
                mode="markers",
                name=f"{labels[rule]}: α ≈ {alpha:.2g}",
                marker=dict(symbol=symbol, size=13, color=color, line=dict(width=1.5)),
                hovertemplate=f"{labels[rule]}<br>α = %{{x:.3g}}<extra></extra>",
            )
        )
    fig.add_trace(
        plain.scatter(
            x=[xs[-1]],
            y=[smoothed[-1]],
            mode="markers",
            name=ENDINGS[ending],
            marker=dict(symbol="x", size=12, color=DIVERGED_COLOR, line=dict(width=1)),
            hovertemplate="end: α = %{x:.3g}<extra></extra>",
        )
    )
    base_layout(fig, height=height, legend_below=-0.2)
    # Raw spikes at the blow-up would squash the curve: the axis covers the smoothed loss and
    # most of the raw one.
    top = 1.1 * max(float(smoothed.max()), float(np.percentile(loss, 95)))
    fig.update_xaxes(title="learning rate α (log)", type="log", exponentformat="power")
    fig.update_yaxes(title="loss", range=[0.0, top])
    return fig
