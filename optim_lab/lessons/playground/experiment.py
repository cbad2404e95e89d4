"""What the playground computes beside the training itself: the settings that name a run, the
network's shape from its per-layer widths, the problem type's loss, and the prediction made
discrete (TensorFlow Playground's "discretize output")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...nn.data import DATASETS
from ...nn.losses import DEFAULT_LOSS

#: The network diagram draws at most this many hidden layers of at most this many units.
DIAGRAM_MAX_LAYERS = 6
DIAGRAM_MAX_UNITS = 16
#: Widest layer the +/− controls allow (the diagram is left out above DIAGRAM_MAX_UNITS).
MAX_UNITS = 64
#: The preprocessing choices of the playground, in TensorFlow Playground's words.
PREPROCESS_LABELS = {"none": "raw", "center": "centred", "standardize": "standardized"}


def changed_settings(params: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ from the optimizer's defaults (only these go into a run's label)."""
    return {k: v for k, v in params.items() if v != defaults.get(k)}


def hidden_widths(layers: int, widths: Sequence[int]) -> tuple[int, ...]:
    """The hidden layers' widths: the first ``layers`` of the per-layer ``widths``."""
    if not 0 <= layers <= len(widths):
        raise ValueError(f"{layers} hidden layers but {len(widths)} widths")
    return tuple(int(w) for w in widths[:layers])


def diagram_fits(hidden: Sequence[int]) -> bool:
    """Whether the network diagram can draw every unit (at most 6 layers of at most 16)."""
    return len(hidden) <= DIAGRAM_MAX_LAYERS and all(w <= DIAGRAM_MAX_UNITS for w in hidden)


def task_loss(dataset: str) -> str:
    """The loss a dataset's problem type trains with: cross-entropy, or MSE for regression."""
    return DEFAULT_LOSS[DATASETS[dataset].task]


def discretize(grid: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    r"""The grid's prediction made hard: each class probability vector becomes the one-hot vector
    of its winning class (full confidence everywhere), a regression value its sign
    :math:`\operatorname{sign}(\hat y) \in \{-1, 0, 1\}`."""
    out = dict(grid)
    if "values" in grid:
        out["values"] = np.sign(np.asarray(grid["values"], float))
        return out
    probs = np.asarray(grid["probs"], float)
    out["probs"] = np.eye(probs.shape[-1])[probs.argmax(-1)]
    return out


#: The misclassified validation images drawn in place of a decision boundary (digits).
MISCLASSIFIED_SHOWN = 24


def misclassified(state, run: int = 0, limit: int = MISCLASSIFIED_SHOWN) -> dict[str, np.ndarray]:
    """The validation examples a run gets wrong (the first ``limit``): their raw inputs
    ``images``, true ``labels`` and ``predicted`` classes, and ``total`` wrong of ``count``."""
    from ...nn.evaluation import split_probabilities

    predicted = np.argmax(split_probabilities(state, "val", run), axis=1)
    labels = np.asarray(state.dataset.y_val)
    wrong = np.flatnonzero(predicted != labels)
    shown = wrong[:limit]
    return {
        "images": np.asarray(state.dataset.x_val)[shown],
        "labels": labels[shown],
        "predicted": predicted[shown],
        "total": len(wrong),
        "count": len(labels),
    }
