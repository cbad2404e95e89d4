"""Readings: the numbers a prediction's answer and explanation take from the run a step shows.

A reading is computed from a page's URL parameters (the values its controls hold; a key left out
takes the control's default) with the same engine and lesson functions the page calls, so the
explanation quotes the run on the screen. A reading that ``answers`` a question returns its right
answer as ``answer``: for a choice question the text of the right option (a run's or a function's
label), for a number question the number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Params = Mapping[str, str]


@dataclass(frozen=True)
class Reading:
    """A named computation over one page's parameters.

    Attributes:
        name: what scripts call it.
        page: the lesson page whose parameters it reads.
        description: one sentence, shown in the schema reference.
        keys: the URL keys it reads (the others cannot change it); None: any of the page's.
        values: the names of what it returns (``answer`` among them when it answers).
        answers: ``"choice"`` or ``"number"``: the kind of question its ``answer`` answers; None
            when it only supplies numbers for an explanation.
        compute: ``params -> {value name: number or text}``.
    """

    name: str
    page: str
    description: str
    keys: tuple[str, ...] | None
    values: tuple[str, ...]
    answers: str | None
    compute: Callable[[Params], dict[str, Any]]

    def __call__(self, params: Params) -> dict[str, Any]:
        """The values for the page's ``params`` (only :attr:`keys` are read).

        Raises:
            ValueError: a parameter this reading needs is not usable.
        """
        values = self.compute(self.relevant(params))
        missing = set(self.values) - set(values)
        if missing:
            raise RuntimeError(f"the reading {self.name} did not compute {sorted(missing)}")
        return values

    def relevant(self, params: Params) -> dict[str, str]:
        """The part of ``params`` this reading reads."""
        if self.keys is None:
            return dict(params)
        return {k: params[k] for k in self.keys if k in params}


def _number(params: Params, key: str, default: float) -> float:
    raw = params.get(key)
    if raw is None:
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{key}: {raw[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{key}: {raw[:40]!r} is not a finite number")
    return value


def _whole(params: Params, key: str, default: int, low: int, high: int) -> int:
    value = _number(params, key, default)
    if value != int(value) or not low <= value <= high:
        raise ValueError(f"{key}: expected a whole number from {low} to {high}")
    return int(value)


def _choice(params: Params, key: str, default: str, options) -> str:
    value = params.get(key, default)
    if value not in options:
        raise ValueError(f"{key}: {value[:40]!r} is not one of {', '.join(options)}")
    return value


# ------------------------------------------------------------------------------------------------
# Saddles: which run leaves the saddle first


#: A run has left the saddle once it is this far from the x axis: as far as the runs start from
#: the saddle point (1, 0.001), and half way to the edge of the map.
SADDLE_EXIT = 1.0


def _saddle_escape(params: Params) -> dict[str, Any]:
    import numpy as np

    from ..lessons.saddles.scenarios import SCENARIOS
    from ..optimizers import OPTIMIZERS
    from ..surfaces import SURFACES
    from ..trajectory import RunSpec, run_many

    if params.get("scenario", "saddle") != "saddle":
        raise ValueError("scenario: this reading reads the saddle scenario")
    scenario = SCENARIOS["saddle"]
    steps = _whole(params, "steps", 200, 10, 1000)
    y0 = _number(params, "saddle.y0", scenario.start[1])
    specs = []
    for run in scenario.runs:  # as the page builds them: each run's own controls
        hparams = {}
        for name, default in run.hparams.items():
            spec = OPTIMIZERS[run.optimizer].param(name)
            hparams[name] = spec.validate(_number(params, f"saddle.{run.tag}.{name}", default))
        specs.append(RunSpec(run.optimizer, hparams, label=run.label))
    trajectories = run_many(SURFACES["saddle"], specs, (scenario.start[0], y0), steps, {})
    values: dict[str, Any] = {"steps": steps}
    exits = {}
    for run, trajectory in zip(scenario.runs, trajectories, strict=True):
        off_axis = np.abs(np.asarray(trajectory.points)[:, 1])
        out = np.flatnonzero(off_axis > SADDLE_EXIT)
        exits[run.label] = int(out[0]) if out.size else None
        values[f"{run.tag}_out"] = f"at step {out[0]}" if out.size else f"not within {steps} steps"
        values[f"{run.tag}_y"] = float(off_axis[-1])
    left = {label: step for label, step in exits.items() if step is not None}
    values["answer"] = min(left, key=left.get) if left else "none of them"
    return values


# ------------------------------------------------------------------------------------------------
# Sanity checks: the loss at step 0


def _initial_loss(params: Params) -> dict[str, Any]:
    from ..lessons.sanity.experiment import initial_losses
    from ..nn import INITS

    init = _choice(params, "init", "normal", ("normal", "xavier", "he"))
    scale_spec = INITS["normal"].param("scale")
    scale = scale_spec.validate(_number(params, "scale", scale_spec.default))
    hidden = int(_choice(params, "h0", "32", ("16", "32", "64")))
    first = initial_losses(init=init, scale=scale, hidden=hidden, seed=0)  # as the page's run
    classes = 10
    (index,) = [i for i, k in enumerate(first["classes"]) if k == classes]
    return {
        "answer": float(first["loss"][index]),
        "ln_c": float(first["expected"][index]),
        "classes": classes,
        "chance": 1 / classes,
    }


# ------------------------------------------------------------------------------------------------
# Activations: the slope at x = -10

PROBE_X = -10.0


def _activation_slopes(params: Params) -> dict[str, Any]:
    import numpy as np

    from ..nn import ACTIVATIONS, curve

    chosen = []
    for i, default in enumerate(("relu", "sigmoid", "tanh"), 1):
        options = ACTIVATIONS.names() if i == 1 else ["none", *ACTIVATIONS.names()]
        name = _choice(params, f"a{i}", default, options)
        if name == "none":
            continue
        entry = ACTIVATIONS[name]
        overrides = {
            spec.name: spec.validate(_number(params, f"a{i}.{name}.{spec.name}", spec.default))
            for spec in entry.params
        }
        _, slope = curve(name, np.asarray([PROBE_X]), overrides)
        chosen.append((entry.label, float(np.asarray(slope)[0])))
    best_label, best_slope = max(chosen, key=lambda item: abs(item[1]))
    return {
        "answer": best_label,
        "best_slope": best_slope,
        "slopes": "; ".join(f"{label} {slope:.2g}" for label, slope in chosen),
        "x": PROBE_X,
    }


# ------------------------------------------------------------------------------------------------
# Regularization: early stopping on the lesson's run


def _early_stopping(params: Params) -> dict[str, Any]:
    from ..lessons.regularization.experiment import stopping_curves
    from ..nn.regularization import early_stopping_after

    patience = _whole(params, "patience", 20, 1, 300)
    curves = stopping_curves(seed=0)  # the page's run
    stop = early_stopping_after(curves["val_loss"], patience)
    best, stopped = stop["best_index"], stop["stopped_at"]
    train, val = curves["train_loss"], curves["val_loss"]
    return {
        "best": int(best),
        "stopped": "never" if stopped is None else int(stopped),
        "steps": len(train),
        "train_at_best": float(train[best]),
        "train_final": float(train[-1]),
        "val_at_best": float(val[best]),
        "val_final": float(val[-1]),
    }


# ------------------------------------------------------------------------------------------------
# Second-order methods: what the Hessian takes


def _hessian_memory(params: Params) -> dict[str, Any]:
    from ..curvature import curvature_costs, human_bytes, scientific
    from ..lessons.second_order.experiment import MAX_PARAMS

    n = _whole(params, "n", 100_000, 1, MAX_PARAMS)
    precision = _choice(params, "prec", "float32", ("float32", "float64"))
    history = _whole(params, "m", 10, 1, 100)
    costs = curvature_costs(n, history, 4 if precision == "float32" else 8)
    return {
        "answer": costs.hessian_bytes / 1e9,
        "n": n,
        "entries": scientific(costs.hessian_entries),
        "memory": human_bytes(costs.hessian_bytes),
        "weights": human_bytes(costs.gradient_bytes),
        "bytes_per_number": costs.bytes_per_number,
        "precision": precision,
    }


READINGS: dict[str, Reading] = {
    reading.name: reading
    for reading in (
        Reading(
            "saddle_escape",
            "saddles",
            "Which run of the saddle scenario first gets 1 away from the x axis, and when each "
            "does (`hb_out`, `sgd_out`, `adam_out`; `*_y`: how far off the axis each ends).",
            (
                "scenario",
                "steps",
                "saddle.y0",
                "saddle.sgd.lr",
                "saddle.hb.lr",
                "saddle.hb.rho",
                "saddle.adam.lr",
            ),
            ("answer", "steps", "sgd_out", "hb_out", "adam_out", "sgd_y", "hb_y", "adam_y"),
            "choice",
            _saddle_escape,
        ),
        Reading(
            "initial_loss",
            "sanity",
            "The loss of the untrained network at step 0 with 10 classes (`answer`), beside "
            "ln 10 (`ln_c`).",
            ("init", "scale", "h0"),
            ("answer", "ln_c", "classes", "chance"),
            "number",
            _initial_loss,
        ),
        Reading(
            "activation_slopes",
            "activations",
            "The slope f′(−10) of each chosen function (`slopes`); the function with the "
            "steepest one (`answer`, `best_slope`).",
            None,
            ("answer", "best_slope", "slopes", "x"),
            "choice",
            _activation_slopes,
        ),
        Reading(
            "early_stopping",
            "regularization",
            "The early-stopping run: the best step (`best`), the stop (`stopped`), and the "
            "training and validation losses there and at the end.",
            ("patience",),
            (
                "best",
                "stopped",
                "steps",
                "train_at_best",
                "train_final",
                "val_at_best",
                "val_final",
            ),
            None,
            _early_stopping,
        ),
        Reading(
            "hessian_memory",
            "second_order",
            "The Hessian's memory for N parameters in gigabytes (`answer`), its entries and "
            "its size in words (`memory`), beside the weights' own (`weights`).",
            ("n", "prec", "m"),
            ("answer", "n", "entries", "memory", "weights", "bytes_per_number", "precision"),
            "number",
            _hessian_memory,
        ),
    )
}
