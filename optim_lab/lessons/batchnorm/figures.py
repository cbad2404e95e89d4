"""Figures of the batch-normalization lesson."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...figures import plain
from ...figures.theme import DIVERGED_COLOR, OKABE_ITO, base_layout

STAGES = ("z (before)", "x̂ (normalized)", "y = γx̂ + β")


def transform_figure(steps: dict[str, np.ndarray], unit: int) -> plain.Figure:
    """One unit's values across the mini-batch at each stage of the transform, one row per stage,
    the batch mean of z marked."""
    fig = plain.Figure()
    rows = (steps["z"][:, unit], steps["z_hat"][:, unit], steps["y"][:, unit])
    for i, (stage, values) in enumerate(zip(STAGES, rows, strict=True)):
        fig.add_trace(
            plain.scatter(
                x=values,
                y=[stage] * len(values),
                mode="markers",
                name=stage,
                marker=dict(color=OKABE_ITO[i], size=13, opacity=0.8, line=dict(width=1)),
                hovertemplate="%{x:.3f}<extra>" + stage + "</extra>",
            )
        )
    fig.add_trace(
        plain.scatter(
            x=[steps["mu"][unit]],
            y=[STAGES[0]],
            mode="markers",
            name="μ_B",
            marker=dict(symbol="line-ns", size=30, line=dict(width=3, color="#888")),
            hovertemplate="μ_B = %{x:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(STAGES)))
    fig.update_xaxes(title_text=f"value of unit {unit + 1} for each example of the batch")
    return base_layout(fig, height=300)


def loss_curve_figure(loss: np.ndarray, batch_size: int) -> plain.Figure:
    """The mini-batch training loss of the batch-norm network, step by step."""
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            y=loss, mode="lines", name=f"batches of {batch_size}", line=dict(color=OKABE_ITO[0])
        )
    )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="training loss (mini-batch)", rangemode="tozero")
    return base_layout(fig, height=320)


def spread_figure(std_plain: np.ndarray, std_bn: np.ndarray) -> plain.Figure:
    """Standard deviation of every layer's activations, without and with batch norm (log axis)."""
    layers = np.arange(1, len(std_plain) + 1)
    fig = plain.Figure()
    for i, (name, std) in enumerate(
        (("without batch norm", std_plain), ("with batch norm", std_bn))
    ):
        fig.add_trace(
            plain.scatter(
                x=layers,
                y=np.maximum(std, 1e-12),
                mode="lines+markers",
                name=name,
                line=dict(color=OKABE_ITO[i], width=3),
            )
        )
    fig.update_xaxes(title_text="layer", dtick=1)
    fig.update_yaxes(title_text="std of the activations (log)", type="log", exponentformat="power")
    return base_layout(fig, height=340)


def rates_figure(rates: Sequence[float], sweep: dict) -> plain.Figure:
    """Validation accuracy at the end of training for every learning rate, with and without batch
    norm; a run that diverged is a cross at 0."""
    fig = plain.Figure()
    for i, (key, name) in enumerate((("plain", "without batch norm"), ("bn", "with batch norm"))):
        acc = np.asarray(sweep[key]["val_acc"], float)
        fig.add_trace(
            plain.scatter(
                x=rates,
                y=acc,
                mode="lines+markers",
                name=name,
                line=dict(color=OKABE_ITO[i], width=3),
                marker=dict(size=10),
            )
        )
        lost = np.isnan(acc)
        if lost.any():
            fig.add_trace(
                plain.scatter(
                    x=np.asarray(rates)[lost],
                    y=np.zeros(int(lost.sum())),
                    mode="markers",
                    name=f"diverged ({name})",
                    marker=dict(symbol="x", size=14, color=DIVERGED_COLOR),
                )
            )
    fig.update_xaxes(
        title_text="learning rate α (log)",
        type="log",
        tickvals=list(rates),
        ticktext=[f"{r:g}" for r in rates],
    )
    fig.update_yaxes(title_text="validation accuracy", range=[-0.05, 1.05], tickformat=".0%")
    return base_layout(fig, height=360)


def placement_figure(compare: dict) -> plain.Figure:
    """The mini-batch training loss with batch norm before and after the non-linearity."""
    fig = plain.Figure()
    for i, (position, run) in enumerate(compare.items()):
        fig.add_trace(
            plain.scatter(
                y=run["loss"],
                mode="lines",
                name=f"batch norm {position} the non-linearity",
                line=dict(color=OKABE_ITO[i], width=2),
                opacity=0.85,
            )
        )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="training loss (mini-batch)", rangemode="tozero")
    return base_layout(fig, height=320)
