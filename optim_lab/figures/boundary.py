"""A classifier's decision over the input plane, with its data: shared by the playground and the
regularization lesson."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import plain
from .theme import CLASS_COLORS, base_layout, hex_to_rgba

# Confidence from 1/K (a coin toss) to 1 is shown in this many shades of the winning class's colour.
CONFIDENCE_BANDS = 4


def prediction_heatmap(x, y, probs: np.ndarray, n_classes: int, **options) -> dict:
    """A heat map of the winning class at every grid point, its colour faded where the network is
    unsure. ``probs``: ``(R, R, K)`` class probabilities."""
    bands = CONFIDENCE_BANDS
    probs = np.nan_to_num(np.asarray(probs, float), nan=1.0 / n_classes)
    confidence = probs.max(-1)
    level = np.clip((confidence - 1 / n_classes) / (1 - 1 / n_classes), 0, 0.999)
    scale = []
    for k in range(n_classes):
        color = CLASS_COLORS[k % len(CLASS_COLORS)]
        for b in range(bands):
            alpha = 0.12 + 0.5 * b / (bands - 1)
            lo, hi = (
                (k * bands + b) / (n_classes * bands),
                (k * bands + b + 1) / (n_classes * bands),
            )
            scale += [[lo, hex_to_rgba(color, alpha)], [hi, hex_to_rgba(color, alpha)]]
    return plain.heatmap(
        x=x,
        y=y,
        z=probs.argmax(-1) * bands + np.floor(level * bands),
        zmin=-0.5,
        zmax=n_classes * bands - 0.5,
        colorscale=scale,
        showscale=False,
        hoverinfo="skip",  # hover text on 3,600 cells would triple what each redraw sends
        **options,
    )


def boundary_figure(
    grid: dict[str, np.ndarray],
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    *,
    n_classes: int,
    feature_names: Sequence[str] = ("x₁", "x₂"),
    title: str | None = None,
    height: int = 460,
) -> plain.Figure:
    """The predicted class over the plane (shaded by confidence) with the data on top.

    Args:
        grid: ``{"x": (R,), "y": (R,), "probs": (R, R, K)}`` from ``predict_grid``.
        x_train, y_train: training points ``(N, 2)`` and labels (filled circles).
        x_val, y_val: validation points and labels (crosses).
        n_classes: number of classes K.
        feature_names: axis titles.
        title: figure title.
        height: figure height in pixels.

    Returns:
        The figure: one heat map whose colour is the winning class, faded where the network is
        unsure, and one marker trace per class and split.
    """
    probs = np.nan_to_num(np.asarray(grid["probs"], float), nan=1.0 / n_classes)
    fig = plain.Figure(
        prediction_heatmap(grid["x"], grid["y"], probs, n_classes, name="prediction")
    )
    # The boundary itself: where the winning class changes.
    if n_classes == 2:
        fig.add_trace(
            plain.contour(
                x=grid["x"],
                y=grid["y"],
                z=probs[..., 1],
                contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                line=dict(color="#555555", width=2),
                showscale=False,
                hoverinfo="skip",
                name="boundary p = 0.5",
                showlegend=False,
            )
        )
    for k in range(n_classes):
        color = CLASS_COLORS[k % len(CLASS_COLORS)]
        for xs, ys, split, symbol in (
            (x_train, y_train, "train", "circle"),
            (x_val, y_val, "val", "x"),
        ):
            pts = np.asarray(xs)[np.asarray(ys) == k]
            fig.add_trace(
                plain.scatter(
                    x=pts[:, 0],
                    y=pts[:, 1],
                    mode="markers",
                    name=f"class {k} · {split}",
                    legendgroup=f"class{k}",
                    marker=dict(
                        color=color,
                        symbol=symbol,
                        size=8 if split == "train" else 9,
                        line=dict(color="white" if split == "train" else color, width=1),
                    ),
                    hovertemplate=f"class {k} ({split})<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
                )
            )
    return plane_layout(fig, grid, feature_names, title=title, height=height)


def plane_layout(fig: plain.Figure, grid, feature_names, *, title, height: int) -> plain.Figure:
    """The layout of a figure over the input plane: the grid's ranges on equal scales, the legend
    below."""
    base_layout(fig, title=title, height=height, legend_below=-0.16)
    fig.update_layout(margin=dict(t=40, b=40, r=10))
    # equal scales: the plot area shrinks to the data (constrain="domain") instead of the axes
    # stretching past the grid and leaving white bands beside it
    fig.update_xaxes(
        title=feature_names[0],
        range=[float(grid["x"][0]), float(grid["x"][-1])],
        showgrid=False,
        constrain="domain",
    )
    fig.update_yaxes(
        title=feature_names[1],
        range=[float(grid["y"][0]), float(grid["y"][-1])],
        showgrid=False,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    return fig
