"""Heat maps of hyper-parameter sweeps (e.g. the momentum lesson's (α, β) map), clickable.

Streamlit reports selections of scatter points only, so an invisible scatter point sits on every
cell centre: clicking a cell selects that point, whose ``customdata`` holds the cell's (x, y) values.
Diverged cells (and cells that never reached the tolerance) get their own flat colours and legend
entries instead of a value, so no NaN or infinity ever reaches the colour scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import plain
from .theme import DIVERGED_COLOR, HEATMAP_SCALE, base_layout, hover_targets

SELECTED_COLOR = "#CC79A7"  # reddish purple: stands out on Cividis in light and dark themes
MISSING_COLOR = "#BDBDBD"  # light grey: distinct from every Cividis colour and from vermillion
LOG_FLOOR = 1e-12  # colour floor of log-coloured values (a float32 loss can underflow to 0)


def _flat_layer(x, y, mask: np.ndarray, color: str) -> dict:
    """A one-colour heat map covering the cells of ``mask`` (other cells transparent)."""
    return plain.heatmap(
        x=x,
        y=y,
        z=np.where(mask, 1.0, np.nan),
        colorscale=[[0.0, color], [1.0, color]],
        showscale=False,
        hoverinfo="skip",
        zmin=0.0,
        zmax=1.0,
    )


def _legend_square(name: str, color: str) -> dict:
    return plain.scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        marker=dict(symbol="square", size=12, color=color),
        hoverinfo="skip",
    )


def _decade_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    exponents = range(math.floor(lo), math.ceil(hi) + 1)
    vals = [float(e) for e in exponents if lo - 1e-9 <= e <= hi + 1e-9]
    return vals, [f"{10.0**e:g}" for e in vals]


def sweep_heatmap(
    x_values: np.ndarray,
    y_values: np.ndarray,
    values: np.ndarray,
    *,
    diverged: np.ndarray,
    missing: np.ndarray | None = None,
    x_title: str,
    y_title: str,
    value_title: str,
    x_log: bool = True,
    log_values: bool = False,
    selected: tuple[float, float] | None = None,
    missing_label: str = "never reached the tolerance",
    value_format: str = ".3g",
    value_cap: float | None = None,
    cap_label: str = "",
    title: str | None = None,
    height: int = 540,
) -> plain.Figure:
    """A sweep's results as a heat map with clickable cells.

    Args:
        x_values, y_values: the swept values (columns, rows).
        values: ``(len(y_values), len(x_values))`` metric per cell.
        diverged: cells whose run diverged (drawn in the divergence colour).
        missing: cells with no value (e.g. the tolerance was never reached), drawn grey.
        x_title, y_title, value_title: axis and colour-bar titles.
        x_log: place columns by log10(x) (ticks show the values themselves).
        log_values: colour by log10 of the values (ticks show the values).
        selected: (x, y) of the cell to outline.
        value_format: d3 format of the metric in hover labels.
        value_cap: colour values above this like the cap (e.g. "no better than the start"), so a
            few huge values do not wash out the scale; hover labels keep the true value.
        cap_label: tick text at the cap (e.g. "≥ start").

    Returns:
        The figure. A click selects an invisible point whose ``customdata`` is the cell's
        ``[x, y]`` (the swept values themselves, not log10).
    """
    xs = np.asarray(x_values, dtype=float)
    ys = np.asarray(y_values, dtype=float)
    vals = np.asarray(values, dtype=float)
    diverged = np.asarray(diverged, dtype=bool)
    missing = np.zeros_like(diverged) if missing is None else np.asarray(missing, dtype=bool)
    missing = missing & ~diverged
    good = ~diverged & ~missing & np.isfinite(vals)
    px = np.log10(xs) if x_log else xs

    fig = plain.Figure()
    capped = np.where(good, vals, 1.0)
    if value_cap is not None:
        capped = np.minimum(capped, value_cap)
    shown = np.log10(np.maximum(capped, LOG_FLOOR)) if log_values else capped
    z = np.where(good, shown, np.nan)
    colorbar = dict(title=dict(text=value_title, side="right"), thickness=14, len=0.85, y=0.45)
    if good.any():
        zmin, zmax = float(np.min(shown[good])), float(np.max(shown[good]))
        if zmax - zmin < 1e-9:
            zmax = zmin + 1.0
        if log_values:
            tickvals, ticktext = _decade_ticks(zmin, zmax)
            if len(tickvals) > 8:  # every other decade
                tickvals, ticktext = tickvals[::2], ticktext[::2]
            if value_cap is not None and cap_label and np.any(vals[good] >= value_cap):
                cap = math.log10(max(value_cap, LOG_FLOOR))
                keep = [i for i, v in enumerate(tickvals) if cap - v > 0.3 * (zmax - zmin) / 8]
                tickvals = [tickvals[i] for i in keep] + [cap]
                ticktext = [ticktext[i] for i in keep] + [cap_label]
            colorbar.update(tickvals=tickvals, ticktext=ticktext)
        fig.add_trace(
            plain.heatmap(
                x=px,
                y=ys,
                z=z,
                zmin=zmin,
                zmax=zmax,
                colorscale=HEATMAP_SCALE,
                colorbar=colorbar,
                hoverinfo="skip",
                name=value_title,
            )
        )
    if diverged.any():
        fig.add_trace(_flat_layer(px, ys, diverged, DIVERGED_COLOR))
        fig.add_trace(_legend_square("diverged", DIVERGED_COLOR))
    if missing.any():
        fig.add_trace(_flat_layer(px, ys, missing, MISSING_COLOR))
        fig.add_trace(_legend_square(missing_label, MISSING_COLOR))

    # The invisible click targets, which also carry the hover text: the value formatted by the
    # browser (formatting every cell here cost more than the rest of the figure), the status of
    # a cell with no value written once per status.
    gx, gy = np.meshgrid(xs, ys)
    px_grid = np.meshgrid(px, ys)[0]
    where = f"{x_title} = %{{customdata[0]:.3g}}<br>{y_title} = %{{customdata[1]:.3g}}<br>"
    size = max(4, int(300 / max(len(xs), len(ys))))
    groups = [(good, f"{value_title}: %{{customdata[2]:{value_format}}}")]
    groups += [(diverged, f"{value_title}: diverged"), (missing, f"{value_title}: {missing_label}")]
    for cells, reading in groups:
        if not cells.any():
            continue
        fig.add_trace(
            plain.scatter(
                x=px_grid[cells].astype(np.float32),  # positions; the values are in customdata
                y=gy[cells].astype(np.float32),
                mode="markers",
                marker=hover_targets(size),
                customdata=np.stack([gx[cells], gy[cells], np.where(good, vals, 0.0)[cells]], 1),
                hovertemplate=where + reading + "<extra>click to run</extra>",
                showlegend=False,
                name="cells",
            )
        )
    if selected is not None:
        sx = math.log10(selected[0]) if x_log and selected[0] > 0 else selected[0]
        for size, color, width, legend in ((22, SELECTED_COLOR, 3, True), (15, "white", 2, False)):
            fig.add_trace(
                plain.scatter(
                    x=[sx],
                    y=[selected[1]],
                    mode="markers",
                    name="selected run",
                    showlegend=legend,
                    marker=dict(
                        symbol="square-open", size=size, color=color, line=dict(width=width)
                    ),
                    hoverinfo="skip",
                )
            )
    base_layout(fig, title=title, height=height)
    dx = (px[-1] - px[0]) / max(len(px) - 1, 1) / 2
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2
    if x_log:
        tickvals, ticktext = _decade_ticks(px[0], px[-1])
        fig.update_xaxes(tickvals=tickvals, ticktext=ticktext)
    fig.update_xaxes(
        title=x_title + (" (log scale)" if x_log else ""), range=[px[0] - dx, px[-1] + dx]
    )
    fig.update_yaxes(title=y_title, range=[ys[0] - dy, ys[-1] + dy])
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def cell_from_selection(event: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The (x, y) values of a clicked heat-map cell from a Streamlit Plotly selection event.

    Cells carry ``customdata = [x, y]``; the browser sends it back as a list or as
    ``{"0": x, "1": y}``. Points without such data (other traces) are ignored.

    Returns:
        The first selected cell's values, or ``None``.
    """
    selection = (event or {}).get("selection") or {}
    for point in selection.get("points") or []:
        data = point.get("customdata")
        if isinstance(data, Mapping):
            data = [data.get("0"), data.get("1")]
        try:
            x, y = float(data[0]), float(data[1])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if math.isfinite(x) and math.isfinite(y):
            return x, y
    return None
