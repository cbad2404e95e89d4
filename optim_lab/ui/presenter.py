"""Lecture mode: a lecture script's step shown on its lesson page, for self-study or, with
``present=1``, as a presenter view for a projector.

Every page reads the lecture keys from its URL through :class:`~optim_lab.ui.state.UrlState`
(which calls :func:`lecture_bar` first thing), so they are checked like any other value and survive
the page's rewrites of its URL:

- ``present=1``: the presenter view. No sidebar, no explanations, larger type; of the page's
  controls only those the step names stay in view (the others keep their values, out of sight).
- ``lecture=NAME``: a shipped script; ``script=WORD``: a teacher's own script packed into the link
  (:func:`optim_lab.lectures.schema.to_link`). With both, ``lecture`` is used.
- ``step=K``: the step shown, from 1. ``ansK=V``: the answer given to step K (an option's number
  or a number), kept in every step's link, so a student's progress is resumed from a link alone.

A step with a prediction stops its page before the run is computed until the question is
answered; the answer goes into the URL, the page runs, and the verdict is explained with the
numbers of the run on the screen (the step's reading computed from the page's current values).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from ..lectures import shipped, shipped_names
from ..lectures.readings import READINGS
from ..lectures.reveal import answer_key, given_text, judge
from ..lectures.schema import (
    LECTURE_KEYS,
    MAX_STEPS,
    Lecture,
    Prediction,
    ScriptError,
    Step,
    from_link,
)
from ..offload import offloaded
from .layout import LESSONS, lesson_page
from .sections import guarded
from .state import Adjusted, UrlState, format_value, plain_text


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError("use 1 or 0")
    return text == "1"


def _lecture_name(text: str) -> str:
    if text not in shipped_names():
        raise ValueError("choose one of " + ", ".join(shipped_names()))
    return text


@functools.lru_cache(maxsize=32)
def _unpacked(word: str) -> Lecture:
    return from_link(word)


def _packed_script(text: str) -> str:
    try:
        _unpacked(text)
    except ScriptError as error:
        raise ValueError(f"not a usable script: {error}") from None
    return text


def _step_number(count: int | None):
    """The parser of ``step``: a step of a lecture with ``count`` steps (a number beyond them is
    brought to the nearest); without a lecture (None) any number from 1 to the most a script
    has, since there is nothing to show yet."""

    def parse(text: str) -> int:
        try:
            number = float(text)
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        if count is None:
            if number != int(number) or not 1 <= number <= MAX_STEPS:
                raise ValueError(f"not a step number from 1 to {MAX_STEPS}")
            return int(number)
        if number != int(number):
            raise Adjusted(min(max(round(number), 1), count), "is not a whole number")
        if number < 1:
            raise Adjusted(1, "is below the first step, 1")
        if number > count:
            raise Adjusted(count, f"is beyond the last step, {count}")
        return int(number)

    return parse


def _answer(step: Step):
    def parse(text: str) -> str:
        return given_text(step.predict, text)

    return parse


def lesson_of(page: str):
    """The lesson (navigation entry) whose page file is ``pages/lessons/<page>.py``."""
    path = f"pages/lessons/{page}.py"
    return next(lesson for group in LESSONS.values() for lesson in group if lesson.path == path)


@dataclass
class LectureStep:
    """The lecture step a page run shows (or links to)."""

    lecture: Lecture
    source: dict[str, str]  # {"lecture": name} or {"script": word}
    number: int  # from 1
    answers: dict[int, str]
    presenting: bool
    verdict_slot: Any = field(default=None, repr=False)

    @property
    def step(self) -> Step:
        return self.lecture.steps[self.number - 1]

    def link(self, number: int, *, presenting: bool | None = None, answers=None) -> dict:
        """The URL parameters of step ``number``: its page's state and the lecture keys."""
        step = self.lecture.steps[number - 1]
        params = {**step.params, **self.source, "step": str(number)}
        if self.presenting if presenting is None else presenting:
            params["present"] = "1"
        answers = self.answers if answers is None else answers
        params.update({answer_key(k): given for k, given in sorted(answers.items())})
        return params

    def go(self, number: int, **options: Any) -> None:
        """Opens step ``number`` on its page (ends this run)."""
        page = self.lecture.steps[number - 1].page
        st.switch_page(lesson_page(lesson_of(page).path), query_params=self.link(number, **options))

    def reveal(self, state: UrlState) -> None:
        """After the page has run: the answered question judged against the run on the screen."""
        prediction = self.step.predict
        given = self.answers.get(self.number)
        if self.verdict_slot is None or prediction is None or given is None:
            return
        with self.verdict_slot.container(), guarded("Checking the answer"):
            self._judge(state, prediction, given)

    def _judge(self, state: UrlState, prediction: Prediction, given: str) -> None:
        values: dict[str, Any] = {}
        try:
            if prediction.reading:
                reading = READINGS[prediction.reading]
                current = page_values(state)
                values = read(prediction.reading, tuple(sorted(reading.relevant(current).items())))
            verdict = judge(prediction, given, values)
        except ValueError as error:
            st.warning(
                f"The answer could not be checked against this run: {plain_text(error, 200)}"
            )
            return
        verdict_line = (
            f"**{'Right' if verdict.correct else 'Not quite'}.** The run's answer: "
            f"**{plain_text(verdict.answer)}**{_stop(verdict.answer)}"
        )
        if not (verdict.correct and prediction.kind == "choice"):
            verdict_line += f" You answered {plain_text(verdict.given)}{_stop(verdict.given)}"
        if verdict.explanation:
            verdict_line += "\n\n" + plain_text(verdict.explanation)
        (st.success if verdict.correct else st.error)(verdict_line)
        if st.button("Answer again", key=f"lecture-again-{self.number}", type="tertiary"):
            del st.query_params[answer_key(self.number)]
            st.rerun()


