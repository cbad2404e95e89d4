"""Widgets built from the registries, every one backed by the URL (:class:`UrlState`).

A hyper-parameter spec (:class:`optim_lab.registry.HParam`) decides the widget: a toggle for 0/1
flags, an integer slider, a log-spaced select-slider for log-scale values, a plain slider otherwise.

Each widget and the parser of its URL value share one description of what the widget can show
(:class:`Bounds`, the options of a choice): a link can never ask a widget for a value it cannot
take. A number beyond the bounds is clamped to the nearest one, anything else unusable falls back
to the default; both are listed in the page's notice (:meth:`UrlState.finish`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from ..optimizers import OPTIMIZERS
from ..registry import MAX_LIST_ITEMS, Entry, HParam, Registry
from ..schedules import SCHEDULES
from ..transforms import MODIFIER_PARAMS
from .state import Adjusted, UrlState

#: Integer sliders stop here: a longer range is too fine to drag (a link asking for more gets this).
MAX_INT_SLIDER = 10_000
# Log sliders offer these mantissas in every decade.
_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
# A log scale cannot reach 0: a range that starts at 0 offers 0 itself, then decades from the default
# (or this fraction of the maximum) upwards.
_LOG_SPAN = 1e-6


@functools.lru_cache(maxsize=256)
def log_options(low: float, high: float, include_zero: bool = False) -> tuple[float, ...]:
    """Readable log-spaced values from ``low`` to ``high`` (1, 1.5, 2, 2.5, 3, 4, … per decade);
    made once per range (every log slider asks for its range at every page run)."""
    values = [0.0] if include_zero else []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in _MANTISSAS:
            value = float(f"{mantissa * 10.0**exponent:.3g}")
            if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                values.append(value)
    return tuple(values)


@functools.lru_cache(maxsize=4096)  # called for every option of every log slider at every page run
def format_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.2g}"
    return f"{value:.4g}"


def _show(value: float) -> str:
    return f"{value:g}"


class Unseen:
    """A container for the controls of a closed box, drawn nowhere: each widget call returns its
    control's value (set by :meth:`UrlState.prepare`, from the link or the session) and keeps it
    in the session, as a value no widget shows, for when the box opens again. A closed box then
    costs the server no widgets."""

    def _value(self, *args: Any, key: str, **kwargs: Any) -> Any:
        value = st.session_state[key]
        st.session_state[key] = value
        return value

    multiselect = radio = select_slider = selectbox = slider = text_input = toggle = _value


UNSEEN = Unseen()


@dataclass(frozen=True)
class Bounds:
    """The range of a numeric widget, and the parser of its URL value: one source for both.

    Attributes:
        low: the widget's smallest value.
        high: its largest value.
        integer: whole numbers only (an integer slider or number input).
    """

    low: float
    high: float
    integer: bool = False

    @classmethod
    def of(cls, spec: HParam) -> Bounds:
        """The bounds of the widget :func:`number` draws for ``spec``: the registry's range, with
        integer sliders capped at :data:`MAX_INT_SLIDER`."""
        if spec.integer:
            return cls(int(spec.min), int(min(spec.max, MAX_INT_SLIDER)), integer=True)
        return cls(float(spec.min), float(spec.max))

    def cast(self, value: float) -> int | float:
        return int(value) if self.integer else float(value)

    def clamp(self, value: float) -> int | float:
        """``value`` brought into the bounds (rounded for whole numbers)."""
        value = min(max(float(value), self.low), self.high)
        return self.cast(round(value) if self.integer else value)

    def parse(self, text: str) -> int | float:
        """A URL value as a number within the bounds.

        Raises:
            Adjusted: the number was beyond a bound (the bound is used) or not whole.
            ValueError: not a finite number.
        """
        try:
            number = float(text)
        except (TypeError, ValueError):
            raise ValueError("not a number") from None
        if not math.isfinite(number):
            raise ValueError("not a finite number")
        if number > self.high:
            raise Adjusted(self.cast(self.high), f"is above the largest value {_show(self.high)}")
        if number < self.low:
            raise Adjusted(self.cast(self.low), f"is below the smallest value {_show(self.low)}")
        if self.integer and number != int(number):
            raise Adjusted(self.clamp(number), "is not a whole number")
        return self.cast(number)


def pick(options: Sequence[float], text: str, format_func: Callable[[float], str] = _show) -> float:
    """The numeric option a URL value names; a number beyond the options gets the first or last
    one (:class:`Adjusted`), anything else raises ``ValueError``."""
    listed = ", ".join(format_func(o) for o in options)
    try:
        number = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"choose one of {listed}") from None
    for option in options:
        if math.isclose(number, option, rel_tol=1e-9, abs_tol=1e-300):
            return option
    low, high = min(options), max(options)
    if math.isfinite(number) and number > high:
        raise Adjusted(high, f"is above the largest value {format_func(high)}")
    if math.isfinite(number) and number < low:
        raise Adjusted(low, f"is below the smallest value {format_func(low)}")
    raise ValueError(f"choose one of {listed}")


def _flag_parse(spec: HParam) -> Callable[[str], float]:
    choices = spec.choices or (0.0, 1.0)

    def parse(text: str) -> float:
        try:
            value = float(text)
        except (TypeError, ValueError):
            value = math.nan
        if value not in choices:
            raise ValueError("use " + " or ".join(_show(c) for c in choices))
        return value

    return parse


def number_parser(spec: HParam) -> Callable[[str], float]:
    """The URL parser of the widget :func:`number` draws for ``spec`` (also for labels that show a
    value before its widget is drawn)."""
    if spec.choices is not None:
        return _flag_parse(spec)
    return Bounds.of(spec).parse


def number(
    state: UrlState,
    url_key: str,
    spec: HParam,
    *,
    label: str | None = None,
    default: float | None = None,
    container: Any = st,
    disabled: bool = False,
) -> float:
    """A widget for one numeric hyper-parameter; returns its value."""
    default = spec.default if default is None else default
    label = label or spec.label
    help_text = spec.help or None
    bounds = Bounds.of(spec)
    key = state.prepare(url_key, bounds.cast(default), number_parser(spec))
    current = st.session_state[key]
    if spec.choices is not None and set(spec.choices) == {0.0, 1.0}:
        st.session_state[key] = bool(current)
        checked = container.toggle(label, key=key, help=help_text, disabled=disabled)
        return 1.0 if checked else 0.0
    current = st.session_state[key] = bounds.clamp(current)  # a value set by code stays drawable
    if spec.integer:
        return container.slider(
            label,
            int(bounds.low),
            int(bounds.high),
            key=key,
            help=help_text,
            disabled=disabled,
        )
    if spec.log:
        low = (
            bounds.low
            if bounds.low > 0
            else min(float(default) or math.inf, bounds.high * _LOG_SPAN)
        )
        options = log_options(low, bounds.high, include_zero=bounds.low == 0)
        if current not in options:  # an exact value from a link or a preset stays exact
            options = tuple(sorted([*options, float(current)]))
        return container.select_slider(
            label,
            options=options,
            key=key,
            help=help_text,
            format_func=format_number,
            disabled=disabled,
        )
    step = float(f"{(bounds.high - bounds.low) / 200:.1g}")
    return container.slider(
        label,
        bounds.low,
        bounds.high,
        step=step,
        key=key,
        help=help_text,
        format="%g",
        disabled=disabled,
    )


def choice(
    state: UrlState,
    url_key: str,
    label: str,
    options: Sequence[str],
    default: str,
    *,
    format_func: Callable[[str], str] = str,
    container: Any = st,
    help: str | None = None,
    horizontal_radio: bool = False,
) -> str:
    """A select box (or horizontal radio) whose value is one of ``options``."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"choose one of {', '.join(options)}")
        return text

    key = state.prepare(url_key, default, parse)
    if horizontal_radio:
        return container.radio(
            label, options, key=key, format_func=format_func, help=help, horizontal=True
        )
    return container.selectbox(label, options, key=key, format_func=format_func, help=help)


