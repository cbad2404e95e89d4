"""Download buttons of every page: data as CSV and JSON, figures as standalone HTML and as PNG;
and "Copy as code": a run as a standalone optax or PyTorch script (:func:`code_expander`).

A page describes its files as :class:`Download` entries and shows them in one row with
:func:`download_row`; :func:`runs_export` (optimizer runs), :func:`columns_export` (a table of
columns) and :func:`export_row` (a pandas table and a payload) build the usual rows.

An animated figure also gets a GIF (and MP4) download with its own choices of size and speed
(:mod:`optim_lab.ui.animation_export`).

Every file is produced only when its button is clicked (Streamlit's deferred downloads), never
while the page reruns, so a slow export cannot hold a page up. PNG needs the optional kaleido
package (``pip install -e .[export]``, which renders with the system's chromium); where it is not
installed the PNG button is left out. Kaleido's browser starts on the first PNG of a server
process (a few seconds) and is reused afterwards (about 0.25 s an image).
"""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ..code_export import LIBRARIES, LIBRARY_LABELS, NotExpressible, script_name, trajectory_script
from ..exports import columns_csv, columns_json, json_ready, trajectories_columns, trajectories_json
from ..figures.plain import Figure
from ..surfaces import SURFACES
from .animation_export import AnimationDownload, animation_download
from .state import plain_text

CSV = "text/csv"
JSON = "application/json"
HTML = "text/html"
PNG = "image/png"
PNG_WIDTH = 1000  # pixels (before ``PNG_SCALE``); the height is the figure's own
PNG_SCALE = 2  # sharp on a projector and in slides
DEFAULT_HEIGHT = 500  # for figures that leave their height to the browser
STATIC_MARGIN = 60  # pixels under a plot whose animation controls are left out of its image


@dataclass(frozen=True)
class Download:
    """One download button.

    Attributes:
        label: the button's text.
        data: makes the file's contents; called only when the button is clicked.
        file_name: the name the browser saves it under.
        mime: its media type.
        help: tooltip.
    """

    label: str
    data: Callable[[], str | bytes]
    file_name: str
    mime: str
    help: str | None = None


@cache
def png_available() -> bool:
    """Whether kaleido is installed, so that figures can be written as PNG."""
    return find_spec("kaleido") is not None


_kaleido_lock = threading.Lock()
_kaleido_started = False


def static_copy(fig: Figure) -> go.Figure:
    """A copy of ``fig`` without what only works in a browser: animation frames, Play/Pause
    buttons and step sliders (the copy shows the figure as it stands)."""
    static = go.Figure(fig.to_dict() | {"frames": []}, skip_invalid=True)
    if static.layout.updatemenus or static.layout.sliders:
        static.layout.updatemenus = ()
        static.layout.sliders = ()
        # the room kept under the plot for the controls (and the plot shrinks by as much)
        static.layout.margin.b = min(static.layout.margin.b or STATIC_MARGIN, STATIC_MARGIN)
    return static


def figure_png(fig: Figure, width: int = PNG_WIDTH, scale: float = PNG_SCALE) -> bytes:
    """``fig`` as a PNG image, rendered by kaleido: the figure as it stands (an animation's
    current frame, without its controls, see :func:`static_copy`), ``width`` × the figure's
    height in CSS pixels, times ``scale``.

    Raises:
        ImportError: kaleido is not installed (check :func:`png_available` first).
    """
    import kaleido

    global _kaleido_started
    fig = static_copy(fig)
    height = int(fig.layout.height or DEFAULT_HEIGHT)
    with _kaleido_lock:  # one browser, one image at a time (downloads run in worker threads)
        if not _kaleido_started:
            kaleido.start_sync_server(silence_warnings=True)
            _kaleido_started = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # plotly's options are moot with a server
            return fig.to_image(format="png", width=width, height=height, scale=scale)


def figure_html(fig: Figure) -> str:
    """``fig`` as a standalone HTML page, plotly.js included (works offline, animations too)."""
    return go.Figure(fig.to_dict()).to_html(include_plotlyjs=True, full_html=True)


def figure_downloads(
    fig: Figure, name: str, what: str = "figure"
) -> list[Download | AnimationDownload]:
    """``fig`` as ``<name>.html``, where kaleido is installed ``<name>.png``, and an animated
    figure as ``<name>.gif`` (and ``.mp4``, see :mod:`~optim_lab.ui.animation_export`)."""
    files: list[Download | AnimationDownload] = [
        Download(
            f"⬇ {what} (HTML)",
            lambda: figure_html(fig),
            f"{name}.html",
            HTML,
            "A standalone interactive page; works offline.",
        )
    ]
    if png_available():
        files.append(
            Download(
                f"⬇ {what} (PNG)",
                lambda: figure_png(fig),
                f"{name}.png",
                PNG,
                "The figure as it stands (an animation's last frame), as an image.",
            )
        )
    if fig.frames:
        files.append(animation_download(fig, name, what))
    return files


def data_downloads(
    name: str, what: str, csv: Callable[[], str], json_text: Callable[[], str]
) -> list[Download]:
    """``<name>.csv`` and ``<name>.json`` from two functions that write them."""
    return [
        Download(f"⬇ {what} (CSV)", csv, f"{name}.csv", CSV),
        Download(f"⬇ {what} (JSON)", json_text, f"{name}.json", JSON),
    ]


