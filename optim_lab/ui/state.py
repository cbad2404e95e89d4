"""Page state that lives in the URL, so a copied link reproduces the view.

Every control of a page is registered with a :class:`UrlState`: its starting value comes from the URL
when the URL was changed from outside (a pasted link, a preset, a fresh visit), otherwise from the
session. At the end of the run the page's non-default values are written back to the URL.

A URL value is parsed with the bounds of the control's widget (one source for both, see
:class:`optim_lab.ui.widgets.Bounds`): a number beyond them is clamped to the nearest bound, a
malformed value (text where a number belongs, NaN, an unknown choice, an over-long text) falls back
to the default, and either way the page lists it in a visible notice. Visitor text is shown only
through :func:`verbatim` or :func:`plain_text`, so a link cannot put Markdown or HTML on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import streamlit as st

from ..figures.heatmap import cell_from_selection

_WRITTEN = "_url_written"
_NOTICES = "_url_notices"
#: Session key of ``{page: {url_key: default}}``: the URL keys each page registered in its last run.
URL_KEYS = "_url_keys"
#: Visitor text in notices is cut to this many characters (a 10 kB value does not fill the page),
#: and the reason a value was refused (which may quote it) to ``SHOWN_REASON``.
SHOWN_CHARS = 60
SHOWN_REASON = 160
#: At most this many notice lines are listed (a page has fewer controls in one state), and at
#: most :data:`SHOWN_UNKNOWN` names of unknown parameters.
SHOWN_NOTICES = 40
SHOWN_UNKNOWN = 20

# The ASCII punctuation that can start Markdown (GFM, LaTeX, directives, emoji) or HTML within a
# line; CommonMark lets a backslash escape any of them. Quotes, commas, parentheses (a link's
# only after an escaped "]") and the like stay readable.
_MARKUP = frozenset("\\`*_{}[]<>#+-.!|~$:@&")
# Text-node rewrites that escapes cannot stop (Streamlit runs them on the parsed text): GFM's bare
# links (http://…, www.…, name@host) and :emoji: / :material/icon: short codes. A zero-width space
# breaks each pattern without changing what is seen.
_LITERALS = re.compile(r"(?i)(?<=www)(?=\.)|(?<=@)|(?<=:)(?=[-\w/])")
_BREAK = "\u200b"
# control characters and Unicode line breaks: visitor text stays on one line
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Adjusted(ValueError):
    """Raised by a parser for a usable but changed value (clamped into the widget's range, rounded
    to a whole number): the control takes ``value`` and the notice says ``reason``.

    A :class:`ValueError`, so code that only knows "bad value" still treats it as one.
    """

    def __init__(self, value: Any, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = _BREAKS.sub(" ", str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def plain_text(text: Any, limit: int | None = None) -> str:
    """Markdown that shows ``text`` literally, within a line: the Markdown and HTML specials are
    backslash-escaped, bare links and short codes are broken by a zero-width space and line breaks
    become spaces, so visitor text cannot become a link (``http://…``, ``www.…`` and e-mail
    addresses included), an image, HTML, LaTeX, a colour directive, an icon, a heading or emphasis.
    Cut to ``limit`` characters when given."""
    text = shorten(text, limit) if limit is not None else _BREAKS.sub(" ", str(text))
    text = _LITERALS.sub(_BREAK, text)
    return "".join("\\" + c if c in _MARKUP else c for c in text)


def verbatim(text: Any, limit: int = SHOWN_CHARS) -> str:
    """Markdown for ``text`` as inline code, shown literally whatever it contains: the code span's
    fence is longer than any run of backticks inside (CommonMark), and the text is kept on one
    line and cut to ``limit`` characters."""
    text = shorten(text, limit)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}"  # one space each side is stripped: a leading ` stays inside


def session_key(page: str, url_key: str) -> str:
    """Where a page's URL-backed control keeps its value in the session."""
    return f"{page}:{url_key}"


def select_cell(page: str, chart_key: str, x_key: str, y_key: str) -> Callable[[], None]:
    """An ``on_select`` callback for a heat map of clickable cells (``customdata = [x, y]``): the
    clicked cell's values become the ``x_key`` and ``y_key`` controls' values, before the page runs.

    Streamlit keeps a selectable chart's callback after the chart is redrawn with other data (its
    identity includes the figure); a function defined in the page would keep that run's globals,
    every figure included, alive with it, so the callback holds nothing but these names."""
    return partial(_select_cell, page, chart_key, x_key, y_key)


