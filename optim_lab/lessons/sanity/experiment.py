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


# Relative-error bands of a float64 gradient check.
PASS, WARN = 1e-6, 1e-3


def initial_loss_verdict(loss: np.ndarray, expected: np.ndarray) -> tuple[str, str]:
    """``(kind, message)``: whether the losses at step 0 match ln C (within 0.05)."""
    gap = float(np.max(np.abs(np.asarray(loss) - np.asarray(expected))))
    if gap < 0.05:
        return "success", f"Loss at step 0 matches ln C (largest gap {gap:.3f})."
    return "warning", (
        f"Loss at step 0 is up to {gap:.2f} away from ln C: the initial weights already "
        "make confident (random) predictions. Try smaller weights."
    )


def check_verdict(error: float) -> str:
    """A gradient check's relative error read: ``pass``, ``check`` (look closer) or ``FAIL``."""
    if error < PASS:
        return "pass"
    return "check" if error < WARN else "FAIL"


def check_table(correct: dict, broken: dict) -> list[dict]:
    """Per tensor: the relative error of the correct backward pass and of the broken one, read."""
    return [
        {
            "tensor": name,
            "correct backprop": error,
            "verdict": check_verdict(error),
            "backprop without f′(z)": broken["per_param"][name],
            "verdict (bug)": check_verdict(broken["per_param"][name]),
        }
        for name, error in correct["per_param"].items()
    ]


def bug_caught(correct: dict, broken: dict) -> tuple[str, str]:
    """``(kind, message)``: whether the check passes the correct gradient and catches the bug."""
    if correct["ok"] and not broken["ok"]:
        return "success", (
            f"The correct gradient passes (worst error {correct['max_rel_error']:.1e}); the planted "
            f"bug is caught (worst error {broken['max_rel_error']:.1e})."
        )
    if broken["ok"]:
        return "info", (
            "The planted bug is invisible here: this activation's derivative is 1 wherever the "
            "check looks, so forgetting it changes nothing."
        )
    return "warning", (
        f"The correct gradient gives an error of {correct['max_rel_error']:.1e}: look closer."
    )


def stop_reason(status: dict) -> str:
    """Why a training run stopped early, from its status: the 3× rule or a NaN."""
    if status["exploded_at"] is not None and status["exploded_at"] == status["diverged_at"]:
        return "Stopped: its loss passed 3× its start."
    return "Stopped: its loss became NaN."


#: The hidden widths the checks offer (units per hidden layer).
WIDTHS = ("16", "32", "64")
RATE_NAMES = ("too low", "about right", "too high")


def rate_labels(lrs: Sequence[float]) -> list[str]:
    """The three learning-rate runs' names, each with its rate."""
    return [f"{name}: lr = {lr:g}" for name, lr in zip(RATE_NAMES, lrs, strict=True)]


def export_data(
    first: dict, overfit: dict, correct: dict, broken: dict, lrs: Sequence[float], runs: dict
) -> tuple[dict, dict]:
    """The learning-rate runs' losses as columns (one row per step), and every check's results
    for the JSON export."""
    table = {
        "step": np.arange(runs["loss"].shape[1]),
        **dict(zip(rate_labels(lrs), runs["loss"], strict=True)),
    }
    summary = {
        "initial_loss": first,
        "overfit": overfit,
        "gradcheck": {"correct": correct, "broken": broken},
        "learning_rates": {"lr": lrs, "loss": runs["loss"], "status": runs["status"]},
    }
    return table, summary