def download_row(
    downloads: Sequence[Download | AnimationDownload], *, key: str, container: Any = None
) -> None:
    """The downloads as one row of buttons; ``key`` makes their widget keys unique on the page."""
    container = st if container is None else container
    for column, item in zip(container.columns(len(downloads)), downloads, strict=True):
        if isinstance(item, AnimationDownload):  # its choices and buttons in a popover
            item.show(column, key=f"{key}:{item.file_name}")
            continue
        column.download_button(
            item.label,
            item.data,
            file_name=item.file_name,
            mime=item.mime,
            on_click="ignore",
            help=item.help,
            key=f"{key}:{item.file_name}",
        )


def runs_export(
    name: str,
    trajectories: Sequence[Any],
    fig: Figure,
    *,
    extra: Mapping[str, Sequence[Any]] | Callable[[], Mapping[str, Sequence[Any]]] | None = None,
    what: str = "runs",
    figure_what: str = "figure",
    figure_name: str | None = None,
    container: Any = None,
    **context: Any,
) -> None:
    """Optimizer runs as CSV (one row per run and point, see
    :func:`~optim_lab.exports.trajectories_columns`; ``extra`` adds per-step columns) and JSON
    (the CLI's fields, each run's settings, and ``context``), and ``fig`` as HTML and PNG.

    ``extra`` may be a function, called only when the CSV is downloaded (for columns that take
    time to compute). Where ``context`` names the surface, the start and the steps, a "Copy as
    code" expander follows (see :func:`code_expander`)."""
    download_row(
        [
            *data_downloads(
                name,
                what,
                lambda: columns_csv(
                    trajectories_columns(trajectories, extra() if callable(extra) else extra)
                ),
                lambda: trajectories_json(trajectories, **context),
            ),
            *figure_downloads(fig, figure_name or name, figure_what),
        ],
        key=name,
        container=container,
    )
    setting = _run_setting(context)
    if setting is not None and trajectories:
        surface, surface_params, start, steps = setting
        specs = [t.spec for t in trajectories]

        def script(library: str, index: int) -> str:
            return trajectory_script(library, surface, specs[index], start, steps, surface_params)

        code_expander(
            name,
            [t.label for t in trajectories],
            script,
            note="A standalone script that reproduces this run and prints it as JSON, as the "
            "command-line tool does (in float64).",
            container=container,
        )


def _run_setting(context: Mapping[str, Any]) -> tuple | None:
    """(surface, its parameters, start, steps) from an export's context, or None. A surface's
    parameters come as ``surface_params`` or by their own names (``kappa=…``)."""
    surface, start, steps = (context.get(k) for k in ("surface", "start", "steps"))
    if not isinstance(surface, str) or start is None or steps is None:
        return None
    params = dict(context.get("surface_params") or {})
    if surface in SURFACES:
        for name in SURFACES[surface].defaults():
            if name in context and name not in params:
                params[name] = context[name]
    return surface, params, tuple(float(v) for v in start), int(steps)


def code_expander(
    name: str,
    labels: Sequence[str],
    script: Callable[[str, int], str],
    *,
    note: str,
    container: Any = None,
) -> None:
    """A "Copy as code" expander: run ``i`` (picked when there are several) written by
    ``script(library, i)`` for optax and PyTorch, in two tabs, each with a copy button (on the
    code) and a download button. Its content is built only while it is open (opening reruns the
    page); a script the library cannot write says why."""
    box = (container or st).expander(
        "Copy as code", key=f"{name}:code", on_change="rerun", icon=":material/code:"
    )
    if not box.open:
        return
    with box:
        index = 0
        if len(labels) > 1:
            index = st.selectbox(
                "run", range(len(labels)), format_func=lambda i: labels[i], key=f"{name}:code_run"
            )
        st.caption(note)
        for tab, library in zip(
            st.tabs([LIBRARY_LABELS[lib] for lib in LIBRARIES]), LIBRARIES, strict=True
        ):
            with tab:
                try:
                    text = script(library, index)
                except NotExpressible as error:
                    st.info(f"Not available for this run, because {plain_text(error)}.")
                    continue
                st.code(text, language="python", height=520)
                st.download_button(
                    f"⬇ {LIBRARY_LABELS[library]} script",
                    text,
                    file_name=script_name(f"{name}_{index + 1}", library),
                    mime="text/x-python",
                    on_click="ignore",
                    key=f"{name}:code:{library}",
                )


def columns_export(
    name: str,
    columns: Mapping[str, Sequence[Any]],
    fig: Figure | None = None,
    *,
    what: str = "data",
    figure_what: str = "figure",
    figure_name: str | None = None,
    container: Any = None,
    **context: Any,
) -> None:
    """Equal-length columns as CSV and JSON (with ``context`` alongside) and ``fig`` as HTML
    and PNG (``<figure_name>.html``/``.png``, by default named like the data)."""
    download_row(
        [
            *data_downloads(
                name,
                what,
                lambda: columns_csv(columns),
                lambda: columns_json(columns, **context),
            ),
            *(figure_downloads(fig, figure_name or name, figure_what) if fig is not None else []),
        ],
        key=name,
        container=container,
    )


def to_json(payload: Mapping[str, Any]) -> str:
    """``payload`` as indented JSON; NumPy values become plain numbers, non-finite ones null."""
    return json.dumps(json_ready(payload), indent=1, allow_nan=False)


def export_row(
    name: str, table: pd.DataFrame, payload: dict, fig: Figure, *, key: str | None = None
) -> None:
    """``table`` as CSV, ``payload`` as JSON and ``fig`` as HTML and PNG, in one row."""
    download_row(
        [
            *data_downloads(
                name, "data", lambda: table.to_csv(index=False), lambda: to_json(payload)
            ),
            *figure_downloads(fig, name),
        ],
        key=key or name,
    )
