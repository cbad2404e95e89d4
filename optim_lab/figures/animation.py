"""Animated figures as GIF (and MP4) files, for slides.

Kaleido is optional and only takes stills, so an animation is drawn here, with Pillow and NumPy,
from the plain figure itself: its loss background (a background image placed on the axes, or a
heatmap/contour trace coloured by its colour scale), its scatter traces as each frame leaves
them with a dot at each animated trace's current point, the step, the axes and a legend. Nothing
here knows which lesson drew the figure: any single-plot figure with linear axes and frames that
update scatter traces can be exported.

Paths are drawn at twice the size and halved (antialiased lines and markers). A GIF holds 256
colours: the trace colours are kept exactly, the rest of the palette comes from the last frame
(the background with every path drawn), and each frame maps only the pixels that differ from
the still background, so a frame costs its paths, not its size.
"""

from __future__ import annotations

import base64
import contextlib
import glob
import importlib.util
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

from . import plain
from .surface import FRAME_MS, SPEEDS
from .theme import PALETTE

#: Widths offered for a file, in pixels (the height is three quarters of the width).
WIDTHS = (640, 960, 1280)
MIN_WIDTH, MAX_WIDTH = 320, 1280
#: At most this many frames in a file; a figure with more is sampled evenly (first and last kept).
MAX_FRAMES = 120
#: The last frame stays this long before the loop starts again (the finished paths, to read).
HOLD_MS = 1500
ASPECT = 0.75
MAX_LINK_CHARS = 4096
FFMPEG_TIMEOUT_S = 60

SUPERSAMPLE = 2
REFERENCE_WIDTH = 960  # sizes below are pixels at this width, scaled with the file's width
BACKGROUND = (255, 255, 255)
TEXT_COLOR = (49, 51, 63)  # Streamlit's text colour
AXIS_COLOR = (120, 122, 133)
HEAD_SIZE = 12  # the dot at an animated trace's current point (diameter, reference pixels)
DEFAULT_LEVELS = 15  # Plotly's default number of contour levels
LEVEL_LINE_ALPHA = 0.35
GIF_COLOURS = 256
MAX_EXACT_COLOURS = 64
GREY_STEPS = 8


# ------------------------------------------------------------------------------------------------
# Fonts and colours


def _font_files() -> list[str]:
    """Fonts to try, best first: the app's own (Source Sans, shipped with Streamlit, found
    without importing it), then common system fonts."""
    files = []
    spec = importlib.util.find_spec("streamlit")
    if spec is not None and spec.submodule_search_locations:
        media = os.path.join(spec.submodule_search_locations[0], "static", "static", "media")
        files += sorted(glob.glob(os.path.join(media, "SourceSansVF-Upright*.woff2")))
    files += ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf"]
    return files


@dataclass(frozen=True)
class Faces:
    """The fonts of a file: tick labels, axis titles and legend, title and step counter, and
    text on the plot."""

    tick: Any
    label: Any
    title: Any
    text: Any


@cache
def faces(scale: float) -> Faces:
    """Fonts sized for a file ``scale`` times the reference width (large enough for a slide)."""
    return Faces(
        tick=font(round(17 * scale)),
        label=font(round(18 * scale)),
        title=font(round(21 * scale), 600),
        text=font(round(16 * scale)),
    )


