"""The babysitting gallery: training curves of real runs with one mistake planted, each beside the
same run with the mistake fixed (:data:`SYMPTOMS`, :func:`train_symptom`), and what each run shows
(:func:`reading`), in numbers taken from the run itself."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from ...nn.init import INITS
from ...nn.training import train
from ...nn.training_config import TrainConfig
from ...nn.training_rules import EXPLODE_FACTOR
from ...optimizers import OPTIMIZERS
from . import text


@dataclass(frozen=True)
class Symptom:
    """One planted mistake and its fix.

    Attributes:
        name: the URL value.
        title: the choice's label.
        steps: training steps of both runs.
        planted: the run with the mistake.
        fixed: the same run with the fix applied (only traced values or the fixed field differ,
            so most pairs share one compiled program).
        look: what to look at in the curves (text.py).
        fix: the fix, and why it works (text.py).
        action: the button's label that applies the fix.
        undo: the button's label that shows the mistake again.
        states: how the two runs are named (the mistake's in the legend, beside its grey curves).
    """

    name: str
    title: str
    steps: int
    planted: TrainConfig
    fixed: TrainConfig
    look: str
    fix: str
    action: str = "Apply the fix"
    undo: str = "Show the mistake again"
    states: tuple[str, str] = ("with the mistake", "with the fix")


def _sgd(lr: float) -> dict:
    return {"lr": lr}


# Full-batch SGD on the spiral (180 training examples, 3 classes): five symptoms and their fixes
# run the same compiled program, only the rate, the initial weights or λ₂ change.
SPIRAL = TrainConfig(
    dataset="spiral",
    hidden=(50, 50),
    activation="relu",
    init="he",
    optimizer="sgd",
    optimizer_params=_sgd(0.3),
)
# 50 training examples of three overlapping blobs: a 100-100 network can memorise their noise.
BLOBS = TrainConfig(
    dataset="blobs",
    dataset_params={"points": 100, "noise": 1.5, "classes": 3},
    val_fraction=0.4,
    test_fraction=0.1,
    hidden=(100, 100),
    activation="relu",
    init="he",
    optimizer="adam",
    optimizer_params={"lr": 0.003},
)
# 10 classes (8×8 digits) and small initial weights: the softmax starts out uniform.
DIGITS = TrainConfig(
    dataset="digits",
    hidden=(50,),
    activation="relu",
    init="normal",
    init_scale=0.01,
    optimizer="sgd",
    optimizer_params=_sgd(0.01),
)

SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(
        "high",
        "learning rate too high",
        400,
        replace(SPIRAL, optimizer_params=_sgd(1.0)),
        SPIRAL,
        text.HIGH_LOOK,
        text.HIGH_FIX,
    ),
    Symptom(
        "low",
        "learning rate too low",
        400,
        replace(SPIRAL, optimizer_params=_sgd(1e-5)),
        SPIRAL,
        text.LOW_LOOK,
        text.LOW_FIX,
    ),
    Symptom(
        "init",
        "bad initialization",
        400,
        replace(SPIRAL, init="normal", init_scale=0.01, optimizer_params=_sgd(0.5)),
        replace(SPIRAL, optimizer_params=_sgd(0.5)),
        text.INIT_LOOK,
        text.INIT_FIX,
    ),
    Symptom(
        "overfit",
        "overfitting",
        400,
        BLOBS,
        replace(BLOBS, l2=0.03),
        text.OVERFITTING_LOOK,
        text.OVERFITTING_FIX,
    ),
    Symptom(
        "underfit",
        "underfitting",
        400,
        replace(SPIRAL, hidden=(2,), optimizer_params=_sgd(0.5)),
        replace(SPIRAL, optimizer_params=_sgd(0.5)),
        text.UNDERFITTING_LOOK,
        text.UNDERFITTING_FIX,
    ),
    Symptom(
        "flat",
        "flat loss, rising accuracy",
        200,
        DIGITS,
        replace(DIGITS, optimizer_params=_sgd(0.1)),
        text.FLAT_LOOK,
        text.FLAT_FIX,
    ),
    Symptom(
        "reg",
        "more regularization, higher loss",
        400,
        SPIRAL,
        replace(SPIRAL, l2=0.01),
        text.REG_LOOK,
        text.REG_FIX,
        action="Raise the regularization",
        undo="Back to no penalty",
        states=("without the penalty", "with the penalty"),
    ),
)
NAMES = tuple(s.name for s in SYMPTOMS)
BY_NAME = {s.name: s for s in SYMPTOMS}


def symptom(name: str) -> Symptom:
    if name not in BY_NAME:
        raise ValueError(f"unknown symptom {name!r}; choose one of {', '.join(NAMES)}")
    return BY_NAME[name]


def train_symptom(name: str, fixed: bool = False, seed: int = 0) -> dict:
    """Trains the planted (or fixed) run of symptom ``name`` with the project's trainer.

    Returns:
        NumPy curves of shape ``(steps,)``: ``loss`` (training data loss), ``reg_loss`` (the
        penalty), ``val_loss``, ``train_acc``, ``val_acc``; ``status`` (``diverged_at`` …),
        ``examples`` (training set size) and ``steps``. Steps after a run diverged are NaN.
    """
    entry = symptom(name)
    config = replace(entry.fixed if fixed else entry.planted, seed=int(seed))
    history = train(config, entry.steps)
    out = {k: np.asarray(history[k][0], float) for k in CURVES}
    return {
        **out,
        "status": history.status[0],
        "examples": int(history.state.dataset.x_train.shape[0]),
        "steps": entry.steps,
    }


CURVES = ("loss", "reg_loss", "val_loss", "train_acc", "val_acc")


def _init_text(config: TrainConfig) -> str:
    if config.init == "normal":
        return f"N(0, {config.init_scale:g}²)"
    return INITS[config.init].label


def _rate(config: TrainConfig) -> str:
    return f"{OPTIMIZERS[config.optimizer].label} lr {config.optimizer_params['lr']:g}"


# What a fix can change: its name, and how a value is written.
_CHANGES = {
    "optimizer_params": ("learning rate", lambda c: f"{c.optimizer_params['lr']:g}"),
    "init": ("initialization", _init_text),
    "hidden": ("hidden layers", lambda c: "-".join(map(str, c.hidden))),
    "l2": ("L2 λ₂", lambda c: f"{c.l2:g}"),
}


def change(entry: Symptom) -> str:
    """What the fix changes, read from the two configurations (``learning rate 1 → 0.3``)."""
    parts = []
    for f in fields(TrainConfig):
        if f.name == "init_scale":
            continue  # written with the initialization
        if getattr(entry.planted, f.name) != getattr(entry.fixed, f.name):
            label, show = _CHANGES[f.name]
            parts.append(f"{label} {show(entry.planted)} → {show(entry.fixed)}")
    return ", ".join(parts)


def describe(entry: Symptom, fixed: bool, examples: int) -> str:
    """The run in one line: data, network, initialization, optimizer, steps."""
    c = entry.fixed if fixed else entry.planted
    dataset = {"spiral": "spiral (3 classes)", "blobs": "3 overlapping blobs"}.get(
        c.dataset, "8×8 digits (10 classes)"
    )
    reg = f", L2 λ₂ = {c.l2:g}" if c.l2 else ", no regularization"
    return (
        f"{dataset}, {examples} training examples; network with hidden layers "
        f"{'-'.join(map(str, c.hidden))} ({c.activation}), init {_init_text(c)}; "
        f"{_rate(c)}, full batch{reg}; {entry.steps} steps."
    )


def _first_below(curve: np.ndarray, level: float) -> int | None:
    below = np.flatnonzero(curve < level)
    return int(below[0]) if below.size else None


def plateau_steps(loss: np.ndarray, within: float = 0.01) -> int:
    """Steps at the start during which the loss stays within ``within`` (relative) of its first
    value (the whole run when it never leaves)."""
    left = _first_below(np.asarray(loss, float), (1 - within) * float(loss[0]))
    return len(loss) if left is None else left


def _pct(a: float, b: float) -> str:
    return f"{100 * (b - a) / a:+.1f} %".replace("-", "−")


def _acc(values: np.ndarray) -> str:
    return f"{100 * float(values[-1]):.0f} %"


def reading(name: str, run: dict, before: dict | None = None) -> str:
    """What the shown run measures, in one or two sentences with its own numbers (``before``:
    the planted run, when the fix is shown)."""
    loss, val = run["loss"], run["val_loss"]
    start, end, steps = float(loss[0]), float(loss[-1]), run["steps"]
    stop = run["status"]["diverged_at"]
    if stop is not None:
        return (
            f"The loss went from {start:.2f} to {float(loss[stop]):.2f} at step {stop} (more than "
            f"{EXPLODE_FACTOR:g}× its start): the run stopped there, and every later step is NaN."
        )
    if name in ("high", "low", "flat") or (name == "init" and before is not None):
        text_ = f"Training loss {start:.3f} → {end:.3f} ({_pct(start, end)}) in {steps} steps"
        if name == "flat":
            text_ += (
                f", while training accuracy went {100 * run['train_acc'][0]:.0f} % → "
                f"{_acc(run['train_acc'])} (validation {_acc(run['val_acc'])}). The mean "
                f"probability given to the right class (geometric, e^(−loss)) moved from "
                f"{math.exp(-start):.4f} to {math.exp(-end):.4f}"
            )
        return text_ + "."
    if name == "init":
        flat = plateau_steps(loss)
        return (
            f"The loss stays within 1 % of {start:.3f} (ln 3 = {math.log(3):.3f}: a uniform guess) "
            f"for the first {flat} steps, then falls to {end:.3f}."
        )
    gap = float(val[-1] - loss[-1])
    if name == "overfit":
        best = int(np.nanargmin(val))
        return (
            f"Training loss {end:.3f}, validation loss {float(val[best]):.2f} at its lowest (step "
            f"{best}) and {float(val[-1]):.2f} at the end: a gap of {gap:.2f}. Accuracy: "
            f"training {_acc(run['train_acc'])}, validation {_acc(run['val_acc'])}."
        )
    if name == "underfit":
        return (
            f"Accuracy: training {_acc(run['train_acc'])}, validation {_acc(run['val_acc'])}; "
            f"loss: training {end:.3f}, validation {float(val[-1]):.3f}."
        )
    total = loss + run["reg_loss"]
    text_ = (
        f"Training loss including the penalty: {float(total[0]):.3f} at step 0, "
        f"{float(total[-1]):.3f} at the end"
    )
    if before is not None:
        text_ += (
            f" (without it: {float(before['loss'][0]):.3f} and {float(before['loss'][-1]):.3f}). "
            f"The data part alone ends at {end:.3f}, validation loss {float(val[-1]):.3f} "
            f"(without: {float(before['val_loss'][-1]):.3f})"
        )
    return text_ + "."
