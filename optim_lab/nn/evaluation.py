"""A trained network at test time: its loss and accuracy on a split, its class probabilities,
and its decision boundary on a grid (batch norm's running statistics, dropout's test rule)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import jax
import numpy as np

from .activations import act_params
from .losses import LOSSES, output_accuracy, probabilities
from .mlp import apply_mlp
from .training import Spec, TrainState
from .training_config import f32


def _eval_logits(params, bn_state, x, keep, act, activation, dropout_mode, bn_position):
    """The network's outputs at test time (batch norm's running statistics, dropout's test rule)."""
    logits, _, _ = apply_mlp(
        params,
        x,
        activation,
        dropout=keep,
        dropout_mode=dropout_mode,
        bn_state=bn_state,
        act_params=act,
        bn_position=bn_position,
    )
    return logits


@partial(jax.jit, static_argnames=("activation", "loss", "dropout_mode", "bn_position"))
def _evaluate(params, bn_state, x, y, keep, act, *, activation, loss, dropout_mode, bn_position):
    logits = _eval_logits(params, bn_state, x, keep, act, activation, dropout_mode, bn_position)
    return LOSSES[loss].fn(logits, y), output_accuracy(logits, y, loss)


@partial(jax.jit, static_argnames=("activation", "loss", "dropout_mode", "bn_position"))
def _proba(params, bn_state, x, keep, act, *, activation, loss, dropout_mode, bn_position):
    logits = _eval_logits(params, bn_state, x, keep, act, activation, dropout_mode, bn_position)
    return probabilities(logits, loss)


def _test_mode(spec: Spec) -> str:
    return "inverted" if spec.dropout_mode == "off" else spec.dropout_mode


def evaluate(state: TrainState, split: str = "val", run: int = 0, best: bool = False) -> dict:
    """Test-mode ``{"loss", "acc"}`` of a run on ``train``, ``val`` or ``test`` (raw data split,
    preprocessed with the training fit); ``best`` uses the best (early-stopping) weights."""
    if split not in ("train", "val", "test"):
        raise ValueError(f"split must be train, val or test, got {split!r}")
    x = state.prep.apply(getattr(state.dataset, f"x_{split}"))
    y = getattr(state.dataset, f"y_{split}")
    params, bn = state.params(run, best)
    hp = state.hparams[run]
    loss, acc = _evaluate(
        params,
        bn,
        x,
        y,
        hp["keep"],
        hp["act"],
        activation=state.spec.activation,
        loss=state.spec.loss,
        dropout_mode=_test_mode(state.spec),
        bn_position=state.spec.bn_position,
    )
    return {"loss": float(loss), "acc": float(acc)}


def predict_proba(
    params,
    x: np.ndarray,
    *,
    activation: str,
    loss: str = "cross_entropy",
    bn_state=None,
    act: Mapping[str, Any] | None = None,
    keep: float = 1.0,
    dropout_mode: str = "inverted",
    bn_position: str = "before",
) -> np.ndarray:
    """Class probabilities ``(N, K)`` (test mode) for already-preprocessed inputs ``x``."""
    act = {k: f32(v) for k, v in (act or act_params(activation)).items()}
    return np.asarray(
        _proba(
            params,
            bn_state,
            np.asarray(x, np.float32),
            f32(keep),
            act,
            activation=activation,
            loss=loss,
            dropout_mode=dropout_mode,
            bn_position=bn_position,
        )
    )


def predict_grid(
    state: TrainState,
    resolution: int = 100,
    run: int = 0,
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    best: bool = False,
) -> dict[str, np.ndarray]:
    """Class probabilities on a ``resolution × resolution`` grid over a 2D dataset (decision boundary).

    Args:
        state: a training state of a 2-feature dataset.
        resolution: points per axis (static: keep to a few values).
        run: which run (compare mode).
        bounds: ``((x_lo, x_hi), (y_lo, y_hi))`` in raw feature units (default: the data ±10%).
        best: use the best (early-stopping) weights.

    Returns:
        ``{"x": (R,), "y": (R,), "probs": (R, R, K)}`` with ``probs[i, j]`` at ``(x[j], y[i])``.
    """
    if state.dataset.n_features != 2:
        raise ValueError(
            f"decision boundaries need 2 features, {state.dataset.name} has {state.dataset.n_features}"
        )
    (x_lo, x_hi), (y_lo, y_hi) = bounds or state.dataset.bounds()
    xs = np.linspace(x_lo, x_hi, int(resolution), dtype=np.float32)
    ys = np.linspace(y_lo, y_hi, int(resolution), dtype=np.float32)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    params, bn = state.params(run, best)
    hp = state.hparams[run]
    probs = predict_proba(
        params,
        state.prep.apply(grid),
        activation=state.spec.activation,
        loss=state.spec.loss,
        bn_state=bn,
        act=hp["act"],
        keep=float(hp["keep"]),
        dropout_mode=_test_mode(state.spec),
        bn_position=state.spec.bn_position,
    )
    return {"x": xs, "y": ys, "probs": probs.reshape(len(ys), len(xs), -1)}
