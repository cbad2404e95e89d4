"""A Plotly chart that redraws in place, for figures that change several times a second.

``st.plotly_chart`` gives a chart a new identity whenever its figure changes, so the browser builds
a new chart and the area stays blank until it is drawn: at every redraw of live training the chart
blinks. This component keeps one chart (in an iframe, with Plotly's own script from the plotly
package) and hands it each new figure, which ``Plotly.react`` redraws in place.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v1 as components

from ...figures.plain import Figure

_HERE = Path(__file__).resolve().parent

# Streamlit styles its own Plotly charts in the browser (light theme, as it resolves there); the
# live chart gets the same look from this template, so a chart does not change style when
# training starts or stops.
_GREY, _LINES = "#808495", "#e6eaf1"
_AXIS = dict(
    gridcolor=_LINES,
    zerolinecolor=_LINES,
    tickcolor=_LINES,
    tickfont=dict(color=_GREY, size=12),
    minor=dict(gridcolor=_LINES),
    automargin=True,
)
STREAMLIT_LOOK = go.layout.Template(
    layout=dict(
        font=dict(color=_GREY, family='"Source Sans", sans-serif', size=12),
        title=dict(font=dict(family='"Source Sans", sans-serif', size=16, color="#2F2D2B"), x=0),
        legend=dict(font=dict(size=12, color="#262730"), bordercolor="rgba(0,0,0,0)"),
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        xaxis=dict(
            _AXIS,
            showgrid=False,
            zeroline=False,
            title=dict(font=dict(color=_GREY, size=14), standoff=20),
        ),
        yaxis=dict(_AXIS, title=dict(font=dict(color=_GREY, size=14), standoff=24)),
        margin=dict(pad=8, r=0, l=0),
        hoverlabel=dict(bgcolor="#FFFFFF", bordercolor="#DCD8D4", font=dict(color=_GREY, size=12)),
    )
)


def _install(source: Path, target: Path) -> None:
    """Copies ``source`` to ``target`` unless it is there already, atomically (several servers may
    start at once, and none may serve a half-written file)."""
    data = source.read_bytes()
    if target.exists() and target.read_bytes() == data:
        return
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as part:
        part.write(data)
    os.replace(part.name, target)


@cache
def _component():
    """The declared component, served from a folder holding its page and Plotly's script."""
    name = f"live-chart-{plotly.__version__}"
    try:
        folder = _filled(Path.home() / ".cache" / "optim_lab" / name)
    except OSError:  # no writable home (a locked-down account): a private temporary folder
        folder = _filled(Path(tempfile.mkdtemp(prefix=f"optim_lab-{name}-")))
    return components.declare_component("live_chart", path=str(folder))


def _filled(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _install(_HERE / "index.html", folder / "index.html")
    _install(
        Path(plotly.__file__).parent / "package_data" / "plotly.min.js", folder / "plotly.min.js"
    )
    return folder


def live_chart(fig: Figure, *, key: str) -> None:
    """Draws ``fig``; later calls with the same ``key`` redraw the same chart in place."""
    spec = fig.to_json()
    _component()(spec=spec, template=_template_json(), key=key, default=None)


@cache
def _template_json() -> str:
    return pio.to_json(STREAMLIT_LOOK, validate=False)
