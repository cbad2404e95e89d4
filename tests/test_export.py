"""The export module: which files a page offers, and that they are what their names say."""

import json
import struct

import numpy as np
import plotly.graph_objects as go
import pytest

from optim_lab.figures import plain
from optim_lab.ui import export


def small_figure(height=300):
    return plain.Figure(plain.scatter(x=[0, 1, 2], y=[1, 3, 2]), layout={"height": height})


def test_figure_downloads_offer_png_only_where_kaleido_is_installed(monkeypatch):
    fig = small_figure()
    monkeypatch.setattr(export, "png_available", lambda: False)
    files = export.figure_downloads(fig, "paths", "paths figure")
    assert [f.file_name for f in files] == ["paths.html"]
    assert files[0].label == "⬇ paths figure (HTML)" and files[0].mime == "text/html"
    html = files[0].data()
    assert "<html>" in html[:100] and "plotly" in html.lower()
    monkeypatch.setattr(export, "png_available", lambda: True)
    files = export.figure_downloads(fig, "paths")
    assert [(f.file_name, f.mime) for f in files] == [
        ("paths.html", "text/html"),
        ("paths.png", "image/png"),
    ]


def test_files_are_made_only_when_asked(monkeypatch):
    calls = []
    monkeypatch.setattr(export, "figure_png", lambda fig: calls.append(fig) or b"")
    monkeypatch.setattr(export, "png_available", lambda: True)
    files = export.figure_downloads(small_figure(), "f")
    assert not calls  # building the buttons renders nothing
    files[1].data()
    assert len(calls) == 1


def test_to_json_writes_numpy_and_non_finite_values():
    text = export.to_json({"a": np.array([1.0, np.nan]), "b": np.int64(3), "c": {1: np.inf}})
    assert json.loads(text) == {"a": [1.0, None], "b": 3, "c": {"1": None}}


@pytest.mark.skipif(not export.png_available(), reason="kaleido is not installed")
def test_png_is_a_png_of_the_figure_size():
    data = export.figure_png(small_figure(height=300), width=400, scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (400, 300)
    again = export.figure_png(small_figure(height=200), width=400, scale=2)
    assert struct.unpack(">II", again[16:24]) == (800, 400)


def test_static_copy_drops_only_the_animation_controls():
    from optim_lab.figures.surface import Path, contour_figure

    xs = ys = np.linspace(-1.0, 1.0, 20)
    z = xs[None, :] ** 2 + ys[:, None] ** 2
    points = np.array([[0.8, 0.8], [0.4, 0.5], [0.1, 0.2]])
    fig = contour_figure(xs, ys, z, [Path("SGD", "sgd", points)], animate=True)
    assert fig.frames and fig.layout["updatemenus"] and fig.layout["sliders"]
    static = export.static_copy(fig)
    assert not static.frames and not static.layout.updatemenus and not static.layout.sliders
    assert (
        len(static.data) == len(fig.data)
        and static.layout.images == go.Figure(fig.to_dict()).layout.images
    )
    assert fig.frames  # the page's figure is untouched
