"""Loss-surface figures: contour with optimizer paths (animated), and the 3D view.

Builders take NumPy data and return ``plain.Figure``; no Streamlit here.

Animated contours (checked in a browser, Streamlit 1.67): a frame drawn with ``redraw=False``
erases every trace that is not a scatter, even one the frame does not name, so a ``go.Contour``
vanishes at the first frame; with ``redraw=True`` every frame replots the whole contour (about 3
frames a second on a laptop without GPU, and the contour flickers out while playing). So animated
figures draw the loss as a **background image** (colour bands and level lines rasterised here, in
NumPy) under scatter traces only, with an invisible grid of points that reports the loss on hover;
frames name the path traces and carry nothing but their x and y, as float32, so a long run stays
small and playback is smooth. A path is drawn through the points where its run moved: a run that
has converged repeats the same point (in float32), and each repeat would cost a marker (an SVG
element) on the same spot; the hover names the step at which the run reached each point.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import plotly.colors

from . import plain
from .theme import DIVERGED_COLOR, SURFACE_SCALE, base_layout, hover_targets, run_style

MAX_FRAMES = 60
FRAME_MS = 80
#: Animation speeds a page or a GIF offers, as multiples of the normal pace (``FRAME_MS`` a frame).
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)


def speed_label(speed: float) -> str:
    return f"{float(speed):g}×"


# Index of the invisible click grid among a contour figure's traces (the loss is trace 0).
CLICK_GRID_TRACE = 1
CLICK_GRID_SIZE = 41
N_LEVELS = 30
# Background image pixels per grid point and axis (level lines one pixel wide stay thin).
RASTER_SCALE = 3
LEVEL_LINE_ALPHA = 0.35
# Recently drawn background images by grid content (a few hundred kB in all).
_IMAGES: OrderedDict[tuple, str] = OrderedDict()
_MAX_IMAGES = 16


@dataclass
class Path:
    """What a figure needs of one run."""

    label: str
    optimizer: str
    points: np.ndarray  # (n, 2), finite part only
    diverged_at: int | None = None
    repeat: int = 0  # n-th run of the same optimizer in the figure (changes the dash)

    @cached_property
    def moves(self) -> tuple[np.ndarray, np.ndarray]:
        """The points where the run moved (each one unlike the point before it) and the step at
        which it reached each."""
        pts = np.asarray(self.points)
        moved = np.ones(len(pts), bool)
        moved[1:] = np.any(pts[1:] != pts[:-1], axis=1)
        return pts[moved], np.flatnonzero(moved)

    @cached_property
    def encoded_moves(self) -> tuple[tuple[bytes, str], tuple[bytes, str]]:
        """x and y of :attr:`moves` as float32 bytes and their base64 text (each frame of an
        animation shows a prefix of them)."""
        pts, _ = self.moves
        columns = (np.ascontiguousarray(pts[:, i], dtype=np.float32).tobytes() for i in (0, 1))
        return tuple((data, base64.b64encode(data).decode("ascii")) for data in columns)

    def upto(self, step: int | None) -> tuple[np.ndarray, np.ndarray]:
        """:attr:`moves` up to step ``step`` (all of them for None)."""
        pts, steps = self.moves
        n = len(steps) if step is None else int(np.searchsorted(steps, step, side="right"))
        return pts[:n], steps[:n]


@dataclass
class Highlight:
    """One step to point at on a contour: a ring at ``theta`` and an arrow to ``theta_next``."""

    theta: tuple[float, float]
    theta_next: tuple[float, float]
    label: str = ""
    color: str = "white"


def paths_from_trajectories(trajectories) -> list[Path]:
    """:class:`optim_lab.trajectory.Trajectory` list → drawable paths (finite part, repeat index)."""
    seen: dict[str, int] = {}
    paths = []
    for traj in trajectories:
        name = traj.spec.optimizer
        paths.append(
            Path(
                traj.label,
                name,
                np.asarray(traj.finite_points),
                traj.diverged_at,
                seen.get(name, 0),
            )
        )
        seen[name] = seen.get(name, 0) + 1
    return paths


def display_z(z: np.ndarray, log_scale: bool) -> np.ndarray:
    """Contour heights: log(1 + f − min f) for surfaces with a huge dynamic range."""
    return np.log1p(z - np.min(z)) if log_scale else z


def _colour_table(scale: str, n: int = 256) -> np.ndarray:
    """``n`` RGB rows (uint8) sampled evenly along a Plotly colour scale."""
    stops = plotly.colors.get_colorscale(scale)
    positions = np.array([float(p) for p, _ in stops])
    colours = []
    for _, colour in stops:
        if colour.startswith("#"):
            colours.append(plotly.colors.hex_to_rgb(colour))
        else:
            colours.append(plotly.colors.unlabel_rgb(colour))
    colours = np.array(colours, dtype=float)
    t = np.linspace(0.0, 1.0, n)
    table = np.stack([np.interp(t, positions, colours[:, c]) for c in range(3)], axis=1)
    return np.round(table).astype(np.uint8)


def _upsample(z: np.ndarray, factor: int) -> np.ndarray:
    """Bilinear refinement of a grid: ``factor`` samples per original interval."""
    rows, cols = z.shape
    fine_r = np.linspace(0, rows - 1, (rows - 1) * factor + 1)
    fine_c = np.linspace(0, cols - 1, (cols - 1) * factor + 1)
    along_c = np.stack([np.interp(fine_c, np.arange(cols), row) for row in z])
    return np.stack([np.interp(fine_r, np.arange(rows), col) for col in along_c.T], axis=1)


def _png(rgb: np.ndarray) -> bytes:
    """A minimal RGB PNG (no dependency beyond zlib)."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[i].tobytes() for i in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def contour_image(zz: np.ndarray, *, levels: int = N_LEVELS, scale: str = SURFACE_SCALE) -> str:
    """The loss as a PNG data URI: colour by height, with a light line between level bands.

    Args:
        zz: heights on the grid (``zz[i, j]`` at ``(xs[j], ys[i])``), finite.
        levels: number of level bands.
        scale: Plotly colour scale name.

    Returns:
        ``data:image/png;base64,...``, first row = largest y (image order).
    """
    zz = np.ascontiguousarray(zz, dtype=float)
    key = (hashlib.sha1(zz.tobytes()).hexdigest(), zz.shape, levels, scale)
    if key in _IMAGES:  # every rerun of a page redraws the same surface
        _IMAGES.move_to_end(key)
        return _IMAGES[key]
    fine = _upsample(zz, RASTER_SCALE)
    low, high = float(np.min(fine)), float(np.max(fine))
    t = (fine - low) / (high - low) if high > low else np.zeros_like(fine)
    rgb = _colour_table(scale)[np.round(t * 255).astype(int)].astype(float)
    band = np.minimum(np.floor(t * levels), levels - 1)
    edge = np.zeros(band.shape, dtype=bool)
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    rgb[edge] = (1 - LEVEL_LINE_ALPHA) * rgb[edge] + LEVEL_LINE_ALPHA * 255.0
    image = np.round(rgb[::-1]).astype(np.uint8)
    uri = "data:image/png;base64," + base64.b64encode(_png(image)).decode("ascii")
    _IMAGES[key] = uri
    while len(_IMAGES) > _MAX_IMAGES:
        _IMAGES.popitem(last=False)
    return uri


