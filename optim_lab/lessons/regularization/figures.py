"""Figures of the regularization lesson: the λ sweep, weight histograms, the penalties' pull,
dropout's running means and keep-probability gap, early stopping, digit augmentation and the
training-set-size curve.

Pure functions: NumPy in, ``plain.Figure`` out (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...figures import plain
from ...figures.digits import digit_canvas, digits_heatmap
from ...figures.theme import OKABE_ITO, base_layout
from .experiment import GEOMETRY_CENTRE, geometry_loss

TRAIN_COLOR, VAL_COLOR = OKABE_ITO[0], OKABE_ITO[3]
PENALTY_COLORS = {
    "none": "#888888",
    "l2": OKABE_ITO[0],
    "l1": OKABE_ITO[1],
    "elastic": OKABE_ITO[2],
}
MODE_COLORS = {"vanilla": OKABE_ITO[0], "inverted": OKABE_ITO[3]}


def lam_label(lam: float) -> str:
    """λ as a short tick label ("0", "1e-4", "3e-3", "0.1")."""
    if lam == 0:
        return "0"
    if lam >= 0.01:
        return f"{lam:g}"
    mantissa, exponent = f"{lam:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _layout(fig: plain.Figure, height: int, legend_below: float = -0.22, **layout) -> plain.Figure:
    """The lesson's figure layout: the legend under the plot, a small top margin."""
    base_layout(fig, height=height, legend_below=legend_below)
    return fig.update_layout(**{"margin": dict(t=20, b=40), **layout})


def _accuracy_gap(x, train_acc, val_acc, hover_x: str | None = None) -> plain.Figure:
    """Training accuracy and validation accuracy (dashed) against ``x``, the gap between them
    shaded; ``hover_x`` (e.g. ``"λ = %{x}"``) gives both a hover text."""
    fig = plain.Figure()
    for y, name, short, line, gap in (
        (train_acc, "training accuracy", "train", dict(color=TRAIN_COLOR, width=2.5), {}),
        (
            val_acc,
            "validation accuracy",
            "val",
            dict(color=VAL_COLOR, width=2.5, dash="dash"),
            dict(fill="tonexty", fillcolor="rgba(213,94,0,0.12)"),
        ),
    ):
        hover = f"{hover_x}<br>{short} %{{y:.1%}}<extra></extra>" if hover_x else None
        fig.add_trace(
            plain.scatter(
                x=x, y=y, mode="lines+markers", name=name, line=line, hovertemplate=hover, **gap
            )
        )
    return fig


def gap_figure(
    lams: Sequence[float],
    train_acc: np.ndarray,
    val_acc: np.ndarray,
    selected: int,
    *,
    height: int = 340,
) -> plain.Figure:
    """Final training and validation accuracy for every λ of the sweep (the gap between them
    shaded), the selected λ marked.

    Args:
        lams: the sweep's λ values (categorical axis, 0 first).
        train_acc, val_acc: final accuracies ``(L,)``.
        selected: index of the selected λ.
    """
    labels = [lam_label(v) for v in lams]
    fig = _accuracy_gap(labels, train_acc, val_acc, hover_x="λ = %{x}")
    gap = float(train_acc[selected] - val_acc[selected])
    fig.add_trace(
        plain.scatter(
            x=[labels[selected]] * 2,
            y=[val_acc[selected], train_acc[selected]],
            mode="markers+lines",
            marker=dict(size=12, color="rgba(0,0,0,0)", line=dict(color="#444", width=2)),
            line=dict(color="#444", width=1.5),
            name=f"selected λ: gap {gap:+.1%}",
            hoverinfo="skip",
        )
    )
    _layout(fig, height)
    fig.update_xaxes(title="λ (penalty strength)", type="category")
    fig.update_yaxes(title="accuracy", tickformat=".0%", range=[0.2, 1.03])
    return fig


