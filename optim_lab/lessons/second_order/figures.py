"""Second-order figures: the effect of Newton's damping and what curvature costs in memory.

Builders take NumPy/py data and return ``plain.Figure``; no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...curvature import curvature_costs, human_bytes
from ...figures import plain
from ...figures.theme import DIVERGED_COLOR, base_layout, optimizer_color

# Reference memory size drawn as a horizontal line on the memory chart (decimal bytes).
GPU_MEMORY = ("memory of a large GPU: 80 GB", 80e9)


def damping_figure(
    dampings: Sequence[float],
    steps_to_tol: Sequence[int | None],
    diverged: Sequence[bool],
    *,
    max_steps: int,
    current: float | None = None,
    title: str | None = None,
    height: int = 340,
) -> plain.Figure:
    r"""Steps Newton needs to reach the tolerance for each damping λ (log x axis).

    Runs that never get there within ``max_steps`` are drawn as hollow markers on a dotted line at
    ``max_steps`` (labelled "not within N steps"); diverged runs as red crosses there.

    Args:
        dampings: the λ values (> 0).
        steps_to_tol: steps to tolerance per λ, ``None`` when not reached.
        diverged: whether each run diverged.
        max_steps: the run length (the ceiling of the chart).
        current: the λ chosen on the page, marked with a vertical line.
    """
    lam = np.asarray(dampings, dtype=float)
    reached = np.array([s is not None for s in steps_to_tol])
    diverged = np.asarray(diverged, dtype=bool)
    steps = np.array([s if s is not None else max_steps for s in steps_to_tol], dtype=float)
    color = optimizer_color("newton")
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=lam,
            y=np.where(reached, steps, np.nan),
            mode="lines+markers",
            name="steps to tolerance",
            line=dict(color=color, width=2.5),
            marker=dict(size=8, color=color),
            connectgaps=False,
            hovertemplate="λ = %{x:.3g}<br>%{y} steps<extra></extra>",
        )
    )
    slow = ~reached & ~diverged
    if slow.any():
        fig.add_trace(
            plain.scatter(
                x=lam[slow],
                y=np.full(slow.sum(), max_steps),
                mode="markers",
                name=f"not within {max_steps} steps",
                marker=dict(size=9, color=color, symbol="circle-open", line=dict(width=2)),
                hovertemplate="λ = %{x:.3g}<br>not reached<extra></extra>",
            )
        )
    if (~reached & diverged).any():
        bad = ~reached & diverged
        fig.add_trace(
            plain.scatter(
                x=lam[bad],
                y=np.full(bad.sum(), max_steps),
                mode="markers",
                name="diverged",
                marker=dict(size=11, color=DIVERGED_COLOR, symbol="x"),
                hovertemplate="λ = %{x:.3g}<br>diverged<extra></extra>",
            )
        )
    if current is not None and current > 0:
        fig.add_vline(x=current, line=dict(color="gray", width=1.5, dash="dash"))
        fig.add_annotation(  # inside the plot, next to the line, clear of the legend above
            x=np.log10(current),  # annotations on a log axis take log10 of the value
            y=0.97,
            yref="y domain",
            text=f"your λ = {current:.3g}",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            xshift=4,
            font=dict(size=12, color="gray"),
        )
    base_layout(fig, title=title, height=height)
    fig.update_xaxes(title="damping λ (log)", type="log")
    fig.update_yaxes(title="steps to tolerance", rangemode="tozero")
    return fig


def memory_figure(
    n_params: int,
    *,
    history: int = 10,
    bytes_per_number: int = 4,
    title: str | None = None,
    height: int = 380,
) -> plain.Figure:
    r"""Memory against the number of parameters N (log–log): one gradient (N numbers), L-BFGS's
    history (2mN) and the full Hessian (N²), with the chosen N marked (its values in the legend)
    and a large GPU's memory as a horizontal line.
    """
    n_max = max(1e12, 10 * n_params)
    ns = np.geomspace(1, n_max, 200)
    rows = (
        ("one gradient: N numbers", ns * bytes_per_number, "sgd", "gradient_bytes"),
        (f"L-BFGS history: 2mN (m = {history})", 2 * history * ns * bytes_per_number, "lbfgs",
         "lbfgs_bytes"),
        ("Hessian: N² numbers", ns**2 * bytes_per_number, "newton", "hessian_bytes"),
    )  # fmt: skip
    costs = curvature_costs(n_params, history, bytes_per_number)
    fig = plain.Figure()
    for label, values, optimizer, field in rows:
        color = optimizer_color(optimizer)
        at_n = getattr(costs, field)
        fig.add_trace(
            plain.scatter(
                x=ns,
                y=values,
                mode="lines",
                name=f"{label}: {human_bytes(at_n)}",
                legendgroup=field,
                line=dict(color=color, width=2.5),
                hovertemplate="N = %{x:.3g}<br>%{y:.3s}B<extra>" + label + "</extra>",
            )
        )
        fig.add_trace(
            plain.scatter(
                x=[n_params],
                y=[float(at_n)],
                mode="markers",
                legendgroup=field,
                marker=dict(size=11, color=color, line=dict(width=1.5, color="white")),
                showlegend=False,
                hovertemplate=f"N = {n_params:,}<br>{human_bytes(at_n)}<extra>{label}</extra>",
            )
        )
    label, size = GPU_MEMORY
    fig.add_hline(y=size, line=dict(color="gray", width=1, dash="dot"))
    # annotations on a log axis take log10 of the value (shapes take the value itself)
    fig.add_annotation(
        x=0.0,
        xref="x domain",
        y=np.log10(size),
        text=label,
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font=dict(size=11, color="gray"),
    )
    fig.add_vline(x=n_params, line=dict(color="gray", width=1, dash="dash"))
    base_layout(fig, title=title, height=height)
    fig.update_xaxes(title="number of parameters N (log)", type="log", exponentformat="power")
    fig.update_yaxes(title="memory in bytes (log)", type="log", exponentformat="power")
    return fig
