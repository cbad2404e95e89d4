"""The lecture-script schema: what a script holds, the checks that turn a TOML or JSON document into
a :class:`Lecture` (each refusal names the step and the field), and the compact form a link
carries.

A script (TOML shown; JSON with the same fields works too)::

    title = "Saddles and cliffs"
    summary = "Where gradient descent stalls, and what gets it moving."   # optional
    deck = "004"                                                         # optional

    [[steps]]
    title = "A saddle point"
    page = "saddles"               # a lesson page (its file name in pages/lessons/, no .py)
    preset = "saddle_point"        # optional: start from a lesson preset's parameters
    params = { steps = "300" }     # optional: the page's URL parameters (over the preset's)
    points = ["…", "…"]            # one to three talking points, plain text
    question = "…"                 # optional: the slide's question this step answers
    controls = ["saddle.y0"]       # optional: the controls the presenter view keeps

    [steps.predict]                # optional: the students answer before the run is shown
    kind = "choice"                # "choice" or "number"
    prompt = "Which run leaves the saddle first?"
    options = ["SGD", "Momentum (heavy ball)", "Adam"]
    reading = "saddle_escape"      # optional: computes the answer and the numbers of the run
    answer = 2                     # choice: the right option (from 1); number: the value
    tolerance = 0.1                # number: how far from the answer still counts as right
    explanation = "Momentum passes |y| = 1 at step {hb_out} …"

With a reading, the answer is the run's own (a choice question's right option is the option
whose text is the reading's answer) and ``answer`` may be left out; ``{name}`` or ``{name:.3g}``
in the explanation is one of the reading's values, ``{answer}`` the right answer, ``{given}`` the
student's.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import tomllib
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: At most this many steps in a script, talking points in a step, options in a question.
MAX_STEPS = 40
MAX_POINTS = 3
MAX_OPTIONS = 6
MAX_PARAMS = 60
MAX_CONTROLS = 20
#: A script file (or a link's script, once unpacked) is at most this many bytes.
MAX_SCRIPT_BYTES = 32_000
#: A link's script is at most this many characters (browsers and servers take URLs of ~8 kB).
MAX_LINK_CHARS = 6_000
#: The longest text each field takes.
TEXT_LIMITS = {
    "title": 120,
    "summary": 300,
    "deck": 40,
    "point": 300,
    "question": 300,
    "prompt": 300,
    "option": 160,
    "explanation": 800,
    "param": 200,
}
KINDS = ("choice", "number")
#: The URL keys of lecture mode itself (every page reads them; ``ans<k>`` keeps the answer to step
#: k), which a step's params cannot set.
LECTURE_KEYS = ("present", "lecture", "script", "step")
_ANSWER_KEY = re.compile(r"ans\d+")
#: The relative tolerance of a number question that names none.
DEFAULT_RELATIVE_TOLERANCE = 0.05

# URL keys as the pages write them (``o1.lr``, ``saddle.hb.rho``, ``r.step.step_size``).
_URL_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.]{0,39}")
# ``{name}`` or ``{name:spec}`` with a plain numeric format: no attribute access, no widths.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FIELD = re.compile(r"([a-z_][a-z0-9_]*)(?::(,?(?:\.\d{1,2})?[defgEG%]?))?")
# Characters the renderer drops: control characters (line breaks included) and Unicode line breaks.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


#: The schema's fields, for the reference the app shows: (field, what it holds).
REFERENCE = (
    ("title", "The lecture's title. Required."),
    ("summary", "One or two sentences about it."),
    ("deck", "The course deck it follows."),
    ("[[steps]]", f"The steps, in order: 1 to {MAX_STEPS}."),
    ("steps.title", "The step's title. Required."),
    ("steps.page", "The lesson page it opens: its file name in pages/lessons/, without .py."),
    ("steps.preset", "A lesson preset to start from: its page and its parameters."),
    ("steps.params", "The page's URL parameters, as its links write them (over the preset's)."),
    ("steps.points", f"1 to {MAX_POINTS} talking points, plain text. Required."),
    ("steps.question", "The slide's question the step answers."),
    ("steps.controls", "The URL keys of the controls the presenter view keeps in sight."),
    ("steps.predict", "A prediction asked before the run is shown."),
    ("predict.kind", "choice or number. Required."),
    ("predict.prompt", "The question. Required."),
    ("predict.options", f"choice: 2 to {MAX_OPTIONS} options."),
    (
        "predict.answer",
        "choice: the right option, from 1; number: the value. Not needed when "
        "the reading computes it.",
    ),
    ("predict.tolerance", "number: how far from the answer still counts as right (default 5 %)."),
    ("predict.reading", "The reading that computes the answer and the run's numbers."),
    (
        "predict.explanation",
        "Shown after the answer: {name} or {name:.3g} is one of the reading's "
        "values, {answer} the right answer, {given} the student's.",
    ),
)


class ScriptError(ValueError):
    """A script that does not follow the schema; the message says where (step and field)."""


@dataclass(frozen=True)
class Prediction:
    """What the students predict before a step's run is shown."""

    kind: str
    prompt: str
    options: tuple[str, ...] = ()
    answer: int | float | None = None  # choice: the right option, counted from 1
    tolerance: float | None = None  # number: absolute; None: 5 % of the answer
    reading: str | None = None
    explanation: str = ""

    def accepts(self, given: float, answer: float) -> bool:
        """Whether a number ``given`` counts as ``answer``."""
        tolerance = self.tolerance
        if tolerance is None:
            tolerance = DEFAULT_RELATIVE_TOLERANCE * abs(answer) or 1e-9
        return abs(given - answer) <= tolerance * (1 + 1e-9)


