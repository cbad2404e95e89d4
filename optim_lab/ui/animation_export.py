"""An animated figure as a file for slides: a GIF (and an MP4 where ffmpeg is installed), at a
chosen width and speed, with the page's link in the file's metadata.

It sits in a figure's row of downloads (:func:`~optim_lab.ui.export.figure_downloads` adds it for
every figure with frames) as a popover holding the choices and the buttons. The choices rerun the
popover only (a fragment), not the page; the file is made when its button is clicked, in a helper
process where the server runs them (:mod:`optim_lab.offload`): about a second of drawing that
would otherwise hold up the other pages of the process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ..figures import animation
from ..figures.plain import Figure
from ..figures.surface import speed_label
from ..offload import offloaded

GIF = "image/gif"
MP4 = "video/mp4"
DEFAULT_WIDTH = 960


@offloaded
def gif_file(fig: Figure, width: int, speed: float, link: str) -> bytes:
    """:func:`~optim_lab.figures.animation.figure_gif`, in a helper process on a server."""
    return animation.figure_gif(fig, width=width, speed=speed, link=link)


@offloaded
def mp4_file(fig: Figure, width: int, speed: float, link: str) -> bytes:
    """:func:`~optim_lab.figures.animation.figure_mp4`, in a helper process on a server."""
    return animation.figure_mp4(fig, width=width, speed=speed, link=link)


def page_link() -> Callable[[], str]:
    """A function giving the page's address with its query string as it stands when called.

    Downloads are made after the page has run (in another thread), once the page has written
    its controls into the URL, so the query string is read then; where that cannot be done, the
    one the page was opened with is used. The address is ``st.context.url`` (empty where there
    is no browser, as in tests).
    """
    base = st.context.url or ""
    opened = {key: st.query_params.get_all(key) for key in st.query_params}
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        session = get_session_state()
    except Exception:  # Streamlit's internals moved: the address the page was opened with
        session = None

    def link() -> str:
        params = opened
        if session is not None:
            try:
                with session.query_params() as current:
                    params = {key: current.get_all(key) for key in current}
            except Exception:
                params = opened
        query = urlencode([(key, value) for key, values in params.items() for value in values])
        text = f"{base}?{query}" if query else base
        return text if len(text) <= animation.MAX_LINK_CHARS else base

    return link


def summary(fig: Figure, width: int, speed: float) -> str:
    """What the file will be: frames, size in pixels, length of one loop."""
    frames = len(animation.frame_indices(len(fig.frames)))
    height = animation.file_height(width)
    seconds = animation.loop_ms(frames, speed) / 1000
    return f"{frames} frames, {width} × {height} px, {seconds:.1f} s a loop."


@st.fragment
def _choices_and_buttons(fig: Figure, name: str, key: str) -> None:
    """Width, speed and the buttons (a fragment: a new choice reruns this part only)."""
    width = st.radio(
        "width",
        animation.WIDTHS,
        index=animation.WIDTHS.index(DEFAULT_WIDTH),
        format_func=lambda w: f"{w} px",
        horizontal=True,
        key=f"{key}:width",
    )
    speed = st.radio(
        "speed",
        animation.SPEEDS,
        index=animation.SPEEDS.index(animation.figure_speed(fig)),
        format_func=speed_label,
        horizontal=True,
        key=f"{key}:speed",
        help="1× plays at the app's own pace.",
    )
    st.caption(summary(fig, width, speed))
    link = page_link()
    left, right = st.columns(2)
    left.download_button(
        "⬇ GIF",
        lambda: gif_file(fig, width, speed, link()),
        file_name=f"{name}.gif",
        mime=GIF,
        on_click="ignore",
        key=f"{key}:gif",
        help="Loops; the page's link is in the file's comment.",
    )
    if animation.mp4_available():
        right.download_button(
            "⬇ MP4",
            lambda: mp4_file(fig, width, speed, link()),
            file_name=f"{name}.mp4",
            mime=MP4,
            on_click="ignore",
            key=f"{key}:mp4",
            help="H.264 video; the page's link is in its comment.",
        )


@dataclass(frozen=True)
class AnimationDownload:
    """The animation of ``fig`` in a row of downloads (see :func:`~optim_lab.ui.export.download_row`).

    Attributes:
        fig: a figure with frames.
        name: the file's name without its extension.
        label: the popover's text.
    """

    fig: Figure
    name: str
    label: str

    @property
    def file_name(self) -> str:
        return f"{self.name}.gif"

    def show(self, container: Any = st, *, key: str) -> None:
        """The popover with the choices and buttons, in ``container``; they are drawn only while
        it is open (opening it reruns the page), so a page run pays nothing for them."""
        box = container.popover(
            self.label,
            help="A GIF for slides, at the size and speed you choose.",
            key=f"{key}:open",
            on_change="rerun",
        )
        if box.open:
            with box:
                _choices_and_buttons(self.fig, self.name, key)


def animation_download(fig: Figure, name: str, what: str = "animation") -> AnimationDownload:
    """The animation download of ``fig`` (which must have frames), labelled after ``what``."""
    formats = "GIF, MP4" if animation.mp4_available() else "GIF"
    return AnimationDownload(fig, name, f"⬇ {what} ({formats})")
