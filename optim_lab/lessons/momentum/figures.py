"""The momentum lesson's figures: its measured (α, β) map and the analytic one, both on the shared
sweep heat map, and the error along each of the bowl's eigen-directions."""

from __future__ import annotations

import math

import numpy as np

from ...figures import plain
from ...figures.heatmap import sweep_heatmap
from ...figures.theme import OKABE_ITO, base_layout, optimizer_color
from ...sweep import SweepResult
from .experiment import map_colours

ENVELOPE_FLOOR = 1e-9


def map_figure(
    result: SweepResult,
    metric: str,
    selected: tuple[float, float],
    beta_symbol: str,
    start_loss: float,
    tol: float,
) -> plain.Figure:
    """The sweep coloured by ``metric`` (see :func:`map_colours`) with the chosen (α, β) cell
    marked; coloured by loss, every cell at or above the loss at the start shares one colour."""
    values, missing, log_values, value_title = map_colours(result, metric)
    return sweep_heatmap(
        result.x_values,
        result.y_values,
        values,
        diverged=result.diverged,
        missing=missing,
        x_title="α",
        y_title=beta_symbol,
        value_title=value_title,
        log_values=log_values,
        selected=selected,
        value_format=".3g" if log_values else ".0f",
        missing_label=f"never within {tol:g} of the minimum",
        value_cap=start_loss if metric == "loss" else None,
        cap_label="≥ start",
    )


def rate_map_figure(
    lrs: np.ndarray,
    betas: np.ndarray,
    rates: np.ndarray,
    *,
    selected: tuple[float, float],
    optimum: tuple[float, float],
    boundary: np.ndarray,
    beta_symbol: str,
) -> plain.Figure:
    """The analytic rate as steps per tenfold error cut (−1/log₁₀ rate), with the fastest cell
    and the flat direction's critical-damping line (``boundary``: β per α, NaN where none)."""
    rates = np.asarray(rates, float)
    converges = rates < 1
    with np.errstate(divide="ignore"):
        steps = np.where(converges, -1.0 / np.log10(np.where(converges, rates, 0.5)), np.nan)
    fig = sweep_heatmap(
        lrs,
        betas,
        steps,
        diverged=~converges,
        x_title="α",
        y_title=beta_symbol,
        value_title="steps per 10× less error",
        log_values=True,
        selected=selected,
        value_format=".3g",
    )
    fig.add_trace(
        plain.scatter(
            x=np.log10(lrs),
            y=boundary,
            mode="lines",
            name="critical damping (flat direction)",
            line=dict(color="white", width=2, dash="dash"),
            hoverinfo="skip",
        )
    )
    lr_opt, beta_opt = optimum
    if lrs[0] <= lr_opt <= lrs[-1]:
        fig.add_trace(
            plain.scatter(
                x=[math.log10(lr_opt)],
                y=[beta_opt],
                mode="markers",
                name=f"fastest: α = {lr_opt:.3g}, {beta_symbol} = {beta_opt:.3g}",
                marker=dict(symbol="star", size=18, color=OKABE_ITO[6], line=dict(width=1)),
                hoverinfo="skip",
            )
        )
    return fig


def directions_figure(points: np.ndarray, rates: tuple[float, float]) -> plain.Figure:
    """|error| along u (flat) and v (steep) of a run on the axis-aligned bowl (log axis), each
    beside its analytic envelope C·rᵗ."""
    fig = plain.Figure()
    steps = np.arange(len(points))
    names = ("u (flat, curvature 1/κ)", "v (steep, curvature 1)")
    for i, (name, rate) in enumerate(zip(names, rates, strict=True)):
        error = np.abs(np.asarray(points, float)[:, i])
        color = OKABE_ITO[i]
        fig.add_trace(
            plain.scatter(
                x=steps,
                y=np.where(error > 0, error, np.nan),
                mode="lines",
                name=name,
                line=dict(color=color, width=2),
            )
        )
        if rate < 1 and error[0] > 0:
            envelope = error[0] * rate**steps
            fig.add_trace(
                plain.scatter(
                    x=steps,
                    # drawn down to float32's reach, not to 1e-300
                    y=np.where(envelope > ENVELOPE_FLOOR * error[0], envelope, np.nan),
                    mode="lines",
                    name=f"rate {rate:.4g} per step",
                    line=dict(color=color, width=1.5, dash="dot"),
                )
            )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(
        title_text="|error| along the direction (log)", type="log", exponentformat="power"
    )
    return base_layout(fig, height=420)


def lookahead_trace(theta: np.ndarray) -> dict:
    """The points θ of Nesterov's look-ahead form, dotted, for the comparison's contour."""
    return plain.scatter(
        x=theta[:, 0],
        y=theta[:, 1],
        mode="lines",
        name="Nesterov, look-ahead form: θ",
        line=dict(color=optimizer_color("nesterov"), width=2, dash="dot"),
        hoverinfo="skip",
    )
