"""Figures of the training playground: the predicted value of a regression over the plane, learning
curves, network diagnostics and the network diagram.

Pure functions: NumPy in, ``plain.Figure`` out (no Streamlit). Steps after a run stopped or diverged are
NaN in the history; they are dropped here so no plot shows NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.boundary import boundary_figure, plane_layout
from ...figures.digits import digit_canvas, digits_heatmap
from ...figures.theme import (
    CLASS_COLORS,
    DIVERGED_COLOR,
    PALETTE,
    base_layout,
    run_style,
)
from .experiment import discretize

#: Curves are thinned to at most this many points per trace (keeps live redraws light).
MAX_POINTS = 600
#: The band of healthy update/weight ratios around 1e-3 (a rule of thumb from the lectures).
RATIO_BAND = (3e-4, 3e-3)


#: Negative values orange, zero white, positive blue (TensorFlow Playground's colours, in the
#: colour-blind-safe Okabe-Ito shades of the class colours).
DIVERGING_SCALE = [[0.0, CLASS_COLORS[1]], [0.5, "#f7f7f7"], [1.0, CLASS_COLORS[0]]]


def value_range(targets: np.ndarray) -> float:
    """Half-width of the colour scale: the largest target size, at least 1 (fixed for a dataset,
    so the colours do not shift while training)."""
    targets = np.asarray(targets, float)
    return max(1.0, float(np.abs(targets).max())) if targets.size else 1.0


def regression_figure(
    grid: dict[str, np.ndarray],
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    *,
    feature_names: Sequence[str] = ("x₁", "x₂"),
    title: str | None = None,
    height: int = 460,
) -> plain.Figure:
    """The network's output over the plane in a continuous colour map, the data coloured by
    their targets on the same scale (training circles, validation crosses).

    Args:
        grid: ``{"x": (R,), "y": (R,), "values": (R, R)}`` from ``predict_grid``.
        x_train, y_train: training points ``(N, 2)`` and targets.
        x_val, y_val: validation points and targets (may be empty: hidden).
        feature_names: axis titles.
        title: figure title.
        height: figure height in pixels.
    """
    limit = value_range(np.concatenate([np.ravel(y_train), np.ravel(y_val)]))
    values = np.nan_to_num(np.asarray(grid["values"], float))
    fig = plain.Figure(
        plain.heatmap(
            x=grid["x"],
            y=grid["y"],
            z=values,
            zmin=-limit,
            zmax=limit,
            colorscale=DIVERGING_SCALE,
            colorbar=dict(title="output", thickness=12, len=0.8),
            hoverinfo="skip",
            name="prediction",
        )
    )
    for xs, ys, split, symbol in (
        (x_train, y_train, "train", "circle"),
        (x_val, y_val, "val", "x"),
    ):
        xs = np.asarray(xs, float).reshape(-1, 2)
        fig.add_trace(
            plain.scatter(
                x=xs[:, 0],
                y=xs[:, 1],
                mode="markers",
                name=f"{split} targets",
                marker=dict(
                    color=np.asarray(ys, float),
                    cmin=-limit,
                    cmax=limit,
                    colorscale=DIVERGING_SCALE,
                    symbol=symbol,
                    size=7 if split == "train" else 8,
                    line=dict(color="#333333", width=1),
                ),
                hovertemplate=f"{split}<br>(%{{x:.2f}}, %{{y:.2f}})<br>target %{{marker.color:.3f}}"
                "<extra></extra>",
            )
        )
    return plane_layout(fig, grid, feature_names, title=title, height=height)


def prediction_figure(
    grid: dict[str, np.ndarray],
    dataset,
    *,
    discrete: bool = False,
    show_test: bool = True,
    feature_names: Sequence[str] = ("x₁", "x₂"),
    title: str | None = None,
) -> plain.Figure:
    """The prediction over the plane with the data: the decision boundary of a classification, the
    output's colour map of a regression.

    Args:
        grid: from ``predict_grid`` (``probs`` or ``values``).
        dataset: the run's ``Dataset`` (its points, targets and task).
        discrete: draw the hard prediction (:func:`.experiment.discretize`).
        show_test: draw the held-out points (crosses).
        feature_names: axis titles.
        title: figure title.
    """
    grid = discretize(grid) if discrete else grid
    x_val, y_val = dataset.x_val, dataset.y_val
    if not show_test:
        x_val, y_val = x_val[:0], y_val[:0]
    if dataset.regression:
        return regression_figure(
            grid,
            dataset.x_train,
            dataset.y_train,
            x_val,
            y_val,
            feature_names=feature_names,
            title=title,
        )
    return boundary_figure(
        grid,
        dataset.x_train,
        dataset.y_train,
        x_val,
        y_val,
        n_classes=dataset.n_classes,
        feature_names=feature_names,
        title=title,
    )


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
    regression: bool = False,
) -> plain.Figure:
    """Loss (left) and accuracy (right) per iteration: training mini-batch (solid) and
    validation (dotted), one colour per optimizer. A regression has no accuracy: one panel, its
    loss, the mean squared error.

    Args:
        history: ``History.data``: ``loss``, ``val_loss``, ``train_acc``, ``val_acc`` of shape
            ``(runs, steps)``.
        labels: legend label per run.
        optimizers: registry name per run (fixes the colour).
        iterations_per_epoch: to label the top axis in epochs.
        diverged: step at which each run diverged (``None``: it did not); marked with an ×.
        height: figure height.
        regression: one panel, the mean squared error.

    Returns:
        A two-panel figure (one panel for a regression).
    """
    panels = (
        (("loss", "val_loss"),) if regression else (("loss", "val_loss"), ("train_acc", "val_acc"))
    )
    titles = ("mean squared error",) if regression else ("loss", "accuracy")
    fig = plain.make_subplots(
        rows=1, cols=len(panels), subplot_titles=titles, horizontal_spacing=0.09
    )
    steps = history["loss"].shape[1] if "loss" in history else 0
    idx = _thin(steps)
    seen: dict[str, int] = {}
    for r, (label, name) in enumerate(zip(labels, optimizers, strict=False)):
        style = run_style(name, seen.get(name, 0))
        seen[name] = seen.get(name, 0) + 1
        for col, (train_key, val_key) in enumerate(panels, start=1):
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
    fig.update_yaxes(title="MSE" if regression else "loss", rangemode="tozero", row=1, col=1)
    if not regression:
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


# --------------------------------------------------------------------------- network diagram

#: Node size (cells of its heat map), vertical gap between nodes, horizontal room for the links.
NODE_CELLS = 12
NODE_GAP = 4
LINK_ROOM = 36
#: Above this many units in a column, each unit's map has fewer cells (a lighter redraw).
DENSE_COLUMN = 8
COARSE_CELLS = 6
#: Links are drawn in this many widths (by |w| relative to the largest weight).
LINK_WIDTHS = (0.6, 1.4, 2.6, 4.0)
NEGATIVE, POSITIVE = CLASS_COLORS[1], CLASS_COLORS[0]


def _normalized(maps: np.ndarray) -> np.ndarray:
    """Each unit's map divided by its largest absolute value (its pattern, in [-1, 1])."""
    maps = np.nan_to_num(np.asarray(maps, float))
    peak = np.abs(maps).max(axis=(0, 1), keepdims=True)
    return maps / np.where(peak > 0, peak, 1.0)


