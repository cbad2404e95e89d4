"""Page state that lives in the URL, so a copied link reproduces the view.

Every control of a page is registered with a :class:`UrlState`: its starting value comes from the URL
when the URL was changed from outside (a pasted link, a preset, a fresh visit), otherwise from the
session. At the end of the run the page's non-default values are written back to the URL. Malformed
URL values fall back to the default and are listed in a visible notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

_WRITTEN = "_url_written"
_NOTICES = "_url_notices"


def format_value(value: Any) -> str:
    """How a value is written in the URL."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple):
        return ",".join(format_value(v) for v in value)
    return str(value)


class UrlState:
    """The URL-backed controls of one page run."""

    def __init__(self, page: str):
        self.page = page
        self.incoming = {key: st.query_params[key] for key in st.query_params}
        written = st.session_state.get(_WRITTEN, {}).get(page)
        self.external = self.incoming != written
        self.defaults: dict[str, Any] = {}
        self.notices: list[str] = []
        self._notice_slot = st.empty()

    def session_key(self, url_key: str) -> str:
        return f"{self.page}:{url_key}"

    def prepare(self, url_key: str, default: Any, parse: Callable[[str], Any]) -> str:
        """Sets the starting value of a control and returns the session key its widget must use.

        Args:
            url_key: short name in the URL (``o1.lr``).
            default: value when the URL has none or a bad one.
            parse: str → value; raises ``ValueError`` with a message for bad text.
        """
        key = self.session_key(url_key)
        if self.external:
            value = default
            raw = self.incoming.get(url_key)
            if raw is not None:
                try:
                    value = parse(raw)
                except (ValueError, TypeError) as error:
                    self.notices.append(
                        f"`{url_key}={raw}` ignored ({error}); using {format_value(default)}"
                    )
            st.session_state[key] = value
        elif key not in st.session_state:
            st.session_state[key] = default
        self.defaults[url_key] = default
        return key

    def value(self, url_key: str) -> Any:
        return st.session_state[self.session_key(url_key)]

    def set(self, url_key: str, value: Any) -> None:
        """Changes a control's value from code (before its widget is drawn in this run)."""
        st.session_state[self.session_key(url_key)] = value

    def finish(self) -> None:
        """Writes non-default values to the URL and shows the notice for malformed parameters."""
        if self.external:
            unknown = sorted(set(self.incoming) - set(self.defaults))
            if unknown:
                self.notices.append(
                    "unknown parameters ignored: " + ", ".join(f"`{k}`" for k in unknown)
                )
        # the notice stays until the URL changes again
        notices = st.session_state.setdefault(_NOTICES, {})
        if self.external:
            notices[self.page] = self.notices
        self.notices = notices.get(self.page, [])
        params = {}
        for url_key, default in self.defaults.items():
            value = st.session_state.get(self.session_key(url_key), default)
            if format_value(value) != format_value(default):
                params[url_key] = format_value(value)
        if params != self.incoming:
            st.query_params.from_dict(params)
        st.session_state.setdefault(_WRITTEN, {})[self.page] = params
        if self.notices:
            self._notice_slot.warning(
                "**Some link parameters could not be used** and were reset to defaults:\n\n"
                + "\n".join(f"- {n}" for n in self.notices),
                icon="⚠️",
            )
