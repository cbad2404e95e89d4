"""Controls and cached calls of the optimizer arena (``pages/lessons/arena.py``).

Every control lives in the URL (see :class:`~optim_lab.ui.state.UrlState`). URL keys:

- ``surface`` (a registry name or ``custom``), ``f`` (the custom formula), ``s.<param>`` (the surface's
  parameters: ``s.kappa``, ``s.batch_size``...);
- ``x0``, ``y0`` (the shared start), ``steps``, ``seed``, ``n`` (number of runs, 1–6);
- per run ``i`` = 1…6: ``r<i>.opt``, ``r<i>.<optimizer>.<hparam>`` (``r1.sgd.lr``, ``r3.adam.beta1``),
  ``r<i>.sched``, ``r<i>.<schedule>.<param>`` (``r2.cosine.t_max``), ``r<i>.clip_norm``,
  ``r<i>.clip_value``, ``r<i>.weight_decay``, ``r<i>.noise``, ``r<i>.l1``, ``r<i>.decoupled_decay``;
- ``3d`` (3D view), ``ins.run`` and ``ins.k`` (the step inspector).

Hyper-parameters are keyed by optimizer, so switching a run from SGD to Adam gives Adam its own
sensible α and switching back restores SGD's.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from ..expr import ExpressionError
from ..figures.surface import CLICK_GRID_TRACE
from ..figures.theme import optimizer_color
from ..lessons.arena.presets import PRESETS
from ..optimizers import OPTIMIZERS
from ..schedules import SCHEDULES
from ..surfaces import SURFACES, SurfaceEntry
from ..trajectory import RunSpec
from ..transforms import MODIFIER_PARAMS
from . import widgets
from .cache import EXPR_PREFIX, get_surface, offer_formulas
from .state import UrlState, format_value, plain_text, verbatim

PAGE = "arena"
CHART_KEY = "arena_contour"
MAX_RUNS = 6
STEP_CHOICES = (50, 100, 200, 500, 1000)
DEFAULT_STEPS = 200
DEFAULT_SURFACE = "bowl"
DEFAULT_OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop", "nesterov", "adagrad")
CUSTOM = "custom"
DEFAULT_FORMULA = "0.1*x**2 + y**2 + 0.5*sin(3*x)"
# The default formula and the lecture presets' are fixed and small: computed in the server.
offer_formulas(
    DEFAULT_FORMULA, *(p.params["f"] for p in PRESETS if p.params.get("surface") == CUSTOM)
)
MAX_FORMULA_SHOWN = 500  # the formula input's own limit

# session keys of the page's own memory (not controls)
_LAST_SURFACE = f"{PAGE}:_last_surface"
_LAST_FORMULA = f"{PAGE}:_last_formula"
_LAST_CLICK = f"{PAGE}:_last_click"
_RUN_BOXES = f"{PAGE}:_run_boxes"  # {run index: (title, expanded given, open)}


@functools.lru_cache(maxsize=1024)  # asked for every run's default rate at every page run
def nice_number(value: float) -> float:
    """``value`` rounded to the log sliders' grid (1, 1.5, 2, 2.5, 3, 4, 5…, per decade)."""
    return widgets.nearest(widgets.log_options(1e-6, 100.0), value)


def default_lr(optimizer: str, surface: SurfaceEntry) -> float:
    """A learning rate that behaves sensibly on ``surface`` from its start.

    By the entry's ``lr_scale``: where α multiplies the gradient, the surface's ``lr_hint``; where
    steps are about α long (Adam, RMSprop, Lion), 2% of the plot's width; where they shrink like
    1/√t (AdaGrad), 10%; otherwise (Adadelta, Newton, L-BFGS) the registry default.
    """
    entry = OPTIMIZERS[optimizer]
    spec = entry.param("lr")
    (x0, x1), (y0, y1) = surface.domain
    width = max(x1 - x0, y1 - y0)
    if entry.lr_scale == "gradient":
        value = surface.lr_hint
    elif entry.lr_scale == "distance":
        value = 0.02 * width
    elif entry.lr_scale == "shrinking":
        value = 0.1 * width
    else:
        return float(spec.default)
    return float(min(max(nice_number(value), spec.min), spec.max))


# ------------------------------------------------------------------------------------------------
# Surface and start point


@dataclass
class SurfaceChoice:
    """The surface the page runs on.

    Attributes:
        key: the cache key (a registry name or ``expr:<formula>``).
        entry: the surface.
        params: its parameter values (empty for formulas).
        name: the picker's value (a registry name or ``custom``).
    """

    key: str
    entry: SurfaceEntry
    params: dict[str, Any]
    name: str


def _surface_label(name: str) -> str:
    return "Your own formula…" if name == CUSTOM else SURFACES[name].label


