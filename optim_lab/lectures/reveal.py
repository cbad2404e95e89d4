"""Predict, then reveal: a student's answer as a link keeps it, the right answer, and the
explanation filled with the run's numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .schema import PLACEHOLDER, Prediction, placeholders


def answer_key(number: int) -> str:
    """The URL key that keeps the answer to step ``number`` (``ans3=2``: option 2 of step 3)."""
    return f"ans{number}"


def check_given(prediction: Prediction, given: str) -> float | int:
    """A student's answer as its question takes it: an option's number (from 1) or a number.

    Raises:
        ValueError: not one of the options, or not a finite number.
    """
    try:
        value = float(given)
    except ValueError:
        raise ValueError(f"{given[:20]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    if prediction.kind == "choice":
        if value != int(value) or not 1 <= value <= len(prediction.options):
            raise ValueError(f"there is no option {given[:20]}")
        return int(value)
    return value


def given_text(prediction: Prediction, given: str) -> str:
    """A student's answer as a link writes it (``"2"``, ``"2.3"``); ``ValueError`` as
    :func:`check_given`."""
    value = check_given(prediction, given)
    return str(value) if isinstance(value, int) else f"{value:.6g}"


@dataclass(frozen=True)
class Verdict:
    """An answer judged against the run.

    Attributes:
        correct: whether the given answer is the right one.
        answer: the right answer as shown (an option's text or a number).
        given: the student's answer as shown.
        explanation: the question's explanation with the run's numbers filled in.
    """

    correct: bool
    answer: str
    given: str
    explanation: str


def right_answer(prediction: Prediction, values: Mapping[str, Any]) -> int | float:
    """The right option's number (choice) or the right value (number): the run's own where the
    reading computes it, else the script's.

    Raises:
        ValueError: the reading's answer is none of the question's options.
    """
    if "answer" in values:
        computed = values["answer"]
        if prediction.kind == "number":
            return float(computed)
        if computed not in prediction.options:
            raise ValueError(
                f"the run's answer, {str(computed)[:60]}, is none of this question's options"
            )
        return prediction.options.index(computed) + 1
    if prediction.answer is None:
        raise ValueError("this question has no answer")
    return prediction.answer


def show_number(value: float) -> str:
    return f"{value:.4g}"


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with each ``{name}`` or ``{name:spec}`` replaced by its value (a value its
    format does not fit is written plainly; an unknown name is left as written)."""
    placeholders(template)  # refuses what is not a plain name and format

    def value_text(match: re.Match) -> str:
        name, _, spec = match.group(1).partition(":")
        if name not in values:
            return match.group(0)
        value = values[name]
        try:
            return format(value, spec) if spec else _plain(value)
        except (TypeError, ValueError):
            return _plain(value)

    return PLACEHOLDER.sub(value_text, template)


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return show_number(value)
    return str(value)


def judge(prediction: Prediction, given: str, values: Mapping[str, Any]) -> Verdict:
    """The student's ``given`` answer against the run (``values``: the reading's, or empty).

    Raises:
        ValueError: as :func:`check_given` and :func:`right_answer`.
    """
    taken = check_given(prediction, given)
    answer = right_answer(prediction, values)
    if prediction.kind == "choice":
        correct = taken == answer
        answer_text = prediction.options[int(answer) - 1]
        given_text = prediction.options[int(taken) - 1]
    else:
        correct = prediction.accepts(float(taken), float(answer))
        answer_text, given_text = show_number(float(answer)), show_number(float(taken))
    shown = (
        {"answer": answer_text, "given": given_text}
        if prediction.kind == "choice"
        else {"answer": float(answer), "given": float(taken)}
    )
    filled = fill(prediction.explanation, {**values, **shown})
    return Verdict(correct, answer_text, given_text, filled)
