"""Plotly figures as plain dictionaries.

``plotly.graph_objects`` validates, copies and re-walks every property each time a figure is built,
which was most of the server's time on every page run. The builders write the JSON that Plotly.js
reads instead, through the few helpers of ``go.Figure`` they use, with its conventions: keyword
paths with underscores (``marker_color``, ``xaxis_title_text``), ``None`` leaves a property unset,
a plain string title means its text, NumPy arrays are stored as typed arrays (base64, as Plotly
sends them; :func:`values` reads one back). Subplot grids, and the positions of annotations on
axis-spanning lines and rectangles, are Plotly's own (computed once per grid shape).
``tests/test_plain.py`` checks each helper against ``go.Figure``.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from functools import cache
from typing import Any

import numpy as np
from _plotly_utils.utils import plotlyjsShortTypes
from plotly import shapeannotation
from plotly.basedatatypes import BaseFigure

_DTYPES = {short: name for name, short in plotlyjsShortTypes.items()}
# Properties whose dictionaries Plotly passes on as they are (a button's arguments).
_FREE_FORM = frozenset({"args", "args2", "customdata", "meta"})
# Plotly property names that contain an underscore (not a path).
_UNDERSCORE_NAMES = frozenset(
    {"error_x", "error_y", "error_z", "copy_ystyle", "copy_zstyle", "paper_bgcolor", "plot_bgcolor"}
)


def _split(key: str) -> list[str]:
    if key in _UNDERSCORE_NAMES or "_" not in key:
        return [key]
    parts = key.split("_")
    # error_x_color → error_x, color
    merged: list[str] = []
    for part in parts:
        if merged and f"{merged[-1]}_{part}" in _UNDERSCORE_NAMES:
            merged[-1] = f"{merged[-1]}_{part}"
        else:
            merged.append(part)
    return merged


def _plain(value: Any) -> Any:
    """A property value as JSON-ready data (tuples as lists, NumPy scalars as numbers)."""
    if type(value) in _JSON_SCALARS:  # most values: no ABC checks
        return value
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) if isinstance(v, Mapping | tuple | list) else v for v in value]
    if isinstance(value, np.ndarray):
        return _typed(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _assign(target: dict, path: list[str], value: Any) -> None:
    """Sets ``target[path]`` as ``go.Figure.update`` does: dictionaries merge, ``None`` unsets."""
    for name in path[:-1]:
        child = target.get(name)
        if not isinstance(child, dict):
            child = target[name] = {}
        target = child
    name = path[-1]
    if value is None:
        target.pop(name, None)
    elif name == "colorscale" and isinstance(value, str):
        target[name] = _named_colorscale(value)
    elif name == "title" and isinstance(value, str):
        _assign(target, [name, "text"], value)
    elif isinstance(value, list) and name not in _FREE_FORM:
        target[name] = [update({}, v) if isinstance(v, Mapping) else _plain(v) for v in value]
    elif isinstance(value, Mapping):
        child = target.get(name)
        if not isinstance(child, dict):
            child = target[name] = {}
        for key, item in value.items():
            _assign(child, _split(key), item)
    else:
        target[name] = _plain(value)


@cache
def _named_colorscale(name: str) -> list:
    """A named scale as the list of stops ``go`` writes (Plotly.js's own stops differ for some)."""
    from _plotly_utils.basevalidators import ColorscaleValidator

    return [list(stop) for stop in ColorscaleValidator("colorscale", "").validate_coerce(name)]


def update(target: dict, props: Mapping[str, Any] | None = None, **kwargs: Any) -> dict:
    """Merges ``props`` and keyword paths into ``target`` (in place) and returns it."""
    for key, value in {**(props or {}), **kwargs}.items():
        _assign(target, _split(key), value)
    return target


def trace(kind: str, **props: Any) -> dict:
    """A trace of type ``kind`` (``scatter``, ``heatmap``…) with properties as ``go`` takes them."""
    return update({"type": kind}, props)


def scatter(**props: Any) -> dict:
    return trace("scatter", **props)


def bar(**props: Any) -> dict:
    return trace("bar", **props)


def heatmap(**props: Any) -> dict:
    return trace("heatmap", **props)


def contour(**props: Any) -> dict:
    return trace("contour", **props)


def histogram(**props: Any) -> dict:
    return trace("histogram", **props)


def surface(**props: Any) -> dict:
    return trace("surface", **props)


def scatter3d(**props: Any) -> dict:
    return trace("scatter3d", **props)


@cache
def template() -> dict:
    """The Plotly template in force (Streamlit's, once it is imported), as ``go.Figure`` embeds it."""
    import plotly.io as pio

    name = pio.templates.default
    return pio.templates[name].to_plotly_json() if name else {}


class Figure(BaseFigure):
    """A figure as ``data`` (traces), ``layout`` and ``frames``, all plain dictionaries.

    It passes for a ``go`` figure where one is taken whole (``st.plotly_chart``, ``plotly.io``):
    those ask it for ``to_dict()`` and trust the result, where a dictionary would be validated.
    None of ``BaseFigure``'s own machinery is used.
    """

    data: list[dict] = None  # instance attributes, in place of BaseFigure's properties
    layout: dict = None
    frames: list[dict] = None
    __setattr__ = object.__setattr__
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __reduce__(self):
        return (_rebuild, (self.data, self.layout, self.frames, self._grid))

    def __repr__(self) -> str:
        return f"plain.Figure({len(self.data)} traces, {len(self.frames)} frames)"

    def __init__(
        self,
        data: dict | Iterable[dict] | None = None,
        layout: Mapping[str, Any] | None = None,
        frames: Iterable[dict] | None = None,
    ):
        self.data = [data] if isinstance(data, Mapping) else list(data or [])
        self.layout = update({}, layout)
        self.frames = list(frames or [])
        # (row, col) → axis names of that subplot; empty for a single plot
        self._grid: dict[tuple[int, int], list[tuple[str, str]]] = {}

    # --- traces -------------------------------------------------------------------------------
    def add_trace(
        self, trace: dict, row: int | None = None, col: int | None = None, secondary_y=None
    ) -> Figure:
        if self._grid and (row is not None or secondary_y is not None):
            x, y = self._axes(row or 1, col, secondary_y)
            trace = {**trace, "xaxis": x, "yaxis": y}
        self.data.append(trace)
        return self

    def add_traces(self, traces: Iterable[dict]) -> Figure:
        self.data.extend(traces)
        return self

    # --- layout -------------------------------------------------------------------------------
    def update_layout(self, props: Mapping[str, Any] | None = None, **kwargs: Any) -> Figure:
        update(self.layout, props, **kwargs)
        return self

    def update_traces(self, props: Mapping[str, Any] | None = None, **kwargs: Any) -> Figure:
        for item in self.data:
            update(item, props, **kwargs)
        return self

    def update_xaxes(self, props=None, row=None, col=None, secondary_y=None, **kwargs) -> Figure:
        return self._update_axes("x", props, row, col, secondary_y, kwargs)

    def update_yaxes(self, props=None, row=None, col=None, secondary_y=None, **kwargs) -> Figure:
        return self._update_axes("y", props, row, col, secondary_y, kwargs)

    def _update_axes(self, letter, props, row, col, secondary_y, kwargs) -> Figure:
        for name in self._axis_names(letter, row, col, secondary_y):
            update(self.layout.setdefault(name, {}), props, **kwargs)
        return self

    def _axis_names(self, letter: str, row, col, secondary_y) -> list[str]:
        """Layout keys of the ``letter`` axes in the selected subplots (all of them by default)."""
        if not self._grid:
            names = sorted(
                (k for k in self.layout if _is_axis(k, letter)), key=lambda k: (len(k), k)
            )
            return names or [f"{letter}axis"]
        names: list[str] = []
        for (r, c), refs in self._grid.items():
            if (row is None or r == row) and (col is None or c == col):
                for index, ref in enumerate(refs):
                    if secondary_y is not None and index != int(bool(secondary_y)):
                        continue
                    name = _layout_key(ref[0] if letter == "x" else ref[1])
                    if name not in names:
                        names.append(name)
        return names

    def _axes(self, row: int, col: int | None, secondary_y=None) -> tuple[str, str]:
        refs = self._grid[(row, col or 1)]
        return refs[1] if secondary_y and len(refs) > 1 else refs[0]

    # --- shapes and annotations -----------------------------------------------------------------
    def add_annotation(self, props=None, row=None, col=None, **kwargs) -> Figure:
        annotation = update({}, props, **kwargs)
        if row is not None and self._grid:
            x, y = self._axes(row, col)
            annotation.update(xref=x, yref=y)
        self.layout.setdefault("annotations", []).append(annotation)
        return self

    def add_layout_image(self, props=None, **kwargs) -> Figure:
        self.layout.setdefault("images", []).append(update({}, props, **kwargs))
        return self

    def add_shape(self, props=None, row=None, col=None, **kwargs) -> Figure:
        shape = update({}, props, **kwargs)
        if row is not None and self._grid:
            x, y = self._axes(row, col)
            shape.update(xref=x, yref=y)
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_hline(self, y, row="all", col="all", annotation=None, **kwargs) -> Figure:
        return self._span("hline", dict(type="line", x0=0, x1=1, y0=y, y1=y), row, col, kwargs)

    def add_vline(self, x, row="all", col="all", annotation=None, **kwargs) -> Figure:
        return self._span("vline", dict(type="line", x0=x, x1=x, y0=0, y1=1), row, col, kwargs)

    def add_vrect(self, x0, x1, row="all", col="all", annotation=None, **kwargs) -> Figure:
        return self._span("vrect", dict(type="rect", x0=x0, x1=x1, y0=0, y1=1), row, col, kwargs)

    def add_hrect(self, y0, y1, row="all", col="all", annotation=None, **kwargs) -> Figure:
        return self._span("hrect", dict(type="rect", x0=0, x1=1, y0=y0, y1=y1), row, col, kwargs)

    def _span(self, kind: str, geometry: dict, row, col, kwargs: dict) -> Figure:
        """A line or rectangle across a whole axis (as ``go.Figure.add_hline`` and friends)."""
        shape_kwargs, annotation_kwargs = shapeannotation.split_dict_by_key_prefix(
            kwargs, "annotation_"
        )
        label = shapeannotation.axis_spanning_shape_annotation(
            None, kind, geometry, annotation_kwargs
        )
        spans_x = kind in ("hline", "hrect")  # across the x axis: x in domain units
        for x, y in self._span_targets(row, col):
            shape = update(dict(geometry), shape_kwargs)
            refs = dict(xref=shape.get("xref", x), yref=shape.get("yref", y))
            refs["xref" if spans_x else "yref"] += " domain"
            self.layout.setdefault("shapes", []).append({**shape, **refs})
            if label is not None:
                note = update(dict(label), xref=x, yref=shape_kwargs.get("yref", y))
                note["xref" if spans_x else "yref"] += " domain"
                self.layout.setdefault("annotations", []).append(note)
        return self

    def _span_targets(self, row, col) -> list[tuple[str, str]]:
        if not self._grid:
            return [("x", "y")]
        if row == "all" or col == "all":
            used = {(t.get("xaxis", "x"), t.get("yaxis", "y")) for t in self.data}
            return [
                refs[0]
                for (r, c), refs in self._grid.items()
                if (row == "all" or r == row) and (col == "all" or c == col) and refs[0] in used
            ]
        return [self._axes(row, col)]

    # --- output -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The figure as Plotly.js reads it, the template included (its type and height scaled
        by :data:`TYPE_SCALE`)."""
        layout = self.layout
        scale = TYPE_SCALE.get()
        if scale != 1.0:
            layout = _scaled(layout, scale)
        out = {"data": self.data, "layout": {"template": template(), **layout}}
        if self.frames:
            out["frames"] = self.frames
        return out

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def to_json(self) -> str:
        return to_json(self.to_dict())


#: How much larger figures are drawn, type and height, in this thread's page run (the presenter
#: view of a projector sets it; the figures themselves, often shared between sessions, never
#: change).
TYPE_SCALE: ContextVar[float] = ContextVar("type_scale", default=1.0)


def _scaled(layout: dict, scale: float) -> dict:
    """A copy of ``layout`` with its base font size and its height times ``scale``."""
    out = dict(layout)
    out["font"] = {
        **(layout.get("font") or {}),
        "size": round((layout.get("font") or {}).get("size", 12) * scale, 1),
    }
    if isinstance(layout.get("height"), int | float):
        out["height"] = round(layout["height"] * scale)
    return out


def _rebuild(data, layout, frames, grid) -> Figure:
    fig = Figure(data, frames=frames)
    fig.layout, fig._grid = layout, grid
    return fig


def make_subplots(**kwargs: Any) -> Figure:
    """An empty figure with Plotly's own subplot grid (``plotly.subplots.make_subplots``' arguments)."""
    layout, grid = _subplot_grid(json.dumps(kwargs, sort_keys=True, default=list))
    fig = Figure(layout=json.loads(layout))
    fig._grid = {cell: list(refs) for cell, refs in grid}
    return fig


@cache
def _subplot_grid(arguments: str) -> tuple[str, tuple]:
    from plotly.subplots import make_subplots as plotly_subplots

    fig = plotly_subplots(**json.loads(arguments))
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)
    grid = []
    for r, cells in enumerate(fig._grid_ref, start=1):
        for c, refs in enumerate(cells, start=1):
            if refs:
                grid.append(
                    (
                        (r, c),
                        tuple(
                            (ref.trace_kwargs["xaxis"], ref.trace_kwargs["yaxis"]) for ref in refs
                        ),
                    )
                )
    return json.dumps(layout), tuple(grid)


def _layout_key(axis: str) -> str:
    """``x2`` → ``xaxis2``."""
    return f"{axis[0]}axis{axis[1:]}"


def _is_axis(key: str, letter: str) -> bool:
    prefix = f"{letter}axis"
    return key.startswith(prefix) and (key == prefix or key[len(prefix) :].isdigit())


def _typed(array: np.ndarray) -> Any:
    """A NumPy array as a Plotly.js typed array (base64 of its bytes), as ``go`` sends it: 64-bit
    integers narrowed to the smallest type that holds them, a list where Plotly.js has no such
    type. (Plotly's own ``to_typed_array_spec`` first inspects its argument for every dataframe
    library it knows, which cost most of a figure's build.)"""
    if array.size == 0 or array.dtype.kind not in "iuf":
        return array.tolist()
    if array.dtype in (np.int64, np.uint64):
        low, high = array.min(), array.max()
        kinds = (np.int8, np.int16, np.int32) if array.dtype == np.int64 else _UNSIGNED
        fitting = [k for k in kinds if np.iinfo(k).min <= low and high <= np.iinfo(k).max]
        if not fitting:
            return array.tolist()
        array = array.astype(fitting[0])
    short = plotlyjsShortTypes.get(str(array.dtype))
    if short is None:
        return array.tolist()
    out = {"dtype": short, "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        out["shape"] = str(array.shape)[1:-1]
    return out


_UNSIGNED = (np.uint8, np.uint16, np.uint32)


def values(data: Any) -> np.ndarray:
    """A trace's data (a typed array or a list) as a NumPy array."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), np.dtype(_DTYPES[data["dtype"]]))
        shape = data.get("shape")
        return array.reshape([int(n) for n in shape.split(",")]) if shape else array
    return np.asarray(data)


def _finite(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _typed(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} into a figure")


def to_json(spec: Mapping[str, Any]) -> str:
    """Compact JSON of a figure dictionary; NaN and infinities become ``null`` as in Plotly's own."""
    try:
        return json.dumps(spec, separators=(",", ":"), allow_nan=False, default=_json_default)
    except ValueError:
        return json.dumps(_finite(spec), separators=(",", ":"), default=_json_default)