def _stop(text: str) -> str:
    """The full stop a sentence ending in ``text`` still needs."""
    return "" if text.endswith((".", "?", "!")) else "."


def page_values(state: UrlState) -> dict[str, str]:
    """Every control of the page with its current value, as the URL writes it."""
    return {
        key: format_value(st.session_state.get(state.session_key(key), default))
        for key, default in state.defaults.items()
    }


@st.cache_data(max_entries=64, show_spinner="Reading the run…")
@offloaded
def read(name: str, params: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A reading of the page's run (cached: the same run is read once per server)."""
    return READINGS[name](dict(params))


# ------------------------------------------------------------------------------------------------
# The bar


def lecture_bar(state: UrlState) -> LectureStep | None:
    """Reads the lecture keys of the URL and draws what they ask for: the presenter view's style,
    the step's bar (title, talking points, the slide's question, the way to the other steps) and
    its prediction, which stops the page until it is answered."""
    if state.external and set(state.incoming) & set(LECTURE_KEYS):
        # a link to the page already open runs the page with the link's parameters but leaves
        # the address bar as it was: write them there (the page's later rewrite still wins)
        st.query_params.from_dict(state.incoming)
    present = state.value_of("present", False, _flag)
    name = state.value_of("lecture", "", _lecture_name)
    word = state.value_of("script", "", _packed_script)
    lecture, source = None, {}
    if name:
        lecture, source = shipped(name), {"lecture": name}
    elif word:
        lecture, source = _unpacked(word), {"script": word}
    number = state.value_of("step", 1, _step_number(len(lecture.steps) if lecture else None))
    answers = {}
    for k, step in enumerate(lecture.steps if lecture else (), 1):
        if step.predict is not None:
            given = state.value_of(answer_key(k), "", _answer(step))
            if given:
                answers[k] = given
    here = None
    if lecture is not None:
        here = LectureStep(lecture, source, number, answers, present)
    on_this_page = here is not None and here.step.page == state.page
    if on_this_page and state.external and not set(here.step.params) & set(state.incoming):
        # a bare link (lecture and step only): the step's own state
        state.incoming.update(here.step.params)
    if present and on_this_page:
        _hide_controls(state.page, here.step.controls)
    if here is None:
        return None
    with st.container(key="lecture-bar", border=True):
        _header(here, on_this_page)
        if not on_this_page:
            lesson = lesson_of(here.step.page)
            st.page_link(
                lesson_page(lesson.path),
                label=f"Open step {number} on the {lesson.title} page",
                icon=":material/arrow_forward:",
                query_params=here.link(number),
            )
            return None
        prediction = here.step.predict
        if prediction is not None:
            if number in answers:
                here.verdict_slot = st.empty()
                here.verdict_slot.caption("Checking the answer against the run below…")
            else:
                _ask(here)
                state.stop_here()
    return here


def _header(here: LectureStep, on_this_page: bool) -> None:
    step, count = here.step, len(here.lecture.steps)
    text, nav = st.columns([5, 2], vertical_alignment="top")
    lesson = lesson_of(step.page)
    text.caption(
        f"{plain_text(here.lecture.title)} · step {here.number} of {count} · {lesson.title}"
    )
    text.markdown(f"### {plain_text(step.title)}")
    if step.question:
        text.markdown(f"**{plain_text(step.question)}**")
    if on_this_page:
        text.markdown("\n".join(f"- {plain_text(point)}" for point in step.points))
    with nav:
        back, forward = st.columns(2)
        if back.button(
            "Back",
            key="lecture-back",
            disabled=here.number == 1,
            shortcut="left",
            width="stretch",
            help="Previous step (←)",
        ):
            here.go(here.number - 1)
        if forward.button(
            "Next",
            key="lecture-next",
            disabled=here.number == count,
            shortcut="right",
            type="primary",
            width="stretch",
            help="Next step (→)",
        ):
            here.go(here.number + 1)
        with st.popover("All steps", icon=":material/list:", width="stretch"):
            for number, other in enumerate(here.lecture.steps, 1):
                st.page_link(
                    lesson_page(lesson_of(other.page).path),
                    label=f"{number}. {plain_text(other.title)}",
                    query_params=here.link(number),
                    disabled=number == here.number,
                )
        mode = "Leave the presenter view" if here.presenting else "Present this step"
        st.page_link(
            lesson_page(lesson.path),
            label=mode,
            icon=":material/co_present:",
            query_params=here.link(here.number, presenting=not here.presenting),
        )


def _ask(here: LectureStep) -> None:
    prediction = here.step.predict
    with st.form(key=f"lecture-ask-{here.number}", border=False):
        st.markdown(f"**Predict first:** {plain_text(prediction.prompt)}")
        key = f"lecture-given-{here.number}"
        if prediction.kind == "choice":
            options = list(range(1, len(prediction.options) + 1))
            given = st.radio(
                "your answer",
                options,
                index=None,
                key=key,
                format_func=lambda i: plain_text(prediction.options[i - 1]),
                label_visibility="collapsed",
            )
        else:
            given = st.number_input("your answer", value=None, key=key, format="%g")
        submitted = st.form_submit_button("Reveal the run", icon=":material/visibility:")
    if submitted:
        if given is None:
            st.warning("Choose an answer first: the run is shown once you have predicted.")
            return
        try:
            text = given_text(prediction, str(given))
        except ValueError as error:
            st.warning(plain_text(error))
            return
        st.query_params[answer_key(here.number)] = text
        st.rerun()
    st.caption("The run stays hidden until an answer is given.")


def lecture_contents(lecture: Lecture, source: dict[str, str]) -> None:
    """A lecture's links: present it, follow it, or open any of its steps."""
    start = LectureStep(lecture, source, 1, {}, presenting=False)
    first = lesson_page(lesson_of(lecture.steps[0].page).path)
    if lecture.summary:
        st.markdown(plain_text(lecture.summary))
    present, follow = st.columns(2)
    with present:
        st.page_link(
            first,
            label="Present it (presenter view)",
            icon=":material/co_present:",
            query_params=start.link(1, presenting=True),
        )
    with follow:
        st.page_link(
            first,
            label="Follow it on your own",
            icon=":material/school:",
            query_params=start.link(1),
        )
    for number, step in enumerate(lecture.steps, 1):
        lesson = lesson_of(step.page)
        asks = " · predict first" if step.predict else ""
        st.page_link(
            lesson_page(lesson.path),
            label=f"{number}. {plain_text(step.title)} — {lesson.title}{asks}",
            query_params=start.link(number),
        )


# ------------------------------------------------------------------------------------------------
# The presenter view's style

# The projector's type size (Streamlit sizes its text in rem), the page's margins (the top one
# clear of the button that opens a page's own sidebar), no captions (the lecture bar's excepted).
PRESENTER_CSS = """
html { font-size: 20px; }
.stMain .block-container { padding: 2.8rem 2rem 2rem; max-width: 100%; }
[data-testid="stHeader"] { background: transparent; }
[data-testid="stCaptionContainer"]:not(.st-key-lecture-bar *) { display: none; }
"""


def presenter_style() -> None:
    """The presenter view's type and margins (the entry script adds them to every page)."""
    st.html(f"<style>{PRESENTER_CSS}</style>")


def css_class(session_key: str) -> str:
    """The CSS class Streamlit gives the element whose key is ``session_key``."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", session_key.strip())


def _hide_controls(page: str, controls: tuple[str, ...]) -> None:
    """Every control of the page but ``controls`` out of sight (each keeps its value), and a line
    of text right above a hidden control (a group's label)."""
    prefix = css_class(f"{page}:")
    kept = "".join(f":not(.{css_class(f'{page}:{key}')})" for key in controls)
    hidden = f'.stElementContainer[class*="{prefix}"]{kept}'
    label = f'.stElementContainer:has(> [data-testid="stMarkdown"]):has(+ {hidden})'
    st.html(f"<style>{hidden}, {label} {{ display: none; }}</style>")
