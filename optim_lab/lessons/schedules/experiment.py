"""What the schedules lesson computes around the registry: its defaults, sliders sized to the runs
it shows, a schedule's curve and the tables it exports; the range test on the playground's network
and the link that carries its rate there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ...lr_finder import LRFinderResult
from ...nn.data import DATASETS
from ...nn.losses import DEFAULT_LOSS
from ...nn.lr_find import LRFindResult, lr_find
from ...nn.training_config import TrainConfig
from ...optimizers import OPTIMIZERS
from ...schedules import ScheduleEntry, schedule_values
from ...trajectory import step_bucket
from .figures import ScheduleCurve

MAX_STEPS_SHOWN = 1000
# Explorer defaults chosen so that every schedule shows its shape within the default 200 steps.
EXPLORER_DEFAULTS = {
    "step": {"step_size": 50},
    "cosine": {"t_max": 200},
    "warm_restarts": {"t_mult": 2},
}
RUN_DEFAULTS = {
    "step": {"step_size": 50},
    "cosine": {"t_max": 200},
    "cyclic": {"lr_min": 0.01, "lr_max": 0.2, "step_size": 25},
    "warm_restarts": {"t_0": 50},
    "exponential": {"k": 0.02},
    "inverse_time": {"k": 0.05},
}
# Schedules whose rate falls by factors: their lr plot reads best on a log axis.
LOG_LR_SCHEDULES = ("exponential", "step", "multistep")


def slider_entry(entry: ScheduleEntry, max_steps: int = MAX_STEPS_SHOWN) -> ScheduleEntry:
    """The schedule with its step-count parameters capped at the longest run shown, so their
    sliders span 1 … 1000 rather than the registry's 1 … 10⁶ (a link beyond is refused)."""

    def capped(spec):
        if spec.integer and spec.kind == "number" and spec.choices is None:
            return replace(spec, max=min(spec.max, max_steps))
        return spec

    return replace(entry, params=tuple(capped(p) for p in entry.params))


#: The decays one deck writes as recursions (compounding, not the closed forms).
DECK_RECURSIONS = ("exponential", "inverse_time")


def schedule_curve(name: str, params: Mapping[str, Any], n_steps: int) -> np.ndarray:
    """The rate at t = 0 … n_steps−1, computed over the longest length shown (one compiled program
    per schedule whatever the length; a thousand rates cost nothing next to a compile)."""
    return schedule_values(name, params, max(step_bucket(n_steps), MAX_STEPS_SHOWN))[:n_steps]


def deck_recursion(name: str, params: Mapping[str, Any], n_steps: int) -> np.ndarray | None:
    r"""The decks' recursive form of a decay, for comparison with the closed form the registry
    uses: exponential :math:`\alpha_{i+1} = \alpha_i e^{-ki}` (so
    :math:`\alpha_i = \alpha_0 e^{-k\,i(i-1)/2}`), 1/t :math:`\alpha_{i+1} = \alpha_i/(1 + ki)`;
    None for the other schedules."""
    if name not in DECK_RECURSIONS:
        return None
    lr, k = float(params["lr"]), float(params["k"])
    i = np.arange(n_steps, dtype=float)
    if name == "exponential":
        return lr * np.exp(-k * i * (i - 1) / 2)
    factors = np.concatenate([[1.0], 1.0 / (1.0 + k * i[:-1])])
    return lr * np.cumprod(factors)


def curves_table(curves: Sequence[ScheduleCurve], n_steps: int) -> dict[str, Any]:
    """The explorer's export: one column of steps, one column ``lr_<name>`` per schedule drawn (a
    schedule named ``step`` must not replace the steps)."""
    return {"step": list(range(n_steps)), **{f"lr_{curve.name}": curve.values for curve in curves}}


def range_test_table(result: LRFinderResult) -> dict[str, np.ndarray]:
    """The range test's export: the rate, loss and smoothed loss of every step it took."""
    taken = len(result.loss)
    return {"lr": result.lr[:taken], "loss": result.loss, "smoothed": result.smoothed}


# ------------------------------------------------------------------ the range test on a network

#: The playground's number of examples (its default), so the rate found here fits its data.
PLAYGROUND_POINTS = 200
PLAYGROUND_TEST_SHARE = 0.3  # the playground's default held-out share
#: Optimizers the network test offers: the playground's, without Newton's exact Hessian.
NETWORK_OPTIMIZERS = tuple(n for n in OPTIMIZERS.names() if n not in ("lbfgs", "newton"))


def network_datasets() -> list[str]:
    """The playground's 2-D sets, classification and regression."""
    return [e.name for e in DATASETS if len(e.feature_names) == 2]


def network_config(
    dataset: str, layers: int, units: int, batch_size: int, optimizer: str, seed: int
) -> TrainConfig:
    """The playground's defaults for this data, network, mini-batch and optimizer."""
    return TrainConfig(
        dataset=dataset,
        dataset_params={"points": PLAYGROUND_POINTS},
        loss=DEFAULT_LOSS[DATASETS[dataset].task],
        train_share=1.0 - PLAYGROUND_TEST_SHARE,
        seed=int(seed),
        hidden=(int(units),) * int(layers),
        batch_size=int(batch_size),
        optimizer=optimizer,
    )


def network_range_test(
    dataset: str, layers: int, units: int, batch_size: int, optimizer: str, seed: int
) -> LRFindResult:
    """:func:`optim_lab.nn.lr_find.lr_find` on :func:`network_config` (α from 10⁻⁶ to 10 in
    300 mini-batches at most)."""
    return lr_find(network_config(dataset, layers, units, batch_size, optimizer, seed))


def usable_rate(value: float) -> float:
    """A suggested rate as the link writes it: three significant digits."""
    return float(f"{value:.3g}")


def playground_params(
    dataset: str, layers: int, units: int, batch_size: int, optimizer: str, seed: int, lr: float
) -> dict[str, str]:
    """The playground's URL parameters for this data, network, mini-batch, optimizer and rate
    (the keys its controls read: ``ds``, ``layers``, ``units``, ``batch``, ``bs``, ``o1``,
    ``o1.<optimizer>.lr``, ``seed``, ``val``)."""
    return {
        "ds": dataset,
        "layers": str(int(layers)),
        "units": str(int(units)),
        "batch": "mini",
        "bs": str(int(batch_size)),
        "o1": optimizer,
        f"o1.{optimizer}.lr": f"{usable_rate(lr):g}",
        "seed": str(int(seed)),
        "val": f"{PLAYGROUND_TEST_SHARE:g}",
    }


def network_range_table(result: LRFindResult) -> dict[str, np.ndarray]:
    """The network test's export: the rate, loss and smoothed loss of every step it took."""
    return {"lr": result.lr, "loss": result.loss, "smoothed": result.smoothed}
