"""Figures of the sanity-checks lesson: loss at step 0 vs ln C, overfitting a tiny set, learning
rates too low and too high."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import DIVERGED_COLOR, OKABE_ITO, base_layout


def initial_loss_figure(
    classes: np.ndarray, loss: np.ndarray, expected: np.ndarray
) -> plain.Figure:
    """Measured loss before any training next to ln C, for each number of classes C."""
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=classes,
            y=expected,
            mode="lines",
            name="ln C (uniform guess)",
            line=dict(color=OKABE_ITO[0], width=3, dash="dash"),
        )
    )
    fig.add_trace(
        plain.scatter(
            x=classes,
            y=loss,
            mode="markers",
            name="loss at step 0",
            marker=dict(color=OKABE_ITO[1], size=12, symbol="diamond", line=dict(width=1)),
        )
    )
    fig.update_xaxes(title_text="number of classes C", dtick=1)
    fig.update_yaxes(title_text="softmax cross-entropy", rangemode="tozero")
    return base_layout(fig, height=360)


def overfit_figure(loss: np.ndarray, acc: np.ndarray) -> plain.Figure:
    """Training loss (left axis, log) and training accuracy (right axis) of the tiny-set run."""
    steps = np.arange(len(loss))
    fig = plain.make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=np.where(loss > 0, loss, np.nan),
            mode="lines",
            name="training loss",
            line=dict(color=OKABE_ITO[0], width=3),
        ),
        secondary_y=False,
    )
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=acc,
            mode="lines",
            name="training accuracy",
            line=dict(color=OKABE_ITO[2], width=3, dash="dash"),
        ),
        secondary_y=True,
    )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="loss (log)", type="log", exponentformat="power", secondary_y=False)
    fig.update_yaxes(
        title_text="accuracy",
        range=[0, 1.05],
        tickmode="array",
        tickvals=[0, 0.25, 0.5, 0.75, 1.0],
        tickformat=".0%",
        secondary_y=True,
        showgrid=False,
    )
    return base_layout(fig, height=360)


def lr_compare_figure(
    loss: np.ndarray,
    labels: Sequence[str],
    exploded_at: Sequence[int | None],
    colours: Sequence[str],
    *,
    explode_factor: float = 3.0,
) -> plain.Figure:
    """Loss per step of runs with different learning rates, one panel each (own y axis).

    A run that exploded (loss above ``explode_factor`` × its initial loss, or not finite) is drawn
    up to that step and marked with a ✕ and a label; NaN never reaches the plot.
    """
    fig = plain.make_subplots(rows=1, cols=len(labels), subplot_titles=list(labels))
    for i, (label, stop, colour) in enumerate(zip(labels, exploded_at, colours, strict=True)):
        values = np.asarray(loss[i], float)
        end = len(values) if stop is None else min(len(values), int(stop) + 1)
        values = values[:end]
        finite = np.isfinite(values)
        steps = np.arange(end)
        fig.add_trace(
            plain.scatter(
                x=steps[finite],
                y=values[finite],
                mode="lines+markers" if end < 10 else "lines",
                name=label,
                showlegend=False,
                line=dict(color=colour, width=3),
            ),
            row=1,
            col=i + 1,
        )
        if values.size and np.isfinite(values[0]):
            fig.add_hline(
                y=explode_factor * values[0],
                line=dict(color="gray", dash="dot", width=1),
                annotation_text=f"{explode_factor:g}× initial loss",
                annotation_position="top left",
                row=1,
                col=i + 1,
            )
        if stop is not None:
            last = int(np.flatnonzero(finite)[-1]) if finite.any() else 0
            y_last = float(values[last]) if finite.any() else 0.0
            fig.add_trace(
                plain.scatter(
                    x=[last],
                    y=[y_last],
                    mode="markers+text",
                    text=[f"exploded at step {int(stop)}"],
                    textposition="middle right",
                    marker=dict(symbol="x", size=14, color=DIVERGED_COLOR),
                    showlegend=False,
                    hoverinfo="skip",
                ),
                row=1,
                col=i + 1,
            )
            fig.update_xaxes(range=[-0.5, max(5, end + 1)], row=1, col=i + 1)
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="training loss", col=1)
    base_layout(fig, height=360)
    fig.update_layout(margin=dict(t=60))
    return fig


# Gradient-check verdicts as table fills: translucent, readable in the light and the dark theme.
VERDICT_FILLS = {"pass": "rgba(0,158,115,0.30)", "check": "rgba(230,159,0,0.35)"}
FAIL_FILL = "rgba(213,94,0,0.40)"


def verdict_style(verdict: str) -> str:
    """The CSS of a verdict cell in the gradient-check table."""
    return f"background-color: {VERDICT_FILLS.get(verdict, FAIL_FILL)}"
