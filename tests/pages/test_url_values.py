"""Every value a page takes from its URL is parsed with its widget's bounds: hostile links never
crash a page, never put visitor markup on it, and every value that could not be used as written is
named in the page's notice.

For every page, the URL keys are those the page registered (:data:`optim_lab.ui.state.URL_KEYS`),
in its default state and in a few alternate states whose choices reveal more keys (the arena with
each optimizer and schedule: ``r1.opt=adam`` → ``r1.adam.*``). Each key is then opened with each
hostile value (:data:`HOSTILE`; keys of alternate states with :data:`ALTERNATE`). To keep the file
fast, the keys of one state are sent together (up to :data:`CHUNK` at a time; each one must be
named in the notice or used as written) and pages that train networks get one hostile value only.
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from optim_lab.nn import ACTIVATIONS, DATASETS
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.surfaces import SURFACES
from optim_lab.ui.state import URL_KEYS, format_value, verbatim

from .apptest import open_page

LESSONS = Path(__file__).resolve().parents[2] / "pages" / "lessons"
PAGES = sorted(p.stem for p in LESSONS.glob("*.py") if p.stem != "home")  # home has no controls
MARKUP = "`[a](http://e.x)`"
HOSTILE = ("1000000000", "-1", "-1000000000", "nan", "inf", "abc", "x" * 10_000, MARKUP)
#: For keys of alternate states: above every range, below every range, not a number (markup).
ALTERNATE = ("1000000000", "-1000000000", MARKUP)
#: Pages whose runs train networks: one hostile value per key (non-numeric: defaults, cached).
SLOW = {"search", "ensembles", "regularization", "transfer", "playground", "batchnorm"}
#: Keys sent together in one run (the notice lists up to 40 lines).
CHUNK = 36
NOTICE = "could not be used"
#: The domains of the links hostile values carry: never a link on the page.
DOMAINS = ("e.x", "zz.example")


def _zip_states(**choices: list[str]) -> list[dict[str, str]]:
    """States that together give every key each of its options (zipped, cycling the shorter)."""
    count = max(len(options) for options in choices.values())
    return [{k: v[i % len(v)] for k, v in choices.items()} for i in range(count)]


# Surfaces, activations with parameters (the others register no keys of their own).
PARAM_SURFACES = [s.name for s in SURFACES if s.params]
PARAM_ACTIVATIONS = [a.name for a in ACTIVATIONS if a.params]

# Alternate states (beyond the defaults) whose choices register more keys.
STATES: dict[str, list[dict[str, str]]] = {
    "arena": [
        {"surface": "custom"},
        *(
            {"n": "6", **state}
            for state in _zip_states(
                surface=PARAM_SURFACES[1:] + PARAM_SURFACES[:1],
                **{"r1.opt": OPTIMIZERS.names()[1:]},
                **{"r1.sched": SCHEDULES.names()[1:]},
            )
        ),
    ],
    "schedules": _zip_states(
        show=[",".join(SCHEDULES.names())],
        surface=PARAM_SURFACES[::-1],
        opt=OPTIMIZERS.names()[1:],
        **{"r.sched": SCHEDULES.names()},
    ),
    "playground": [
        {"cmp": "1", "n": "4", "batch": "mini"},
        {"feat": "x1x2,sin_x1", "layers": "6", "prep": "none", "init": "normal", "disc": "1"},
        {"ds": "gaussians", "disc": "1", "showtest": "0", "layers": "0"},
        *_zip_states(
            ds=list(DATASETS.names()),
            o1=[n for n in OPTIMIZERS.names() if n != "lbfgs"],
            **{"s.sched": SCHEDULES.names()},
        ),
    ],
    "saddles": [{"scenario": s} for s in ("monkey", "plateau", "cliff")],
    "second_order": [{"surface": "bowl"}],
    "adaptive": [{"surf": s} for s in ("plateau", "beale", "rosenbrock")],
    "activations": _zip_states(
        a1=PARAM_ACTIVATIONS, a2=PARAM_ACTIVATIONS[1:] + PARAM_ACTIVATIONS[:1]
    ),
    "ewa": [{"src": "paste"}],
}


def path(page: str) -> str:
    return str(LESSONS / f"{page}.py")


def registered(at: AppTest) -> dict[str, Any]:
    """``{url_key: default}`` of the controls the page registered in its last run."""
    (keys,) = at.session_state[URL_KEYS].values()
    return keys


def query(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def notice(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning if NOTICE in w.value)


@functools.cache
def plan(page: str) -> tuple[tuple[dict[str, str], tuple[str, ...]], ...]:
    """``(base params, keys first registered in that state)`` for the default and alternate states
    (each key once)."""
    seen: set[str] = set()
    result = []
    for base in [{}, *STATES.get(page, [])]:
        at = open_page(path(page), base)
        assert not at.exception, (page, base, [e.value for e in at.exception])
        assert not notice(at), (page, base, notice(at))  # the states themselves are valid
        keys = [k for k in registered(at) if k not in seen and k not in base]
        seen.update(keys)
        result.append((base, tuple(keys)))
    return tuple(result)


# ------------------------------------------------------------------------------------------------
# What a page shows


def nodes(at: AppTest) -> Iterator[Any]:
    for root in (at.main, at.sidebar):
        yield from root


def markdown_texts(at: AppTest) -> Iterator[str]:
    """Every Markdown source on the page: texts, alerts, captions, titles, expander and tab labels."""
    kinds = {"markdown", "caption", "warning", "error", "info", "success", "toast", "title"}
    kinds |= {"header", "subheader"}
    for node in nodes(at):
        if node.type in kinds:
            yield node.value
        elif node.type in ("expander", "tab"):
            yield node.label


def outside_code(md: str, *, escapes: str = "drop") -> str:
    """The Markdown source outside code spans (CommonMark's rules, enough for these checks), with
    backslash-escaped characters dropped (what could still be markup syntax) or, with
    ``escapes="keep"``, unescaped (the parsed text, which Streamlit still rewrites)."""
    out, i = [], 0
    while i < len(md):
        char = md[i]
        if char == "\\" and i + 1 < len(md) and md[i + 1] in string.punctuation:
            out.append(md[i + 1] if escapes == "keep" else "")
            i += 2
            continue
        if char != "`":
            out.append(char)
            i += 1
            continue
        j = i
        while j < len(md) and md[j] == "`":
            j += 1
        fence, k = j - i, j
        while k < len(md):  # the closing run of exactly `fence` backticks
            if md[k] != "`":
                k += 1
                continue
            end = k
            while end < len(md) and md[end] == "`":
                end += 1
            if end - k == fence:
                break
            k = end
        if k >= len(md):  # no closing run: the backticks are literal
            out.append(md[i:j])
            i = j
        else:
            i = k + fence
    return "".join(out)


# What Streamlit's Markdown (remark-gfm) turns into links in parsed text, escapes or not.
BARE_LINKS = (
    re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE),
    re.compile(r"(?<![^\s\W])([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
)


def assert_no_visitor_markup(at: AppTest, params: dict[str, str]) -> None:
    """No text the visitor sent is a link, an image or HTML on the page, and none is very long."""
    for md in markdown_texts(at):
        syntax = outside_code(md)
        text = outside_code(md, escapes="keep")
        for domain in DOMAINS:
            assert f"](http://{domain}" not in syntax, (params, md[:500])
            assert f"<http://{domain}" not in syntax, (params, md[:500])
            for pattern in BARE_LINKS:
                for match in pattern.finditer(text):
                    assert domain not in match.group(0), (params, match.group(0), md[:500])
        assert "<a " not in syntax and "<img" not in syntax, (params, md[:500])
        assert "x" * 200 not in md, (params, md[:300])  # long values are cut


def widget(at: AppTest, session_key: str) -> Any | None:
    kinds = ("slider", "select_slider", "number_input", "selectbox", "radio")
    for node in nodes(at):
        if node.type in kinds and getattr(node, "key", None) == session_key:
            return node
    return None


def at_bound_or_default(
    at: AppTest, session_key: str, value: Any, default: Any, notice_line: str
) -> bool:
    """Whether a control holds its default or one end of its widget's range (a control in a closed
    box, not drawn: the value its notice line says it uses, the parser's bound or default)."""
    if format_value(value) == format_value(default):
        return True
    w = widget(at, session_key)
    if w is None:
        return notice_line.endswith(f"; using {verbatim(format_value(value))}")
    if w.type in ("slider", "number_input"):
        return value in (w.min, w.max)
    if w.type == "select_slider":
        ends = (float(w.options[0]), float(w.options[-1]))
        return any(math.isclose(float(value), end, rel_tol=0.02) for end in ends)
    return w.index in (0, len(w.options) - 1)  # a numeric choice beyond its options


def check(at: AppTest, page: str, params: dict[str, str], keys: tuple[str, ...]) -> None:
    assert not at.exception, (params, [e.value for e in at.exception])
    assert_no_visitor_markup(at, params)
    text = notice(at)
    controls = registered(at)
    for key in keys:
        value = params[key]
        accepted = query(at, key) == value  # used as written: the URL keeps it
        named = f" {key}=" in text or f" {key} " in text  # a notice line, or the unknown list
        assert accepted or named, (page, key, value[:60], text[:1000])
        if named and key in controls:
            session_key = f"{page}:{key}"
            held = at.session_state[session_key]
            line = next((n for n in text.splitlines() if f" {key}=" in n), "")
            assert at_bound_or_default(at, session_key, held, controls[key], line), (
                key,
                value[:60],
                held,
            )


@pytest.mark.slow  # every key of every page with every hostile value: ~1 min; `make test` runs it
@pytest.mark.parametrize("page", PAGES)
def test_every_url_key_takes_hostile_values(page):
    for index, (base, keys) in enumerate(plan(page)):
        # the default state's keys get every value; keys of alternate states go through the
        # same parsers, so the values that reach different branches are enough there
        values = HOSTILE if index == 0 else ALTERNATE
        for value in (MARKUP,) if page in SLOW else values:
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                params = {**base, **dict.fromkeys(chunk, value)}
                check(open_page(path(page), params), page, params, chunk)


# ------------------------------------------------------------------------------------------------
# Known bugs, one link each


@pytest.mark.parametrize(
    ("page", "params", "key", "expected"),
    [
        ("arena", {"r1.sched": "step", "r1.step.step_size": "50000"}, "r1.step.step_size", 10_000),
        ("playground", {"s.sched": "cosine", "s.cosine.t_max": "20000"}, "s.cosine.t_max", 10_000),
        ("arena", {"x0": "99"}, "x0", 2.0),
        ("second_order", {"n": "1e30"}, "n", 10**12),
        ("regularization", {"lam": "1e9"}, "lam", 0.1),
    ],
)
def test_values_beyond_a_widget_are_clamped_and_named(page, params, key, expected):
    at = open_page(path(page), params)
    assert not at.exception
    assert at.session_state[f"{page}:{key}"] == expected
    text = notice(at)
    raw = params[key]
    assert f"{key}={raw}" in text and "largest value" in text, text


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "1e999"])
def test_non_finite_counts_fall_back_to_the_default(raw):
    at = open_page(path("second_order"), {"n": raw})  # once an OverflowError traceback
    assert not at.exception
    assert at.session_state["second_order:n"] == 100_000
    assert f"n={raw}" in notice(at)


