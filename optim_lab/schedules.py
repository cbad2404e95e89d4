r"""Learning-rate schedules: jit-safe functions of the step t = 0, 1, ... and their registry.

Each schedule is ``fn(t, sp, state) -> lr`` with traced parameters ``sp``. Only reduce-on-plateau uses
``state``: it is updated from the loss inside the run by :func:`observe_loss`. They match
``torch.optim.lr_scheduler`` where one exists.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .registry import MAX_LIST_ITEMS, Entry, HParam, Registry

# multistep milestones are a fixed-size traced array, padded with a step never reached.
MAX_MILESTONES = MAX_LIST_ITEMS
_NEVER = 1e9


class ScheduleState(NamedTuple):
    """Reduce-on-plateau's memory: lr multiplier, best loss so far, steps without improvement."""

    scale: jax.Array
    best: jax.Array
    bad_steps: jax.Array


def init_schedule_state(dtype=jnp.float32) -> ScheduleState:
    return ScheduleState(jnp.ones((), dtype), jnp.full((), jnp.inf, dtype), jnp.zeros((), dtype))


def observe_loss(state: ScheduleState, loss, sp: Mapping[str, Any]) -> ScheduleState:
    """ReduceLROnPlateau (mode min, relative threshold, no cooldown): multiply the lr by ``factor``
    once the loss has not improved on ``best·(1 − threshold)`` for more than ``patience`` steps."""
    improved = loss < state.best * (1 - sp["threshold"])
    best = jnp.where(improved, loss, state.best)
    bad = jnp.where(improved, 0.0, state.bad_steps + 1)
    reduce = bad > sp["patience"]
    scale = jnp.where(reduce, state.scale * sp["factor"], state.scale)
    return ScheduleState(scale, best, jnp.where(reduce, 0.0, bad))


def constant(t, sp, state):
    return sp["lr"] * jnp.ones_like(t, dtype=jnp.result_type(float))


def step_decay(t, sp, state):
    return sp["lr"] * sp["gamma"] ** jnp.floor(t / sp["step_size"])


def multistep(t, sp, state):
    passed = jnp.sum(jnp.asarray(sp["milestones"]) <= t)
    return sp["lr"] * sp["gamma"] ** passed


def exponential(t, sp, state):
    return sp["lr"] * jnp.exp(-sp["k"] * t)


def inverse_time(t, sp, state):
    return sp["lr"] / (1 + sp["k"] * t)


def _cosine(lr, lr_min, t_cur, t_period):
    return lr_min + (lr - lr_min) * (1 + jnp.cos(jnp.pi * t_cur / t_period)) / 2


def cosine(t, sp, state):
    return _cosine(sp["lr"], sp["lr_min"], t, sp["t_max"])


def cyclic(t, sp, state):
    s = sp["step_size"]
    cycle = jnp.floor(1 + t / (2 * s))
    x = jnp.abs(t / s - 2 * cycle + 1)
    return sp["lr_min"] + (sp["lr_max"] - sp["lr_min"]) * jnp.maximum(0.0, 1 - x)


def warm_restarts(t, sp, state):
    t0, mult = sp["t_0"], sp["t_mult"]
    geometric = mult != 1
    safe_mult = jnp.where(geometric, mult, 2.0)

    def start(n):  # first step of restart n
        return jnp.where(geometric, t0 * (safe_mult**n - 1) / (safe_mult - 1), t0 * n)

    guess = jnp.where(
        geometric,
        jnp.floor(jnp.log(t / t0 * (safe_mult - 1) + 1) / jnp.log(safe_mult)),
        jnp.floor(t / t0),
    )
    # floating-point log can land one cycle off at a boundary: fix it exactly.
    n = guess + (start(guess + 1) <= t) - (start(guess) > t)
    t_cur = t - start(n)
    period = jnp.where(geometric, t0 * safe_mult**n, t0)
    return _cosine(sp["lr"], sp["lr_min"], t_cur, period)


def plateau(t, sp, state):
    return sp["lr"] * state.scale


@dataclass(frozen=True)
class ScheduleEntry(Entry):
    fn: Callable | None = None
    needs_loss: bool = False  # reacts to the loss during the run