def loss_curves_figure(
    steps: np.ndarray,
    train_loss: np.ndarray,
    val_loss: np.ndarray,
    base_train: np.ndarray,
    base_val: np.ndarray,
    label: str,
    *,
    height: int = 340,
) -> plain.Figure:
    """Training and validation loss during training: the selected penalty (bold) and no penalty
    (thin, grey)."""
    fig = plain.Figure()
    for y, name, color, dash, width in (
        (base_train, "λ = 0 · train", "#999999", "solid", 1.5),
        (base_val, "λ = 0 · val", "#999999", "dash", 1.5),
        (train_loss, f"{label} · train", TRAIN_COLOR, "solid", 2.5),
        (val_loss, f"{label} · val", VAL_COLOR, "dash", 2.5),
    ):
        fig.add_trace(
            plain.scatter(
                x=steps,
                y=y,
                mode="lines",
                name=name,
                line=dict(color=color, dash=dash, width=width),
                hovertemplate=f"{name}<br>step %{{x}}<br>loss %{{y:.3f}}<extra></extra>",
            )
        )
    _layout(fig, height)
    fig.update_xaxes(title="step")
    top = float(np.nanmax([np.nanmax(base_val), np.nanmax(val_loss), 0.1]))
    fig.update_yaxes(title="cross-entropy (data part)", range=[0, min(top * 1.05, 2.0)])
    return fig


def weight_hist_figure(
    weights: Mapping[str, np.ndarray], zeros: Mapping[str, int], *, height: int = 340
) -> plain.Figure:
    """Overlaid histograms of the final weight-matrix entries, one per penalty (log counts so the
    spike of exact zeros and the tails are both visible); the legend gives the exact-zero count.

    Args:
        weights: ``{"l2": (W,), "l1": (W,), ...}``.
        zeros: how many entries are exactly 0, per key.
    """
    names = {"none": "no penalty", "l2": "L2", "l1": "L1", "elastic": "elastic net"}
    span = max(float(np.max(np.abs(w))) for w in weights.values()) if weights else 1.0
    span = max(span, 1e-3)
    size = span / 30
    fig = plain.Figure()
    for key, w in weights.items():
        total = len(w)
        fig.add_trace(
            plain.histogram(
                x=w,
                name=f"{names.get(key, key)}: {zeros[key]} of {total} exactly 0",
                marker=dict(color=PENALTY_COLORS.get(key, "#666")),
                opacity=0.6,
                xbins=dict(start=-span - size / 2, end=span + size / 2, size=size),
                hovertemplate="w ≈ %{x:.3f}<br>%{y} weights<extra></extra>",
            )
        )
    _layout(fig, height, barmode="overlay")
    fig.update_xaxes(title="weight value w")
    fig.update_yaxes(title="count (log)", type="log")
    return fig


def pull_figure(lam: float, lr: float, *, height: int = 300) -> plain.Figure:
    r"""How far one gradient step on the penalty alone moves a weight w: L2 moves it by
    :math:`-\alpha\lambda w` (proportional, fades near 0), L1 by :math:`-\alpha\lambda\,\mathrm{sign}(w)`
    (constant size; the soft-threshold sets weights within αλ of 0 to exactly 0)."""
    w = np.linspace(-1, 1, 401)
    step = lr * lam
    l2 = -step * w
    l1_prox = np.sign(w) * np.maximum(np.abs(w) - step, 0.0) - w  # the soft-threshold's move
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=w,
            y=l2,
            mode="lines",
            name="L2: −αλw",
            line=dict(color=PENALTY_COLORS["l2"], width=3),
        )
    )
    fig.add_trace(
        plain.scatter(
            x=w,
            y=l1_prox,
            mode="lines",
            name="L1: −αλ·sign(w), set to 0 once |w| ≤ αλ",
            line=dict(color=PENALTY_COLORS["l1"], width=3),
        )
    )
    _layout(fig, height, legend_below=-0.3)
    fig.update_xaxes(title="weight w before the step", zeroline=True)
    lim = max(step * 1.3, 1e-6)
    fig.update_yaxes(title="move of w", range=[-lim, lim], exponentformat="power")
    return fig


