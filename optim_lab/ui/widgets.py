"""Widgets built from the registries, every one backed by the URL (:class:`UrlState`).

A hyper-parameter spec (:class:`optim_lab.registry.HParam`) decides the widget: a toggle for 0/1
flags, an integer slider, a log-spaced select-slider for log-scale values, a plain slider otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import streamlit as st

from ..optimizers import OPTIMIZERS
from ..registry import Entry, HParam
from ..schedules import SCHEDULES
from ..transforms import MODIFIER_PARAMS
from .state import UrlState

# Log sliders offer these mantissas in every decade.
_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
# A log scale cannot reach 0: a range that starts at 0 offers 0 itself, then decades from the default
# (or this fraction of the maximum) upwards.
_LOG_SPAN = 1e-6


def log_options(low: float, high: float, include_zero: bool = False) -> list[float]:
    """Readable log-spaced values from ``low`` to ``high`` (1, 1.5, 2, 2.5, 3, 4, … per decade)."""
    values = [0.0] if include_zero else []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in _MANTISSAS:
            value = float(f"{mantissa * 10.0**exponent:.3g}")
            if low * (1 - 1e-9) <= value <= high * (1 + 1e-9):
                values.append(value)
    return values


def format_number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.2g}"
    return f"{value:.4g}"


def _parse_in(spec: HParam) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = spec.validate(text)
        return int(value) if spec.integer else float(value)

    return parse


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
    key = state.prepare(url_key, int(default) if spec.integer else float(default), _parse_in(spec))
    current = st.session_state[key]
    if spec.choices is not None and set(spec.choices) == {0.0, 1.0}:
        st.session_state[key] = bool(current)
        checked = container.toggle(label, key=key, help=help_text, disabled=disabled)
        return 1.0 if checked else 0.0
    if spec.integer:
        st.session_state[key] = int(current)
        return container.slider(
            label,
            int(spec.min),
            int(min(spec.max, 10_000)),
            key=key,
            help=help_text,
            disabled=disabled,
        )
    if spec.log:
        low = spec.min if spec.min > 0 else min(float(default) or math.inf, spec.max * _LOG_SPAN)
        options = log_options(low, spec.max, include_zero=spec.min == 0)
        if current not in options:  # an exact value from a link or a preset stays exact
            options = sorted([*options, float(current)])
        return container.select_slider(
            label,
            options=options,
            key=key,
            help=help_text,
            format_func=format_number,
            disabled=disabled,
        )
    step = float(f"{(spec.max - spec.min) / 200:.1g}")
    return container.slider(
        label,
        float(spec.min),
        float(spec.max),
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


def int_choice(
    state: UrlState,
    url_key: str,
    label: str,
    options: Sequence[int | str],
    default: int | str,
    **kwargs: Any,
) -> int:
    """:func:`choice` among whole numbers (steps, sizes, counts), returned as an ``int``."""
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
            key = state.prepare(
                f"{prefix}.{spec.name}",
                spec.default,
                lambda t, s=spec: ",".join(map(str, s.validate(t))),
            )
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