def _reset_on_surface_change(state: UrlState, name: str) -> None:
    """A new surface (picked by hand) gets its own start point and learning rates: the old ones
    would start off the plot or diverge at once (Rosenbrock needs α 500 times smaller than the
    bowl)."""
    previous = st.session_state.get(_LAST_SURFACE)
    st.session_state[_LAST_SURFACE] = name
    if previous is None or previous == name or state.external:
        return
    prefix = f"{PAGE}:"
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(prefix) and key.endswith(".lr"):
            del st.session_state[key]
    # the chart still holds the last click (on the old surface): it stays applied, not re-applied
    for url_key in ("x0", "y0", "ins.k"):
        st.session_state.pop(state.session_key(url_key), None)
    st.toast("New surface: start point and learning rates reset to suit it.", icon="🔄")


def surface_controls(state: UrlState) -> SurfaceChoice:
    """Surface picker, its formula or parameters; a bad formula shows its error and the last
    formula that worked keeps the page running."""
    names = [*SURFACES.names(), CUSTOM]
    name = widgets.choice(
        state, "surface", "loss surface", names, DEFAULT_SURFACE, format_func=_surface_label
    )
    _reset_on_surface_change(state, name)
    if name != CUSTOM:
        entry = SURFACES[name]
        params = widgets.entry_params(state, "s", entry)
        return SurfaceChoice(name, entry, params, name)
    formula = widgets.text(
        state,
        "f",
        "f(x, y) =",
        DEFAULT_FORMULA,
        help="Use x, y, numbers, + − * / ** ( ) and functions such as exp, log, sqrt, sin, cos, "
        "tanh, abs. The plot covers −3 ≤ x, y ≤ 3.",
    )
    try:
        entry = get_surface(EXPR_PREFIX + formula)
        st.session_state[_LAST_FORMULA] = formula
    except (ExpressionError, ValueError) as error:
        fallback = st.session_state.get(_LAST_FORMULA, DEFAULT_FORMULA)
        st.error(
            f"**This formula cannot be used:** {plain_text(error, limit=1000)}\n\n"
            f"Showing {verbatim(fallback, limit=MAX_FORMULA_SHOWN)} meanwhile."
        )
        formula = fallback
        entry = get_surface(EXPR_PREFIX + formula)
    return SurfaceChoice(EXPR_PREFIX + formula, entry, {}, name)


def apply_click(state: UrlState, surface: SurfaceEntry, chart_key: str = CHART_KEY) -> bool:
    """Moves the start to the point clicked on the contour (call before :func:`start_controls`).

    The chart keeps its selection across reruns, so a click is applied once: only a selection
    different from the last applied one moves the start. Returns whether the start moved.
    """
    event = st.session_state.get(chart_key)
    points = []
    if event:
        selection = event.get("selection", {}) if isinstance(event, Mapping) else event.selection
        points = selection.get("points", []) if selection else []
    grid = [p for p in points if p.get("curve_number") == CLICK_GRID_TRACE]
    if not grid:
        st.session_state[_LAST_CLICK] = None
        return False
    clicked = (float(grid[-1]["x"]), float(grid[-1]["y"]))
    if st.session_state.get(_LAST_CLICK) == clicked:
        return False
    st.session_state[_LAST_CLICK] = clicked
    (x0, x1), (y0, y1) = surface.domain
    x = float(np.clip(round(clicked[0], 4), x0, x1))
    y = float(np.clip(round(clicked[1], 4), y0, y1))
    state.set("x0", x)
    state.set("y0", y)
    return True


def coordinate_input(
    state: UrlState, url_key: str, label: str, default: float, low: float, high: float
) -> float:
    """A number input for one coordinate, kept inside [low, high] (a link's value too)."""
    bounds = widgets.Bounds(float(low), float(high))
    key = state.prepare(url_key, float(default), bounds.parse)
    st.session_state[key] = bounds.clamp(st.session_state[key])
    step = float(f"{(high - low) / 100:.1g}")
    return st.number_input(
        label,
        min_value=bounds.low,
        max_value=bounds.high,
        step=step,
        key=key,
        format="%.3f",
    )


def start_controls(state: UrlState, surface: SurfaceEntry) -> tuple[float, float]:
    """The shared start point: two number inputs (a click on the contour also sets them)."""
    (x0, x1), (y0, y1) = surface.domain
    left, right = st.columns(2)
    with left:
        x = coordinate_input(state, "x0", "start x", surface.start[0], x0, x1)
    with right:
        y = coordinate_input(state, "y0", "start y", surface.start[1], y0, y1)
    return float(x), float(y)


def steps_control(state: UrlState) -> int:
    """Number of steps, one of the compiled trajectory buckets (no recompilation)."""
    return widgets.int_choice(
        state,
        "steps",
        "steps",
        STEP_CHOICES,
        DEFAULT_STEPS,
        horizontal_radio=True,
        help="Every run takes this many updates.",
    )


# ------------------------------------------------------------------------------------------------
# Runs


def _lr_text(value: float) -> str:
    return widgets.format_number(float(value))


# How a modifier that is on shows in a run's legend text.
MODIFIER_TAGS = {
    "clip_norm": "clip ‖g‖ ≤ {}",
    "clip_value": "clip ±{}",
    "weight_decay": "L2 {}",
    "l1": "L1 {}",
    "decoupled_decay": "decay {}",
    "noise": "noise σ={}",
}


