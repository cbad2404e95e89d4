"""What defines a network's training run: :class:`TrainConfig`, its traced hyper-parameters
(:func:`make_hparams`) and its restart key (:func:`restart_key`: what starts the run afresh and
compiles a new program, declared once, on the config's fields)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..optimizers import OPTIMIZERS
from ..registry import HParam
from ..schedules import SCHEDULES, traced_params
from ..transforms import NETWORK_MODIFIERS
from .activations import act_params

#: At most this many optimizers are compared in one compiled call.
MAX_COMPARE = 4
#: How the keep probability p reads in PyTorch (the note beside every dropout control).
DROPOUT_CONVENTION = (
    "PyTorch's Dropout(p) takes the probability of dropping: keep 0.8 is Dropout(0.2)."
)
#: Validated training hyper-parameters that are not the optimizer's or the schedule's.
TRAIN_PARAMS = (
    HParam(
        "l1",
        "L1 λ₁",
        0.0,
        0.0,
        10.0,
        help="Weight of Σ|W| in the loss (weights only). The decks write (λ/n)Σ|w|: λ₁ = λ/n.",
    ),
    HParam(
        "l2",
        "L2 λ₂",
        0.0,
        0.0,
        10.0,
        help="Weight of ½ΣW² in the loss (weights only): its gradient λ₂W is PyTorch's "
        "weight_decay=λ₂ for SGD. The decks write (λ/n)Σw² (gradient 2λw/n): λ₂ = 2λ/n.",
    ),
    HParam(
        "dropout",
        "keep probability p",
        1.0,
        0.01,
        1.0,
        help="Dropout keeps each hidden unit with probability p (1 = no dropout), as in the "
        "lectures' code. " + DROPOUT_CONVENTION,
    ),
    HParam(
        "bn_momentum",
        "BN momentum",
        0.9,
        0.0,
        0.9999,
        help="Running BN statistics: μ ← m·μ + (1−m)·μ_batch.",
    ),
    HParam(
        "patience",
        "patience",
        0,
        0,
        1e6,
        integer=True,
        help="Early stopping after this many evaluations without a better validation loss (0 = off).",
    ),
    HParam(
        "init_scale", "init scale s", 0.01, 1e-4, 10.0, log=True, help="σ of the 'normal' init."
    ),
)


#: The training share of the data when the split is given as one number (the rest validates).
TRAIN_SHARE = HParam(
    "train_share",
    "training share",
    0.6,
    0.1,
    0.9,
    help="Part of the data trained on; the rest is the validation set.",
)


def train_param(name: str) -> HParam:
    """One of :data:`TRAIN_PARAMS` by name."""
    return next(p for p in TRAIN_PARAMS if p.name == name)


def _as_key(value: Any) -> Any:
    """A field's value as part of a hashable key."""
    if isinstance(value, Mapping):
        return tuple(sorted((k, str(v)) for k, v in value.items()))
    return tuple(value) if isinstance(value, list) else value


