"""One place for colours, fonts and layout defaults shared by every figure.

Colours are colour-blind safe (Okabe–Ito, then Paul Tol's muted set for the extra optimizers) and fixed
per optimizer, so Adam has the same colour on every page. Figures keep the default template so
Streamlit's light and dark themes restyle them.
"""

from __future__ import annotations

from ..optimizers import OPTIMIZERS
from . import plain

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]
TOL_MUTED = ["#882255", "#44AA99", "#999933", "#AA4499", "#332288"]
PALETTE = OKABE_ITO + TOL_MUTED
DASHES = ["solid", "dash", "dot", "dashdot"]

# Sequential colour scales for surfaces and heat maps (perceptually uniform, colour-blind safe).
SURFACE_SCALE = "Viridis"
HEATMAP_SCALE = "Cividis"
DIVERGED_COLOR = "#D55E00"
#: Class colours of the network lessons (Okabe–Ito: colour-blind safe, light and dark backgrounds).
CLASS_COLORS = OKABE_ITO
FONT = dict(family="Inter, Source Sans Pro, Arial, sans-serif", size=14)


def hover_targets(size: int) -> dict:
    """Marker settings of invisible points that only carry hover text and clicks: Plotly still
    finds every point under the cursor, but draws one (thousands of invisible SVG markers would
    cost the browser most of a second on every redraw)."""
    return dict(size=size, opacity=0, maxdisplayed=1)


def optimizer_color(name: str) -> str:
    """The fixed colour of an optimizer (by registry order)."""
    return PALETTE[OPTIMIZERS.index(name) % len(PALETTE)] if name in OPTIMIZERS else PALETTE[-1]


def run_style(name: str, repeat: int = 0) -> dict:
    """Line style of the ``repeat``-th run of optimizer ``name`` in one figure (dashes tell apart
    two runs of the same optimizer)."""
    return dict(color=optimizer_color(name), dash=DASHES[repeat % len(DASHES)])


def base_layout(
    fig: plain.Figure,
    *,
    title: str | None = None,
    height: int = 480,
    legend_below: float | None = None,
) -> plain.Figure:
    """Font, height, margins and a horizontal legend: above the plot, or with its top at
    ``legend_below`` (a negative paper coordinate) under it."""
    if legend_below is None:
        legend = dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0.0)
    else:
        legend = dict(orientation="h", yanchor="top", y=legend_below, xanchor="left", x=0.0)
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left") if title else None,
        font=FONT,
        height=height,
        margin=dict(l=60, r=20, t=50 if title else 20, b=50),
        legend=legend,
        hovermode="closest",
    )
    return fig


def hex_to_rgba(color: str, alpha: float) -> str:
    """``#rrggbb`` with an opacity, for Plotly."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
