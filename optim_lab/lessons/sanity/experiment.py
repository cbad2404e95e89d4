r"""The sanity lesson's first check: the softmax loss of an untrained network for several class
counts, to compare with :math:`\ln C` (plain NumPy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...nn.init import INITS
from ...nn.mlp import init_mlp


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def initial_losses(
    classes: Sequence[int] = tuple(range(2, 11)),
    hidden: int = 32,
    init: str = "normal",
    scale: float = 0.01,
    samples: int = 500,
    features: int = 2,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    r"""Softmax cross-entropy of an untrained ReLU network (0 training steps), per class count.

    With small weights the scores are all close to 0, the softmax is close to uniform and the loss
    is close to :math:`\ln C`; a loss far above it at step 0 points to a bug or too large weights.

    Args:
        classes: class counts C to try.
        hidden: hidden units of the one-hidden-layer network.
        init: registry name of the weight initialization.
        scale: σ of the ``normal`` initialization.
        samples: random standard-normal inputs (with random labels).
        features: input dimension.
        seed: inputs, labels and weights.

    Returns:
        ``classes``, ``loss`` (measured) and ``expected`` (:math:`\ln C`), one entry per class count.
    """
    INITS[init]  # unknown names raise the registry's helpful error
    rng = np.random.default_rng(int(seed))
    x = rng.standard_normal((int(samples), int(features)))
    losses = []
    for k in classes:
        if int(k) < 2:
            raise ValueError(f"class counts must be at least 2, got {k}")
        params = init_mlp(
            int(seed) + int(k), (int(features), int(hidden), int(k)), "relu", init, scale
        )
        h = _relu(x @ np.asarray(params[0]["w"], float) + np.asarray(params[0]["b"], float))
        logits = h @ np.asarray(params[1]["w"], float) + np.asarray(params[1]["b"], float)
        labels = rng.integers(0, int(k), size=len(x))
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses.append(float(-log_p[np.arange(len(x)), labels].mean()))
    ks = np.asarray(list(classes), int)
    return {"classes": ks, "loss": np.asarray(losses), "expected": np.log(ks)}