# A field with this metadata starts the run afresh when it changes (new data, new weights or a new
# compiled program); every other field is a traced value, taken by a running training. A function
# under "restart" gives the part of the value that does (e.g. dropout on or off, not its p).
RESTART = {"restart": _as_key}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run (hyper-parameter values included). Each field says
    whether a change restarts the run (``metadata=RESTART``: data, architecture, names, switches)
    or is a traced value that a running training takes without recompiling (the rest).

    Attributes:
        dataset: registry name; ``dataset_params`` overrides ``points``/``noise``/``classes``.
        seed: seeds the dataset, the initial weights, the shuffles and the dropout masks.
        features: input features of a 2D set (names in ``data.FEATURES``, e.g. ``("x1", "x2",
            "x1x2")``), computed before preprocessing; empty: the dataset's inputs as they are.
        preprocess: ``none`` (``raw``), ``center``, ``standardize``, ``pca`` or ``whiten`` (fit on
            train).
        hidden: hidden layer widths, e.g. ``(64, 64)``.
        activation: registry name; ``activation_params`` sets ``slope``/``alpha``.
        init: registry name; ``init_scale`` is σ of ``normal``.
        batchnorm: batch norm in every hidden layer, ``bn_position`` ``before`` (default) or
            ``after`` its non-linearity; ``bn_momentum`` for the running statistics.
        loss: ``cross_entropy``, ``binary_cross_entropy`` (2 classes) or ``mse``.
        optimizer: registry name; ``optimizer_params`` overrides its hyper-parameters.
        schedule: registry name; ``schedule_params`` overrides (its ``lr`` defaults to the
            optimizer's).
        batch_size: ``None`` = full batch, 1 = stochastic, else mini-batch.
        l1, l2: penalty weights on the weight matrices.
        weight_decay, clip_norm, clip_value, grad_noise: gradient modifiers (0 = off).
        dropout: **keep** probability p (1 = off); ``dropout_mode`` ``inverted`` or ``vanilla``.
        patience: early stopping (evaluations without improvement; 0 = off).
        eval_every: evaluate the validation set and measure the per-layer statistics every k steps
            (static; values carried in between: k > 1 trains faster).
        val_fraction, test_fraction: split shares.
        train_share: when set, the split in one number: this share trains, the rest validates
            (no test set; replaces ``val_fraction`` and ``test_fraction``).
    """

    dataset: str = field(default="spiral", metadata=RESTART)
    dataset_params: Mapping[str, Any] = field(default_factory=dict, metadata=RESTART)
    seed: int = field(default=0, metadata=RESTART)
    features: tuple[str, ...] = field(default=(), metadata=RESTART)
    preprocess: str = field(default="standardize", metadata=RESTART)
    val_fraction: float = field(default=0.2, metadata=RESTART)
    test_fraction: float = field(default=0.2, metadata=RESTART)
    train_share: float | None = field(default=None, metadata=RESTART)
    hidden: tuple[int, ...] = field(default=(64, 64), metadata=RESTART)
    activation: str = field(default="relu", metadata=RESTART)
    activation_params: Mapping[str, Any] = field(default_factory=dict)
    init: str = field(default="he", metadata=RESTART)
    init_scale: float = field(default=0.01, metadata=RESTART)
    batchnorm: bool = field(default=False, metadata=RESTART)
    bn_position: str = field(default="before", metadata=RESTART)
    bn_momentum: float = 0.9
    loss: str = field(default="cross_entropy", metadata=RESTART)
    optimizer: str = "adam"  # restarts through the runs' names (see restart_key)
    optimizer_params: Mapping[str, Any] = field(default_factory=dict)
    schedule: str = field(default="constant", metadata=RESTART)
    schedule_params: Mapping[str, Any] = field(default_factory=dict)
    batch_size: int | None = field(default=None, metadata=RESTART)
    l1: float = 0.0
    l2: float = 0.0
    weight_decay: float = 0.0
    clip_norm: float = 0.0
    clip_value: float = 0.0
    grad_noise: float = field(default=0.0, metadata={"restart": lambda noise: noise > 0})
    dropout: float = field(default=1.0, metadata={"restart": lambda keep: keep < 1})
    dropout_mode: str = field(default="inverted", metadata=RESTART)
    patience: int = 0
    eval_every: int = field(default=1, metadata=RESTART)

    def split_fractions(self) -> tuple[float, float]:
        """``(validation, test)`` shares of the data: from ``train_share`` when set."""
        if self.train_share is None:
            return self.val_fraction, self.test_fraction
        return 1.0 - float(TRAIN_SHARE.validate(self.train_share)), 0.0


RunSpecLike = str | tuple[str, Mapping[str, Any]]


def runs_of(config: TrainConfig, compare: Sequence[RunSpecLike] | None) -> list[tuple[str, dict]]:
    if compare is None:
        return [(config.optimizer, dict(config.optimizer_params))]
    runs = [(c, {}) if isinstance(c, str) else (c[0], dict(c[1])) for c in compare]
    if not 1 <= len(runs) <= MAX_COMPARE:
        raise ValueError(f"compare takes 1 to {MAX_COMPARE} optimizers, got {len(runs)}")
    return runs


def run_labels(config: TrainConfig, compare: Sequence[RunSpecLike] | None = None) -> list[str]:
    """A legend label per run: the optimizer's label plus its non-default settings."""
    labels = []
    for name, overrides in runs_of(config, compare):
        extra = ", ".join(f"{k}={v}" for k, v in overrides.items())
        labels.append(OPTIMIZERS[name].label + (f" ({extra})" if extra else ""))
    return labels


def f32(value) -> np.ndarray:
    return np.asarray(value, np.float32)


def make_hparams(config: TrainConfig, compare: Sequence[RunSpecLike] | None = None) -> tuple:
    """The traced hyper-parameters, one dict per run, validated against the registries.

    Args:
        config: the run's configuration.
        compare: up to 4 optimizers (``"adam"`` or ``("adam", {"lr": 0.1})``) trained together;
            ``None`` trains ``config.optimizer``.

    Returns:
        A tuple (one per run) of dicts of float32 NumPy scalars (schedule milestones: a padded
        array): always the same structure for the same static configuration, so passing new values
        never retraces.

    Raises:
        ValueError: with a one-line message for any invalid value.
    """
    values = {p.name: p.validate(getattr(config, p.name)) for p in TRAIN_PARAMS}
    mods = {
        p.name: p.validate(getattr(config, "grad_noise" if p.name == "noise" else p.name))
        for p in NETWORK_MODIFIERS
    }
    act = act_params(config.activation, config.activation_params)
    sched_entry = SCHEDULES[config.schedule]
    sched_values = sched_entry.resolve(config.schedule_params)
    out = []
    for name, overrides in runs_of(config, compare):
        opt_values = OPTIMIZERS[name].resolve(overrides)
        sp = traced_params(config.schedule, sched_values)
        if "lr" not in config.schedule_params:
            sp["lr"] = opt_values["lr"]
        out.append(
            {
                "opt": {k: f32(v) for k, v in opt_values.items()},
                "sched": {k: f32(v) for k, v in sp.items()},
                "mods": {k: f32(v) for k, v in mods.items()},
                "act": {k: f32(v) for k, v in act.items()},
                "l1": f32(values["l1"]),
                "l2": f32(values["l2"]),
                "keep": f32(values["dropout"]),
                "bn_momentum": f32(values["bn_momentum"]),
                "patience": f32(values["patience"]),
            }
        )
    return tuple(out)


def restart_key(config: TrainConfig, compare: Sequence[RunSpecLike] | None = None) -> tuple:
    """What defines a run's start and its compiled program (hashable).

    When it changes, build a new state with :func:`init_training`; otherwise a running state takes
    the new values through ``train_chunk(state, make_hparams(config, compare))`` without
    recompiling. It is read from the fields marked ``RESTART`` on :class:`TrainConfig`, plus the
    names of the runs' optimizers.
    """
    key = [
        f.metadata["restart"](getattr(config, f.name))
        for f in fields(config)
        if "restart" in f.metadata
    ]
    return (*key, tuple(name for name, _ in runs_of(config, compare)))