def run_label(
    index: int, optimizer: str, lr: float, schedule: str, modifiers: Mapping[str, float] = {}
) -> str:
    """Legend text of run ``index``: number, optimizer, α, a non-constant schedule and the
    modifiers that are on."""
    label = f"{index}: {OPTIMIZERS[optimizer].label} α={_lr_text(lr)}"
    if schedule != "constant":
        label += f", {SCHEDULES[schedule].label.lower()}"
    for name, value in modifiers.items():
        if value:
            label += ", " + MODIFIER_TAGS[name].format(_lr_text(value))
    return label


def run_controls(state: UrlState, index: int, surface: SurfaceEntry, seed: int) -> RunSpec:
    """One run's controls in an expander: optimizer, its hyper-parameters, schedule and gradient
    modifiers, drawn while the expander is open. Returns the run."""
    prefix = f"r{index}"
    default_opt = DEFAULT_OPTIMIZERS[(index - 1) % len(DEFAULT_OPTIMIZERS)]
    names = OPTIMIZERS.names()

    def parse_opt(text: str) -> str:
        if text not in names:
            raise ValueError("unknown optimizer")
        return text

    opt = state.peek(f"{prefix}.opt", default_opt, parse_opt)
    opt = opt if opt in names else default_opt
    # the label shows the α the run will use: parsed (and clamped) as its slider will
    lr_spec = OPTIMIZERS[opt].param("lr")
    lr_peek = state.peek(
        f"{prefix}.{opt}.lr", default_lr(opt, surface), widgets.number_parser(lr_spec)
    )
    sched_peek = state.peek(f"{prefix}.sched", "constant")
    sched_peek = sched_peek if sched_peek in SCHEDULES else "constant"
    modifiers_peek = {
        spec.name: state.peek(f"{prefix}.{spec.name}", 0.0, widgets.number_parser(spec))
        for spec in MODIFIER_PARAMS
    }
    title = run_label(index, opt, lr_peek, sched_peek, modifiers_peek)
    # Streamlit makes a new box when its title or `expanded` changes (a new α): it must open as
    # the old one was left, and `expanded` must not change while the title stays.
    boxes = st.session_state.setdefault(_RUN_BOXES, {})
    title_then, expanded_then, open_then = boxes.get(index, (None, index == 1, index == 1))
    expanded = expanded_then if title == title_then else open_then
    box = st.expander(title, expanded=expanded, key=f"{PAGE}_run_{index}", on_change="rerun")
    boxes[index] = (title, expanded, box.open)
    drawn = box.open  # a closed run's controls are not drawn: the arena stays light to serve
    opt = widgets.optimizer_picker(
        state, f"{prefix}.opt", default_opt, container=box if drawn else widgets.UNSEEN
    )
    entry = OPTIMIZERS[opt]
    if drawn:
        box.markdown(
            f'<span style="color:{optimizer_color(opt)};font-size:1.3em">━━</span> '
            f"{entry.description}",
            unsafe_allow_html=True,
        )
        tabs = box.tabs(
            ["hyper-parameters", "lr schedule", "clipping, noise & penalties"],
            key=f"{PAGE}_run_{index}_tab",
            on_change="rerun",
        )  # only the chosen tab's controls are drawn
        tab_hp, tab_schedule, tab_modifiers = (tab if tab.open else widgets.UNSEEN for tab in tabs)
    else:
        tab_hp = tab_schedule = tab_modifiers = widgets.UNSEEN
    hparams = widgets.entry_params(
        state,
        f"{prefix}.{opt}",
        entry,
        defaults={"lr": default_lr(opt, surface)},
        container=tab_hp,
    )
    schedule, schedule_params = widgets.schedule_controls(state, prefix, container=tab_schedule)
    if tab_schedule is not widgets.UNSEEN:
        if "lr" not in SCHEDULES[schedule].defaults():
            tab_schedule.caption("This schedule sets α itself: the optimizer's α is not used.")
        tab_schedule.latex(SCHEDULES[schedule].latex)
    modifiers = widgets.modifier_controls(state, prefix, container=tab_modifiers)
    return RunSpec(
        opt,
        hparams,
        schedule=schedule,
        schedule_params=schedule_params,
        modifiers=modifiers,
        seed=int(seed),
        label=run_label(index, opt, hparams["lr"], schedule, modifiers),
    )


def arena_link(surface_name: str, params: dict, optimizer: str, lr: float) -> dict[str, str]:
    """The arena's URL parameters for ``surface_name`` (its non-default parameters too) with run 1
    = ``optimizer`` at ``lr``: how other lessons open the arena on what they show."""
    defaults = SURFACES[surface_name].defaults()
    query = {"surface": surface_name, "r1.opt": optimizer, f"r1.{optimizer}.lr": f"{lr:g}"}
    query.update(
        {
            f"s.{k}": format_value(v)
            for k, v in params.items()
            if format_value(v) != format_value(defaults[k])
        }
    )
    return query