def frame_steps(n_steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The step indices shown as animation frames (always the first and the last)."""
    return np.unique(np.linspace(0, n_steps, min(max_frames, n_steps + 1)).round().astype(int))


def _path_trace(path: Path, upto: int | None = None) -> dict:
    pts, steps = path.upto(upto)
    style = run_style(path.optimizer, path.repeat)
    name = path.label + (f" — diverged at step {path.diverged_at}" if path.diverged_at else "")
    return plain.scatter(
        x=pts[:, 0],
        y=pts[:, 1],
        mode="lines+markers",
        name=name,
        line=dict(color=style["color"], dash=style["dash"], width=2.5),
        marker=dict(size=4, color=style["color"]),
        hovertemplate=f"{path.label}<br>step %{{customdata}}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<extra></extra>",
        customdata=steps,
        # a click on the start grid selects a point; the paths must not fade out with it
        unselected=dict(marker=dict(opacity=1.0)),
    )


def _typed_array(values: np.ndarray) -> dict:
    """Plotly's base64 typed-array form (float32), built here: Plotly would otherwise validate and
    copy every frame's arrays, which is most of a long run's build time."""
    data = np.ascontiguousarray(values, dtype=np.float32).tobytes()
    return {"dtype": "f4", "bdata": base64.b64encode(data).decode("ascii")}


def _frame_paths(path: Path, frame_steps: np.ndarray) -> list[dict]:
    """A path's data in each animation frame: x and y of the moves up to the frame's step and
    nothing else (the trace keeps its style, name and hover from the figure)."""
    _, moved_at = path.moves
    x, y = path.encoded_moves
    counts = np.searchsorted(moved_at, frame_steps, side="right")  # as Path.upto, all at once
    return [
        dict(type="scatter", x=_typed_prefix(*x, int(n)), y=_typed_prefix(*y, int(n)))
        for n in counts
    ]


def _typed_prefix(data: bytes, encoded: str, n: int) -> dict:
    """:func:`_typed_array` of the first ``n`` float32 values of ``data`` (whose whole base64 text
    is ``encoded``): the whole groups of 3 bytes are the same text, only the rest is encoded."""
    whole = 4 * n // 3
    tail = base64.b64encode(data[3 * whole : 4 * n]).decode("ascii")
    return {"dtype": "f4", "bdata": encoded[: 4 * whole] + tail}


def contour_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    z: np.ndarray,
    paths: Sequence[Path],
    *,
    start: tuple[float, float] | None = None,
    minima: Sequence[tuple[float, float]] = (),
    log_scale: bool = False,
    animate: bool = False,
    click_grid: bool = False,
    title: str | None = None,
    height: int = 560,
    show_final: bool = False,
    highlight: Highlight | None = None,
    frame_ms: int = FRAME_MS,
    raster: bool | None = None,
) -> plain.Figure:
    """Contour of the loss with each optimizer's path.

    Args:
        xs, ys, z: the grid (``z[i, j]`` at ``(xs[j], ys[i])``).
        paths: runs to draw (finite parts).
        start: the shared start point (drawn as a white star).
        minima: known minima (drawn as crosses).
        log_scale: colour by log(1 + f − min f).
        animate: add Play/Pause buttons and a step slider; only path traces are animated, so the
            contour stays drawn while playing.
        click_grid: overlay an invisible grid of points so a click selects a start point
            (Streamlit reports selections of scatter points only); it is trace
            :data:`CLICK_GRID_TRACE`.
        title: figure title.
        height: figure height in pixels.
        show_final: with ``animate``, open on the whole paths (slider at the last step); ▶ Play
            then replays from step 0 and ⏯ Resume continues from the slider's step. Without it the
            figure opens at step 0.
        highlight: a step to point at (the step inspector's), drawn as a ring and an arrow.
        frame_ms: milliseconds per animation frame.
        raster: draw the loss as a background image under scatter traces only (see the module
            notes); default: when animated. Trace 0 is then an invisible grid reporting the loss.
    """
    zz = display_z(z, log_scale)
    raster = animate if raster is None else raster
    fig = plain.Figure()
    gx, gy, grid_loss = _coarse_grid(xs, ys, z)
    loss_hover = "x=%{x:.3g}<br>y=%{y:.3g}<br>loss=%{customdata:.4g}"
    if raster:
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        fig.add_layout_image(
            source=contour_image(zz),
            xref="x",
            yref="y",
            x=xs[0] - dx / 2,
            y=ys[-1] + dy / 2,
            sizex=xs[-1] - xs[0] + dx,
            sizey=ys[-1] - ys[0] + dy,
            xanchor="left",
            yanchor="top",
            sizing="stretch",
            layer="below",
        )
        fig.add_trace(
            plain.scatter(
                x=gx,
                y=gy,
                customdata=grid_loss,
                mode="markers",
                marker=hover_targets(14),
                hovertemplate=loss_hover + "<extra></extra>",
                hoverinfo="skip" if click_grid else None,
                showlegend=False,
                name="loss",
            )
        )
    else:
        fig.add_trace(
            plain.contour(
                x=xs,
                y=ys,
                z=zz,
                colorscale=SURFACE_SCALE,
                ncontours=N_LEVELS,
                showscale=False,
                contours=dict(coloring="heatmap", showlines=True),
                line=dict(width=0.5, color="rgba(255,255,255,0.35)"),
                hovertemplate="x=%{x:.3g}<br>y=%{y:.3g}<extra></extra>"
                if log_scale
                else "x=%{x:.3g}<br>y=%{y:.3g}<br>loss=%{z:.4g}<extra></extra>",
                name="loss",
            )
        )
    if click_grid:
        invisible = dict(marker=dict(opacity=0))
        fig.add_trace(
            plain.scatter(
                x=gx,
                y=gy,
                customdata=grid_loss,
                mode="markers",
                marker=hover_targets(14),
                selected=invisible,
                unselected=invisible,
                hovertemplate=loss_hover + "<br><i>click to start here</i><extra></extra>",
                showlegend=False,
                name="click to start here",
            )
        )
    keep = dict(marker=dict(opacity=1.0))  # a click selects a grid point: nothing else fades
    first_path = len(fig.data)
    n_steps = max((len(p.points) - 1 for p in paths), default=0)
    opening = 0 if animate and n_steps and not show_final else None
    for path in paths:
        fig.add_trace(_path_trace(path, opening))
        if path.diverged_at:
            end = path.points[-1]
            fig.add_trace(
                plain.scatter(
                    x=[end[0]],
                    y=[end[1]],
                    mode="markers+text",
                    text=["✕ diverged"],
                    textposition="top center",
                    showlegend=False,
                    hoverinfo="skip",
                    marker=dict(symbol="x-thin", size=14, line=dict(width=3, color=DIVERGED_COLOR)),
                    textfont=dict(color=DIVERGED_COLOR),
                    unselected=keep,
                )
            )
    # markers after the paths, so a path never hides the start or a minimum
    if minima:
        mx, my = zip(*minima, strict=True)
        fig.add_trace(
            plain.scatter(
                x=mx,
                y=my,
                mode="markers",
                name="minimum",
                marker=dict(symbol="x", size=11, color="white", line=dict(width=1, color="black")),
                unselected=keep,
                hovertemplate="minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    if start is not None:
        fig.add_trace(
            plain.scatter(
                x=[start[0]],
                y=[start[1]],
                mode="markers",
                name="start",
                marker=dict(
                    symbol="star", size=16, color="white", line=dict(width=1.5, color="black")
                ),
                unselected=keep,
                hovertemplate="start (%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    if highlight is not None:
        _add_highlight(fig, highlight)
    base_layout(fig, title=title, height=height)
    # fixed-width legend columns: Plotly's own widths let long run labels overlap the next entry
    fig.update_layout(legend=dict(entrywidth=0.5, entrywidthmode="fraction"))
    fig.update_xaxes(range=[xs[0], xs[-1]], title="x", constrain="domain")
    fig.update_yaxes(range=[ys[0], ys[-1]], title="y")
    if raster:  # grid lines would be drawn over the background image
        fig.update_xaxes(showgrid=False, zeroline=False)
        fig.update_yaxes(showgrid=False, zeroline=False)
    if click_grid:
        fig.update_layout(clickmode="event+select", dragmode="pan")
    if animate and n_steps:
        fig.frames = _add_animation(fig, paths, first_path, n_steps, show_final, frame_ms)
    return fig


def _coarse_grid(xs, ys, z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points of a ``CLICK_GRID_SIZE``² grid over the plot with the loss at the nearest sample."""
    gx, gy = np.meshgrid(
        np.linspace(xs[0], xs[-1], CLICK_GRID_SIZE), np.linspace(ys[0], ys[-1], CLICK_GRID_SIZE)
    )
    col = np.clip(np.searchsorted(xs, gx.ravel()), 0, len(xs) - 1)
    row = np.clip(np.searchsorted(ys, gy.ravel()), 0, len(ys) - 1)
    return gx.ravel(), gy.ravel(), np.asarray(z)[row, col]


def _add_highlight(fig: plain.Figure, highlight: Highlight) -> None:
    (x0, y0), (x1, y1) = highlight.theta, highlight.theta_next
    fig.add_trace(
        plain.scatter(
            x=[x0],
            y=[y0],
            mode="markers",
            name=highlight.label or "inspected step",
            marker=dict(symbol="circle-open", size=22, line=dict(width=3, color=highlight.color)),
            unselected=dict(marker=dict(opacity=1.0)),
            hovertemplate=f"{highlight.label}<br>θ=(%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
        )
    )
    if np.hypot(x1 - x0, y1 - y0) > 0 and np.all(np.isfinite([x1, y1])):
        fig.add_annotation(
            x=x1,
            y=y1,
            ax=x0,
            ay=y0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.2,
            arrowwidth=2.5,
            arrowcolor=highlight.color,
            text="",
        )


def _add_animation(
    fig: plain.Figure,
    paths: Sequence[Path],
    first_path: int,
    n_steps: int,
    show_final: bool = False,
    frame_ms: int = FRAME_MS,
) -> list[dict]:
    """Adds the buttons and the step slider to ``fig``'s layout; returns the frames."""
    indices = []
    i = first_path
    for path in paths:
        indices.append(i)
        i += 2 if path.diverged_at else 1
    steps = frame_steps(n_steps)
    frames = [
        dict(name=str(k), traces=indices, data=list(data))
        for k, *data in zip(steps, *(_frame_paths(p, steps) for p in paths), strict=True)
    ]
    still = dict(
        frame=dict(duration=0, redraw=False), mode="immediate", transition=dict(duration=0)
    )

    def play(from_current: bool) -> dict:
        return dict(
            frame=dict(duration=frame_ms, redraw=False),
            fromcurrent=from_current,
            transition=dict(duration=0),
            mode="immediate",
        )

    pause = dict(label="‖ Pause", method="animate", args=[[None], still])
    if show_final:
        buttons = [
            dict(label="▶ Play", method="animate", args=[None, play(False)]),
            pause,
            dict(label="▷ Resume", method="animate", args=[None, play(True)]),
        ]
    else:
        buttons = [dict(label="▶ Play", method="animate", args=[None, play(True)]), pause]
    # Both sit under the x-axis title, offsets in pixels (pad) so they never meet the tick labels:
    # the buttons in one row, then the slider's "step k" read-out and its rail across the whole
    # width (in rows of their own, so a narrow figure never puts the read-out over a button).
    fig.update_layout(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                y=0.0,
                xanchor="left",
                yanchor="top",
                showactive=False,
                pad=dict(t=48, r=4),
                buttons=buttons,
            )
        ],
        sliders=[
            dict(
                active=len(steps) - 1 if show_final else 0,
                x=0.0,
                y=0.0,
                len=1.0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=84, b=0),
                currentvalue=dict(prefix="step ", xanchor="right", font=dict(size=14)),
                steps=[dict(label=str(k), method="animate", args=[[str(k)], still]) for k in steps],
            )
        ],
        margin=dict(b=180),
        height=(fig.layout.get("height") or 560)
        + 30,  # the read-out's own row; the plot keeps its size
    )
    return frames


