"""Figures of the data-preprocessing lesson: one cloud under each preprocessing step, and SGD
paths of a 2-weight unit on all-positive vs zero-centred inputs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import OKABE_ITO, SURFACE_SCALE, base_layout


def clouds_figure(
    clouds: Sequence[tuple[str, np.ndarray]], *, colour_by: np.ndarray | None = None
) -> plain.Figure:
    """Small multiples of 2D point clouds with equal, shared axes and the origin marked.

    Args:
        clouds: ``(title, points (N, 2))`` per panel, e.g. raw, centred, standardized, PCA, whitened.
        colour_by: one value per point (the same point keeps its colour in every panel, so the
            rotations can be followed).
    """
    n = len(clouds)
    fig = plain.make_subplots(
        rows=1, cols=n, subplot_titles=[t for t, _ in clouds], horizontal_spacing=0.025
    )
    stacked = np.concatenate([p for _, p in clouds])
    reach = float(np.max(np.abs(stacked))) * 1.05
    colours = colour_by if colour_by is not None else np.arange(len(clouds[0][1]))
    for i, (title, points) in enumerate(clouds):
        fig.add_trace(
            plain.scatter(
                x=points[:, 0],
                y=points[:, 1],
                mode="markers",
                name=title,
                showlegend=False,
                marker=dict(
                    size=5, color=colours, colorscale="Cividis", opacity=0.8, line=dict(width=0)
                ),
                hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<extra>" + title + "</extra>",
            ),
            row=1,
            col=i + 1,
        )
        fig.add_trace(
            plain.scatter(
                x=[0],
                y=[0],
                mode="markers",
                showlegend=False,
                name="origin",
                marker=dict(symbol="cross-thin", size=14, line=dict(width=2, color=OKABE_ITO[3])),
                hoverinfo="skip",
            ),
            row=1,
            col=i + 1,
        )
        axis = "" if i == 0 else str(i + 1)
        fig.update_yaxes(scaleanchor=f"x{axis}", scaleratio=1, constrain="domain", row=1, col=i + 1)
    fig.update_xaxes(
        range=[-reach, reach], title_text="x₁", zeroline=True, nticks=5, constrain="domain"
    )
    fig.update_yaxes(range=[-reach, reach], zeroline=True, nticks=5, showticklabels=False)
    fig.update_yaxes(title_text="x₂", showticklabels=True, row=1, col=1)
    base_layout(fig, height=300)
    fig.update_layout(margin=dict(t=40, b=40))
    return fig


def sign_paths_figure(panels: Sequence[tuple[str, dict]], target: Sequence[float]) -> plain.Figure:
    """SGD paths of the 2-weight unit over the full-batch loss contours, one panel per input kind.

    Args:
        panels: ``(title, result)`` with ``result`` from :func:`optim_lab.nn.lessons.sign_bias_sgd`.
        target: the true weights (marked with a star).
    """
    fig = plain.make_subplots(
        rows=1, cols=len(panels), subplot_titles=[t for t, _ in panels], horizontal_spacing=0.08
    )
    for i, (_, r) in enumerate(panels):
        z = np.log10(np.asarray(r["z"], float) + 1e-3)
        fig.add_trace(
            plain.contour(
                x=r["xs"],
                y=r["ys"],
                z=z,
                colorscale=SURFACE_SCALE,
                showscale=False,
                ncontours=18,
                contours=dict(coloring="heatmap", showlines=True),
                line=dict(width=0.5, color="rgba(255,255,255,0.4)"),
                hovertemplate="w₁=%{x:.2f}<br>w₂=%{y:.2f}<br>log₁₀ loss=%{z:.2f}<extra></extra>",
                name="loss",
                showlegend=False,
            ),
            row=1,
            col=i + 1,
        )
        path = np.asarray(r["path"], float)
        fig.add_trace(
            plain.scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers",
                name="SGD path (one example per step)",
                showlegend=i == 0,
                legendgroup="path",
                line=dict(color="white", width=2),
                marker=dict(size=5, color=OKABE_ITO[1], line=dict(width=1, color="black")),
                hovertemplate="step %{pointNumber}<br>w₁=%{x:.3f}<br>w₂=%{y:.3f}<extra></extra>",
            ),
            row=1,
            col=i + 1,
        )
        fig.add_trace(
            plain.scatter(
                x=[path[0, 0]],
                y=[path[0, 1]],
                mode="markers",
                name="start",
                showlegend=i == 0,
                legendgroup="start",
                marker=dict(symbol="circle", size=12, color=OKABE_ITO[5], line=dict(width=2)),
            ),
            row=1,
            col=i + 1,
        )
        fig.add_trace(
            plain.scatter(
                x=[target[0]],
                y=[target[1]],
                mode="markers",
                name="best weights",
                showlegend=i == 0,
                legendgroup="target",
                marker=dict(symbol="star", size=16, color=OKABE_ITO[6], line=dict(width=1)),
            ),
            row=1,
            col=i + 1,
        )
        axis = "" if i == 0 else str(i + 1)
        fig.update_yaxes(scaleanchor=f"x{axis}", scaleratio=1, constrain="domain", row=1, col=i + 1)
    xs, ys = panels[0][1]["xs"], panels[0][1]["ys"]
    fig.update_xaxes(range=[float(xs[0]), float(xs[-1])], title_text="w₁", constrain="domain")
    fig.update_yaxes(range=[float(ys[0]), float(ys[-1])], title_text="w₂")
    base_layout(fig, height=470)
    fig.update_layout(margin=dict(t=90), legend=dict(y=1.1))
    return fig
