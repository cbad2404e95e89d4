"""A page's parts, each shown or stopped on its own: an unexpected error in one part is logged on
the server and replaced by a short message there, and the rest of the page still runs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from ..offload import ComputeLimitError
from . import STOPPED_ON_ERROR

_log = logging.getLogger("optim_lab")


@contextlib.contextmanager
def guarded(part: str = "This part of the page") -> Iterator[None]:
    """Runs the body; an error shows a message in its place instead of ending the page (Streamlit's
    own stop and rerun signals are not errors and pass through)."""
    try:
        yield
    except ComputeLimitError as error:  # past the helpers' budget
        st.warning(
            f"This computation was stopped: {error}. Smaller settings (fewer steps, trials or "
            "units) finish sooner."
        )
    except Exception:  # a visitor sees a message, never a traceback or the server's paths
        _log.exception("%s %s", part, STOPPED_ON_ERROR)
        st.error(
            f"**{part} {STOPPED_ON_ERROR}.** It was recorded on the server. Changing a setting, "
            "or opening the page again from the menu, starts it afresh."
        )


@contextlib.contextmanager
def section(title: str, *, header: bool = False) -> Iterator[None]:
    """A titled part of a page (a header for a page's main parts, else a subheader), guarded as
    :func:`guarded`."""
    (st.header if header else st.subheader)(title)
    with guarded():
        yield