def _select_cell(page: str, chart_key: str, x_key: str, y_key: str) -> None:
    cell = cell_from_selection(st.session_state.get(chart_key))
    if cell is not None:
        st.session_state[session_key(page, x_key)] = cell[0]
        st.session_state[session_key(page, y_key)] = cell[1]


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
        from .presenter import lecture_bar  # every page can show a lecture's step

        self.lecture = lecture_bar(self)

    def session_key(self, url_key: str) -> str:
        return session_key(self.page, url_key)

    def _notice(self, url_key: str, raw: str, reason: str, value: Any) -> None:
        self.notices.append(
            f"{verbatim(f'{url_key}={shorten(raw)}', limit=2 * SHOWN_CHARS)} "
            f"{plain_text(reason, limit=SHOWN_REASON)}; using {verbatim(format_value(value))}"
        )

    def parse_incoming(
        self, url_key: str, default: Any, parse: Callable[[str], Any], *, notify: bool = False
    ) -> Any:
        """The value the URL gives ``url_key`` (``default`` when it has none): clamped values
        (:class:`Adjusted`) are used, malformed ones give ``default``. With ``notify``, both are
        listed in the page's notice."""
        raw = self.incoming.get(url_key)
        if raw is None:
            return default
        try:
            return parse(raw)
        except Adjusted as adjusted:
            if notify:
                self._notice(url_key, raw, adjusted.reason, adjusted.value)
            return adjusted.value
        except (ValueError, TypeError, ArithmeticError) as error:
            if notify:
                self._notice(url_key, raw, f"ignored ({error})", default)
            return default

    def prepare(self, url_key: str, default: Any, parse: Callable[[str], Any]) -> str:
        """Sets the starting value of a control and returns the session key its widget must use.

        Args:
            url_key: short name in the URL (``o1.lr``).
            default: value when the URL has none or a bad one.
            parse: str → value, with the bounds of the control's widget; raises
                :class:`Adjusted` for a value it clamped, ``ValueError`` with a message for bad
                text.
        """
        key = self.session_key(url_key)
        if self.external:
            st.session_state[key] = self.parse_incoming(url_key, default, parse, notify=True)
        elif key not in st.session_state:
            st.session_state[key] = default
        self.defaults[url_key] = default
        return key

    def peek(self, url_key: str, default: Any, parse: Callable[[str], Any] = str) -> Any:
        """The value a control is about to get, before its widget is drawn (for labels); ``parse``
        must be the one the control will use, so the label shows what the control runs with."""
        if self.external:
            return self.parse_incoming(url_key, default, parse)
        return st.session_state.get(self.session_key(url_key), default)

    def value(self, url_key: str) -> Any:
        return st.session_state[self.session_key(url_key)]

    def value_of(self, url_key: str, default: Any, parse: Callable[[str], Any]) -> Any:
        """A URL value no widget shows (lecture mode's), registered and parsed like a control's."""
        self.prepare(url_key, default, parse)
        return self.value(url_key)

    def stop_here(self) -> None:
        """Ends the page's run at this point, the URL left as it came (the next run reads it
        afresh), with the notices found so far."""
        self._show_notices(self.notices)
        st.stop()

    def set(self, url_key: str, value: Any) -> None:
        """Changes a control's value from code (before its widget is drawn in this run)."""
        st.session_state[self.session_key(url_key)] = value

    def finish(self) -> None:
        """Writes non-default values to the URL and shows the notice for parameters that could not
        be used as written."""
        if self.lecture is not None:
            self.lecture.reveal(self)
        if self.external:
            unknown = sorted(set(self.incoming) - set(self.defaults))
            if unknown:
                names = ", ".join(verbatim(k) for k in unknown[:SHOWN_UNKNOWN])
                if len(unknown) > SHOWN_UNKNOWN:
                    names += f" and {len(unknown) - SHOWN_UNKNOWN} more"
                self.notices.append("unknown parameters ignored: " + names)
        # the notice stays until the URL changes again
        notices = st.session_state.setdefault(_NOTICES, {})
        if self.external:
            notices[self.page] = self.notices
        self.notices = notices.get(self.page, [])
        st.session_state.setdefault(URL_KEYS, {})[self.page] = dict(self.defaults)
        params = {}
        for url_key, default in self.defaults.items():
            value = st.session_state.get(self.session_key(url_key), default)
            if format_value(value) != format_value(default):
                params[url_key] = format_value(value)
        if params != self.incoming:
            st.query_params.from_dict(params)
        st.session_state.setdefault(_WRITTEN, {})[self.page] = params
        self._show_notices(self.notices)

    def _show_notices(self, notices: list[str]) -> None:
        if notices:
            shown = notices[:SHOWN_NOTICES]
            lines = [f"- {n}" for n in shown]
            if len(notices) > len(shown):
                lines.append(f"- and {len(notices) - len(shown)} more")
            self._notice_slot.warning(
                "**Some link parameters could not be used** as written:\n\n" + "\n".join(lines),
                icon="⚠️",
            )
