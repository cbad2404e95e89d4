"""Lecture scripts: every shipped script follows the schema, every refusal names its step and
field, a script survives the trip through a link, and every shipped prediction's answer and
explanation hold for the run the engine computes (each reading checked against an independent
calculation)."""

from __future__ import annotations

import base64
import json
import math
import zlib
from pathlib import Path

import numpy as np
import pytest

from optim_lab.lectures import shipped, shipped_names, shipped_text
from optim_lab.lectures.readings import READINGS, SADDLE_EXIT
from optim_lab.lectures.reveal import answer_key, fill, given_text, judge, right_answer
from optim_lab.lectures.schema import (
    LECTURE_KEYS,
    MAX_LINK_CHARS,
    MAX_SCRIPT_BYTES,
    REFERENCE,
    Prediction,
    ScriptError,
    from_link,
    lecture_from_data,
    lecture_to_data,
    lesson_pages,
    parse_script,
    placeholders,
    to_link,
)
from optim_lab.ui.layout import LESSONS

DECKS = Path(__file__).resolve().parents[2] / "shared" / "lectures"
PREDICTIONS = [
    (name, number)
    for name in shipped_names()
    for number, step in enumerate(shipped(name).steps, 1)
    if step.predict is not None
]


# ------------------------------------------------------------------------------------------------
# The shipped scripts


def test_one_script_per_lecture_deck_in_deck_order():
    decks = [shipped(name).deck for name in shipped_names()]
    assert decks == ["000", "001", "002", "003", "004"]
    if DECKS.is_dir():  # the course's decks, where this checkout has them
        assert sorted(p.name[:3] for p in DECKS.glob("*.txt")) == decks


@pytest.mark.parametrize("name", shipped_names())
def test_every_shipped_script_follows_the_schema(name):
    lecture = parse_script(shipped_text(name), "toml")  # the schema's checks, again
    assert 6 <= len(lecture.steps) <= 12
    assert len({step.title for step in lecture.steps}) == len(lecture.steps)
    for step in lecture.steps:
        assert 2 <= len(step.points) <= 3, step.title
        assert step.question, f"{step.title}: the slide's question"
        assert step.page in lesson_pages()


def test_lesson_pages_are_the_navigation_s_lessons():
    listed = {Path(lesson.path).stem for group in LESSONS.values() for lesson in group}
    assert set(lesson_pages()) == listed - {"home", "lectures"}


def test_every_lecture_asks_for_a_prediction():
    asked = {name for name, _ in PREDICTIONS}
    assert asked == set(shipped_names())
    used = {shipped(n).steps[k - 1].predict.reading for n, k in PREDICTIONS}
    assert used == set(READINGS)  # every reading is used by a shipped question


# ------------------------------------------------------------------------------------------------
# Every shipped question's answer, against the engine


@pytest.mark.parametrize(("name", "number"), PREDICTIONS)
def test_every_shipped_answer_is_the_run_s(name, number):
    step = shipped(name).steps[number - 1]
    prediction = step.predict
    values = READINGS[prediction.reading](step.params) if prediction.reading else {}
    answer = right_answer(prediction, values)
    if prediction.answer is not None and "answer" in values:
        assert answer == prediction.answer  # the script's answer is the run's
    right = str(answer) if prediction.kind == "choice" else f"{answer:.6g}"
    verdict = judge(prediction, right, values)
    assert verdict.correct
    assert "{" not in verdict.explanation  # every value filled in
    if prediction.kind == "choice":
        for wrong in range(1, len(prediction.options) + 1):
            if wrong != answer:
                assert not judge(prediction, str(wrong), values).correct


def _by_hand_saddle(optimizer: str, y0: float, steps: int, **hp) -> np.ndarray:
    """|y| along a run on f = x² − y² (∂f/∂y = −2y), each rule written out in float64."""
    y, v, m, s, path = y0, 0.0, 0.0, 0.0, [abs(y0)]
    for t in range(1, steps + 1):
        g = -2.0 * y
        if optimizer == "sgd":
            y -= hp["lr"] * g
        elif optimizer == "heavy_ball":
            v = hp["rho"] * v + g
            y -= hp["lr"] * v
        else:  # adam with its default β₁, β₂, ε
            m = 0.9 * m + 0.1 * g
            s = 0.999 * s + 0.001 * g * g
            y -= hp["lr"] * (m / (1 - 0.9**t)) / (math.sqrt(s / (1 - 0.999**t)) + 1e-8)
        path.append(abs(y))
    return np.asarray(path)