def _lr(default=0.1) -> HParam:
    return HParam(
        "lr", "base lr α₀", default, 1e-6, 100.0, log=True, help="The learning rate at t = 0."
    )


def _decay_rate(deck_recursion: str) -> HParam:
    """The rate k of a closed-form decay, with how the decks' recursion for it compounds."""
    return HParam(
        "k",
        "k",
        0.01,
        0.0,
        10.0,
        help="Decay rate per step, in closed form. A deck writes the recursion " + deck_recursion,
    )


def _gamma(default=0.5) -> HParam:
    return HParam("gamma", "γ", default, 0.0, 1.0, help="Factor applied at each decay.")


_LR_MIN = HParam("lr_min", "lr min", 0.0, 0.0, 10.0, help="The lowest learning rate reached.")

SCHEDULES: Registry[ScheduleEntry] = Registry("schedule")
for _entry in [
    ScheduleEntry(
        "constant",
        "Constant",
        r"\alpha_t = \alpha_0",
        (_lr(),),
        "The same step all along.",
        constant,
    ),
    ScheduleEntry(
        "step",
        "Step decay",
        r"\alpha_t = \alpha_0\,\gamma^{\lfloor t / s \rfloor}",
        (
            _lr(),
            HParam(
                "step_size",
                "every s steps",
                100,
                1,
                1e6,
                integer=True,
                help="Steps between decays.",
            ),
            _gamma(),
        ),
        "Cut the learning rate by γ every s steps (e.g. halve it every few epochs).",
        step_decay,
    ),
    ScheduleEntry(
        "multistep",
        "Multi-step decay",
        r"\alpha_t = \alpha_0\,\gamma^{\#\{m_i \le t\}}",
        (
            _lr(),
            HParam(
                "milestones",
                "milestones",
                "30,80",
                0,
                1e6,
                kind="int_list",
                help="Comma-separated steps where the lr is multiplied by γ.",
            ),
            _gamma(0.1),
        ),
        "Multiply by γ at chosen milestones.",
        multistep,
    ),
    ScheduleEntry(
        "exponential",
        "Exponential decay",
        r"\alpha_t = \alpha_0\,e^{-kt}",
        (
            _lr(),
            _decay_rate(
                "α_{i+1} = α_i·e^{−ki}, which compounds to α₀·e^{−k·i(i−1)/2}: at k = 0.01 "
                "it leaves 3·10⁻²² of α₀ after 100 steps, where this leaves 0.37."
            ),
        ),
        "Smooth exponential decay.",
        exponential,
    ),
    ScheduleEntry(
        "inverse_time",
        "1/t decay",
        r"\alpha_t = \frac{\alpha_0}{1 + kt}",
        (
            _lr(),
            _decay_rate(
                "α_{i+1} = α_i/(1 + ki), a product of all the factors: at k = 0.01 it leaves "
                "2·10⁻¹⁷ of α₀ after 100 steps, where this leaves 0.5."
            ),
        ),
        "Decay like 1/t: fast at first, then slowly.",
        inverse_time,
    ),
    ScheduleEntry(
        "cosine",
        "Cosine annealing",
        r"\alpha_t = \alpha_{min} + \tfrac12(\alpha_0 - \alpha_{min})\left(1 + \cos\frac{\pi t}{T_{max}}\right)",
        (
            _lr(),
            HParam(
                "t_max",
                "T_max",
                100,
                1,
                1e6,
                integer=True,
                help="Steps of one half-cosine from α₀ down to α_min.",
            ),
            _LR_MIN,
        ),
        "Follow half a cosine from α₀ down to α_min.",
        cosine,
    ),
    ScheduleEntry(
        "cyclic",
        "Cyclical (triangular)",
        r"\alpha_t = \alpha_{min} + (\alpha_{max} - \alpha_{min}) \max(0, 1 - |t/s - 2c + 1|),\ c = \lfloor 1 + \tfrac{t}{2s} \rfloor",
        (
            HParam("lr_min", "lr min", 0.001, 0.0, 10.0, help="Bottom of the triangle."),
            HParam("lr_max", "lr max", 0.1, 1e-6, 10.0, log=True, help="Top of the triangle."),
            HParam(
                "step_size",
                "half cycle s",
                50,
                1,
                1e6,
                integer=True,
                help="Steps from bottom to top.",
            ),
        ),
        "Bounce between α_min and α_max: big steps can carry the run over saddles and plateaus.",
        cyclic,
    ),
    ScheduleEntry(
        "warm_restarts",
        "Cosine with warm restarts (SGDR)",
        r"\alpha_t = \alpha_{min} + \tfrac12(\alpha_0 - \alpha_{min})\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right),\ T_i = T_0 T_{mult}^i",
        (
            _lr(),
            HParam("t_0", "T₀", 50, 1, 1e6, integer=True, help="Length of the first cycle."),
            HParam(
                "t_mult",
                "T_mult",
                1,
                1,
                10,
                integer=True,
                help="Each cycle is this many times longer.",
            ),
            _LR_MIN,
        ),
        "Cosine decay that restarts at α₀; cycles may grow by T_mult.",
        warm_restarts,
    ),
    ScheduleEntry(
        "plateau",
        "Reduce on plateau",
        r"\alpha \leftarrow \gamma_f\,\alpha \text{ after } p \text{ steps without } L < L_{best}(1-\tau)",
        (
            _lr(),
            HParam(
                "factor", "factor", 0.5, 0.0, 1.0, help="Multiplier applied when the loss stalls."
            ),
            HParam(
                "patience",
                "patience",
                10,
                0,
                1e6,
                integer=True,
                help="Steps without improvement tolerated.",
            ),
            HParam(
                "threshold", "threshold τ", 1e-4, 0.0, 1.0, help="Relative improvement that counts."
            ),
        ),
        "Watch the loss; cut the learning rate when it stops improving.",
        plateau,
        needs_loss=True,
    ),
]:
    SCHEDULES.add(_entry)