def _block_axis(n_blocks: int, pitch: int, cells: int) -> tuple[np.ndarray, list[int]]:
    """Cell centres of ``n_blocks`` blocks, ``pitch`` apart, each :data:`NODE_CELLS` wide in
    ``cells`` cells, with one empty guard cell on either side (so no cell stretches across a
    gap), and where each block's first cell is in that array."""
    step = NODE_CELLS / cells
    centres, starts = [], []
    for b in range(n_blocks):
        origin = b * pitch
        starts.append(len(centres) + 1)
        centres += [
            origin - step / 2,
            *(origin + (k + 0.5) * step for k in range(cells)),
            origin + NODE_CELLS + step / 2,
        ]
    return np.array(centres), starts


def network_figure(
    layers: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    *,
    input_labels: Sequence[str],
    height: int | None = None,
    hover: bool = True,
) -> plain.Figure:
    """The network as TensorFlow Playground draws it: every unit a small heat map of what it
    computes over the input plane, and links coloured by the sign of their weight (blue positive,
    orange negative) and as wide as its size; hovering a link's middle shows its weight.

    Args:
        layers: from ``unit_grid``: per column (inputs, hidden layers, outputs) ``(R, R, units)``.
        weights: ``(units in, units out)`` per pair of neighbouring columns.
        input_labels: names of the input units.
        height: figure height (default: from the widest column).
        hover: add the hover points (one drawn element per link and unit: while training runs
            and the figure is redrawn several times a second, leave them out).

    Returns:
        One heat map holding every unit (each scaled to its own largest value), the links in a
        few traces by width and sign, and transparent hover points on the links and units.
    """
    counts = [int(np.shape(m)[-1]) for m in layers]
    slots = max(counts)
    pitch_x, pitch_y = NODE_CELLS + LINK_ROOM, NODE_CELLS + NODE_GAP
    cells = COARSE_CELLS if slots > DENSE_COLUMN else NODE_CELLS
    xs, x_starts = _block_axis(len(layers), pitch_x, cells)
    ys, y_starts = _block_axis(slots, pitch_y, cells)
    z = np.full((len(ys), len(xs)), np.nan)
    centres = []  # per column: (x left, x right, y centre) of each unit
    for c, maps in enumerate(layers):
        # rows run down the screen (reversed y axis): flip each map so its y points up
        resized = _resize(_normalized(maps), cells)[::-1]
        first = (slots - counts[c]) // 2
        column = []
        for u in range(counts[c]):
            r0, c0 = y_starts[first + u], x_starts[c]
            z[r0 : r0 + cells, c0 : c0 + cells] = resized[..., u]
            top = (first + u) * pitch_y
            column.append((c * pitch_x, c * pitch_x + NODE_CELLS, top + NODE_CELLS / 2))
        centres.append(column)
    fig = plain.Figure()
    hover_links = _add_links(fig, centres, weights, input_labels, hover)  # under the units
    fig.add_trace(
        plain.heatmap(
            x=xs,
            y=ys,
            z=z.astype(np.float32),  # half the bytes of each redraw; colours need no more
            zmin=-1,
            zmax=1,
            colorscale=DIVERGING_SCALE,
            showscale=False,
            hoverinfo="skip",
            name="units",
        )
    )
    outline_x, outline_y = [], []
    for left, right, y in (node for column in centres for node in column):
        top, bottom = y - NODE_CELLS / 2, y + NODE_CELLS / 2
        outline_x += [left, right, right, left, left, None]
        outline_y += [top, top, bottom, bottom, top, None]
    fig.add_trace(
        plain.scatter(
            x=outline_x,
            y=outline_y,
            mode="lines",
            line=dict(color="#9a9a9a", width=1),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    if hover_links is not None:
        fig.add_trace(hover_links)
    names = (
        [list(input_labels)]
        + [[f"layer {c} unit {u + 1}" for u in range(n)] for c, n in enumerate(counts[1:-1], 1)]
        + [[f"output {u + 1}" for u in range(counts[-1])]]
    )
    node_x = [(left + right) / 2 for col in centres for left, right, _ in col]
    node_y = [y for col in centres for *_, y in col]
    if hover:
        fig.add_trace(
            plain.scatter(
                x=node_x,
                y=node_y,
                mode="markers",
                text=[n for col in names for n in col],
                marker=dict(size=18, color="rgba(0,0,0,0)"),
                hovertemplate="%{text}<extra></extra>",
                name="units",
                showlegend=False,
            )
        )
    titles = ["inputs", *(f"layer {c} · {n}" for c, n in enumerate(counts[1:-1], 1)), "output"]
    for c, title in enumerate(titles):
        fig.add_annotation(
            x=c * pitch_x + NODE_CELLS / 2,
            y=-NODE_GAP,
            text=title,
            showarrow=False,
            yanchor="bottom",
        )
    for label, (left, _, y) in zip(input_labels, centres[0], strict=False):
        fig.add_annotation(x=left - 1, y=y, text=label, showarrow=False, xanchor="right")
    base_layout(fig, height=height or max(280, 50 + 44 * slots), legend_below=None)
    fig.update_layout(margin=dict(t=30, b=10, l=70, r=10), showlegend=False, hovermode="closest")
    fig.update_xaxes(visible=False, range=[-2, (len(layers) - 1) * pitch_x + NODE_CELLS + 2])
    fig.update_yaxes(
        visible=False, autorange="reversed", scaleanchor="x", scaleratio=1, constrain="domain"
    )
    return fig


def _resize(images: np.ndarray, cells: int) -> np.ndarray:
    """``images`` (rows, columns, …) sampled onto ``cells × cells`` cells (nearest neighbour)."""
    rows = np.linspace(0, images.shape[0] - 1, cells).round().astype(int)
    cols = np.linspace(0, images.shape[1] - 1, cells).round().astype(int)
    return images[np.ix_(rows, cols)]


def _add_links(fig, centres, weights, input_labels, hover: bool) -> dict | None:
    """Adds the links, one trace per width and sign (few traces keep each redraw light; NaN
    separates a trace's segments); returns the trace of transparent hover points, one in the
    middle of each link, showing its weight (added last, so it is on top), or None without
    ``hover``."""
    ends = []  # per pair of columns: x0, y0, x1, y1 and the weight of each link, source-major
    for k, w in enumerate(weights):
        source, target = np.asarray(centres[k], float), np.asarray(centres[k + 1], float)
        n_in, n_out = len(source), len(target)
        ends.append(
            np.stack(
                [
                    np.repeat(source[:, 1], n_out),
                    np.repeat(source[:, 2], n_out),
                    np.tile(target[:, 0], n_in),
                    np.tile(target[:, 2], n_in),
                    np.asarray(w, float).reshape(n_in * n_out),
                ]
            )
        )
    x0, y0, x1, y1, value = np.concatenate(ends, axis=1) if ends else np.zeros((5, 0))
    size = np.nan_to_num(np.abs(value))
    peak = float(size.max()) if size.size and size.max() > 0 else 1.0
    levels = np.minimum((size / peak * len(LINK_WIDTHS)).astype(int), len(LINK_WIDTHS) - 1)
    positive = value >= 0
    gap = np.full_like(x0, np.nan)
    for level in range(len(LINK_WIDTHS)):
        for sign in (False, True):
            chosen = (levels == level) & (positive == sign)
            if not chosen.any():
                continue
            fig.add_trace(
                plain.scatter(
                    x=np.stack([x0, x1, gap], axis=1)[chosen].ravel(),
                    y=np.stack([y0, y1, gap], axis=1)[chosen].ravel(),
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                    line=dict(color=POSITIVE if sign else NEGATIVE, width=LINK_WIDTHS[level]),
                    opacity=0.35 + 0.6 * level / (len(LINK_WIDTHS) - 1),
                )
            )
    if not hover:
        return None
    labels = []
    for k, w in enumerate(weights):
        n_in, n_out = np.shape(w)
        for i in range(n_in):
            source = input_labels[i] if k == 0 else f"h{k}.{i + 1}"
            for j in range(n_out):
                target = f"h{k + 1}.{j + 1}" if k + 1 < len(weights) else f"out {j + 1}"
                labels.append(f"{source} → {target}")
    return plain.scatter(
        x=(x0 + x1) / 2,
        y=(y0 + y1) / 2,
        mode="markers",
        customdata=np.round(value, 4),
        text=labels,
        marker=dict(size=9, color="rgba(0,0,0,0)"),
        hovertemplate="%{text}<br>w = %{customdata:.3f}<extra></extra>",
        name="weights",
        showlegend=False,
    )


def misclassified_figure(mistakes: dict, *, columns: int = 8) -> plain.Figure:
    """The misclassified validation digits as one grid of 8×8 images (dark = ink), each titled
    ``true → predicted``."""
    images = mistakes["images"]
    rows = max(1, -(-len(images) // columns))
    tile = 11  # 8 pixels, then a gutter for the caption
    placed = ((*divmod(i, columns), image) for i, image in enumerate(images))
    canvas = digit_canvas(placed, (rows * tile, columns * tile - 3), tile)
    fig = plain.Figure(digits_heatmap(canvas, hoverinfo="skip"))
    for i, (true, guess) in enumerate(zip(mistakes["labels"], mistakes["predicted"], strict=True)):
        r, c = divmod(i, columns)
        fig.add_annotation(
            x=c * tile + 3.5,
            y=r * tile + 9.4,
            text=f"{int(true)} → {int(guess)}",
            showarrow=False,
            font=dict(size=11),
        )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False)
    fig.update_xaxes(visible=False)
    base_layout(fig, height=30 + 115 * rows)  # about square tiles in the page's main column
    fig.update_layout(margin=dict(t=10, b=10, l=10, r=10), plot_bgcolor="white")
    return fig
