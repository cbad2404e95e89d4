"""The per-step records of a network's training runs, and the last value a curve recorded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the trainer imports this module
    from .training import TrainState


@dataclass
class History:
    """Per-step records of every run, as NumPy arrays of shape ``(runs, steps, ...)``.

    Keys: ``loss`` (mini-batch data loss), ``reg_loss`` (penalty), ``train_acc`` (mini-batch, training
    mode), ``val_loss``/``val_acc`` (whole validation set, test mode, every ``eval_every`` steps and
    carried in between), ``lr``, ``grad_norm`` and ``update_ratio`` (per layer, weights only:
    :math:`\\lVert\\nabla W\\rVert` and :math:`\\lVert\\Delta W\\rVert/\\lVert W\\rVert`), and per hidden
    layer ``pre_mean``, ``pre_std``, ``act_mean``, ``act_std``, ``dead`` and ``saturated`` (measured
    every ``eval_every`` steps, like validation). Entries after a run stopped or diverged are NaN.
    """

    labels: tuple[str, ...]
    iterations_per_epoch: int
    data: dict[str, np.ndarray] = field(default_factory=dict)
    status: list[dict[str, int | None]] = field(default_factory=list)
    state: TrainState | None = None

    @classmethod
    def for_state(cls, state: TrainState) -> History:
        """An empty history for the runs of ``state``."""
        return cls(state.labels, state.spec.iterations_per_epoch)

    def append(self, chunk: Mapping[str, np.ndarray], limit: int | None = None) -> None:
        """Adds a chunk (optionally only its first ``limit`` steps)."""
        for key, value in chunk.items():
            value = np.asarray(value)[:, :limit]
            self.data[key] = (
                value if key not in self.data else np.concatenate([self.data[key], value], axis=1)
            )

    def __getitem__(self, key: str) -> np.ndarray:
        return self.data[key]

    @property
    def steps(self) -> int:
        return self.data["loss"].shape[1] if self.data else 0

    @property
    def epochs(self) -> np.ndarray:
        """Epoch of every step (fractional: ``t / I``)."""
        return np.arange(self.steps) / self.iterations_per_epoch

    def run(self, index: int = 0) -> dict[str, np.ndarray]:
        """The records of one run, arrays of shape ``(steps, ...)``."""
        return {k: v[index] for k, v in self.data.items()}


def last_recorded(curve, empty=None):
    """The last value of a history curve that was recorded (not NaN: a stopped run's later steps
    are NaN; an overflowed ±inf is a recorded value), or ``empty`` when there is none."""
    values = np.asarray(curve, float)
    kept = values[~np.isnan(values)]
    return float(kept[-1]) if kept.size else empty
