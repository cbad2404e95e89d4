"""Figures of the ensembles lesson: accuracy (and log-loss) vs number of members, the snapshot
ensemble's restarting learning rate with its snapshot points, Polyak averaging vs the last iterate,
and the decision boundaries of the members next to the ensemble's.

Pure functions: NumPy/Python in, ``plain.Figure`` out (no Streamlit).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.boundary import prediction_heatmap
from ...figures.theme import CLASS_COLORS, OKABE_ITO, base_layout

ENSEMBLE_COLOR = OKABE_ITO[0]
MEMBER_COLOR = OKABE_ITO[1]
POLYAK_COLOR = OKABE_ITO[2]


def _members_panel(
    fig: plain.Figure,
    member: Sequence[float],
    curve: Sequence[float],
    *,
    col: int,
    show_legend: bool,
    fmt: str,
    member_label: str,
) -> None:
    k = np.arange(1, len(curve) + 1)
    member = np.asarray(member, float)
    fig.add_trace(
        plain.scatter(
            x=k,
            y=np.cumsum(member) / k,
            mode="lines",
            name="average of members 1…k (alone)",
            legendgroup="mean",
            showlegend=show_legend,
            line=dict(color=MEMBER_COLOR, width=2, dash="dash"),
            hovertemplate=f"average of %{{x}} members alone: %{{y:{fmt}}}<extra></extra>",
        ),
        row=1,
        col=col,
    )
    fig.add_trace(
        plain.scatter(
            x=k,
            y=member,
            mode="markers",
            name=member_label,
            legendgroup="member",
            showlegend=show_legend,
            marker=dict(color=MEMBER_COLOR, size=11, line=dict(color="white", width=1)),
            hovertemplate=f"member %{{x}} alone: %{{y:{fmt}}}<extra></extra>",
        ),
        row=1,
        col=col,
    )
    fig.add_trace(
        plain.scatter(
            x=k,
            y=np.asarray(curve, float),
            mode="lines+markers",
            name="ensemble of members 1…k",
            legendgroup="ensemble",
            showlegend=show_legend,
            line=dict(color=ENSEMBLE_COLOR, width=3),
            marker=dict(size=8, symbol="diamond"),
            hovertemplate=f"ensemble of %{{x}}: %{{y:{fmt}}}<extra></extra>",
        ),
        row=1,
        col=col,
    )


def _score_panels(two: bool) -> plain.Figure:
    """Test accuracy, and beside it test log-loss when ``two``."""
    return plain.make_subplots(
        rows=1,
        cols=2 if two else 1,
        horizontal_spacing=0.12,
        subplot_titles=("test accuracy (higher is better)", "test log-loss (lower is better)")
        if two
        else None,
    )


def members_figure(
    member_acc: Sequence[float],
    acc_curve: Sequence[float],
    member_loss: Sequence[float] | None = None,
    loss_curve: Sequence[float] | None = None,
    *,
    member_label: str = "member k alone",
    height: int = 400,
) -> plain.Figure:
    """Test accuracy (and, if given, log-loss) of the ensemble of the first k members, k = 1 … K,
    with each member's own score as a dot and the mean score of members 1 … k as a dashed line
    (the fair comparison for the ensemble of those k members).

    Args:
        member_acc: accuracy of each member.
        acc_curve: accuracy of the averaged probabilities of members 1 … k.
        member_loss: log-loss of each member (optional second panel).
        loss_curve: log-loss of the averaged probabilities of members 1 … k.
        member_label: legend text of the members' dots.
        height: figure height in pixels.
    """
    two = member_loss is not None and loss_curve is not None
    fig = _score_panels(two)
    _members_panel(
        fig, member_acc, acc_curve, col=1, show_legend=True, fmt=".1%", member_label=member_label
    )
    fig.update_yaxes(tickformat=".1%", title_text="accuracy", row=1, col=1)
    if two:
        _members_panel(
            fig,
            member_loss,
            loss_curve,
            col=2,
            show_legend=False,
            fmt=".3f",
            member_label=member_label,
        )
        fig.update_yaxes(title_text="cross-entropy", row=1, col=2)
    fig.update_xaxes(title_text="number of members k", dtick=1)
    base_layout(fig, height=height)
    fig.update_layout(margin=dict(t=60), legend=dict(y=1.12))
    return fig


def snapshot_lr_figure(
    lr: np.ndarray,
    snapshot_steps: Sequence[int],
    member_acc: Sequence[float],
    height: int = 340,
) -> plain.Figure:
    """The learning rate of a cosine-with-warm-restarts run, with the snapshot taken at the end of
    each cycle (where the rate is lowest) marked and labelled with that snapshot's test accuracy.

    Args:
        lr: learning rate at each step ``(steps,)``.
        snapshot_steps: after how many steps each snapshot was taken (end of each cycle).
        member_acc: test accuracy of each snapshot.
        height: figure height in pixels.
    """
    lr = np.asarray(lr, float)
    steps = np.arange(len(lr))
    at = np.clip(np.asarray(snapshot_steps, int) - 1, 0, max(len(lr) - 1, 0))
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=steps,
            y=lr,
            mode="lines",
            name="learning rate (cosine, warm restarts)",
            line=dict(color=ENSEMBLE_COLOR, width=2),
            hovertemplate="step %{x}: lr = %{y:.3g}<extra></extra>",
        )
    )
    fig.add_trace(
        plain.scatter(
            x=at,
            y=lr[at] if len(lr) else [],
            mode="markers+text",
            name="snapshot (becomes a member)",
            text=[f"#{i + 1}: {a:.0%}" for i, a in enumerate(member_acc)],
            textposition="bottom center",
            marker=dict(symbol="star", size=16, color=MEMBER_COLOR),
            hovertemplate="snapshot after step %{x}<br>lr = %{y:.2g}<extra></extra>",
        )
    )
    top = float(np.nanmax(lr)) if len(lr) else 1.0
    fig.update_yaxes(title_text="learning rate α", range=[-0.3 * top, 1.1 * top])
    fig.update_xaxes(title_text="step", range=[-0.01 * len(lr), 1.03 * len(lr)])
    return base_layout(fig, height=height)


def polyak_figure(
    last_acc: Sequence[float],
    polyak_acc: Sequence[float],
    last_loss: Sequence[float] | None = None,
    polyak_loss: Sequence[float] | None = None,
    height: int = 380,
) -> plain.Figure:
    """Per training run: the test score of the last iterate θ_T and of the Polyak (EWA) average θ̄,
    joined by a line (a dumbbell per run). Accuracy left, log-loss right when given.

    Args:
        last_acc, polyak_acc: test accuracy of each run's last and averaged parameters.
        last_loss, polyak_loss: the same as test log-loss (optional second panel).
        height: figure height in pixels.
    """
    two = last_loss is not None and polyak_loss is not None
    fig = _score_panels(two)
    panels = [(last_acc, polyak_acc, ".1%")]
    if two:
        panels.append((last_loss, polyak_loss, ".3f"))
    for col, (last, avg, fmt) in enumerate(panels, start=1):
        last, avg = np.asarray(last, float), np.asarray(avg, float)
        runs = np.arange(1, len(last) + 1)
        xs = np.c_[runs, runs, np.full(len(runs), np.nan)].ravel()
        ys = np.c_[last, avg, np.full(len(runs), np.nan)].ravel()
        fig.add_trace(
            plain.scatter(
                x=xs,
                y=ys,
                mode="lines",
                line=dict(color="rgba(128,128,128,0.6)", width=2),
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        for values, name, color, symbol in (
            (last, "last iterate θ_T", MEMBER_COLOR, "circle"),
            (avg, "Polyak average θ̄ (EWA of θ)", POLYAK_COLOR, "diamond"),
        ):
            fig.add_trace(
                plain.scatter(
                    x=runs,
                    y=values,
                    mode="markers",
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    marker=dict(
                        color=color, size=13, symbol=symbol, line=dict(color="white", width=1)
                    ),
                    hovertemplate=f"run %{{x}}: %{{y:{fmt}}}<extra>{name}</extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_xaxes(title_text="training run", dtick=1)
    fig.update_yaxes(tickformat=".0%", title_text="accuracy", row=1, col=1)
    if two:
        fig.update_yaxes(title_text="cross-entropy", row=1, col=2)
    base_layout(fig, height=height)
    fig.update_layout(margin=dict(t=60), legend=dict(y=1.12))
    return fig


def boundaries_figure(
    grid: dict[str, np.ndarray],
    x_test: np.ndarray,
    y_test: np.ndarray,
    titles: Sequence[str],
    *,
    n_classes: int,
    cols: int = 3,
    panel_height: int = 300,
) -> plain.Figure:
    """Small multiples: each member's predicted class over the plane, and the ensemble's (last
    panel, bold title), each with the test points on top. Cells are coloured by the winning class and faded
    where the model is unsure.

    Args:
        grid: ``{"x": (R,), "y": (R,), "members": (K, R, R, C), "ensemble": (R, R, C)}``.
        x_test, y_test: test points ``(N, 2)`` and labels.
        titles: one title per panel (K members, then the ensemble).
        n_classes: number of classes C.
        cols: panels per row.
        panel_height: height of one row in pixels.
    """
    maps = [*np.asarray(grid["members"]), np.asarray(grid["ensemble"])]
    n = len(maps)
    cols = max(1, min(cols, n))
    rows = int(np.ceil(n / cols))
    fig = plain.make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=list(titles)[:n],
        horizontal_spacing=0.03,
        vertical_spacing=0.09 if rows > 1 else 0.05,
    )
    x_test, y_test = np.asarray(x_test), np.asarray(y_test)
    for i, probs in enumerate(maps):
        r, c = i // cols + 1, i % cols + 1
        fig.add_trace(prediction_heatmap(grid["x"], grid["y"], probs, n_classes), row=r, col=c)
        for k in range(n_classes):
            pts = x_test[y_test == k]
            fig.add_trace(
                plain.scatter(
                    x=pts[:, 0],
                    y=pts[:, 1],
                    mode="markers",
                    name=f"class {k} (test)",
                    legendgroup=f"class{k}",
                    showlegend=i == 0,
                    marker=dict(
                        color=CLASS_COLORS[k % len(CLASS_COLORS)],
                        size=6,
                        line=dict(color="white", width=1),
                    ),
                    hoverinfo="skip",
                ),
                row=r,
                col=c,
            )
    x_range = [float(grid["x"][0]), float(grid["x"][-1])]
    y_range = [float(grid["y"][0]), float(grid["y"][-1])]
    fig.update_xaxes(range=x_range, showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(range=y_range, showticklabels=False, showgrid=False, zeroline=False)
    base_layout(fig, height=rows * panel_height + 80, legend_below=-0.02)
    fig.update_layout(margin=dict(t=40, b=60, l=10, r=10))
    return fig