def running_mean_figure(
    vanilla_mean: np.ndarray,
    inverted_mean: np.ndarray,
    vanilla_expected: float,
    inverted_expected: float,
    *,
    height: int = 340,
) -> plain.Figure:
    """Running Monte-Carlo mean of the neuron's training-time output (log x: number of masks),
    with each mode's exact expectation (= its test-time output) as a dotted line."""
    n = np.arange(1, len(vanilla_mean) + 1)
    idx = np.unique(np.geomspace(1, len(n), 400).astype(int)) - 1
    fig = plain.Figure()
    for mean, exp, mode in (
        (vanilla_mean, vanilla_expected, "vanilla"),
        (inverted_mean, inverted_expected, "inverted"),
    ):
        color = MODE_COLORS[mode]
        fig.add_trace(
            plain.scatter(
                x=n[idx],
                y=mean[idx],
                mode="lines",
                name=f"{mode}: mean of a over the masks so far",
                line=dict(color=color, width=2.5),
                hovertemplate=f"{mode}<br>%{{x}} masks<br>mean %{{y:.4f}}<extra></extra>",
            )
        )
        fig.add_trace(
            plain.scatter(
                x=[1, len(n)],
                y=[exp, exp],
                mode="lines",
                name=f"{mode}: test-time output {exp:.4g}",
                line=dict(color=color, width=1.5, dash="dot"),
            )
        )
    _layout(fig, height)
    fig.update_xaxes(title="number of random masks (training forward passes)", type="log")
    fig.update_yaxes(title="a")
    return fig