def test_a_nan_learning_rate_is_not_shown_in_the_run_label():
    at = open_page(path("arena"), {"r1.sgd.lr": "nan"})
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert labels[0] == "1: SGD α=0.5" and not any("nan" in label for label in labels)
    assert "r1.sgd.lr=nan" in notice(at)


def test_a_clamped_learning_rate_is_the_one_in_the_run_label():
    at = open_page(path("arena"), {"r1.sgd.lr": "1e9"})
    assert at.expander[0].label == "1: SGD α=10"
    text = notice(at)
    assert "r1.sgd.lr=1e9" in text and "is above the largest value 10;" in text


def test_a_link_in_a_value_stays_plain_text():
    value = "x` [Session expired](https://zz.example) `"
    at = open_page(path("arena"), {"surface": value, "f` [b](http://e.x) `": "1"})
    assert not at.exception
    text = notice(at)
    assert "[Session expired](https://zz.example)" in text  # shown, inside a code span
    assert_no_visitor_markup(at, {"surface": value})


def test_numbers_pasted_with_links_are_quoted_as_plain_text():
    params = {"src": "paste", "data": "[a](http://e.x) www.zz.example a@zz.example :smile:"}
    at = open_page(path("ewa"), params)
    assert not at.exception
    assert "Could not read your numbers" in at.error[0].value
    assert_no_visitor_markup(at, params)


