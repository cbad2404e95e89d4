r"""Figures of the weighted-averages lesson: a series with its EWAs, and the weights over lags.

Pure builders (NumPy in, ``plain.Figure`` out). Colours come from the Okabe–Ito palette so the raw EWA,
the corrected EWA and the sliding window read apart for colour-blind viewers in both themes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ...ewa import effective_window, lag_weight
from ...figures import plain
from ...figures.theme import OKABE_ITO, base_layout

RAW_COLOR = OKABE_ITO[1]  # orange
CORRECTED_COLOR = OKABE_ITO[0]  # blue
WINDOW_COLOR = OKABE_ITO[2]  # green
DATA_COLOR = "rgba(128, 128, 128, 0.55)"
MARKER_COLOR = OKABE_ITO[
    5
]  # sky blue: readable on white and on Streamlit's dark background  # mid grey: visible on white and on dark backgrounds


def ewa_figure(
    table: Mapping[str, np.ndarray],
    beta: float,
    window: int,
    *,
    show_raw: bool = True,
    show_corrected: bool = True,
    show_window: bool = True,
    value_title: str = "value",
    height: int = 460,
) -> plain.Figure:
    """The data as dots with the EWA lines drawn over it.

    Args:
        table: columns from :func:`optim_lab.lessons.ewa_table` (``t``, ``value``, ``ewa``,
            ``ewa_corrected``, ``window_mean``).
        beta: the EWA's β (for the legend).
        window: the sliding window's length (for the legend).
        show_raw, show_corrected, show_window: which lines to draw.
        value_title: y-axis title (units of the data).
    """
    t = np.asarray(table["t"])
    fig = plain.Figure()
    fig.add_trace(
        plain.scatter(
            x=t,
            y=table["value"],
            mode="markers",
            name="data θₜ",
            marker=dict(size=5, color=DATA_COLOR),
            hovertemplate="t=%{x}<br>θ=%{y:.4g}<extra></extra>",
        )
    )
    if show_window:
        fig.add_trace(
            plain.scatter(
                x=t,
                y=table["window_mean"],
                mode="lines",
                name=f"mean of last {window} values",
                line=dict(color=WINDOW_COLOR, width=2, dash="dash"),
                hovertemplate="t=%{x}<br>window mean=%{y:.4g}<extra></extra>",
            )
        )
    if show_raw:
        fig.add_trace(
            plain.scatter(
                x=t,
                y=table["ewa"],
                mode="lines",
                name=f"EWA vₜ (β = {beta:g})",
                line=dict(color=RAW_COLOR, width=2.5),
                hovertemplate="t=%{x}<br>v=%{y:.4g}<extra></extra>",
            )
        )
    if show_corrected:
        fig.add_trace(
            plain.scatter(
                x=t,
                y=table["ewa_corrected"],
                mode="lines",
                name="bias-corrected vₜ/(1−βᵗ)",
                line=dict(color=CORRECTED_COLOR, width=2.5),
                hovertemplate="t=%{x}<br>corrected=%{y:.4g}<extra></extra>",
            )
        )
    base_layout(fig, height=height)
    fig.update_layout(margin=dict(t=60), hovermode="x unified")
    fig.update_xaxes(title="t (day or index)")
    values = np.asarray(table["value"], dtype=float)
    lo, hi = float(np.min(values)), float(np.max(values))
    # the raw EWA starts at 0; keep it in view without squashing the data
    lo = min(lo, float(np.min(table["ewa"]))) if show_raw else lo
    hi = max(hi, float(np.max(table["ewa"]))) if show_raw else hi
    pad = 0.05 * (hi - lo or 1.0)
    fig.update_yaxes(title=value_title, range=[lo - pad, hi + pad])
    return fig


def lag_weights_figure(
    beta: float, window: int, *, max_lag: int | None = None, height: int = 340
) -> plain.Figure:
    r"""The weight of :math:`\theta_{t-k}` in :math:`v_t` as bars over the lag k, the sliding
    window's equal weights 1/N for comparison, and the effective window 1/(1−β) marked."""
    reach = effective_window(beta)
    if max_lag is None:
        max_lag = int(min(400, max(12, np.ceil(3.0 * max(reach, window)))))
    k = np.arange(max_lag + 1)
    weights = lag_weight(beta, k)
    fig = plain.Figure()
    fig.add_trace(
        plain.bar(
            x=k,
            y=weights,
            name="EWA weight (1−β)βᵏ",
            marker=dict(color=RAW_COLOR, line=dict(width=0)),
            hovertemplate="lag k=%{x}<br>weight=%{y:.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        plain.scatter(
            x=np.arange(-0.5, window + 0.5),
            y=np.full(window + 1, 1.0 / window),
            mode="lines",
            line=dict(color=WINDOW_COLOR, width=2, dash="dash", shape="hv"),
            name=f"sliding window: 1/{window} each",
            hovertemplate=f"window weight 1/{window}<extra></extra>",
        )
    )
    inside = 1.0 - beta**window
    fig.add_vline(x=reach, line=dict(color=MARKER_COLOR, width=2, dash="dot"))
    fig.add_annotation(
        x=reach,
        y=0.6,
        yref="paper",
        text=f" 1/(1−β) = {reach:.3g}<br> lags 0…{window - 1} hold<br> {100 * inside:.0f}% of the weight",
        showarrow=False,
        xanchor="left",
        align="left",
        font=dict(color=MARKER_COLOR),
    )
    base_layout(fig, height=height)
    fig.update_layout(bargap=0.1, margin=dict(t=60))
    fig.update_xaxes(title="lag k (how many steps ago)", range=[-0.5, max_lag + 0.5])
    top = max(float(weights[0]), 1.0 / window)
    fig.update_yaxes(title="weight in vₜ", range=[0, 1.15 * top])
    return fig
