r"""Figures of the adaptive-methods lesson: per-coordinate step sizes, Adam's bias correction, and
where ε inside or outside the square root makes a difference.

Pure builders (NumPy in, ``plain.Figure`` out), in each optimizer's fixed colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...figures import plain
from ...figures.surface import Path
from ...figures.theme import DIVERGED_COLOR, OKABE_ITO, base_layout, run_style


def _finite_positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive and non-finite entries become gaps."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def step_size_figure(
    paths: Sequence[Path],
    sizes: Sequence[np.ndarray],
    *,
    y_title: str,
    coordinate_names: tuple[str, str] = ("x", "y"),
    height: int = 380,
) -> plain.Figure:
    """Each run's per-coordinate step size over the steps: one panel per coordinate, log scale.

    Args:
        paths: the runs (colour, label, divergence step).
        sizes: ``(T, 2)`` per run; steps after a divergence are not drawn.
        y_title: what the values are (shared y-axis title).
        coordinate_names: panel titles.
    """
    fig = plain.make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04)
    for path, size in zip(paths, sizes, strict=True):
        size = np.asarray(size, dtype=float)
        end = len(size) if path.diverged_at is None else min(len(size), path.diverged_at)
        style = run_style(path.optimizer, path.repeat)
        for col in (0, 1):
            fig.add_trace(
                plain.scatter(
                    x=np.arange(end),
                    y=_finite_positive(size[:end, col]),
                    mode="lines",
                    name=path.label,
                    legendgroup=path.label,
                    showlegend=col == 0,
                    connectgaps=True,
                    line=dict(color=style["color"], dash=style["dash"], width=2),
                    hovertemplate=f"{path.label}<br>step %{{x}}<br>%{{y:.3g}}<extra></extra>",
                ),
                row=1,
                col=col + 1,
            )
            if path.diverged_at is not None and end:
                fig.add_trace(
                    plain.scatter(
                        x=[end - 1],
                        y=[size[end - 1, col]],
                        mode="markers",
                        showlegend=False,
                        hovertext=f"{path.label} diverged at step {path.diverged_at}",
                        hoverinfo="text",
                        marker=dict(symbol="x", size=11, color=DIVERGED_COLOR),
                    ),
                    row=1,
                    col=col + 1,
                )
    base_layout(fig, height=height)
    for col, name in enumerate(coordinate_names, start=1):
        fig.update_xaxes(title=f"step — coordinate {name}", row=1, col=col)
    fig.update_yaxes(type="log", **_decades(sizes))
    fig.update_yaxes(title=y_title, row=1, col=1)
    return fig


def _decades(arrays) -> dict:
    """Log-axis ticks at whole decades only when the data spans several (no 2, 5 clutter)."""
    values = np.concatenate([_finite_positive(a).ravel() for a in arrays]) if len(arrays) else []
    values = values[np.isfinite(values)] if len(values) else values
    if len(values) and np.log10(values.max() / values.min()) >= 2:
        return dict(dtick=1)
    return {}


BIAS_COLORS = {"on": OKABE_ITO[0], "off": OKABE_ITO[3]}
FACTOR_COLORS = {"m": OKABE_ITO[1], "sqrt_v": OKABE_ITO[4], "step": OKABE_ITO[2]}


def bias_correction_figure(
    factors: Mapping[str, np.ndarray],
    lengths_on: np.ndarray,
    lengths_off: np.ndarray,
    *,
    beta1: float,
    beta2: float,
    height: int = 380,
) -> plain.Figure:
    r"""Left: the step lengths of Adam with and without bias correction over the first steps.
    Right: the shortfall factors :math:`1-\beta_1^t`, :math:`\sqrt{1-\beta_2^t}` and their ratio
    (the uncorrected step relative to the corrected one).

    Args:
        factors: from :func:`optim_lab.lessons.adam_bias_factors` (``t``, ``m``, ``sqrt_v``, ``step``).
        lengths_on, lengths_off: ‖Δθₜ‖ of the two runs over the same steps.
    """
    fig = plain.make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=["step length ‖Δθₜ‖ of the two runs", "why: what the raw moments lack"],
    )
    t = np.asarray(factors["t"])
    for key, lengths, name in (
        ("on", lengths_on, "with bias correction"),
        ("off", lengths_off, "without bias correction"),
    ):
        fig.add_trace(
            plain.scatter(
                x=t[: len(lengths)],
                y=_finite_positive(lengths),
                mode="lines+markers",
                marker=dict(size=4),
                name=name,
                line=dict(color=BIAS_COLORS[key], width=2, dash="solid" if key == "on" else "dash"),
                hovertemplate=f"{name}<br>t=%{{x}}<br>‖Δθ‖=%{{y:.3g}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for key, name, color, dash in (
        ("m", f"1−β₁ᵗ: share of m̂ in m (β₁={beta1:g})", FACTOR_COLORS["m"], "dot"),
        ("sqrt_v", f"√(1−β₂ᵗ): share of √v̂ in √v (β₂={beta2:g})", FACTOR_COLORS["sqrt_v"], "dash"),
        ("step", "their ratio: uncorrected ÷ corrected step", FACTOR_COLORS["step"], "solid"),
    ):
        fig.add_trace(
            plain.scatter(
                x=t,
                y=factors[key],
                mode="lines",
                name=name,
                line=dict(color=color, width=2.5 if key == "step" else 2, dash=dash),
                hovertemplate=f"t=%{{x}}<br>%{{y:.3g}}<extra>{name}</extra>",
            ),
            row=1,
            col=2,
        )
    fig.add_hline(y=1.0, line=dict(color="gray", width=1), row=1, col=2)
    base_layout(fig, height=height, legend_below=-0.25)
    fig.update_layout(margin=dict(t=60, b=160))
    fig.update_xaxes(title="step t")
    fig.update_yaxes(
        title="‖Δθₜ‖ (log)", type="log", row=1, col=1, **_decades([lengths_on, lengths_off])
    )
    fig.update_yaxes(
        title="factor (log)",
        type="log",
        row=1,
        col=2,
        **_decades([factors["m"], factors["sqrt_v"], factors["step"]]),
    )
    return fig


EPS_COLORS = {"outside": OKABE_ITO[0], "inside": OKABE_ITO[1]}


def eps_figure(
    rms: np.ndarray,
    outside: np.ndarray,
    inside: np.ndarray,
    *,
    eps: float,
    lr: float,
    seen: Sequence[tuple[str, float, float]] = (),
    height: int = 400,
) -> plain.Figure:
    r"""Adam's step size against the gradient's RMS :math:`\sqrt{\hat v}`, for ε outside and
    inside the root, on log–log axes; the two agree until :math:`\sqrt{\hat v}` drops to about
    :math:`\sqrt\epsilon` (inside) or ε (outside).

    Args:
        rms: the √v̂ values of the curves.
        outside, inside: :math:`\alpha/(\sqrt{\hat v}+\epsilon)` and :math:`\alpha/\sqrt{\hat v+\epsilon}`.
        eps, lr: ε and α (for the annotations).
        seen: ``(label, low, high)`` ranges of √v̂ actually met by the runs, shaded.
    """
    fig = plain.Figure()
    lo_x = float(rms[0])
    for row, (label, low, high) in enumerate(seen):
        if not (np.isfinite(low) and np.isfinite(high) and high > 0):
            continue
        low = max(low, lo_x)
        fig.add_vrect(
            x0=low, x1=max(high, low * 1.05), fillcolor="gray", opacity=0.15, line_width=0
        )
        # log axes take annotation positions as log10 (add_vrect's own annotation gets this wrong)
        fig.add_annotation(
            x=0.5 * (np.log10(low) + np.log10(max(high, low * 1.05))),
            y=1.0 - 0.07 * row,
            yref="paper",
            text=label,
            showarrow=False,
            font=dict(size=11),
            yanchor="top",
        )
    for key, values, name in (
        ("outside", outside, "ε outside: α / (√v̂ + ε)"),
        ("inside", inside, "ε inside: α / √(v̂ + ε)"),
    ):
        fig.add_trace(
            plain.scatter(
                x=rms,
                y=values,
                mode="lines",
                name=name,
                line=dict(
                    color=EPS_COLORS[key], width=3, dash="solid" if key == "outside" else "dash"
                ),
                hovertemplate=f"√v̂=%{{x:.3g}}<br>step size=%{{y:.3g}}<extra>{name}</extra>",
            )
        )
    fig.add_trace(
        plain.scatter(
            x=rms,
            y=lr / np.asarray(rms, dtype=float),
            mode="lines",
            name="no ε: α / √v̂",
            line=dict(color="gray", width=1, dash="dot"),
            hoverinfo="skip",
        )
    )
    for x, text in ((eps**0.5, "√ε"), (eps, "ε")):
        if rms[0] <= x <= rms[-1]:
            fig.add_vline(x=x, line=dict(color="gray", width=1, dash="dash"))
            fig.add_annotation(
                x=np.log10(x),
                y=0.0,
                yref="paper",
                text=text,
                showarrow=False,
                yanchor="bottom",
                xanchor="left",
                font=dict(color="gray"),
            )
    base_layout(fig, height=height)
    fig.update_layout(margin=dict(t=70))
    fig.update_xaxes(title="gradient RMS √v̂ (log)", type="log")
    top = max(float(np.max(outside)), float(np.max(inside)))
    bottom = float(np.min(np.minimum(outside, inside)))
    fig.update_yaxes(
        title="step size per unit of m̂ (log)",
        type="log",
        range=[np.log10(bottom) - 0.3, np.log10(top) + 0.5],
    )
    return fig
