"""Figures of the training playground: decision boundary, learning curves and network diagnostics.

Pure functions: NumPy in, ``plain.Figure`` out (no Streamlit). Steps after a run stopped or diverged are
NaN in the history; they are dropped here so no plot shows NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import plain
from .theme import DIVERGED_COLOR, OKABE_ITO, PALETTE, base_layout, run_style

#: Class colours (Okabe–Ito: colour-blind safe, readable on light and dark backgrounds).
CLASS_COLORS = OKABE_ITO
#: Curves are thinned to at most this many points per trace (keeps live redraws light).
MAX_POINTS = 600
#: The band of healthy update/weight ratios around 1e-3 (a rule of thumb from the lectures).
RATIO_BAND = (3e-4, 3e-3)


def _thin(n: int) -> np.ndarray:
    """Indices of at most ``MAX_POINTS`` evenly spread steps, the last one always included."""
    if n <= MAX_POINTS:
        return np.arange(n)
    idx = np.linspace(0, n - 1, MAX_POINTS).round().astype(int)
    return np.unique(idx)


def _finite(x: np.ndarray, y: np.ndarray, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(y) & ((y > 0) if log else True)
    return x[keep], y[keep]


def _hex_to_rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


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
    winner = probs.argmax(-1)
    confidence = probs.max(-1)
    # Confidence from 1/K (a coin toss) to 1, mapped to 0..1 and split into bands per class.
    bands = 4
    level = np.clip((confidence - 1 / n_classes) / (1 - 1 / n_classes), 0, 0.999)
    z = winner * bands + np.floor(level * bands)
    scale = []
    for k in range(n_classes):
        color = CLASS_COLORS[k % len(CLASS_COLORS)]
        for b in range(bands):
            alpha = 0.12 + 0.5 * b / (bands - 1)
            lo, hi = (
                (k * bands + b) / (n_classes * bands),
                (k * bands + b + 1) / (n_classes * bands),
            )
            scale += [[lo, _hex_to_rgba(color, alpha)], [hi, _hex_to_rgba(color, alpha)]]
    fig = plain.Figure(
        plain.heatmap(
            x=grid["x"],
            y=grid["y"],
            z=z,
            zmin=-0.5,
            zmax=n_classes * bands - 0.5,
            colorscale=scale,
            showscale=False,
            hoverinfo="skip",  # hover text on 3,600 cells would triple what each redraw sends
            name="prediction",
        )
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


def curves_figure(
    history: dict[str, np.ndarray],
    labels: Sequence[str],
    optimizers: Sequence[str],
    *,
    iterations_per_epoch: int,
    diverged: Sequence[int | None] = (),
    height: int = 380,
) -> plain.Figure:
    """Loss (left) and accuracy (right) per iteration: training mini-batch (solid) and
    validation (dotted), one colour per optimizer.

    Args:
        history: ``History.data``: ``loss``, ``val_loss``, ``train_acc``, ``val_acc`` of shape
            ``(runs, steps)``.
        labels: legend label per run.
        optimizers: registry name per run (fixes the colour).
        iterations_per_epoch: to label the top axis in epochs.
        diverged: step at which each run diverged (``None``: it did not); marked with an ×.
        height: figure height.

    Returns:
        A two-panel figure.
    """
    fig = plain.make_subplots(
        rows=1, cols=2, subplot_titles=("loss", "accuracy"), horizontal_spacing=0.09
    )
    steps = history["loss"].shape[1] if "loss" in history else 0
    idx = _thin(steps)
    seen: dict[str, int] = {}
    for r, (label, name) in enumerate(zip(labels, optimizers, strict=False)):
        style = run_style(name, seen.get(name, 0))
        seen[name] = seen.get(name, 0) + 1
        for col, (train_key, val_key) in enumerate(
            (("loss", "val_loss"), ("train_acc", "val_acc")), start=1
        ):
            for key, split, dash in ((train_key, "train", style["dash"]), (val_key, "val", "dot")):
                if key not in history:
                    continue
                x, y = _finite(idx.astype(float), np.asarray(history[key][r], float)[idx])
                fig.add_trace(
                    plain.scatter(
                        x=x,
                        y=y,
                        mode="lines",
                        name=f"{label} · {split}",
                        legendgroup=f"run{r}{split}",
                        showlegend=col == 1,
                        line=dict(
                            color=style["color"], dash=dash, width=2 if split == "train" else 2.5
                        ),
                        opacity=0.55 if split == "train" else 1.0,
                        hovertemplate=f"{label} {split}<br>iteration %{{x:.0f}}<br>%{{y:.4f}}"
                        "<extra></extra>",
                    ),
                    row=1,
                    col=col,
                )
        step = diverged[r] if r < len(diverged) else None
        if step is not None and steps:
            loss = np.asarray(history["loss"][r], float)
            finite = loss[np.isfinite(loss)]
            fig.add_trace(
                plain.scatter(
                    x=[step],
                    y=[finite[-1] if finite.size else 0.0],
                    mode="markers+text",
                    marker=dict(symbol="x", size=14, color=DIVERGED_COLOR),
                    text=[f"diverged at step {step}"],
                    textposition="top center",
                    textfont=dict(color=DIVERGED_COLOR),
                    name=f"{label}: diverged",
                    showlegend=False,
                ),
                row=1,
                col=1,
            )
    base_layout(fig, height=height, legend_below=-0.2)
    fig.update_layout(margin=dict(t=40, b=40))
    fig.update_xaxes(title="iteration")
    fig.update_yaxes(title="loss", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title="accuracy", range=[0, 1.02], row=1, col=2)
    return fig


def diagnostics_figure(
    run: dict[str, np.ndarray], *, activation: str = "relu", height: int = 340
) -> plain.Figure:
    """Network health of one run: update/weight ratio per layer (log, with the ~1e-3 band),
    fraction of dead units per hidden layer, and gradient norm per layer (log).

    Args:
        run: ``History.run(i)``: ``update_ratio`` and ``grad_norm`` ``(steps, layers)``,
            ``dead`` ``(steps, hidden layers)``.
        activation: the activation's name (the middle panel's title says what "dead" means).
        height: figure height.

    Returns:
        A three-panel figure, one colour per layer.
    """
    dead_title = "dead ReLU fraction" if "relu" in activation else "dead-unit fraction"
    fig = plain.make_subplots(
        rows=1,
        cols=3,
        subplot_titles=("update / weight ratio", dead_title, "gradient norm"),
        horizontal_spacing=0.08,
    )
    ratio = np.asarray(run.get("update_ratio", np.zeros((0, 0))), float)
    steps = ratio.shape[0]
    idx = _thin(steps)
    x = idx.astype(float)
    # Shapes on a log axis take log10 coordinates.
    fig.add_hrect(
        y0=np.log10(RATIO_BAND[0]),
        y1=np.log10(RATIO_BAND[1]),
        fillcolor="#009E73",
        opacity=0.15,
        line_width=0,
        row=1,
        col=1,
    )
    fig.add_hline(y=-3, line=dict(color="#009E73", dash="dash", width=1), row=1, col=1)
    for col, key, log in ((1, "update_ratio", True), (2, "dead", False), (3, "grad_norm", True)):
        values = np.asarray(run.get(key, np.zeros((steps, 0))), float)
        if values.ndim == 1:
            values = values[:, None]
        n_layers = values.shape[1]
        for layer in range(n_layers):
            is_output = key != "dead" and layer == n_layers - 1
            name = "output layer" if is_output else f"layer {layer + 1}"
            xs, ys = _finite(x, values[idx, layer], log=log)
            fig.add_trace(
                plain.scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    line=dict(color=PALETTE[(layer + 5) % len(PALETTE)], width=2),
                    hovertemplate=f"{name}<br>iteration %{{x:.0f}}<br>%{{y:.3g}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    base_layout(fig, height=height, legend_below=-0.2)
    fig.update_layout(margin=dict(t=40, b=40))
    fig.update_xaxes(title="iteration")
    finite = ratio[np.isfinite(ratio) & (ratio > 0)]
    lo = min(float(finite.min()) if finite.size else 1e-4, 1e-4)
    hi = max(float(finite.max()) if finite.size else 1e-2, 1e-2)
    fig.update_yaxes(
        type="log",
        exponentformat="power",
        range=[np.log10(lo) - 0.1, np.log10(hi) + 0.1],
        row=1,
        col=1,
    )
    fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%", row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=3)
    return fig