def surface_3d_figure(
    xs,
    ys,
    z,
    paths: Sequence[Path],
    loss_along: Sequence[np.ndarray],
    *,
    log_scale: bool = False,
    height: int = 560,
) -> plain.Figure:
    """The loss as a 3D surface with each path lifted onto it (``loss_along[i]`` per point)."""
    zz = display_z(z, log_scale)
    offset = np.min(z)
    fig = plain.Figure(
        plain.surface(x=xs, y=ys, z=zz, colorscale=SURFACE_SCALE, showscale=False, opacity=0.9)
    )
    for path, loss in zip(paths, loss_along, strict=True):
        height_on_surface = np.log1p(np.asarray(loss) - offset) if log_scale else np.asarray(loss)
        style = run_style(path.optimizer, path.repeat)
        n = len(path.points)
        fig.add_trace(
            plain.scatter3d(
                x=path.points[:, 0],
                y=path.points[:, 1],
                z=height_on_surface[:n],
                mode="lines+markers",
                name=path.label,
                line=dict(color=style["color"], width=5),
                marker=dict(size=2, color=style["color"]),
            )
        )
    base_layout(fig, height=height)
    fig.update_layout(
        scene=dict(
            xaxis_title="x", yaxis_title="y", zaxis_title="log(1+loss−min)" if log_scale else "loss"
        )
    )
    return fig