def test_the_saddle_reading_matches_the_rules_by_hand():
    """The y coordinate of each run follows its own recursion (x does not enter it)."""
    values = READINGS["saddle_escape"]({})
    runs = {
        "sgd": _by_hand_saddle("sgd", 1e-3, 200, lr=0.01),
        "hb": _by_hand_saddle("heavy_ball", 1e-3, 200, lr=0.01, rho=0.9),
        "adam": _by_hand_saddle("adam", 1e-3, 200, lr=0.01),
    }
    for tag, path in runs.items():
        out = np.flatnonzero(path > SADDLE_EXIT)
        expected = f"at step {out[0]}" if out.size else "not within 200 steps"
        assert values[f"{tag}_out"] == expected, tag
    assert values["sgd_y"] == pytest.approx(1e-3 * 1.02**200, rel=1e-3)  # y grows by 1 + 2α
    first = min(
        (tag for tag in runs if (runs[tag] > 1).any()), key=lambda t: np.argmax(runs[t] > 1)
    )
    assert values["answer"] == {"sgd": "SGD", "hb": "Momentum (heavy ball)", "adam": "Adam"}[first]


def test_the_initial_loss_reading_is_ln_c():
    values = READINGS["initial_loss"]({})
    assert values["ln_c"] == pytest.approx(math.log(10))
    assert abs(values["answer"] - math.log(10)) < 0.05  # small weights: a uniform guess
    large = READINGS["initial_loss"]({"scale": "2"})
    assert large["answer"] > math.log(10) + 0.5  # large weights: confident, wrong guesses


def test_the_activation_reading_matches_the_closed_forms():
    values = READINGS["activation_slopes"]({"a1": "sigmoid", "a2": "tanh", "a3": "leaky_relu"})
    sigma = 1 / (1 + math.exp(10))
    slopes = dict(item.rsplit(" ", 1) for item in values["slopes"].split("; "))
    assert float(slopes["Sigmoid"]) == pytest.approx(sigma * (1 - sigma), rel=0.02)
    assert float(slopes["tanh"]) == pytest.approx(1 - math.tanh(-10) ** 2, abs=1e-7)
    assert values["answer"] == "Leaky ReLU" and values["best_slope"] == pytest.approx(0.01)
    dead = READINGS["activation_slopes"]({"a1": "relu", "a2": "none", "a3": "none"})
    assert dead["best_slope"] == 0.0


def test_the_early_stopping_reading_restores_the_best_step():
    from optim_lab.lessons.regularization.experiment import stopping_curves

    values = READINGS["early_stopping"]({"patience": "20"})
    val = stopping_curves(seed=0)["val_loss"]
    stopped = values["stopped"]
    assert values["best"] == int(np.argmin(val[: stopped + 1]))
    assert stopped - values["best"] == 20
    # the question's answer: training was still improving, the validation loss was lowest
    assert values["train_final"] < values["train_at_best"] / 10
    assert values["val_at_best"] < values["val_final"]


def test_the_hessian_reading_counts_bytes():
    values = READINGS["hessian_memory"]({"n": "100000", "prec": "float32"})
    assert values["answer"] == pytest.approx(100_000**2 * 4 / 1e9) == pytest.approx(40)
    assert values["memory"] == "40 GB" and values["weights"] == "400 kB"
    assert READINGS["hessian_memory"]({"n": "1000", "prec": "float64"})["answer"] == 8e-3


@pytest.mark.parametrize("reading", READINGS.values(), ids=lambda r: r.name)
def test_every_reading_says_what_it_needs(reading):
    assert reading.page in lesson_pages()
    assert reading.answers in (None, "choice", "number")
    assert ("answer" in reading.values) == (reading.answers is not None)
    with pytest.raises(ValueError, match=r"\w"):
        reading({key: "not a number" for key in (reading.keys or ("a1", "a2"))})


# ------------------------------------------------------------------------------------------------
# Refusals name the step and the field


def _script(**step_fields) -> dict:
    step = {"title": "A step", "page": "saddles", "points": ["one", "two"], **step_fields}
    return {
        "title": "A lecture",
        "steps": [{"title": "First", "page": "arena", "points": ["a"]}, step],
    }


def _predict(**fields) -> dict:
    return _script(predict={"kind": "choice", "prompt": "Which?", "options": ["a", "b"], **fields})