@cache
def font(size: int, weight: int = 400) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font of ``size`` pixels (``weight`` 400 regular, 600 semibold where the font varies)."""
    for name in _font_files():
        try:
            loaded = ImageFont.truetype(name, size)
        except OSError:
            continue
        with contextlib.suppress(OSError):  # a font without a weight axis stays as it is
            loaded.set_variation_by_axes([weight])
        return loaded
    return ImageFont.load_default(size=size)


def _mask_key(face, char: str) -> bytes:
    return bytes(face.getmask(char))


@cache
def _missing(face, char: str) -> bool:
    """Whether ``face`` lacks ``char`` (draws the same box as for a non-character)."""
    return _mask_key(face, char) == _mask_key(face, "\uffff")


def drawable_text(face, text: str) -> str:
    """``text`` with the characters ``face`` lacks replaced: a Greek letter by its name
    (α → alpha), anything else left out."""
    out = []
    for char in text:
        if char.isspace() or char.isascii() or not _missing(face, char):
            out.append(char)
        elif "GREEK" in unicodedata.name(char, ""):
            out.append(unicodedata.name(char).split()[-1].lower())
    return re.sub(r" {2,}", " ", "".join(out)).strip()


_RGBA = re.compile(r"rgba?\(([^)]*)\)")


def parse_color(
    color: Any, default: tuple[int, int, int] = TEXT_COLOR
) -> tuple[int, int, int, float]:
    """A Plotly colour (``#rrggbb``, ``rgb(…)``, ``rgba(…, 0.35)``, a CSS name) as (r, g, b, alpha)."""
    if not isinstance(color, str):
        return (*default, 1.0)
    match = _RGBA.fullmatch(color.replace(" ", ""))
    if match:
        parts = [float(p) for p in match.group(1).split(",")]
        alpha = parts[3] if len(parts) > 3 else 1.0
        return (round(parts[0]), round(parts[1]), round(parts[2]), alpha)
    try:
        rgb = ImageColor.getrgb(color)
    except ValueError:
        return (*default, 1.0)
    return (*rgb[:3], rgb[3] / 255 if len(rgb) > 3 else 1.0)


def _rgb(color: Any, default: tuple[int, int, int] = TEXT_COLOR) -> tuple[int, int, int]:
    return parse_color(color, default)[:3]


def _colour_table(stops: Any, n: int = 256, reverse: bool = False) -> np.ndarray:
    """``n`` RGB rows sampled evenly along a colour scale given as ``[[position, colour], …]``."""
    if isinstance(stops, str) or not stops:
        stops = plain._named_colorscale(stops if isinstance(stops, str) else "Viridis")
    positions = np.array([float(p) for p, _ in stops])
    colours = np.array([_rgb(c) for _, c in stops], dtype=float)
    t = np.linspace(0.0, 1.0, n)
    if reverse:
        t = t[::-1]
    table = np.stack([np.interp(t, positions, colours[:, c]) for c in range(3)], axis=1)
    return np.round(table).astype(np.uint8)


# ------------------------------------------------------------------------------------------------
# What each frame shows


def speed_frame_ms(speed: float) -> int:
    """Milliseconds per frame at ``speed`` (1 = the app's own pace)."""
    speed = float(speed)
    if not SPEEDS[0] <= speed <= SPEEDS[-1]:
        raise ValueError(f"speed must be between {SPEEDS[0]:g} and {SPEEDS[-1]:g}, got {speed:g}")
    return round(FRAME_MS / speed)


def file_height(width: int) -> int:
    """The height of a file ``width`` pixels wide (even: video encoders need it)."""
    return 2 * round(width * ASPECT / 2)


def frame_durations(n_frames: int, speed: float) -> list[int]:
    """Milliseconds each frame shows at ``speed``; the last one at least :data:`HOLD_MS`."""
    frame_ms = speed_frame_ms(speed)
    return [frame_ms] * (n_frames - 1) + [max(frame_ms, HOLD_MS)] if n_frames else []


def loop_ms(n_frames: int, speed: float) -> int:
    """How long one loop of ``n_frames`` frames lasts at ``speed``."""
    return sum(frame_durations(n_frames, speed))


def figure_speed(fig: plain.Figure) -> float:
    """The speed the figure plays at (its Play button's frame duration against the app's own),
    rounded to the nearest of :data:`SPEEDS`; 1 when it says none."""
    for menu in fig.layout.get("updatemenus", []):
        for button in menu.get("buttons", []):
            args = button.get("args") or []
            if button.get("method") == "animate" and len(args) > 1 and args[0] is None:
                duration = (args[1].get("frame") or {}).get("duration")
                if duration:
                    speed = FRAME_MS / float(duration)
                    return min(SPEEDS, key=lambda s: abs(math.log(s / speed)))
    return 1.0


def frame_indices(n_frames: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Which of ``n_frames`` frames a file shows: all of them, or ``max_frames`` evenly spread
    (the first and the last always)."""
    if n_frames <= max_frames:
        return np.arange(n_frames)
    return np.unique(np.linspace(0, n_frames - 1, max_frames).round().astype(int))


@dataclass
class Frame:
    """One frame: its label (``step 40 / 200``), its traces, and which of them it animates."""

    label: str
    traces: list[dict]
    animated: set[int]


def _counter_prefix(fig: plain.Figure) -> str:
    for slider in fig.layout.get("sliders", []):
        prefix = (slider.get("currentvalue") or {}).get("prefix")
        if prefix:
            return prefix
    return "frame "


def figure_frames(fig: plain.Figure, max_frames: int = MAX_FRAMES) -> list[Frame]:
    """The figure's frames (at most ``max_frames``) with each frame's data laid over the traces
    it names, as Plotly.js plays them."""
    if not fig.frames:
        raise ValueError("the figure has no animation frames")
    prefix = _counter_prefix(fig)
    names = [str(f.get("name", i)) for i, f in enumerate(fig.frames)]
    last = names[-1]
    frames = []
    for i in frame_indices(len(fig.frames), max_frames):
        frame = fig.frames[i]
        updates = frame.get("data") or []
        targets = frame.get("traces", list(range(len(updates))))
        traces = list(fig.data)
        for index, update in zip(targets, updates, strict=False):
            if 0 <= index < len(traces):
                traces[index] = {**traces[index], **update}
        label = f"{prefix}{names[i]} / {last}" if names[i].isdigit() else f"{prefix}{names[i]}"
        frames.append(Frame(label, traces, {t for t in targets if 0 <= t < len(traces)}))
    return frames


# ------------------------------------------------------------------------------------------------
# Geometry: axes, ticks, legend


def nice_ticks(low: float, high: float, target: int) -> np.ndarray:
    """About ``target`` round values (1, 2 or 5 × 10ᵏ apart) inside [low, high]."""
    span = high - low
    if not span > 0:
        return np.array([low])
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = np.arange(first, math.floor(high / step + 1e-9) + 1) * step
    return np.round(ticks, 12)


def tick_text(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


@dataclass
class LegendEntry:
    name: str
    trace: dict


@dataclass
class Geometry:
    """Where everything goes in a ``width`` × ``height`` file.

    Attributes:
        box: the plot area (left, top, right, bottom) in pixels; data coordinates map linearly
            onto it.
        x_range, y_range: the axes' data ranges.
        scale: pixels per reference pixel (sizes are given at a width of 960).
    """

    width: int
    height: int
    box: tuple[int, int, int, int]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    scale: float
    x_ticks: np.ndarray
    y_ticks: np.ndarray
    legend_rows: list[list[tuple[LegendEntry, int]]]
    legend_top: int
    title: str
    x_title: str
    y_title: str

    def to_pixel(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Data coordinates → pixel coordinates (floats; y grows downwards)."""
        left, top, right, bottom = self.box
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        px = left + (np.asarray(x, dtype=float) - x0) / (x1 - x0) * (right - left)
        py = bottom - (np.asarray(y, dtype=float) - y0) / (y1 - y0) * (bottom - top)
        return px, py

    def size(self, reference: float) -> int:
        return max(1, round(reference * self.scale))


def _axis_title(axis: dict) -> str:
    title = axis.get("title")
    return str(title.get("text", "") if isinstance(title, dict) else title or "")


def _data_range(traces: Iterable[dict], letter: str) -> tuple[float, float]:
    values = [plain.values(t[letter]).astype(float).ravel() for t in traces if letter in t]
    values = [v[np.isfinite(v)] for v in values if v.size]
    values = [v for v in values if v.size]
    if not values:
        return (0.0, 1.0)
    low = min(float(v.min()) for v in values)
    high = max(float(v.max()) for v in values)
    pad = 0.05 * (high - low) if high > low else 0.5
    return (low - pad, high + pad)


def _axis_range(fig: plain.Figure, traces: list[dict], letter: str) -> tuple[float, float]:
    axis = fig.layout.get(f"{letter}axis", {})
    if axis.get("type") not in (None, "linear", "-"):
        raise ValueError(f"only linear axes can be exported, the {letter} axis is {axis['type']}")
    given = axis.get("range")
    if given and len(given) == 2 and all(isinstance(v, int | float) for v in given):
        low, high = float(given[0]), float(given[1])
        if high > low:
            return (low, high)
    return _data_range(traces, letter)


def _is_drawn(trace: dict) -> bool:
    if trace.get("visible", True) is not True or trace.get("type", "scatter") != "scatter":
        return False
    if trace.get("xaxis", "x") != "x" or trace.get("yaxis", "y") != "y":
        return False
    mode = _mode(trace)
    marker_hidden = (trace.get("marker") or {}).get("opacity") == 0
    return "lines" in mode or "text" in mode or ("markers" in mode and not marker_hidden)


def _mode(trace: dict) -> str:
    mode = trace.get("mode")
    if mode is None:  # Plotly's default
        return "lines+markers" if len(plain.values(trace.get("x", []))) < 20 else "lines"
    return mode


def _legend_entries(traces: list[dict]) -> list[LegendEntry]:
    return [
        LegendEntry(str(t["name"]), t)
        for t in traces
        if _is_drawn(t) and t.get("showlegend", True) and t.get("name")
    ]


def _text_width(face, text: str) -> int:
    return math.ceil(face.getlength(text)) if text else 0


def _truncate(face, text: str, width: int) -> str:
    if _text_width(face, text) <= width:
        return text
    while text and _text_width(face, text + "…") > width:
        text = text[:-1]
    return text + "…"


def figure_geometry(fig: plain.Figure, width: int, frames: list[Frame] | None = None) -> Geometry:
    """The layout of a ``width``-pixel file of ``fig``: plot area, ticks, legend rows."""
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels, got {width}")
    frames = frames if frames is not None else figure_frames(fig)
    height = file_height(width)
    scale = width / REFERENCE_WIDTH
    pad = round(14 * scale)
    face = faces(scale)
    tick_face, label_face, title_face = face.tick, face.label, face.title
    all_traces = [t for f in (frames[0], frames[-1]) for t in f.traces]
    x_range = _axis_range(fig, all_traces, "x")
    y_range = _axis_range(fig, all_traces, "y")
    title_obj = fig.layout.get("title")
    title = str(title_obj.get("text", "") if isinstance(title_obj, dict) else title_obj or "")
    x_title = _axis_title(fig.layout.get("xaxis", {}))
    y_title = _axis_title(fig.layout.get("yaxis", {}))

    # legend: entries flow left to right in rows under the x-axis title
    sample = round(36 * scale)
    gap = round(8 * scale)
    spacing = round(26 * scale)
    usable = width - 2 * pad
    rows: list[list[tuple[LegendEntry, int]]] = [[]]
    used = 0
    for entry in _legend_entries(frames[-1].traces):
        text = _truncate(label_face, drawable_text(label_face, entry.name), usable - sample - gap)
        entry = LegendEntry(text, entry.trace)
        entry_width = sample + gap + _text_width(label_face, text)
        if rows[-1] and used + spacing + entry_width > usable:
            rows.append([])
            used = 0
        used += (spacing if rows[-1] else 0) + entry_width
        rows[-1].append((entry, entry_width))
    rows = [r for r in rows if r]
    line_height = round(26 * scale)

    tick_len = round(6 * scale)
    tick_height = tick_face.size
    top = pad + round(title_face.size * 1.4)
    bottom = height - pad - len(rows) * line_height - (pad if rows else 0)
    bottom -= tick_len + round(tick_height * 1.3) + (round(label_face.size * 1.5) if x_title else 0)
    plot_height = bottom - top
    y_ticks = nice_ticks(*y_range, max(2, round(plot_height / (70 * scale))))
    y_step = float(y_ticks[1] - y_ticks[0]) if len(y_ticks) > 1 else 1.0
    y_label_width = max((_text_width(tick_face, tick_text(v, y_step)) for v in y_ticks), default=0)
    left = pad + (round(label_face.size * 1.5) if y_title else 0) + y_label_width + tick_len + 4
    right = width - pad - round(12 * scale)
    x_ticks = nice_ticks(*x_range, max(2, round((right - left) / (95 * scale))))
    legend_top = height - pad - len(rows) * line_height
    return Geometry(
        width=width,
        height=height,
        box=(left, top, right, bottom),
        x_range=x_range,
        y_range=y_range,
        scale=scale,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        legend_rows=rows,
        legend_top=legend_top,
        title=title,
        x_title=x_title,
        y_title=y_title,
    )


# ------------------------------------------------------------------------------------------------
# The still background: loss image or heatmap, axes, ticks, titles, legend


def _decode_image(source: str) -> Image.Image | None:
    if not isinstance(source, str) or not source.startswith("data:image/"):
        return None  # only embedded images: nothing is fetched
    try:
        data = base64.b64decode(source.split(",", 1)[1])
        return Image.open(io.BytesIO(data)).convert("RGB")
    except (ValueError, OSError, IndexError):
        return None


def _place_image(canvas: Image.Image, geo: Geometry, spec: dict) -> None:
    """Draws a layout image given in axis coordinates (``xref="x"``, ``yref="y"``) where it lies."""
    if spec.get("xref") != "x" or spec.get("yref") != "y":
        return
    image = _decode_image(spec.get("source"))
    if image is None:
        return
    x, y = float(spec.get("x", 0)), float(spec.get("y", 0))
    sizex, sizey = float(spec.get("sizex", 0)), float(spec.get("sizey", 0))
    if sizex <= 0 or sizey <= 0:
        return
    x0 = x - {"center": sizex / 2, "right": sizex}.get(spec.get("xanchor"), 0)
    y1 = y + {"middle": sizey / 2, "bottom": sizey}.get(spec.get("yanchor"), 0)
    (px0, px1), (py0, py1) = geo.to_pixel([x0, x0 + sizex], [y1, y1 - sizey])
    left, top, right, bottom = geo.box
    # the part inside the plot, cut from the source first (a zoomed-in axis never blows it up)
    vx0, vx1 = max(px0, left), min(px1, right)
    vy0, vy1 = max(py0, top), min(py1, bottom)
    if vx1 <= vx0 or vy1 <= vy0:
        return
    sw, sh = image.size
    crop = (
        (vx0 - px0) / (px1 - px0) * sw,
        (vy0 - py0) / (py1 - py0) * sh,
        (vx1 - px0) / (px1 - px0) * sw,
        (vy1 - py0) / (py1 - py0) * sh,
    )
    size = (round(vx1) - round(vx0), round(vy1) - round(vy0))
    part = image.resize(size, Image.Resampling.BICUBIC, box=crop)
    stretch = float(size[0] / max(crop[2] - crop[0], 1e-9))
    if stretch > 1.5:  # a coarse image blown up: soften its pixel steps (the level lines' stairs)
        part = part.filter(ImageFilter.GaussianBlur(0.5 * stretch))
    canvas.paste(part, (round(vx0), round(vy0)))


def _grid_indices(coords: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Fractional indices of ``values`` along the increasing grid ``coords``."""
    return np.interp(values, coords, np.arange(len(coords)), left=np.nan, right=np.nan)


def _paint_heatmap(canvas: Image.Image, geo: Geometry, trace: dict) -> None:
    """A heatmap or filled contour trace, coloured by its scale, over the plot area."""
    z = plain.values(trace.get("z", [])).astype(float)
    if z.ndim != 2 or z.size == 0:
        return
    rows, cols = z.shape
    xs = plain.values(trace["x"]).astype(float) if "x" in trace else np.arange(cols, dtype=float)
    ys = plain.values(trace["y"]).astype(float) if "y" in trace else np.arange(rows, dtype=float)
    if len(xs) != cols or len(ys) != rows or cols < 2 or rows < 2:
        return
    if xs[0] > xs[-1]:
        xs, z = xs[::-1], z[:, ::-1]
    if ys[0] > ys[-1]:
        ys, z = ys[::-1], z[::-1]
    left, top, right, bottom = geo.box
    px = np.arange(left, right) + 0.5
    py = np.arange(top, bottom) + 0.5
    (x0, x1), (y0, y1) = geo.x_range, geo.y_range
    data_x = x0 + (px - left) / (right - left) * (x1 - x0)
    data_y = y0 + (bottom - py) / (bottom - top) * (y1 - y0)
    ci, ri = _grid_indices(xs, data_x), _grid_indices(ys, data_y)
    inside = ~np.isnan(ri)[:, None] & ~np.isnan(ci)[None, :]
    c = np.nan_to_num(ci)
    r = np.nan_to_num(ri)
    c0 = np.clip(np.floor(c).astype(int), 0, cols - 2)
    r0 = np.clip(np.floor(r).astype(int), 0, rows - 2)
    fc, fr = (c - c0)[None, :], (r - r0)[:, None]
    zz = (
        z[r0][:, c0] * (1 - fr) * (1 - fc)
        + z[r0][:, c0 + 1] * (1 - fr) * fc
        + z[r0 + 1][:, c0] * fr * (1 - fc)
        + z[r0 + 1][:, c0 + 1] * fr * fc
    )
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return
    low = float(trace.get("zmin", finite.min()))
    high = float(trace.get("zmax", finite.max()))
    t = np.clip((zz - low) / (high - low), 0, 1) if high > low else np.zeros_like(zz)
    table = _colour_table(trace.get("colorscale"), reverse=bool(trace.get("reversescale")))
    rgb = table[np.round(np.nan_to_num(t) * 255).astype(int)].astype(float)
    contours = trace.get("contours") or {}
    if trace.get("type") == "contour" and contours.get("showlines", True):
        levels = int(trace.get("ncontours", DEFAULT_LEVELS))
        band = np.minimum(np.floor(t * levels), levels - 1)
        edge = np.zeros(band.shape, dtype=bool)
        edge[1:, :] |= band[1:, :] != band[:-1, :]
        edge[:, 1:] |= band[:, 1:] != band[:, :-1]
        r_, g_, b_, alpha = parse_color((trace.get("line") or {}).get("color"), (255, 255, 255))
        if "color" not in (trace.get("line") or {}):
            alpha = LEVEL_LINE_ALPHA
        rgb[edge] = (1 - alpha) * rgb[edge] + alpha * np.array([r_, g_, b_], dtype=float)
    region = np.asarray(canvas.crop(geo.box)).astype(float)
    region = np.where(inside[..., None] & np.isfinite(zz)[..., None], rgb, region)
    canvas.paste(Image.fromarray(np.round(region).astype(np.uint8)), (left, top))


def _draw_text(
    draw: ImageDraw.ImageDraw, xy, text: str, face, fill=TEXT_COLOR, anchor: str = "la"
) -> None:
    text = drawable_text(face, text)
    if text:
        draw.text(xy, text, font=face, fill=fill, anchor=anchor)


def _draw_axes(canvas: Image.Image, geo: Geometry) -> None:
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = geo.box
    line = geo.size(1.2)
    tick_len = geo.size(6)
    tick_face, label_face = faces(geo.scale).tick, faces(geo.scale).label
    draw.rectangle([left - 1, top - 1, right, bottom], outline=AXIS_COLOR, width=line)
    x_step = float(geo.x_ticks[1] - geo.x_ticks[0]) if len(geo.x_ticks) > 1 else 1.0
    y_step = float(geo.y_ticks[1] - geo.y_ticks[0]) if len(geo.y_ticks) > 1 else 1.0
    xs, _ = geo.to_pixel(geo.x_ticks, np.zeros(len(geo.x_ticks)))
    for value, px in zip(geo.x_ticks, xs, strict=True):
        draw.line([(px, bottom), (px, bottom + tick_len)], fill=AXIS_COLOR, width=line)
        _draw_text(
            draw, (px, bottom + tick_len + 2), tick_text(value, x_step), tick_face, anchor="ma"
        )
    _, ys = geo.to_pixel(np.zeros(len(geo.y_ticks)), geo.y_ticks)
    for value, py in zip(geo.y_ticks, ys, strict=True):
        draw.line([(left - tick_len, py), (left, py)], fill=AXIS_COLOR, width=line)
        _draw_text(
            draw, (left - tick_len - 4, py), tick_text(value, y_step), tick_face, anchor="rm"
        )
    if geo.x_title:
        y = bottom + tick_len + round(tick_face.size * 1.3) + geo.size(4)
        _draw_text(draw, ((left + right) / 2, y), geo.x_title, label_face, anchor="ma")
    if geo.y_title:
        text = drawable_text(label_face, geo.y_title)
        strip = Image.new("L", (_text_width(label_face, text) + 4, round(label_face.size * 1.4)))
        ImageDraw.Draw(strip).text((2, 0), text, font=label_face, fill=255)
        strip = strip.rotate(90, expand=True)
        x = geo.size(14)
        y = round((top + bottom) / 2 - strip.height / 2)
        canvas.paste(Image.new("RGB", strip.size, TEXT_COLOR), (x, y), strip)
    if geo.title:
        _draw_text(draw, (geo.size(14), geo.size(14)), geo.title, faces(geo.scale).title)


def _draw_legend(canvas: Image.Image, geo: Geometry) -> None:
    label_face = faces(geo.scale).label
    sample, gap, spacing = geo.size(36), geo.size(8), geo.size(26)
    line_height = geo.size(26)
    top = geo.legend_top
    layer = _Layer((canvas.width, canvas.height - top), geo.scale, offset=(0, top))
    labels = []
    for row_number, row in enumerate(geo.legend_rows):
        x = geo.size(14)
        y = top + row_number * line_height + line_height / 2
        for entry, entry_width in row:
            mode = _mode(entry.trace)
            if "lines" in mode:
                layer.polyline(np.array([[x, y], [x + sample, y]]), entry.trace, clip=False)
                if "markers" in mode:
                    layer.markers(np.array([[x + sample / 2, y]]), entry.trace, legend=True)
            elif "markers" in mode:
                layer.markers(np.array([[x + sample / 2, y]]), entry.trace, legend=True)
            labels.append(((x + sample + gap, y), entry.name))
            x += entry_width + spacing
    layer.merge_into(canvas)
    draw = ImageDraw.Draw(canvas)
    for xy, name in labels:
        draw.text(xy, name, font=label_face, fill=TEXT_COLOR, anchor="lm")


# ------------------------------------------------------------------------------------------------
# Traces: polylines with dashes, markers, text, at twice the size


def _dash_pattern(dash: Any, width: float) -> list[float] | None:
    """Plotly.js's dash lengths for a line ``width`` pixels wide (None: solid)."""
    unit = max(width, 3.0)
    patterns = {
        "dot": [1, 1],
        "dash": [3, 3],
        "longdash": [5, 5],
        "dashdot": [3, 1, 1, 1],
        "longdashdot": [5, 2, 1, 2],
    }
    if dash in patterns:
        return [unit * p for p in patterns[dash]]
    if isinstance(dash, str) and re.fullmatch(r"[\d.]+(px)?([ ,]+[\d.]+(px)?)*", dash.strip()):
        lengths = [float(p.rstrip("px")) for p in re.split(r"[ ,]+", dash.strip())]
        return lengths if sum(lengths) > 0 else None
    return None


def _clip_segments(points: np.ndarray, box: tuple[float, float, float, float]) -> list[np.ndarray]:
    """A polyline cut to ``box`` (Liang–Barsky on every segment): the pieces inside, in order.
    Points far outside would otherwise overflow the drawing code's integers."""
    if len(points) < 2:
        inside = (
            len(points) == 1
            and box[0] <= points[0, 0] <= box[2]
            and box[1] <= points[0, 1] <= box[3]
        )
        return [points] if inside else []
    p0, d = points[:-1], points[1:] - points[:-1]
    t0 = np.zeros(len(d))
    t1 = np.ones(len(d))
    for axis, low, high in ((0, box[0], box[2]), (1, box[1], box[3])):
        for p, q in ((-d[:, axis], p0[:, axis] - low), (d[:, axis], high - p0[:, axis])):
            with np.errstate(divide="ignore", invalid="ignore"):
                r = q / p
            parallel = p == 0
            t0 = np.where(~parallel & (p < 0), np.maximum(t0, r), t0)
            t1 = np.where(~parallel & (p > 0), np.minimum(t1, r), t1)
            t1 = np.where(parallel & (q < 0), -1.0, t1)
    keep = t0 <= t1
    starts = p0 + t0[:, None] * d
    ends = p0 + t1[:, None] * d
    pieces: list[list[np.ndarray]] = []
    for i in np.flatnonzero(keep):
        # a segment continues the piece before it when both are whole where they meet
        if not (i > 0 and keep[i - 1] and t1[i - 1] == 1 and t0[i] == 0):
            pieces.append([starts[i]])
        pieces[-1].append(ends[i])
    return [np.array(piece) for piece in pieces]


def _dashed(points: np.ndarray, pattern: list[float]) -> list[np.ndarray]:
    """The drawn parts of a dashed polyline."""
    seg = np.diff(points, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    total = along[-1]
    parts = []
    position, index = 0.0, 0
    while position < total:
        length = pattern[index % len(pattern)]
        if index % 2 == 0:
            a, b = position, min(position + length, total)
            inner = points[1:-1][(along[1:-1] > a) & (along[1:-1] < b)]
            ends = [
                np.array([np.interp(v, along, points[:, 0]), np.interp(v, along, points[:, 1])])
                for v in (a, b)
            ]
            parts.append(np.vstack([ends[0], *inner, ends[1]]) if len(inner) else np.array(ends))
        position += length
        index += 1
    return parts


def _star(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, radius, radius * 0.45)
    return list(zip(cx + radii * np.cos(angles), cy - radii * np.sin(angles), strict=True))


def _cross(cx: float, cy: float, radius: float, *, diagonal: bool) -> list[tuple[float, float]]:
    """A plus (or, ``diagonal``, an ×) as one polygon, arms a third of ``radius`` thick."""
    arm, half = radius, radius / 3
    corners = [
        (half, half), (half, arm), (-half, arm), (-half, half), (-arm, half), (-arm, -half),
        (-half, -half), (-half, -arm), (half, -arm), (half, -half), (arm, -half), (arm, half),
    ]  # fmt: skip
    if diagonal:
        c = math.sqrt(0.5)
        corners = [(c * (x - y), c * (x + y)) for x, y in corners]
    return [(cx + x, cy + y) for x, y in corners]


def _cross_lines(cx: float, cy: float, arm: float, *, diagonal: bool) -> list[tuple]:
    if diagonal:
        return [(cx - arm, cy - arm, cx + arm, cy + arm), (cx - arm, cy + arm, cx + arm, cy - arm)]
    return [(cx - arm, cy, cx + arm, cy), (cx, cy - arm, cx, cy + arm)]


class _Layer:
    """Traces drawn at :data:`SUPERSAMPLE` times the size on a transparent layer over ``size``
    pixels (coordinates are given in file pixels)."""

    def __init__(self, size: tuple[int, int], scale: float, offset: tuple[int, int] = (0, 0)):
        self.offset = offset
        self.scale = scale
        self.image = Image.new("RGBA", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)
        margin = 64.0
        self.clip_box = (-margin, -margin, size[0] + margin, size[1] + margin)

    def polyline(self, points: np.ndarray, trace: dict, *, clip: bool = True) -> None:
        line = trace.get("line") or {}
        r, g, b, alpha = parse_color(line.get("color") or _trace_color(trace))
        alpha *= float(trace.get("opacity", 1.0))
        width = float(line.get("width", 2)) * self.scale
        pieces = (
            _clip_segments(points - np.asarray(self.offset), self.clip_box)
            if clip
            else [points - np.asarray(self.offset)]
        )
        pattern = _dash_pattern(line.get("dash"), width)
        fill = (r, g, b, round(255 * alpha))
        for piece in pieces:
            if len(piece) < 2:
                continue
            for part in _dashed(piece, pattern) if pattern else [piece]:
                xy = [tuple(p) for p in part * SUPERSAMPLE]
                self.draw.line(
                    xy, fill=fill, width=max(1, round(width * SUPERSAMPLE)), joint="curve"
                )

    def markers(
        self,
        points: np.ndarray,
        trace: dict,
        *,
        size: float | None = None,
        legend: bool = False,
        outline: tuple[str, float] | None = None,
    ) -> None:
        marker = trace.get("marker") or {}
        symbol = str(marker.get("symbol", "circle"))
        diameter = float(marker.get("size", 6) if size is None else size)
        if legend:
            diameter = min(diameter, 14.0)
        radius = diameter * self.scale * SUPERSAMPLE / 2
        colour = marker.get("color")
        r, g, b, alpha = parse_color(colour if isinstance(colour, str) else _trace_color(trace))
        alpha *= float(marker.get("opacity", 1.0)) * float(trace.get("opacity", 1.0))
        fill = (r, g, b, round(255 * alpha))
        line = marker.get("line") or {}
        if outline is not None:
            line = {"color": outline[0], "width": outline[1]}
        edge_width = float(line.get("width", 0)) * self.scale * SUPERSAMPLE
        edge = (*parse_color(line.get("color"), (68, 68, 68))[:3], 255)
        local = points - np.asarray(self.offset)
        inside = np.all((local >= self.clip_box[:2]) & (local <= self.clip_box[2:]), axis=1)
        for cx, cy in local[inside] * SUPERSAMPLE:
            self._symbol(symbol, cx, cy, radius, fill, edge, edge_width)

    def _symbol(self, symbol, cx, cy, radius, fill, edge, edge_width) -> None:
        draw = self.draw
        box = [cx - radius, cy - radius, cx + radius, cy + radius]
        outline = edge if edge_width else None
        stroke = max(SUPERSAMPLE, round(edge_width))  # at least one output pixel
        if symbol in ("x-thin", "cross-thin"):
            arm = radius * (0.85 if symbol.startswith("x") else 1.0)
            width = max(2, round(edge_width or 2 * SUPERSAMPLE))
            for segment in _cross_lines(cx, cy, arm, diagonal=symbol.startswith("x")):
                draw.line(segment, fill=edge if edge_width else fill, width=width)
        elif symbol.split("-")[0] in ("x", "cross"):
            shape = _cross(cx, cy, radius, diagonal=symbol.startswith("x"))
            draw.polygon(shape, fill=fill, outline=outline, width=stroke)
        elif symbol.startswith("star"):
            draw.polygon(_star(cx, cy, radius * 1.15), fill=fill, outline=outline, width=stroke)
        elif symbol.startswith("square"):
            draw.rectangle(box, fill=fill, outline=outline, width=stroke)
        elif symbol.startswith("diamond"):
            shape = [(cx, cy - radius), (cx + radius, cy), (cx, cy + radius), (cx - radius, cy)]
            draw.polygon(shape, fill=fill, outline=outline, width=stroke)
        elif symbol.endswith("-open"):
            width = max(2, round(edge_width or 2 * SUPERSAMPLE))
            draw.ellipse(box, outline=edge if edge_width else fill, width=width)
        else:
            draw.ellipse(box, fill=fill, outline=outline, width=stroke)

    def merge_into(self, canvas: Image.Image) -> tuple[int, int, int, int] | None:
        """Halves the layer (antialiasing) and lays it over ``canvas`` at its offset; returns the
        box it changed (None: nothing drawn)."""
        drawn = self.image.getbbox()
        if drawn is None:
            return None
        # only the part drawn on, in whole output pixels (premultiplied, so edges blend right)
        left, top, right, bottom = (
            drawn[0] // SUPERSAMPLE,
            drawn[1] // SUPERSAMPLE,
            -(-drawn[2] // SUPERSAMPLE),
            -(-drawn[3] // SUPERSAMPLE),
        )
        part = self.image.crop(
            (left * SUPERSAMPLE, top * SUPERSAMPLE, right * SUPERSAMPLE, bottom * SUPERSAMPLE)
        )
        small = part.convert("RGBa").reduce(SUPERSAMPLE).convert("RGBA")
        x, y = self.offset[0] + left, self.offset[1] + top
        canvas.paste(small, (x, y), small)
        return (x, y, x + small.width, y + small.height)


def _trace_color(trace: dict) -> str:
    line = trace.get("line") or {}
    marker = trace.get("marker") or {}
    for colour in (line.get("color"), marker.get("color")):
        if isinstance(colour, str):
            return colour
    return PALETTE[0]


def _points(trace: dict) -> np.ndarray:
    x = plain.values(trace.get("x", [])).astype(float).ravel()
    y = plain.values(trace.get("y", [])).astype(float).ravel()
    n = min(len(x), len(y))
    points = np.stack([x[:n], y[:n]], axis=1) if n else np.zeros((0, 2))
    return points[np.all(np.isfinite(points), axis=1)]


# ------------------------------------------------------------------------------------------------
# Rendering


class Renderer:
    """Draws the frames of an animated figure, ``width`` pixels wide.

    The background (loss image, axes, legend) is drawn once; each frame draws its traces over a
    copy of it.
    """

    def __init__(self, fig: plain.Figure, width: int, max_frames: int = MAX_FRAMES):
        self.frames = figure_frames(fig, max_frames)
        self.geometry = geo = figure_geometry(fig, width, self.frames)
        canvas = Image.new("RGB", (geo.width, geo.height), BACKGROUND)
        for trace in self.frames[0].traces:
            if trace.get("type") in ("heatmap", "contour") and trace.get("visible", True) is True:
                _paint_heatmap(canvas, geo, trace)
        for spec in fig.layout.get("images", []):
            _place_image(canvas, geo, spec)
        self.annotations = [a for a in fig.layout.get("annotations", []) if a.get("showarrow")]
        _draw_axes(canvas, geo)
        _draw_legend(canvas, geo)
        self.background = canvas
        self.counter_face = faces(geo.scale).title

    def frame(self, index: int) -> Image.Image:
        """Frame ``index`` as an RGB image."""
        return self.frame_and_changes(index)[0]

    def frame_and_changes(self, index: int) -> tuple[Image.Image, list[tuple[int, int, int, int]]]:
        """Frame ``index`` as an RGB image, and the boxes where it differs from the background."""
        geo = self.geometry
        frame = self.frames[index]
        left, top, right, bottom = geo.box
        canvas = self.background.copy()
        layer = _Layer((right - left, bottom - top), geo.scale, offset=(left, top))
        heads = []
        for number, trace in enumerate(frame.traces):
            if not _is_drawn(trace):
                continue
            points = _points(trace)
            points = np.stack(geo.to_pixel(points[:, 0], points[:, 1]), axis=1)
            mode = _mode(trace)
            if "lines" in mode and len(points) > 1:
                layer.polyline(points, trace)
            if "markers" in mode and len(points):
                layer.markers(points, trace)
            if number in frame.animated and len(points):
                heads.append((points[-1:], trace))
        for annotation in self.annotations:
            self._arrow(layer, annotation)
        # the current points on top of everything: what moves is what a viewer follows
        for point, trace in heads:
            layer.markers(point, trace, size=HEAD_SIZE, outline=("white", 1.5))
        changes = [layer.merge_into(canvas)]
        draw = ImageDraw.Draw(canvas)
        changes += self._texts(draw, frame)
        position = (right, geo.size(14))
        draw.text(position, frame.label, font=self.counter_face, fill=TEXT_COLOR, anchor="ra")
        changes.append(draw.textbbox(position, frame.label, font=self.counter_face, anchor="ra"))
        return canvas, [_whole(box, canvas.size) for box in changes if box is not None]

    def _texts(self, draw: ImageDraw.ImageDraw, frame: Frame) -> list[tuple]:
        """Text labels of ``markers+text`` traces (a diverged run's ✕) inside the plot; returns
        their boxes."""
        geo = self.geometry
        face = faces(geo.scale).text
        left, top, right, bottom = geo.box
        boxes = []
        for trace in frame.traces:
            if not _is_drawn(trace) or "text" not in _mode(trace):
                continue
            texts = trace.get("text")
            texts = [texts] if isinstance(texts, str) else list(texts or [])
            colour = _rgb((trace.get("textfont") or {}).get("color"))
            lift = float((trace.get("marker") or {}).get("size", 6)) * geo.scale / 2 + 3
            for (x, y), text in zip(_points(trace), texts, strict=False):
                px, py = (float(v) for v in geo.to_pixel(x, y))
                shown = drawable_text(face, str(text))
                if shown and left <= px <= right and top <= py <= bottom:
                    draw.text((px, py - lift), shown, font=face, fill=colour, anchor="md")
                    boxes.append(draw.textbbox((px, py - lift), shown, font=face, anchor="md"))
        return boxes

    def _arrow(self, layer: _Layer, annotation: dict) -> None:
        """An annotation's arrow in data coordinates (the step inspector's step)."""
        if annotation.get("axref") != "x" or annotation.get("ayref") != "y":
            return
        geo = self.geometry
        try:
            xs = [float(annotation["ax"]), float(annotation["x"])]
            ys = [float(annotation["ay"]), float(annotation["y"])]
        except (KeyError, TypeError, ValueError):
            return
        px, py = geo.to_pixel(xs, ys)
        points = np.stack([px, py], axis=1)
        if not np.all(np.isfinite(points)) or np.hypot(*(points[1] - points[0])) < 1:
            return
        colour = annotation.get("arrowcolor", "#444444")
        width = float(annotation.get("arrowwidth", 2))
        trace = {"line": {"color": colour, "width": width}}
        direction = (points[1] - points[0]) / np.hypot(*(points[1] - points[0]))
        head = 4 * width * geo.scale
        base = points[1] - direction * head
        normal = np.array([-direction[1], direction[0]]) * head * 0.5
        layer.polyline(np.stack([points[0], base]), trace)
        triangle = np.stack([points[1], base + normal, base - normal]) - np.asarray(layer.offset)
        if np.all(np.abs(triangle) < 1e5):
            r, g, b, _ = parse_color(colour)
            layer.draw.polygon([tuple(p) for p in triangle * SUPERSAMPLE], fill=(r, g, b, 255))

    def frames_rgb(self) -> Iterable[Image.Image]:
        for index in range(len(self.frames)):
            yield self.frame(index)


def _whole(box: Sequence[float], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``box`` widened to whole pixels inside an image of ``size``."""
    return (
        max(0, math.floor(box[0])),
        max(0, math.floor(box[1])),
        min(size[0], math.ceil(box[2])),
        min(size[1], math.ceil(box[3])),
    )


# ------------------------------------------------------------------------------------------------
# Files


def _check_link(link: str) -> str:
    link = str(link or "")
    if len(link) > MAX_LINK_CHARS:
        raise ValueError(f"the link is longer than {MAX_LINK_CHARS} characters")
    if any(ord(char) < 32 for char in link):
        raise ValueError("the link holds control characters")
    return link


def _exact_colours(renderer: Renderer) -> list[tuple[int, int, int]]:
    """Colours that must come out exactly: the background's, the text's, the traces' (as many
    as leave most of the palette to the loss's colour scale)."""
    # text and outlines are antialiased against white: a ramp of greys keeps their edges grey
    ramp = [
        tuple(round(a + (b - a) * t) for a, b in zip(TEXT_COLOR, BACKGROUND, strict=True))
        for t in np.linspace(0, 1, GREY_STEPS)
    ]
    colours = [*ramp, AXIS_COLOR, (0, 0, 0)]
    for trace in renderer.frames[-1].traces:
        if _is_drawn(trace):
            marker = (trace.get("marker") or {}).get("color")
            colours += [_rgb(_trace_color(trace))] + (
                [_rgb(marker)] if isinstance(marker, str) else []
            )
    colours += [_rgb(a.get("arrowcolor")) for a in renderer.annotations]
    return list(dict.fromkeys(colours))[:MAX_EXACT_COLOURS]


class _Palette:
    """A 256-colour palette and the nearest entry of any colour (remembered across frames)."""

    def __init__(self, exact: Sequence[tuple[int, int, int]], sample: Image.Image):
        free = GIF_COLOURS - len(exact)
        adaptive = sample.quantize(free, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        extra = np.array(adaptive.getpalette()[: 3 * free], dtype=np.int64).reshape(-1, 3)
        self.colours = np.vstack([np.array(exact, dtype=np.int64).reshape(-1, 3), extra])
        self._known: dict[int, int] = {}

    def indices(self, rgb: np.ndarray) -> np.ndarray:
        """Palette indices of an (…, 3) uint8 array."""
        codes = (
            (rgb[..., 0].astype(np.int64) << 16) | (rgb[..., 1].astype(np.int64) << 8) | rgb[..., 2]
        )
        unique, inverse = np.unique(codes.ravel(), return_inverse=True)
        new = np.array([c for c in unique if c not in self._known], dtype=np.int64)
        if new.size:
            colours = np.stack([(new >> 16) & 255, (new >> 8) & 255, new & 255], axis=1)
            for start in range(0, len(new), 4096):
                chunk = colours[start : start + 4096]
                distance = ((chunk[:, None, :] - self.colours[None, :, :]) ** 2).sum(axis=2)
                for code, index in zip(
                    new[start : start + 4096], distance.argmin(axis=1), strict=True
                ):
                    self._known[int(code)] = int(index)
        lookup = np.array([self._known[int(c)] for c in unique], dtype=np.uint8)
        return lookup[inverse].reshape(codes.shape)

    def flat(self) -> list[int]:
        return [int(v) for v in self.colours.ravel()]

    def image(self) -> Image.Image:
        """A one-pixel image carrying the palette (what Pillow's ``quantize`` takes)."""
        carrier = Image.new("P", (1, 1))
        carrier.putpalette(self.flat())
        return carrier


def figure_gif(
    fig: plain.Figure, *, width: int = WIDTHS[1], speed: float = 1.0, link: str = ""
) -> bytes:
    """``fig``'s animation as an animated GIF that loops.

    Args:
        fig: a figure with frames (see the module notes).
        width: pixels (:data:`MIN_WIDTH` to :data:`MAX_WIDTH`); the height is 3/4 of it.
        speed: playback speed, 1 = the app's (:data:`SPEEDS` bound it); the last frame is held
            :data:`HOLD_MS` ms at least.
        link: the page's address, stored in the file's comment.

    Returns:
        The GIF file. At most :data:`MAX_FRAMES` frames.

    Raises:
        ValueError: no frames, a width, speed or link out of bounds, or a figure it cannot draw.
    """
    speed_frame_ms(speed)  # checks the speed before any drawing
    link = _check_link(link)
    renderer = Renderer(fig, width)
    last = renderer.frame_and_changes(len(renderer.frames) - 1)
    palette = _Palette(_exact_colours(renderer), last[0])
    background = np.asarray(renderer.background)
    # the still part through Pillow's own mapping (fast, nearly exact); the traces exactly
    background_index = np.asarray(
        renderer.background.quantize(palette=palette.image(), dither=Image.Dither.NONE)
    )
    images = []
    for index in range(len(renderer.frames)):
        rgb_image, changes = (
            last if index == len(renderer.frames) - 1 else renderer.frame_and_changes(index)
        )
        rgb = np.asarray(rgb_image)
        indexed = background_index.copy()
        for x0, y0, x1, y1 in changes:
            part, still = rgb[y0:y1, x0:x1], background[y0:y1, x0:x1]
            changed = np.any(part != still, axis=2)
            indexed[y0:y1, x0:x1][changed] = palette.indices(part[changed])
        image = Image.fromarray(indexed, "P")
        image.putpalette(palette.flat())
        images.append(image)
    durations = frame_durations(len(images), speed)
    out = io.BytesIO()
    images[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        comment=link.encode("utf-8"),
        optimize=False,
    )
    return out.getvalue()


def mp4_available() -> bool:
    """Whether an ``ffmpeg`` program is on the PATH (MP4 files need it)."""
    return shutil.which("ffmpeg") is not None


def figure_mp4(
    fig: plain.Figure, *, width: int = WIDTHS[1], speed: float = 1.0, link: str = ""
) -> bytes:
    """``fig``'s animation as an H.264 MP4 (made by ``ffmpeg``), with :func:`figure_gif`'s frames,
    pace and final hold; ``link`` goes into the file's ``comment`` metadata.

    Raises:
        ValueError: no ``ffmpeg`` on the PATH (see :func:`mp4_available`), or as
            :func:`figure_gif`.
        RuntimeError: ``ffmpeg`` failed.
    """
    frame_ms = speed_frame_ms(speed)
    link = _check_link(link)
    program = shutil.which("ffmpeg")
    if program is None:
        raise ValueError("MP4 needs the ffmpeg program, which is not installed")
    renderer = Renderer(fig, width)
    geo = renderer.geometry
    hold = max(0, math.ceil(HOLD_MS / frame_ms) - 1)
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "animation.mp4")
        command = [
            program,
            "-loglevel", "error",
            "-f", "rawvideo",
            "-pix_fmt", "rgb24",
            "-s", f"{geo.width}x{geo.height}",
            "-framerate", f"1000/{frame_ms}",
            "-i", "-",
            "-c:v", "libx264",
            "-pix_fmt", "yuv420p",
            "-crf", "18",
            "-preset", "veryfast",
            "-movflags", "+faststart",
            "-metadata", f"comment={link}",
            "-y", target,
        ]  # fmt: skip
        log_path = os.path.join(folder, "ffmpeg.log")
        with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would stall ffmpeg
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=log)
            try:
                assert process.stdin is not None
                for index, image in enumerate(renderer.frames_rgb()):
                    repeats = 1 + (hold if index == len(renderer.frames) - 1 else 0)
                    for _ in range(repeats):
                        process.stdin.write(image.tobytes())
                process.stdin.close()
                process.wait(timeout=FFMPEG_TIMEOUT_S)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
        if process.returncode != 0:
            with open(log_path, "rb") as log:
                message = log.read().decode(errors="replace").strip()[-500:]
            raise RuntimeError(f"ffmpeg failed: {message}")
        with open(target, "rb") as file:
            return file.read()
