"""Figures of the initialization experiment: per-layer activation histograms, mean/std per layer
and the backward pass's gradient norms."""

from __future__ import annotations

import math

import numpy as np

from ...figures import plain
from ...figures.theme import DIVERGED_COLOR, OKABE_ITO, base_layout

HIST_COLOUR = OKABE_ITO[0]


def histograms_figure(
    hist: np.ndarray, edges: np.ndarray, *, per_row: int = 5, title: str | None = None
) -> plain.Figure:
    """Small multiples: the distribution of the activations of every hidden layer.

    Args:
        hist: ``(L, bins)`` counts; edges: ``(L, bins + 1)`` bin edges.
        per_row: panels per row.
        title: optional figure title.

    Every panel shares the x range (the widest layer's), so a collapse towards 0 or a pile-up at
    ±1 is visible at a glance; the y axis is the share of the layer's activations.
    """
    layers = hist.shape[0]
    rows = math.ceil(layers / per_row)
    fig = plain.make_subplots(
        rows=rows,
        cols=per_row,
        subplot_titles=[f"layer {i + 1}" for i in range(layers)],
        horizontal_spacing=0.03,
        vertical_spacing=0.22 if rows > 1 else 0.1,
        shared_xaxes=False,
    )
    low = float(np.min(edges[:, 0]))
    high = float(np.max(edges[:, -1]))
    if high - low < 1e-9:  # every activation identical (zero init): give the bar some width
        low, high = low - 1.0, high + 1.0
    for i in range(layers):
        counts = np.asarray(hist[i], float)
        share = counts / max(counts.sum(), 1.0)
        e = np.asarray(edges[i], float)
        centres = (e[:-1] + e[1:]) / 2
        widths = np.maximum(np.diff(e), (high - low) / 200)
        fig.add_trace(
            plain.bar(
                x=centres,
                y=share,
                width=widths,
                marker=dict(color=HIST_COLOUR, line=dict(width=0)),
                showlegend=False,
                name=f"layer {i + 1}",
                hovertemplate=f"layer {i + 1}<br>value %{{x:.3g}}<br>share %{{y:.1%}}<extra></extra>",
            ),
            row=i // per_row + 1,
            col=i % per_row + 1,
        )
    fig.update_xaxes(range=[low, high], tickformat=".2g", nticks=3, tickangle=0)
    fig.update_yaxes(tickformat=".0%", nticks=4, rangemode="tozero")
    fig.update_yaxes(title_text="share", col=1)
    fig.update_xaxes(title_text="activation", row=rows)
    base_layout(fig, title=title, height=230 * rows + 80)
    fig.update_layout(bargap=0)
    return fig


def layer_stats_figure(mean: np.ndarray, std: np.ndarray) -> plain.Figure:
    """Mean and standard deviation of the activations, layer by layer."""
    layers = np.arange(1, len(mean) + 1)
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=layers,
            y=std,
            mode="lines+markers",
            name="std",
            line=dict(color=OKABE_ITO[0], width=3),
        )
    )
    fig.add_trace(
        plain.scatter(
            x=layers,
            y=mean,
            mode="lines+markers",
            name="mean",
            line=dict(color=OKABE_ITO[1], width=3, dash="dash"),
        )
    )
    fig.update_xaxes(title_text="hidden layer", dtick=1, tickangle=0)
    fig.update_yaxes(title_text="activation statistic")
    return base_layout(fig, height=340)


def grad_norm_figure(grad_norm: np.ndarray) -> plain.Figure:
    """‖∂L/∂W_l‖ per layer on a log axis (vanishing: falls towards the input; exploding: grows).

    Layers whose gradient is exactly 0 (or not finite) are marked on the axis floor rather than
    dropped, so "nothing flows back" is visible.
    """
    g = np.asarray(grad_norm, float)
    layers = np.arange(1, len(g) + 1)
    ok = np.isfinite(g) & (g > 0)
    floor = float(np.min(g[ok]) / 10) if ok.any() else 1e-12
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=layers[ok],
            y=g[ok],
            mode="lines+markers",
            name="‖∂L/∂Wₗ‖",
            line=dict(color=OKABE_ITO[2], width=3),
        )
    )
    if (~ok).any():
        fig.add_trace(
            plain.scatter(
                x=layers[~ok],
                y=np.full((~ok).sum(), floor),
                mode="markers",
                name="exactly 0 (no gradient)",
                marker=dict(symbol="x", size=12, color=DIVERGED_COLOR),
            )
        )
    fig.update_xaxes(title_text="hidden layer (1 = first)", dtick=1, tickangle=0)
    fig.update_yaxes(title_text="gradient norm (log)", type="log", exponentformat="power")
    return base_layout(fig, height=340)
