"""Lecture mode in the app: every step of every shipped script opens on its page without a notice
or an error, the step's controls exist there, a prediction hides the run until it is answered and
is then judged with the numbers the page itself shows, and the links carry everything."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from optim_lab.lectures import shipped, shipped_names, shipped_text
from optim_lab.lectures.readings import READINGS
from optim_lab.lectures.reveal import answer_key, judge, right_answer
from optim_lab.lectures.schema import lecture_from_data, to_link
from optim_lab.ui import STOPPED_ON_ERROR
from optim_lab.ui.state import URL_KEYS, plain_text

APP = "../../app.py"
NOTICE = "could not be used"
STEPS = [
    (name, number) for name in shipped_names() for number in range(1, len(shipped(name).steps) + 1)
]
# The fast loop opens each lecture's first step and each step with a prediction; `make test` all.
STEP_CASES = [
    pytest.param(
        name,
        number,
        id=f"{name}-{number}",
        marks=()
        if number == 1 or shipped(name).steps[number - 1].predict is not None
        else pytest.mark.slow,
    )
    for name, number in STEPS
]
SADDLE = ("saddles-cliffs-and-tricks", 3)
INITIAL_LOSS = ("training-neural-networks", 6)


def page_path(page: str) -> str:
    return f"pages/lessons/{page}.py"


def step_params(name: str, number: int, *, answered: bool = True, present: bool = True) -> dict:
    """A step's link as the lecture bar writes it, answered with the run's right answer."""
    step = shipped(name).steps[number - 1]
    params = {**step.params, "lecture": name, "step": str(number)}
    if present:
        params["present"] = "1"
    if step.predict and answered:
        values = READINGS[step.predict.reading](step.params) if step.predict.reading else {}
        answer = right_answer(step.predict, values)
        params[answer_key(number)] = f"{answer:g}"
    return params


def open_app(page: str, params: dict[str, str]) -> AppTest:
    """The app (navigation included) on ``page`` with ``params`` as its URL."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page_path(page))
    return at.run()


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if NOTICE in w.value]


def stopped(at: AppTest) -> list[str]:
    """The messages of page parts that stopped on an error."""
    return [e.value for e in at.error if STOPPED_ON_ERROR in e.value]


def bar_title(at: AppTest) -> str | None:
    return next((m.value[4:] for m in at.markdown if m.value.startswith("### ")), None)


def registered(at: AppTest) -> dict:
    return next(iter(at.session_state[URL_KEYS].values()))


def query(at: AppTest) -> dict[str, str]:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


@pytest.mark.parametrize(("name", "number"), STEP_CASES)
def test_every_step_opens_without_a_notice_or_an_error(name, number):
    step = shipped(name).steps[number - 1]
    at = open_app(step.page, step_params(name, number))
    assert not at.exception, [e.value for e in at.exception]
    assert not notices(at), notices(at)
    assert not stopped(at), stopped(at)
    assert bar_title(at) == plain_text(step.title)
    assert at.get("plotly_chart"), "the step's run is shown"
    keys = registered(at)
    assert set(step.controls) <= set(keys), set(step.controls) - set(keys)
    assert set(step.params) <= set(keys)
    if step.predict:
        assert any(s.value.startswith("**Right.**") for s in at.success)


@pytest.mark.parametrize(
    ("name", "number"),
    [(n, k) for n, k in STEPS if shipped(n).steps[k - 1].predict],
    ids=lambda v: str(v),
)
def test_a_prediction_hides_the_run_until_it_is_answered(name, number):
    step = shipped(name).steps[number - 1]
    at = open_app(step.page, step_params(name, number, answered=False))
    assert not at.exception and not notices(at) and not stopped(at)
    assert not at.get("plotly_chart")  # the page stopped before its run
    assert any(plain_text(step.predict.prompt) in m.value for m in at.markdown)
    assert at.button(key=f"FormSubmitter:lecture-ask-{number}-Reveal the run")


def _reveal(at: AppTest, number: int) -> AppTest:
    return at.button(key=f"FormSubmitter:lecture-ask-{number}-Reveal the run").click().run()