def test_long_values_are_cut_in_the_notice():
    at = open_page(path("ewa"), {"beta": "9" * 10_000, "zz" * 5000: "1"})
    text = notice(at)
    assert len(text) < 1000 and "…" in text


# ------------------------------------------------------------------------------------------------
# Random links


MARKUP_CHARS = "[]()<>`*_~#!$&|\\:/.@=+-{}\"' \n"
VALUES = hs.one_of(
    hs.sampled_from(HOSTILE),
    hs.text(alphabet=MARKUP_CHARS + string.ascii_letters + string.digits + "αé€", max_size=40),
    hs.floats(allow_nan=True, allow_infinity=True).map(repr),
    hs.builds(
        lambda a, link, b: f"{a}{link}{b}",
        hs.text(alphabet=MARKUP_CHARS + "ab", max_size=6),
        hs.sampled_from(
            ["[l](http://zz.example)", "<http://zz.example>", "www.zz.example", "a@zz.example"]
        ),
        hs.text(alphabet=MARKUP_CHARS + "ab", max_size=6),
    ),
)


@pytest.mark.slow  # 80 random links through four pages: ~15 s of the fast loop; `make test` runs it
@pytest.mark.parametrize("page", ["arena", "ewa", "momentum", "schedules"])
def test_random_links_never_crash_nor_render_markup(page):
    keys = sorted(registered(open_page(path(page))))
    names = hs.one_of(
        hs.sampled_from(keys), hs.text(alphabet=MARKUP_CHARS + "abc", min_size=1, max_size=12)
    )

    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(hs.dictionaries(names, VALUES, max_size=5))
    def run(params):
        at = open_page(path(page), params)
        assert not at.exception, (params, [e.value for e in at.exception])
        assert_no_visitor_markup(at, params)

    run()