@dataclass(frozen=True)
class Step:
    """One step: a lesson page in a given state, and what the teacher says about it."""

    title: str
    page: str
    params: Mapping[str, str] = field(default_factory=dict)
    points: tuple[str, ...] = ()
    question: str = ""
    controls: tuple[str, ...] = ()
    predict: Prediction | None = None


@dataclass(frozen=True)
class Lecture:
    title: str
    steps: tuple[Step, ...]
    summary: str = ""
    deck: str = ""


# ------------------------------------------------------------------------------------------------
# Checks


def _text(value: Any, where: str, limit_name: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ScriptError(f"{where}: expected text, got {_kind(value)}")
    text = _BREAKS.sub(" ", value).strip()
    if required and not text:
        raise ScriptError(f"{where}: must not be empty")
    limit = TEXT_LIMITS[limit_name]
    if len(text) > limit:
        raise ScriptError(f"{where}: longer than {limit} characters ({len(text)})")
    return text


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _table(data: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ScriptError(f"{where}: expected a table, got {_kind(data)}")
    return data


def _fields(data: Any, where: str, allowed: Collection[str]) -> Mapping[str, Any]:
    data = _table(data, where)
    unknown = [str(k) for k in data if k not in allowed]
    if unknown:
        raise ScriptError(
            f"{where}: unknown field {unknown[0][:40]!r} (the fields are {', '.join(allowed)})"
        )
    return data


def _list(value: Any, where: str, low: int, high: int) -> list:
    if not isinstance(value, list):
        raise ScriptError(f"{where}: expected a list, got {_kind(value)}")
    if not low <= len(value) <= high:
        raise ScriptError(f"{where}: expected {low} to {high} entries, got {len(value)}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScriptError(f"{where}: expected a number, got {_kind(value)}")
    if not math.isfinite(value):
        raise ScriptError(f"{where}: expected a finite number")
    return float(value)


def _param_value(value: Any, where: str) -> str:
    """A URL parameter's value as the URL writes it (TOML numbers are welcome)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ScriptError(f"{where}: expected a finite number")
        return f"{value:.12g}"
    return _text(value, where, "param")


def _url_key(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _URL_KEY.fullmatch(value):
        raise ScriptError(
            f"{where}: {str(value)[:40]!r} is not a URL key (letters, digits, '_' and '.')"
        )
    return value


def placeholders(template: str) -> list[tuple[str, str]]:
    """``(name, format spec)`` of every ``{…}`` in an explanation; ``ValueError`` for one that is
    not a plain name with an optional numeric format (``{loss:.3f}``)."""
    found = []
    for inner in PLACEHOLDER.findall(template):
        match = _FIELD.fullmatch(inner)
        if not match:
            raise ValueError(f"{{{inner[:40]}}} is not a value name with an optional format")
        found.append((match.group(1), match.group(2) or ""))
    return found


def _prediction(data: Any, where: str, page: str, readings: Mapping[str, Any]) -> Prediction:
    fields = _fields(
        data,
        where,
        ("kind", "prompt", "options", "answer", "tolerance", "reading", "explanation"),
    )
    kind = fields.get("kind")
    if kind not in KINDS:
        raise ScriptError(f"{where}.kind: expected one of {', '.join(KINDS)}")
    prompt = _text(fields.get("prompt"), f"{where}.prompt", "prompt")
    reading_name = fields.get("reading")
    reading = None
    if reading_name is not None:
        if reading_name not in readings:
            raise ScriptError(
                f"{where}.reading: {str(reading_name)[:40]!r} is not a reading "
                f"(the readings are {', '.join(readings)})"
            )
        reading = readings[reading_name]
        if reading.page != page:
            raise ScriptError(
                f"{where}.reading: {reading_name} reads the {reading.page} page, not {page}"
            )
        if reading.answers not in (None, kind):
            raise ScriptError(
                f"{where}.reading: {reading_name} answers a {reading.answers} question"
            )
    options: tuple[str, ...] = ()
    answer: int | float | None = None
    tolerance = None
    if kind == "choice":
        if "tolerance" in fields:
            raise ScriptError(f"{where}.tolerance: only a number question has a tolerance")
        raw = _list(fields.get("options"), f"{where}.options", 2, MAX_OPTIONS)
        options = tuple(_text(o, f"{where}.options[{i}]", "option") for i, o in enumerate(raw, 1))
        if len(set(options)) < len(options):
            raise ScriptError(f"{where}.options: two options read the same")
        if "answer" in fields:
            value = fields["answer"]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ScriptError(f"{where}.answer: expected the right option's number (from 1)")
            if not 1 <= value <= len(options):
                raise ScriptError(f"{where}.answer: there is no option {value}")
            answer = value
    else:
        if "options" in fields:
            raise ScriptError(f"{where}.options: a number question has no options")
        if "answer" in fields:
            answer = _number(fields["answer"], f"{where}.answer")
        if "tolerance" in fields:
            tolerance = _number(fields["tolerance"], f"{where}.tolerance")
            if tolerance < 0:
                raise ScriptError(f"{where}.tolerance: must not be negative")
    if answer is None and (reading is None or reading.answers is None):
        raise ScriptError(f"{where}.answer: missing (no reading computes it)")
    explanation = _text(
        fields.get("explanation"), f"{where}.explanation", "explanation", required=False
    )
    known = {"answer", "given", *(reading.values if reading else ())}
    try:
        names = placeholders(explanation)
    except ValueError as error:
        raise ScriptError(f"{where}.explanation: {error}") from None
    for name, _ in names:
        if name not in known:
            raise ScriptError(
                f"{where}.explanation: {{{name}}} is not a value of "
                + (f"the reading {reading.name}" if reading else "this question (no reading)")
                + f"; known: {', '.join(sorted(known))}"
            )
    return Prediction(kind, prompt, options, answer, tolerance, reading_name, explanation)


def _step(
    data: Any,
    where: str,
    pages: Collection[str],
    presets: Mapping[str, Any],
    readings: Mapping[str, Any],
) -> Step:
    allowed = ("title", "page", "preset", "params", "points", "question", "controls", "predict")
    fields = _fields(data, where, allowed)
    title = _text(fields.get("title"), f"{where}.title", "title")
    params: dict[str, str] = {}
    page = fields.get("page")
    if "preset" in fields:
        name = fields["preset"]
        if name not in presets:
            raise ScriptError(f"{where}.preset: {str(name)[:40]!r} is not a lesson preset")
        preset = presets[name]
        preset_page = Path(preset.page).stem
        if page is not None and page != preset_page:
            raise ScriptError(f"{where}.page: the preset {name} opens {preset_page}, not {page}")
        page = preset_page
        params.update(preset.params)
    if page not in pages:
        raise ScriptError(
            f"{where}.page: "
            + ("missing" if page is None else f"{str(page)[:40]!r} is not a lesson page")
            + f" (the pages are {', '.join(sorted(pages))})"
        )
    if "params" in fields:
        raw = _table(fields["params"], f"{where}.params")
        if len(raw) > MAX_PARAMS:
            raise ScriptError(f"{where}.params: more than {MAX_PARAMS} parameters")
        for key, value in raw.items():
            if key in LECTURE_KEYS or _ANSWER_KEY.fullmatch(str(key)):
                raise ScriptError(f"{where}.params: {key} is lecture mode's own key")
            params[_url_key(key, f"{where}.params")] = _param_value(value, f"{where}.params.{key}")
    points = _list(fields.get("points"), f"{where}.points", 1, MAX_POINTS)
    controls = _list(fields.get("controls", []), f"{where}.controls", 0, MAX_CONTROLS)
    predict = fields.get("predict")
    return Step(
        title=title,
        page=page,
        params=params,
        points=tuple(_text(p, f"{where}.points[{i}]", "point") for i, p in enumerate(points, 1)),
        question=_text(fields.get("question"), f"{where}.question", "question", required=False),
        controls=tuple(_url_key(c, f"{where}.controls") for c in controls),
        predict=None
        if predict is None
        else _prediction(predict, f"{where}.predict", page, readings),
    )


def lesson_pages() -> tuple[str, ...]:
    """The lesson pages a step can open: one per lesson unit in ``optim_lab/lessons/``."""
    units = Path(__file__).parents[1] / "lessons"
    return tuple(sorted(p.name for p in units.iterdir() if (p / "__init__.py").is_file()))


def lecture_from_data(
    data: Any,
    *,
    pages: Collection[str] | None = None,
    presets: Mapping[str, Any] | None = None,
    readings: Mapping[str, Any] | None = None,
) -> Lecture:
    """Checks a parsed script and returns it as a :class:`Lecture`.

    Args:
        data: the script as parsed from TOML or JSON.
        pages: the lesson pages a step may open (default: every lesson unit's page).
        presets: the presets a step may start from, by name (default: every lesson preset).
        readings: the readings a prediction may use (default: :data:`.readings.READINGS`).

    Raises:
        ScriptError: the first problem found, with the step and field it is in.
    """
    if pages is None:
        pages = lesson_pages()
    if presets is None:
        from ..lessons import all_presets

        presets = {preset.name: preset for preset in all_presets()}
    if readings is None:
        from .readings import READINGS as readings
    fields = _fields(data, "script", ("title", "summary", "deck", "steps"))
    steps = _list(fields.get("steps"), "steps", 1, MAX_STEPS)
    return Lecture(
        title=_text(fields.get("title"), "title", "title"),
        steps=tuple(
            _step(s, f"step {i}", pages, presets, readings) for i, s in enumerate(steps, 1)
        ),
        summary=_text(fields.get("summary"), "summary", "summary", required=False),
        deck=_text(fields.get("deck"), "deck", "deck", required=False),
    )


def parse_script(text: str | bytes, fmt: str, **known: Any) -> Lecture:
    """A script file's text (``fmt`` ``"toml"`` or ``"json"``) as a checked :class:`Lecture`;
    ``known`` as in :func:`lecture_from_data`."""
    if isinstance(text, bytes):
        if len(text) > MAX_SCRIPT_BYTES:
            raise ScriptError(f"the script is larger than {MAX_SCRIPT_BYTES // 1000} kB")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScriptError("the script is not UTF-8 text") from None
    if len(text.encode("utf-8")) > MAX_SCRIPT_BYTES:
        raise ScriptError(f"the script is larger than {MAX_SCRIPT_BYTES // 1000} kB")
    try:
        if fmt == "toml":
            data = tomllib.loads(text)
        elif fmt == "json":
            data = json.loads(text)
        else:
            raise ValueError(f"unknown script format {fmt!r}")
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ScriptError(f"not valid {fmt.upper()}: {str(error)[:200]}") from None
    return lecture_from_data(data, **known)


# ------------------------------------------------------------------------------------------------
# A script in a link


def lecture_to_data(lecture: Lecture) -> dict[str, Any]:
    """A lecture as plain data :func:`lecture_from_data` reads back (each step's parameters in
    full, presets resolved)."""

    def step_data(step: Step) -> dict[str, Any]:
        out: dict[str, Any] = {"title": step.title, "page": step.page, "points": list(step.points)}
        if step.params:
            out["params"] = dict(step.params)
        if step.question:
            out["question"] = step.question
        if step.controls:
            out["controls"] = list(step.controls)
        if step.predict:
            p = step.predict
            predict: dict[str, Any] = {"kind": p.kind, "prompt": p.prompt}
            if p.options:
                predict["options"] = list(p.options)
            for name in ("answer", "tolerance", "reading"):
                if getattr(p, name) is not None:
                    predict[name] = getattr(p, name)
            if p.explanation:
                predict["explanation"] = p.explanation
            out["predict"] = predict
        return out

    data: dict[str, Any] = {"title": lecture.title}
    for name in ("summary", "deck"):
        if getattr(lecture, name):
            data[name] = getattr(lecture, name)
    data["steps"] = [step_data(step) for step in lecture.steps]
    return data


def to_link(lecture: Lecture) -> str:
    """The script as one URL-safe word (compressed JSON in base64url) for a link's ``script=``.

    Raises:
        ScriptError: the result is longer than :data:`MAX_LINK_CHARS`.
    """
    text = json.dumps(lecture_to_data(lecture), ensure_ascii=False, separators=(",", ":"))
    word = base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")
    word = word.rstrip("=")
    if len(word) > MAX_LINK_CHARS:
        raise ScriptError(
            f"the script is too long for a link ({len(word)} characters packed, at most "
            f"{MAX_LINK_CHARS}): shorten its texts or split it into two lectures"
        )
    return word


def from_link(word: str, **known: Any) -> Lecture:
    """The script a link's ``script=`` carries (see :func:`to_link`), checked like a file."""
    if len(word) > MAX_LINK_CHARS:
        raise ScriptError(f"longer than {MAX_LINK_CHARS} characters")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", word):
        raise ScriptError("not a packed script (letters, digits, '-' and '_' only)")
    try:
        packed = base64.urlsafe_b64decode(word + "=" * (-len(word) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, MAX_SCRIPT_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise ScriptError("not a packed script") from None
    if len(raw) > MAX_SCRIPT_BYTES or inflate.unconsumed_tail:
        raise ScriptError(f"the script is larger than {MAX_SCRIPT_BYTES // 1000} kB")
    return parse_script(raw, "json", **known)