def keep_gap_figure(
    keeps: Sequence[float],
    val_loss: np.ndarray,
    train_loss: np.ndarray,
    final_val_loss: np.ndarray,
    *,
    height: int = 360,
) -> plain.Figure:
    """Left: validation loss during training for each keep probability p. Right: final training
    and validation loss (both in test mode) per p: the bar gap is the overfitting gap."""
    fig = plain.make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.6, 0.4],
        subplot_titles=("validation loss during training", "final loss (test mode)"),
        horizontal_spacing=0.12,
    )
    colors = [OKABE_ITO[i % len(OKABE_ITO)] for i in (0, 2, 1, 3, 4)]
    steps = np.arange(val_loss.shape[1])
    for i, p in enumerate(keeps):
        y = val_loss[i]
        keep = np.isfinite(y)
        fig.add_trace(
            plain.scatter(
                x=steps[keep],
                y=y[keep],
                mode="lines",
                name=f"p = {p:g}" + (" (no dropout)" if p >= 1 else ""),
                line=dict(color=colors[i % len(colors)], width=2),
                hovertemplate=f"p = {p:g}<br>step %{{x}}<br>val loss %{{y:.3f}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    labels = [f"p = {p:g}" for p in keeps]
    fig.add_trace(
        plain.bar(x=labels, y=train_loss, name="train (test mode)", marker_color=TRAIN_COLOR),
        row=1,
        col=2,
    )
    fig.add_trace(
        plain.bar(x=labels, y=final_val_loss, name="validation", marker_color=VAL_COLOR),
        row=1,
        col=2,
    )
    _layout(fig, height, margin=dict(t=40, b=40), barmode="group")
    fig.update_xaxes(title="step", row=1, col=1)
    top = float(np.nanmax(val_loss[:, val_loss.shape[1] // 10 :])) if val_loss.size else 1.0
    fig.update_yaxes(title="cross-entropy", range=[0, min(top * 1.1, 3.0)], row=1, col=1)
    fig.update_yaxes(title="cross-entropy", rangemode="tozero", row=1, col=2)
    return fig


def early_stopping_figure(
    train_loss: np.ndarray,
    val_loss: np.ndarray,
    best: int | None,
    stopped: int | None,
    patience: int,
    *,
    height: int = 380,
) -> plain.Figure:
    """Training and validation loss per step, the best checkpoint (the weights early stopping
    restores) and the step where patience ran out; the steps that would not be run are greyed."""
    steps = np.arange(len(val_loss))
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=train_loss,
            mode="lines",
            name="training loss",
            line=dict(color=TRAIN_COLOR, width=2),
        )
    )
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=val_loss,
            mode="lines",
            name="validation loss",
            line=dict(color=VAL_COLOR, width=2.5),
        )
    )
    if stopped is not None:
        fig.add_vrect(
            x0=stopped,
            x1=len(val_loss) - 1,
            fillcolor="rgba(128,128,128,0.15)",
            line_width=0,
            annotation_text="not trained",
            annotation_position="top right",
        )
        fig.add_trace(
            plain.scatter(
                x=[stopped],
                y=[val_loss[stopped]],
                mode="markers+text",
                marker=dict(symbol="square", size=12, color="#444"),
                text=[f"stop at step {stopped} (patience {patience})"],
                textposition="bottom right",
                name="patience ran out",
            )
        )
    if best is not None:
        fig.add_trace(
            plain.scatter(
                x=[best],
                y=[val_loss[best]],
                mode="markers+text",
                marker=dict(
                    symbol="star", size=18, color=OKABE_ITO[2], line=dict(color="#222", width=1)
                ),
                text=[f"restored: step {best}"],
                textposition="top center",
                name="best checkpoint (restored)",
            )
        )
    _layout(fig, height)
    fig.update_xaxes(title="step")
    finite = val_loss[np.isfinite(val_loss)]
    top = float(np.max(finite[len(finite) // 20 :])) if finite.size else 1.0
    fig.update_yaxes(title="cross-entropy", range=[0, top * 1.15])
    return fig


def digit_grid_figure(
    examples: np.ndarray, labels: Sequence[int], *, height: int = 460
) -> plain.Figure:
    """Rows: a few training images; columns: the original 8×8 image, then each augmented copy.
    One heat map with blank gutters (dark = ink)."""
    versions, images = examples.shape[:2]
    tile = 9
    placed = ((r, c, examples[c, r]) for r in range(images) for c in range(versions))
    canvas = digit_canvas(placed, (images * tile - 1, versions * tile - 1), tile)
    fig = plain.Figure(digits_heatmap(canvas, hovertemplate="pixel value %{z:.1f}<extra></extra>"))
    fig.update_yaxes(
        autorange="reversed",
        scaleanchor="x",
        tickvals=[r * tile + 3.5 for r in range(images)],
        ticktext=[f"label {int(y)}" for y in labels],
        showgrid=False,
        zeroline=False,
    )
    fig.update_xaxes(
        tickvals=[c * tile + 3.5 for c in range(versions)],
        ticktext=["original"] + [f"copy {c}" for c in range(1, versions)],
        side="top",
        tickangle=0,
        showgrid=False,
        zeroline=False,
    )
    base_layout(fig, height=height)
    fig.update_layout(margin=dict(t=30, b=10, l=50, r=10), plot_bgcolor="white")
    return fig


def augmentation_figure(
    original: np.ndarray,
    augmented: np.ndarray,
    original_moved: np.ndarray,
    augmented_moved: np.ndarray,
    *,
    height: int = 340,
) -> plain.Figure:
    """Validation accuracy without vs with augmentation, on the validation images as they are and
    moved by up to one pixel: bars are the mean over initial weights, dots each network."""
    groups = ["validation images", "validation images moved ≤ 1 px"]
    fig = plain.Figure()
    for name, values, color in (
        ("trained on the originals", (original, original_moved), "#999999"),
        ("trained with augmentation", (augmented, augmented_moved), OKABE_ITO[2]),
    ):
        fig.add_trace(
            plain.bar(
                x=groups,
                y=[float(np.mean(v)) for v in values],
                name=name,
                marker_color=color,
                text=[f"{np.mean(v):.1%}" for v in values],
                textposition="outside",
                offsetgroup=name,
            )
        )
        fig.add_trace(
            plain.scatter(
                x=[g for g, v in zip(groups, values, strict=True) for _ in v],
                y=np.concatenate(values),
                mode="markers",
                marker=dict(color="#222", size=6),
                name=f"{name}: each network",
                offsetgroup=name,
                showlegend=False,
                hovertemplate="%{y:.1%}<extra></extra>",
            )
        )
    _layout(fig, height, legend_below=-0.15, barmode="group", scattermode="group")
    fig.update_yaxes(title="validation accuracy", tickformat=".0%", range=[0, 1.08])
    return fig


def size_figure(
    sizes: np.ndarray, train_acc: np.ndarray, val_acc: np.ndarray, *, height: int = 340
) -> plain.Figure:
    """Training and validation accuracy vs the number of training examples (log x)."""
    fig = _accuracy_gap(sizes, train_acc, val_acc)
    _layout(fig, height)
    fig.update_xaxes(title="training images (log scale)", type="log", tickvals=list(sizes))
    fig.update_yaxes(title="accuracy", tickformat=".0%", range=[0, 1.03])
    return fig


def constraint_figure(budget: float, l1_best: np.ndarray, l2_best: np.ndarray) -> plain.Figure:
    """The loss of two weights as contours, the L1 diamond and the L2 disc of the same budget,
    and the lowest point of each: the diamond's corner on an axis, the disc's off it."""
    xs = np.linspace(-2.5, 2.5, 121)
    z = geometry_loss(np.stack(np.meshgrid(xs, xs), axis=-1))
    fig = plain.Figure()
    fig.add_trace(
        plain.contour(
            x=xs,
            y=xs,
            z=z,
            colorscale=[[0, "#bbbbbb"], [1, "#bbbbbb"]],
            showscale=False,
            contours=dict(coloring="lines", start=1.0, end=40.0, size=3.0),
            line=dict(width=1),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    # the lowest contour each budget reaches: it touches the diamond at a corner, the disc off-axis
    for best, color in ((l1_best, 0), (l2_best, 2)):
        level = float(geometry_loss(best))
        fig.add_trace(
            plain.contour(
                x=xs,
                y=xs,
                z=z,
                colorscale=[[0, OKABE_ITO[color]], [1, OKABE_ITO[color]]],
                showscale=False,
                contours=dict(coloring="lines", start=level, end=level, size=1.0),
                line=dict(width=2, dash="dash"),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    angle = np.linspace(0, 2 * np.pi, 200)
    shapes = (
        ("L1: |w₁| + |w₂| ≤ t", budget * np.array([[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]]), 0),
        ("L2: w₁² + w₂² ≤ t²", budget * np.c_[np.cos(angle), np.sin(angle)], 2),
    )
    for name, outline, color in shapes:
        fig.add_trace(
            plain.scatter(
                x=outline[:, 0],
                y=outline[:, 1],
                mode="lines",
                name=name,
                line=dict(color=OKABE_ITO[color], width=3),
                hoverinfo="skip",
            )
        )
    points = (
        ("lowest loss, no budget", GEOMETRY_CENTRE, "x", "black"),
        ("lowest loss in the diamond", l1_best, "circle", OKABE_ITO[0]),
        ("lowest loss in the disc", l2_best, "diamond", OKABE_ITO[2]),
    )
    for name, point, symbol, color in points:
        fig.add_trace(
            plain.scatter(
                x=[point[0]],
                y=[point[1]],
                mode="markers",
                name=name,
                marker=dict(symbol=symbol, size=13, color=color, line=dict(width=1, color="white")),
                hovertemplate=f"{name}<br>w = (%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
            )
        )
    base_layout(fig, height=480)
    fig.update_xaxes(title="w₁", range=[-2.5, 2.5], zeroline=True, constrain="domain")
    fig.update_yaxes(
        title="w₂",
        range=[-2.5, 2.5],
        zeroline=True,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    return fig