def all_param_names() -> list[str]:
    names: list[str] = []
    for entry in SCHEDULES:
        names += [p.name for p in entry.params if p.name not in names]
    return names


def pad_milestones(milestones: tuple[int, ...] | Any) -> np.ndarray:
    """Milestones as the fixed-size array the traced ``multistep`` expects."""
    out = np.full(MAX_MILESTONES, _NEVER)
    values = list(milestones) if isinstance(milestones, tuple | list) else []
    out[: len(values)] = values
    return out


def traced_params(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The union of all schedules' parameters (unused ones 0), ready to be traced.

    Every schedule then has the same parameter structure, so runs with different schedules can be
    batched together and switching schedule never changes shapes.
    """
    params = {key: 0.0 for key in all_param_names()}
    params.update({"patience": math.inf, "factor": 1.0})
    params.update(values)
    params["milestones"] = pad_milestones(params.get("milestones", ()) or ())
    return params


def lr_at(index, t, sp, state: ScheduleState, names: tuple[str, ...] | None = None):
    """Learning rate at step ``t`` of schedule number ``index`` (traced) among ``names`` (default:
    the whole registry).

    Every schedule is a handful of scalar operations, so all of ``names`` are evaluated and one is
    picked: this compiles several times faster than a ``lax.switch`` inside a scan.
    """
    fns = [entry.fn for entry in SCHEDULES] if names is None else [SCHEDULES[n].fn for n in names]
    t = jnp.asarray(t, jnp.asarray(sp["lr"]).dtype)
    values = [jnp.asarray(fn(t, sp, state), t.dtype) for fn in fns]
    return values[0] if len(values) == 1 else jnp.stack(values)[index]


@jax.jit
def _values(index, sp, t):
    return jax.vmap(lambda step: lr_at(index, step, sp, init_schedule_state()))(t)


def schedule_values(name: str, overrides: Mapping[str, Any] | None, steps: int) -> np.ndarray:
    """The learning rate at t = 0 … steps−1 (reduce-on-plateau with no loss: it never reduces)."""
    entry = SCHEDULES[name]
    sp = traced_params(name, entry.resolve(overrides))
    return np.asarray(_values(SCHEDULES.index(name), sp, np.arange(steps, dtype=np.float32)))
