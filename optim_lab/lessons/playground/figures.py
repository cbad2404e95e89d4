"""Figures of the training playground: decision boundary, learning curves and network diagnostics.

Pure functions: NumPy in, ``plain.Figure`` out (no Streamlit). Steps after a run stopped or diverged are
NaN in the history; they are dropped here so no plot shows NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import (
    DIVERGED_COLOR,
    PALETTE,
    base_layout,
    run_style,
)

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