def entry_choice(
    state: UrlState,
    url_key: str,
    label: str,
    registry: Registry,
    default: str,
    *,
    names: Sequence[str] | None = None,
    **options: Any,
) -> str:
    """A :func:`choice` among a registry's entries (or ``names`` of them), shown by their labels."""
    names = registry.names() if names is None else list(names)
    return choice(
        state, url_key, label, names, default, format_func=lambda n: registry[n].label, **options
    )


def entry_multiselect(
    state: UrlState,
    url_key: str,
    label: str,
    registry: Registry,
    default: Sequence[str],
    *,
    container: Any = st,
    help: str | None = None,
) -> list[str]:
    """Several of a registry's entries at once, shown by their labels and written in the URL as
    ``name,name``."""

    def parse(text: str) -> list[str]:
        names = [n for n in text.split(",") if n]
        for name in names:
            if name not in registry:
                raise ValueError(f"{name!r} is not one of the choices")
        return list(dict.fromkeys(names))

    key = state.prepare(url_key, list(default), parse)
    return container.multiselect(
        label, registry.names(), key=key, format_func=lambda n: registry[n].label, help=help
    )


def int_choice(
    state: UrlState,
    url_key: str,
    label: str,
    options: Sequence[int | str],
    default: int | str,
    **kwargs: Any,
) -> int:
    """:func:`choice` among whole numbers (steps, sizes, counts), returned as an ``int`` (a link's
    number that is not an option is an unknown choice: the default)."""
    texts = [str(o) for o in options]
    return int(choice(state, url_key, label, texts, str(default), **kwargs))