BAD = [
    ({"title": "x", "steps": []}, "steps: expected 1 to 40 entries"),
    ({"steps": [{}]}, "title: expected text"),
    ({"title": "x", "steps": [{"title": "t"}], "extra": 1}, "unknown field 'extra'"),
    (_script(page="nowhere"), "step 2.page: 'nowhere' is not a lesson page"),
    (_script(page=None), "step 2.page: missing"),
    (_script(preset="no_such"), "step 2.preset: 'no_such' is not a lesson preset"),
    (_script(preset="saddle_point", page="arena"), "step 2.page: the preset saddle_point opens"),
    (_script(points=[]), "step 2.points: expected 1 to 3 entries"),
    (_script(points=["a", "b", "c", "d"]), "step 2.points: expected 1 to 3 entries"),
    (_script(points=["a", 3]), "step 2.points[2]: expected text, got a whole number"),
    (_script(points=["x" * 301]), "step 2.points[1]: longer than 300 characters"),
    (_script(params={"bad key!": "1"}), "step 2.params: 'bad key!' is not a URL key"),
    (_script(params={"step": "3"}), "step 2.params: step is lecture mode's own key"),
    (_script(params={"ans2": "1"}), "step 2.params: ans2 is lecture mode's own key"),
    (_script(params={"steps": [1]}), "step 2.params.steps: expected text, got a list"),
    (_script(params={"steps": float("nan")}), "step 2.params.steps: expected a finite number"),
    (_script(controls="steps"), "step 2.controls: expected a list"),
    (_script(controls=["a b"]), "step 2.controls: 'a b' is not a URL key"),
    (_script(oops=1), "step 2: unknown field 'oops'"),
    (_predict(kind="essay"), "step 2.predict.kind: expected one of choice, number"),
    (_predict(options=["a"]), "step 2.predict.options: expected 2 to 6 entries"),
    (_predict(options=["a", "a"]), "step 2.predict.options: two options read the same"),
    (_predict(answer=3), "step 2.predict.answer: there is no option 3"),
    (_predict(answer=True), "step 2.predict.answer: expected the right option's number"),
    (_predict(), "step 2.predict.answer: missing (no reading computes it)"),
    (_predict(answer=1, tolerance=1), "step 2.predict.tolerance: only a number question"),
    (_predict(answer=1, reading="nope"), "step 2.predict.reading: 'nope' is not a reading"),
    (_predict(answer=1, reading="initial_loss"), "initial_loss reads the sanity page, not saddles"),
    (_predict(reading="hessian_memory"), "reads the second_order page"),
    (_predict(answer=1, explanation="{x}"), "step 2.predict.explanation: {x} is not a value"),
    (_predict(answer=1, explanation="{answer.__class__}"), "is not a value name with an optional"),
    (_predict(answer=1, explanation="{answer:>99999}"), "is not a value name with an optional"),
    (
        _script(predict={"kind": "number", "prompt": "How much?", "answer": "2"}),
        "step 2.predict.answer: expected a number, got text",
    ),
    (
        _script(predict={"kind": "number", "prompt": "?", "answer": 2, "tolerance": -1}),
        "step 2.predict.tolerance: must not be negative",
    ),
    (
        _script(predict={"kind": "number", "prompt": "?", "answer": 2, "options": ["a", "b"]}),
        "step 2.predict.options: a number question has no options",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _, m in BAD])
def test_a_bad_script_is_refused_with_its_step_and_field(data, message):
    with pytest.raises(ScriptError) as refused:
        lecture_from_data(data)
    assert message in str(refused.value)


def test_a_reading_that_answers_makes_the_answer_optional():
    data = _script(
        page="saddles",
        predict={
            "kind": "choice",
            "prompt": "Which run leaves first?",
            "options": ["SGD", "Momentum (heavy ball)", "Adam"],
            "reading": "saddle_escape",
            "explanation": "{answer}: {hb_out}.",
        },
    )
    step = lecture_from_data(data).steps[1]
    assert step.predict.answer is None and step.predict.reading == "saddle_escape"


def test_text_and_numbers_are_taken_as_written():
    data = _script(
        params={"steps": 300, "saddle.y0": 0.001, "x": True},
        points=["line\nbreak  ", "  trimmed"],
        preset="saddle_point",
    )
    step = lecture_from_data(data).steps[1]
    assert step.params["steps"] == "300" and step.params["saddle.y0"] == "0.001"
    assert step.params["x"] == "1" and step.params["scenario"] == "saddle"  # from the preset
    assert step.points == ("line break", "trimmed")


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ("title = ", "toml", "not valid TOML"),
        ("{", "json", "not valid JSON"),
        ("[1, 2]", "json", "script: expected a table, got a list"),
        (b"\xff\xfe", "toml", "not UTF-8"),
        (b"#" * (MAX_SCRIPT_BYTES + 1), "toml", "larger than 32 kB"),
        ("[" * 100_000, "json", "larger than 32 kB"),
    ],
)
def test_a_file_that_is_no_script_is_refused(text, fmt, message):
    with pytest.raises(ScriptError, match=message):
        parse_script(text, fmt)