def _array(values) -> np.ndarray:
    """A figure's data array (Plotly writes NumPy arrays as typed binary data)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, float)


def _path_y(at: AppTest, label: str) -> np.ndarray:
    """The y coordinates of a run's path, as the page's contour draws it."""
    contour = json.loads(at.get("plotly_chart")[0].proto.spec)
    trace = next(t for t in contour["data"] if (t.get("name") or "").startswith(label))
    return _array(trace["y"])


def test_a_choice_is_revealed_and_explained_with_the_page_s_own_run():
    name, number = SADDLE
    step = shipped(name).steps[number - 1]
    at = open_app(step.page, step_params(name, number, answered=False))
    at.radio[0].set_value(3)  # Adam: wrong, Momentum leaves first
    at = _reveal(at, number)
    assert query(at)[answer_key(number)] == "3"
    assert at.get("plotly_chart") and not at.exception
    (verdict,) = [e.value for e in at.error]
    values = READINGS["saddle_escape"](step.params)
    expected = judge(step.predict, "3", values)
    run_s = f"The run's answer: **{plain_text('Momentum (heavy ball)')}**."
    assert verdict.startswith(f"**Not quite.** {run_s} You answered Adam.")
    assert plain_text(expected.explanation) in verdict
    # the numbers quoted are those of the paths on the page's contour
    for label, tag in (("Momentum (heavy ball)", "hb"), ("Adam", "adam")):
        crossed = int(np.argmax(np.abs(_path_y(at, label)) > 1))
        assert values[f"{tag}_out"] == f"at step {crossed}"
    # the answer can be taken back: the question again, the run hidden
    at = at.button(key=f"lecture-again-{number}").click().run()
    assert answer_key(number) not in query(at) and not at.get("plotly_chart")


def test_the_verdict_follows_the_run_on_the_screen():
    """Moved after the answer, a control changes the run, and the verdict and its numbers with it:
    with ρ = 0.5 momentum is slower than Adam."""
    name, number = SADDLE
    step = shipped(name).steps[number - 1]
    at = open_app(step.page, step_params(name, number))  # answered: momentum, right
    assert any(s.value.startswith("**Right.**") for s in at.success)
    at.slider(key="saddles:saddle.hb.rho").set_value(0.5).run()
    values = READINGS["saddle_escape"]({**step.params, "saddle.hb.rho": "0.5"})
    assert values["answer"] == "Adam"
    (verdict,) = [e.value for e in at.error]
    assert verdict.startswith("**Not quite.** The run's answer: **Adam**.")
    assert plain_text(judge(step.predict, "2", values).explanation) in verdict


def test_a_reading_that_cannot_read_the_run_says_so():
    data = {
        "title": "Plateau quiz",
        "steps": [
            {
                "title": "Which one?",
                "page": "saddles",
                "params": {"scenario": "plateau"},
                "points": ["A plateau, not a saddle."],
                "predict": {
                    "kind": "choice",
                    "prompt": "Which leaves first?",
                    "options": ["SGD", "Adam"],
                    "reading": "saddle_escape",
                },
            }
        ],
    }
    params = {"script": to_link(lecture_from_data(data)), "ans1": "2", "scenario": "plateau"}
    at = open_app("saddles", params)
    assert not at.exception and not stopped(at) and at.get("plotly_chart")
    assert any("could not be checked against this run" in w.value for w in at.warning)


def test_a_number_is_judged_against_the_page_s_loss_at_step_0():
    name, number = INITIAL_LOSS
    step = shipped(name).steps[number - 1]
    at = open_app(step.page, step_params(name, number, answered=False))
    at.number_input(key=f"lecture-given-{number}").set_value(2.3)
    at = _reveal(at, number)
    (verdict,) = [s.value for s in at.success if s.value.startswith("**Right.**")]
    assert verdict.startswith("**Right.** The run's answer: **2\\.303**. You answered 2\\.3.")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    measured = next(t for t in figure["data"] if t["name"] == "loss at step 0")
    shown = _array(measured["y"])[list(_array(measured["x"])).index(10)]
    assert f"{shown:.3f}".replace(".", "\\.") in verdict  # the loss the chart draws


def test_an_answer_is_needed_before_the_run_is_shown():
    name, number = SADDLE
    step = shipped(name).steps[number - 1]
    at = _reveal(open_app(step.page, step_params(name, number, answered=False)), number)
    assert any("Choose an answer first" in w.value for w in at.warning)
    assert not at.get("plotly_chart") and answer_key(number) not in query(at)


def test_the_presenter_view_leaves_out_the_explanations_and_self_study_keeps_them():
    name, number = ("saddles-cliffs-and-tricks", 4)
    presented = open_app("saddles", step_params(name, number))
    alone = open_app("saddles", step_params(name, number, present=False))
    assert not presented.title and alone.title  # the page's own title and introduction
    notice_heading = "#### What to notice"
    assert not any(m.value.startswith(notice_heading) for m in presented.markdown)
    assert any(m.value.startswith(notice_heading) for m in alone.markdown)
    for at in (presented, alone):
        assert bar_title(at) == "Plateaus" and not notices(at)


def test_next_and_back_open_the_neighbouring_steps_with_their_state():
    name = "saddles-cliffs-and-tricks"
    at = open_app("saddles", step_params(name, 3, answered=True))
    at = at.button(key="lecture-next").click().run()
    assert bar_title(at) == "Plateaus"
    assert query(at) == {
        "lecture": name,
        "step": "4",
        "present": "1",
        "scenario": "plateau",
        "ans3": "2",
    }
    assert at.radio(key="saddles:scenario").value == "plateau"
    at = at.button(key="lecture-back").click().run()
    assert bar_title(at) == "A saddle point" and query(at)["step"] == "3"


def test_every_step_has_its_own_link_and_the_first_and_last_stop_there():
    name = "optimizers-and-regularization"
    lecture = shipped(name)
    at = open_app(lecture.steps[0].page, step_params(name, 1))
    assert at.button(key="lecture-back").disabled and not at.button(key="lecture-next").disabled
    links = [link.proto for link in at.get("page_link") if re.match(r"\d+\. ", link.proto.label)]
    assert [link.label for link in links] == [
        f"{k}. {plain_text(step.title)}" for k, step in enumerate(lecture.steps, 1)
    ]
    for k, link in enumerate(links, 1):
        assert f"step={k}&" in link.query_string + "&" and "present=1" in link.query_string
        assert f"lecture={name}" in link.query_string
    last = len(lecture.steps)
    at = open_app(lecture.steps[-1].page, step_params(name, last))
    assert at.button(key="lecture-next").disabled


def test_a_bare_link_opens_the_step_s_own_state():
    at = open_app("saddles", {"lecture": "saddles-cliffs-and-tricks", "step": "5"})
    assert bar_title(at) == "Cliffs and gradient clipping" and not notices(at)
    assert at.radio(key="saddles:scenario").value == "cliff"


def test_a_step_on_another_page_links_to_it():
    at = open_app("arena", {"lecture": "saddles-cliffs-and-tricks", "step": "4"})
    (link,) = [p.proto for p in at.get("page_link") if p.proto.label.startswith("Open step 4")]
    assert link.page == "saddles" and "scenario=plateau" in link.query_string
    assert at.get("plotly_chart")  # the arena itself runs as usual


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"lecture": "no-such-lecture"}, "lecture=no-such-lecture"),
        ({"lecture": "saddles-cliffs-and-tricks", "step": "99"}, "step=99"),
        ({"lecture": "saddles-cliffs-and-tricks", "step": "0"}, "step=0"),
        ({"lecture": "saddles-cliffs-and-tricks", "step": "3", "ans3": "7"}, "ans3=7"),
        ({"script": "bm90IGEgc2NyaXB0"}, "script=bm90IGEgc2NyaXB0"),
        ({"present": "yes"}, "present=yes"),
    ],
)
def test_a_bad_lecture_value_gets_a_notice_not_an_error(params, named):
    at = open_app("saddles", params)
    assert not at.exception and not stopped(at)
    assert any(named in n for n in notices(at)), notices(at)


def test_a_teacher_s_script_opens_from_its_link_alone():
    data = {
        "title": "My <b>own</b> lecture",
        "steps": [
            {"title": "Cliff [x](http://e.x)", "preset": "clipping_cliff", "points": ["*one*"]},
            {"title": "Momentum", "page": "momentum", "points": ["two"]},
        ],
    }
    word = to_link(lecture_from_data(data))
    at = open_app("saddles", {"script": word, "step": "1", "present": "1"})
    assert not at.exception and not notices(at)
    assert bar_title(at) == plain_text("Cliff [x](http://e.x)")  # shown as written, no link
    assert at.radio(key="saddles:scenario").value == "cliff"
    assert any(m.value == "- \\*one\\*" for m in at.markdown)
    labels = [link.proto.label for link in at.get("page_link")]
    assert f"1. {plain_text('Cliff [x](http://e.x)')}" in labels  # the step list, plain too
    assert not any("](http://e.x)" in label for label in labels)
    at = at.button(key="lecture-next").click().run()
    assert bar_title(at) == "Momentum" and query(at)["script"] == word


# ------------------------------------------------------------------------------------------------
# The Lectures page


def test_the_lectures_page_lists_every_lecture_and_step():
    at = open_app("lectures", {})
    assert not at.exception and not stopped(at)
    labels = [link.proto.label for link in at.get("page_link")]
    steps = sum(len(shipped(name).steps) for name in shipped_names())
    assert labels.count("Present it (presenter view)") == len(shipped_names())
    assert len([label for label in labels if re.match(r"\d+\. ", label)]) == steps
    assert [e.label for e in at.expander][: len(shipped_names())] == [
        f"{shipped(n).title} · {len(shipped(n).steps)} steps" for n in shipped_names()
    ]


def test_an_uploaded_script_becomes_links_and_a_bad_one_says_where():
    at = open_app("lectures", {})
    at.file_uploader(key="lecture-upload").set_value(
        ("mine.toml", shipped_text("saddles-cliffs-and-tricks").encode(), "application/toml")
    )
    at.run()
    assert not at.exception and not at.error
    assert any("10 steps" in s.value for s in at.success)
    present = [p.proto for p in at.get("page_link") if p.proto.label.startswith("Present it")]
    assert "script=" in present[-1].query_string and "present=1" in present[-1].query_string
    bad = shipped_text("saddles-cliffs-and-tricks").replace('page = "saddles"', 'page = "moon"', 1)
    at.file_uploader(key="lecture-upload").set_value(("bad.toml", bad.encode(), "text/plain"))
    at.run()
    (error,) = [e.value for e in at.error]
    assert "step 4\\.page" in error and "moon" in error