def toggle(
    state: UrlState,
    url_key: str,
    label: str,
    default: bool,
    *,
    container: Any = st,
    help: str | None = None,
) -> bool:
    def parse(text: str) -> bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("use 1 or 0")

    key = state.prepare(url_key, default, parse)
    return container.toggle(label, key=key, help=help)


def text(
    state: UrlState,
    url_key: str,
    label: str,
    default: str,
    *,
    container: Any = st,
    help: str | None = None,
    max_chars: int = 500,
) -> str:
    def parse(value: str) -> str:
        if len(value) > max_chars:
            raise ValueError(f"longer than {max_chars} characters")
        return value

    key = state.prepare(url_key, default, parse)
    return container.text_input(label, key=key, help=help, max_chars=max_chars)


def integer(
    state: UrlState,
    url_key: str,
    label: str,
    default: int,
    low: int,
    high: int,
    *,
    container: Any = st,
    help: str | None = None,
) -> int:
    return int(
        number(
            state,
            url_key,
            HParam(url_key, label, default, low, high, integer=True, help=help or ""),
            container=container,
        )
    )


def _list_parser(spec: HParam) -> Callable[[str], str]:
    """URL parser of an ``int_list`` text input (milestones): the list, normalized."""

    def parse(text: str) -> str:
        try:
            return ",".join(map(str, spec.validate(text)))
        except ValueError:
            raise ValueError(
                f"use up to {MAX_LIST_ITEMS} whole numbers between {_show(spec.min)} and "
                f"{_show(spec.max)}, separated by commas"
            ) from None

    return parse


def entry_params(
    state: UrlState,
    prefix: str,
    entry: Entry,
    *,
    container: Any = st,
    skip: Sequence[str] = (),
    defaults: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Widgets for every hyper-parameter of a registry entry; returns ``{name: value}``."""
    values: dict[str, Any] = {}
    for spec in entry.params:
        if spec.name in skip:
            continue
        default = (defaults or {}).get(spec.name)
        if spec.kind == "int_list":
            key = state.prepare(f"{prefix}.{spec.name}", spec.default, _list_parser(spec))
            values[spec.name] = container.text_input(spec.label, key=key, help=spec.help)
        else:
            values[spec.name] = number(
                state, f"{prefix}.{spec.name}", spec, default=default, container=container
            )
    return values


def optimizer_picker(
    state: UrlState,
    url_key: str,
    default: str,
    *,
    container: Any = st,
    label: str = "optimizer",
    names: Sequence[str] | None = None,
) -> str:
    names = list(names or OPTIMIZERS.names())
    return choice(
        state,
        url_key,
        label,
        names,
        default,
        format_func=lambda n: OPTIMIZERS[n].label,
        container=container,
    )


def schedule_controls(
    state: UrlState, prefix: str, *, container: Any = st, default: str = "constant"
) -> tuple[str, dict[str, Any]]:
    """A schedule picker and its parameters (its base lr comes from the optimizer)."""
    name = choice(
        state,
        f"{prefix}.sched",
        "lr schedule",
        SCHEDULES.names(),
        default,
        format_func=lambda n: SCHEDULES[n].label,
        container=container,
    )
    params = entry_params(
        state, f"{prefix}.{name}", SCHEDULES[name], container=container, skip=("lr",)
    )
    return name, params


def modifier_controls(state: UrlState, prefix: str, *, container: Any = st) -> dict[str, float]:
    """Clipping, coupled weight decay and gradient noise (0 = off)."""
    return {
        spec.name: number(state, f"{prefix}.{spec.name}", spec, container=container)
        for spec in MODIFIER_PARAMS
    }


def seed_control(state: UrlState, url_key: str = "seed", *, container: Any = st) -> int:
    return integer(
        state,
        url_key,
        "seed",
        0,
        0,
        9999,
        container=container,
        help="Seeds the gradient noise and minibatch sampling: same seed, same run.",
    )


def nearest(options: Sequence[float], value: float) -> float:
    """The option closest to ``value`` (on a log scale when all are positive)."""
    arr = np.asarray(options, dtype=float)
    if np.all(arr > 0) and value > 0:
        return float(arr[np.argmin(np.abs(np.log(arr) - math.log(value)))])
    return float(arr[np.argmin(np.abs(arr - value))])