def test_a_deeply_nested_file_is_refused_not_crashed():
    with pytest.raises(ScriptError, match="not valid JSON"):
        parse_script("[" * 15_000 + "]" * 15_000, "json")


def test_the_reference_names_every_field_the_checks_know():
    fields = {field.split(".")[-1].strip("[]") for field, _ in REFERENCE}
    assert {"title", "summary", "deck", "steps", "page", "preset", "params", "points"} <= fields
    assert {"question", "controls", "predict", "kind", "prompt", "options", "answer"} <= fields
    assert {"tolerance", "reading", "explanation"} <= fields


# ------------------------------------------------------------------------------------------------
# A script in a link


@pytest.mark.parametrize("name", shipped_names())
def test_a_script_survives_its_link(name):
    lecture = shipped(name)
    word = to_link(lecture)
    assert len(word) <= MAX_LINK_CHARS and word.replace("-", "").replace("_", "").isalnum()
    assert from_link(word) == lecture
    assert lecture_from_data(lecture_to_data(lecture)) == lecture


def _pack(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("", "not a packed script"),
        ("a b", "not a packed script"),
        ("%3Cscript%3E", "not a packed script"),
        ("AAAA", "not a packed script"),
        ("x" * (MAX_LINK_CHARS + 1), f"longer than {MAX_LINK_CHARS}"),
        (_pack(b" " * 3_000_000), "larger than 32 kB"),  # a small word that unpacks huge
        (_pack(json.dumps({"title": "t", "steps": "no"}).encode()), "steps: expected a list"),
    ],
)
def test_a_damaged_link_is_refused(word, message):
    with pytest.raises(ScriptError, match=message):
        from_link(word)


def test_a_script_too_long_for_a_link_says_so():
    rng = np.random.default_rng(0)

    def words(n: int) -> str:  # text that does not compress away
        return " ".join("".join(rng.choice(list("abcdefghij"), 6)) for _ in range(n))

    steps = [
        {"title": words(10), "page": "arena", "points": [words(40) for _ in range(3)]}
        for _ in range(15)
    ]
    lecture = lecture_from_data({"title": "Long", "steps": steps})
    with pytest.raises(ScriptError, match="too long for a link"):
        to_link(lecture)


# ------------------------------------------------------------------------------------------------
# Answers and explanations


CHOICE = Prediction("choice", "Which?", ("first", "second", "third"), answer=2)
NUMBER = Prediction("number", "How much?", answer=2.5, tolerance=0.1)


def test_a_choice_is_right_only_for_its_option():
    assert judge(CHOICE, "2", {}).correct and not judge(CHOICE, "3", {}).correct
    verdict = judge(CHOICE, "1", {})
    assert (verdict.answer, verdict.given) == ("second", "first")


def test_a_number_is_right_within_its_tolerance():
    assert judge(NUMBER, "2.6", {}).correct and not judge(NUMBER, "2.61", {}).correct
    relative = Prediction("number", "?", answer=40.0)  # 5 % by default
    assert judge(relative, "41.9", {}).correct and not judge(relative, "42.1", {}).correct


def test_the_run_s_answer_wins_over_the_script_s():
    assert right_answer(CHOICE, {"answer": "third"}) == 3
    with pytest.raises(ValueError, match="none of this question's options"):
        right_answer(CHOICE, {"answer": "fourth"})
    assert right_answer(NUMBER, {"answer": 2.25}) == 2.25


@pytest.mark.parametrize("given", ["0", "4", "1.5", "abc", "nan", "inf", ""])
def test_an_answer_a_choice_cannot_take_is_refused(given):
    with pytest.raises(ValueError):
        given_text(CHOICE, given)


def test_answers_are_written_plainly():
    assert given_text(CHOICE, "2.0") == "2" and given_text(NUMBER, "2.30000") == "2.3"
    assert answer_key(3) == "ans3" and answer_key(3) not in LECTURE_KEYS


def test_explanations_fill_values_with_their_formats():
    values = {"loss": 2.302585, "step": 72, "name": "Adam", "n": 100000}
    assert fill("{loss:.3f} at {step}, {name}", values) == "2.303 at 72, Adam"
    assert fill("{n:,d} and {loss}", values) == "100,000 and 2.303"
    assert fill("{name:.2f} {missing}", values) == "Adam {missing}"  # a misfit, an unknown
    with pytest.raises(ValueError):
        placeholders("{a[0]}")
