"""Animated figures as GIF and MP4 files (optim_lab/figures/animation.py), their download
(optim_lab/ui/animation_export.py) and the arena page that offers it."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from optim_lab import offload
from optim_lab.figures import animation, plain
from optim_lab.figures.surface import FRAME_MS, contour_figure, frame_steps, speed_label
from optim_lab.figures.surface import Path as RunPath
from optim_lab.figures.theme import SURFACE_SCALE, optimizer_color
from optim_lab.lessons.arena import text as arena_text
from optim_lab.ui import animation_export, export
from optim_lab.ui.arena_controls import DEFAULT_STEPS

from .pages.apptest import charts, open_page

ROOT = Path(__file__).resolve().parents[1]
ARENA = str(ROOT / "pages" / "lessons" / "arena.py")
LINK = "http://127.0.0.1:8501/arena?surface=bowl&n=3"


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_gif_export", ROOT / "bench" / "bench_gif_export.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def arena_fig() -> plain.Figure:
    return _bench().arena_default_figure()


@pytest.fixture(scope="module")
def arena_gif(arena_fig) -> Image.Image:
    return Image.open(io.BytesIO(animation.figure_gif(arena_fig, width=640, speed=1, link=LINK)))


def frame_rgb(gif: Image.Image, index: int) -> np.ndarray:
    gif.seek(index)
    return np.asarray(gif.convert("RGB"))


def durations(gif: Image.Image) -> list[int]:
    out = []
    for index in range(gif.n_frames):
        gif.seek(index)
        out.append(gif.info["duration"])
    return out


def run_colour(trace: dict) -> tuple[int, int, int]:
    colour = trace["line"]["color"]
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


# ------------------------------------------------------------------------------------------------
# The arena's default animation


def test_the_arena_gif_has_one_frame_per_frame_of_the_figure(arena_fig, arena_gif):
    assert len(arena_fig.frames) == len(frame_steps(DEFAULT_STEPS))
    assert arena_gif.format == "GIF"
    assert arena_gif.n_frames == len(arena_fig.frames)
    assert arena_gif.info["loop"] == 0  # loops forever


def test_the_link_is_in_the_gif_comment(arena_gif):
    assert arena_gif.info["comment"] == LINK.encode()


def test_the_size_follows_the_width(arena_fig, arena_gif):
    assert arena_gif.size == (640, 480)
    large = Image.open(io.BytesIO(animation.figure_gif(arena_fig, width=1280)))
    assert large.size == (1280, animation.file_height(1280)) == (1280, 960)
    for width in animation.WIDTHS:
        geometry = animation.figure_geometry(arena_fig, width)
        assert (geometry.width, geometry.height) == (width, width * 3 // 4)
        assert (
            geometry.legend_top + len(geometry.legend_rows) * geometry.size(26) <= geometry.height
        )


@pytest.mark.parametrize("speed", [0.25, 2.0, 4.0])
def test_frame_durations_follow_the_speed(arena_fig, speed):
    gif = Image.open(io.BytesIO(animation.figure_gif(arena_fig, width=320, speed=speed)))
    shown = durations(gif)
    frame_ms = round(FRAME_MS / speed)
    assert shown[:-1] == [frame_ms] * (gif.n_frames - 1)
    assert shown[-1] == max(frame_ms, animation.HOLD_MS)  # the finished paths stay a moment
    assert sum(shown) == animation.loop_ms(gif.n_frames, speed)


def test_the_default_speed_plays_at_the_apps_pace(arena_gif):
    assert durations(arena_gif)[0] == FRAME_MS


def test_each_run_is_drawn_in_its_colour_where_the_frame_has_it(arena_fig, arena_gif):
    """At the point each run has reached in a frame, that frame shows the run's colour (the dot
    of its current point), unless a later run's dot covers it; the first frame shows no run at
    its final point yet."""
    geometry = animation.figure_geometry(arena_fig, 640)
    radius = animation.HEAD_SIZE * geometry.scale
    runs = [t for t in arena_fig.data if t.get("name", "")[:2] in {"1:", "2:", "3:"}]
    assert [t["line"]["color"] for t in runs] == [
        optimizer_color(name) for name in ("sgd", "momentum", "adam")
    ]
    index_of = {id(t): i for i, t in enumerate(arena_fig.data)}
    checked = 0
    for frame_number in (10, len(arena_fig.frames) - 1):
        frame = arena_fig.frames[frame_number]
        rgb = frame_rgb(arena_gif, frame_number)
        ends = []
        for trace in runs:
            data = frame["data"][frame["traces"].index(index_of[id(trace)])]
            x, y = plain.values(data["x"])[-1], plain.values(data["y"])[-1]
            px, py = geometry.to_pixel(x, y)
            ends.append((float(px), float(py)))
        for number, (trace, (px, py)) in enumerate(zip(runs, ends, strict=True)):
            covered = any(np.hypot(px - qx, py - qy) < radius for qx, qy in ends[number + 1 :])
            if covered:
                continue
            assert tuple(rgb[round(py - 0.5), round(px - 0.5)]) == run_colour(trace)
            checked += 1
    assert checked >= 3
    first = frame_rgb(arena_gif, 0)
    px, py = ends[0]  # run 1's final point, not reached at step 0
    assert tuple(first[round(py - 0.5), round(px - 0.5)]) != run_colour(runs[0])


def test_the_step_counter_changes_every_frame(arena_fig, arena_gif):
    """Consecutive frames differ (the counter at least), so no frame is merged into another."""
    geometry = animation.figure_geometry(arena_fig, 640)
    strip = slice(0, geometry.box[1])  # above the plot: the counter's row
    previous = frame_rgb(arena_gif, 0)[strip]
    for index in range(1, arena_gif.n_frames):
        current = frame_rgb(arena_gif, index)[strip]
        assert np.any(current != previous), index
        previous = current
    frames = animation.figure_frames(arena_fig)
    assert frames[0].label == f"step 0 / {DEFAULT_STEPS}"
    assert frames[-1].label == f"step {DEFAULT_STEPS} / {DEFAULT_STEPS}"


def test_the_speed_choices_are_the_arenas():
    assert tuple(float(s) for s in arena_text.SPEEDS) == animation.SPEEDS
    assert [speed_label(s) for s in arena_text.SPEEDS] == ["0.25×", "0.5×", "1×", "2×", "4×"]


def test_the_figure_speed_is_read_from_its_play_button(arena_fig):
    assert animation.figure_speed(arena_fig) == 1.0
    bench = _bench()
    inputs = bench.arena_default_inputs()
    faster = bench.arena_default_figure(inputs)
    faster.layout["updatemenus"][0]["buttons"][0]["args"][1]["frame"]["duration"] = FRAME_MS / 4
    assert animation.figure_speed(faster) == 4.0


# ------------------------------------------------------------------------------------------------
# Bounds


def test_widths_speeds_links_and_frames_are_bounded(arena_fig):
    for width in (animation.MIN_WIDTH - 1, animation.MAX_WIDTH + 1):
        with pytest.raises(ValueError, match="width"):
            animation.figure_gif(arena_fig, width=width)
    for speed in (animation.SPEEDS[0] / 2, animation.SPEEDS[-1] * 2):
        with pytest.raises(ValueError, match="speed"):
            animation.figure_gif(arena_fig, width=320, speed=speed)
    with pytest.raises(ValueError, match="link"):
        animation.figure_gif(arena_fig, width=320, link="x" * (animation.MAX_LINK_CHARS + 1))
    with pytest.raises(ValueError, match="no animation frames"):
        animation.figure_gif(plain.Figure(plain.scatter(x=[0, 1], y=[0, 1])), width=320)


def test_a_long_animation_is_sampled_down_to_the_most_frames_a_file_holds():
    n = 300
    frames = [
        dict(name=str(k), traces=[0], data=[dict(type="scatter", x=[0.0, k], y=[0.0, k])])
        for k in range(n)
    ]
    fig = plain.Figure(plain.scatter(x=[0.0], y=[0.0], mode="lines", name="a"), frames=frames)
    fig.update_layout(xaxis_range=[0, n], yaxis_range=[0, n])
    gif = Image.open(io.BytesIO(animation.figure_gif(fig, width=320)))
    assert gif.n_frames == animation.MAX_FRAMES
    kept = animation.frame_indices(n)
    assert len(kept) == animation.MAX_FRAMES and kept[0] == 0 and kept[-1] == n - 1
    labels = [f.label for f in animation.figure_frames(fig)]
    assert labels[0] == f"frame 0 / {n - 1}" and labels[-1] == f"frame {n - 1} / {n - 1}"


# ------------------------------------------------------------------------------------------------
# Any animated figure: a contour trace, a background image, dashes, far-away points


def bowl_figure(raster: bool) -> tuple[plain.Figure, np.ndarray, np.ndarray, np.ndarray]:
    xs = np.linspace(-2, 2, 61)
    ys = np.linspace(-1, 1, 41)
    z = xs[None, :] ** 2 + 4 * ys[:, None] ** 2
    steps = np.linspace(0, 1, 21)[:, None]
    near = RunPath("near", "sgd", np.hstack([1.5 - 1.5 * steps, 0.8 - 0.8 * steps]))
    # a run that leaves the plot for ever farther points (drawn up to the plot's edge)
    far = RunPath("far", "sgd", np.hstack([-1.5 * 10.0 ** (6 * steps), 0.5 + 0 * steps]), repeat=1)
    fig = contour_figure(xs, ys, z, [near, far], animate=True, raster=raster, minima=[(0, 0)])
    return fig, xs, ys, z


def test_a_contour_trace_is_coloured_by_its_scale():
    fig, *_ = bowl_figure(raster=False)
    assert fig.data[0]["type"] == "contour"
    renderer = animation.Renderer(fig, 640)
    geometry = renderer.geometry
    rgb = np.asarray(renderer.background)
    lowest = animation._colour_table(plain._named_colorscale(SURFACE_SCALE))[0]
    px, py = geometry.to_pixel(0.0, 0.0)  # the minimum: the lowest band
    assert np.abs(rgb[round(float(py)), round(float(px))].astype(int) - lowest).max() <= 2
    highest = animation._colour_table(plain._named_colorscale(SURFACE_SCALE))[-1]
    left, top, *_ = geometry.box
    assert np.abs(rgb[top + 1, left + 1].astype(int) - highest).max() <= 12  # a corner


def test_the_background_image_lies_where_the_figure_puts_it():
    fig, *_ = bowl_figure(raster=True)
    spec = fig.layout["images"][0]
    assert (spec["xanchor"], spec["yanchor"]) == ("left", "top")
    image = np.asarray(animation._decode_image(spec["source"])).astype(int)
    renderer = animation.Renderer(fig, 640)
    rgb = np.asarray(renderer.background).astype(int)
    geometry = renderer.geometry
    for x, y in [(0.0, 0.0), (1.0, 0.5), (-1.5, -0.5)]:
        px, py = geometry.to_pixel(x, y)
        column = (x - spec["x"]) / spec["sizex"] * image.shape[1] - 0.5
        row = (spec["y"] - y) / spec["sizey"] * image.shape[0] - 0.5
        around = image[round(row) - 1 : round(row) + 2, round(column) - 1 : round(column) + 2]
        shown = rgb[round(float(py)), round(float(px))]
        low, high = around.min(axis=(0, 1)), around.max(axis=(0, 1))
        assert np.all(shown >= low - 4) and np.all(shown <= high + 4), (x, y)


def test_a_run_leaving_the_plot_is_drawn_to_the_edge_and_its_dashes_show():
    fig, *_ = bowl_figure(raster=True)
    renderer = animation.Renderer(fig, 640)
    last = np.asarray(renderer.frame(len(renderer.frames) - 1)).astype(int)
    geometry = renderer.geometry
    left = geometry.box[0]
    colour = np.array(run_colour(fig.data[2]))
    start_x, row = (round(float(v)) for v in geometry.to_pixel(-1.5, 0.5))
    band = last[row - 1 : row + 2, left : start_x - 10]  # the line's rows, left of its start
    on_line = (np.abs(band - colour).max(axis=2) <= 8).any(axis=0)
    period = 6 * 3  # Plotly's "dash": 3 units on, 3 off, a unit being the width but at least 3 px
    assert on_line[:period].any()  # it reaches the plot's edge
    assert 0.3 < on_line.mean() < 0.8  # dashed


def test_text_the_font_lacks_is_replaced_not_drawn_as_boxes():
    assert not animation._missing(animation.font(20), "α")  # the app's font has Greek
    plain_font = animation.ImageFont.load_default(size=20)
    assert animation.drawable_text(plain_font, "SGD α=0.5 ✕ x") == "SGD alpha=0.5 x"


# ------------------------------------------------------------------------------------------------
# MP4


def test_mp4_needs_ffmpeg(arena_fig, monkeypatch):
    monkeypatch.setattr(animation.shutil, "which", lambda name: None)
    assert not animation.mp4_available()
    with pytest.raises(ValueError, match="ffmpeg"):
        animation.figure_mp4(arena_fig, width=320)


@pytest.mark.skipif(not animation.mp4_available(), reason="no ffmpeg on the PATH")
def test_mp4_holds_the_animation_and_the_link(arena_fig):
    data = animation.figure_mp4(arena_fig, width=640, speed=2, link=LINK)
    assert data[4:8] == b"ftyp"
    assert LINK.encode() in data  # the comment metadata


# ------------------------------------------------------------------------------------------------
# The download and the page


def test_every_animated_figure_gets_the_animation_download(arena_fig):
    files = export.figure_downloads(arena_fig, "arena_contour", "contour")
    animated = [f for f in files if isinstance(f, animation_export.AnimationDownload)]
    assert len(animated) == 1 and animated[0].fig is arena_fig
    assert animated[0].label.startswith("⬇ contour (GIF")
    still = plain.Figure(plain.scatter(x=[0, 1], y=[0, 1]))
    assert not any(
        isinstance(f, animation_export.AnimationDownload)
        for f in export.figure_downloads(still, "still")
    )


@pytest.mark.slow
def test_the_file_is_made_in_a_helper_process_where_a_pool_runs(arena_fig):
    offload.start(1)
    try:
        data = animation_export.gif_file(arena_fig, 320, 2.0, LINK)  # the figure goes by pickle
    finally:
        offload.stop()
    gif = Image.open(io.BytesIO(data))
    assert gif.n_frames == len(arena_fig.frames) and gif.info["comment"] == LINK.encode()
    assert durations(gif)[0] == FRAME_MS // 2


def test_the_summary_says_what_the_file_will_be(arena_fig):
    gif = Image.open(io.BytesIO(animation.figure_gif(arena_fig, width=320, speed=2)))
    seconds = sum(durations(gif)) / 1000
    assert animation_export.summary(arena_fig, 320, 2.0) == (
        f"{gif.n_frames} frames, 320 × 240 px, {seconds:.1f} s a loop."
    )


def test_the_link_is_read_when_the_file_is_made():
    """The page writes its controls into the URL after the download row is drawn; the link the
    file gets is the URL as it stands then."""

    def page():
        import streamlit as st

        from optim_lab.ui.animation_export import page_link

        link = page_link()
        st.query_params["steps"] = "500"  # as UrlState.finish() writes a changed control
        st.session_state["link"] = link

    at = AppTest.from_function(page)
    at.query_params["surface"] = "bowl"
    at.run()
    assert not at.exception
    assert at.session_state["link"]() == "?surface=bowl&steps=500"


# the arena contour's popover, opened (its key as export.download_row gives it)
OPEN = "arena_runs:arena_contour.gif:open"


def test_the_arena_page_offers_its_animation_and_its_figure_exports(arena_fig):
    at = open_page(ARENA)
    assert not at.exception
    label = "⬇ contour (GIF, MP4)" if animation.mp4_available() else "⬇ contour (GIF)"
    assert [p.proto.popover.label for p in at.get("popover")].count(label) == 1
    assert "⬇ GIF" not in [b.label for b in at.get("download_button")]  # closed: nothing drawn
    at.session_state[OPEN] = True  # as a click opens it
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert "⬇ GIF" in labels
    assert ("⬇ MP4" in labels) == animation.mp4_available()
    assert at.radio(key="arena_runs:arena_contour.gif:width").value == 960
    assert at.radio(key="arena_runs:arena_contour.gif:speed").value == 1.0
    shown = charts(at)[0]
    # the benchmark times the figure the page draws
    assert [t.get("name") for t in shown["data"]] == [t.get("name") for t in arena_fig.data]
    assert len(shown["frames"]) == len(arena_fig.frames)
    page_fig = plain.Figure(shown["data"], frames=shown["frames"])
    page_fig.layout = {k: v for k, v in shown["layout"].items() if k != "template"}
    gif = Image.open(io.BytesIO(animation.figure_gif(page_fig, width=320)))
    assert gif.n_frames == len(shown["frames"])
    assert json.dumps(page_fig.layout["images"]) == json.dumps(arena_fig.layout["images"])


def test_a_new_speed_changes_what_the_file_will_be():
    at = open_page(ARENA)
    at.session_state[OPEN] = True
    at.run()
    at.radio(key="arena_runs:arena_contour.gif:speed").set_value(2.0).run()
    assert not at.exception
    captions = [c.value for c in at.caption if "frames" in c.value]
    frames = len(frame_steps(DEFAULT_STEPS))
    seconds = animation.loop_ms(frames, 2.0) / 1000
    assert captions == [f"{frames} frames, 960 × 720 px, {seconds:.1f} s a loop."]
