"""A trained network at test time: its loss and accuracy (a regression set: its mean squared
error) on a split, its class probabilities, and its decision boundary (or predicted value) on a grid
(batch norm's running statistics, dropout's test rule)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .activations import ACTIVATIONS, act_params
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


@partial(jax.jit, static_argnames=("activation", "dropout_mode", "bn_position"))
def _outputs(params, bn_state, x, keep, act, *, activation, dropout_mode, bn_position):
    return _eval_logits(params, bn_state, x, keep, act, activation, dropout_mode, bn_position)


@partial(jax.jit, static_argnames=("activation", "dropout_mode", "bn_position"))
def _layer_outputs(params, bn_state, x, keep, act, *, activation, dropout_mode, bn_position):
    """Each hidden layer's activations (test mode) and the network's outputs: the first ``i``
    layers followed by an identity layer give layer ``i``'s activations."""
    outputs = []
    for i, layer in enumerate(params[:-1]):
        width = layer["b"].shape[-1] // ACTIVATIONS[activation].pieces
        identity = {"w": jnp.eye(width, dtype=x.dtype), "b": jnp.zeros((width,), x.dtype)}
        bn = None if bn_state is None else bn_state[: i + 1]
        head = [*params[: i + 1], identity]
        outputs.append(_eval_logits(head, bn, x, keep, act, activation, dropout_mode, bn_position))
    outputs.append(
        _eval_logits(params, bn_state, x, keep, act, activation, dropout_mode, bn_position)
    )
    return outputs


@partial(jax.jit, static_argnames=("activation", "loss", "dropout_mode", "bn_position"))
def _proba(params, bn_state, x, keep, act, *, activation, loss, dropout_mode, bn_position):
    logits = _eval_logits(params, bn_state, x, keep, act, activation, dropout_mode, bn_position)
    return probabilities(logits, loss)


def _test_mode(spec: Spec) -> str:
    return "inverted" if spec.dropout_mode == "off" else spec.dropout_mode


def evaluate(state: TrainState, split: str = "val", run: int = 0, best: bool = False) -> dict:
    """Test-mode ``{"loss", "acc"}`` of a run on ``train``, ``val`` or ``test`` (raw data split,
    preprocessed with the training fit); ``best`` uses the best (early-stopping) weights. On a
    regression set ``acc`` is NaN and ``mse`` (the loss itself) is added."""
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
    result = {"loss": float(loss), "acc": float(acc)}
    if state.dataset.regression:
        result["mse"] = result["loss"]
    return result


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
        ``{"x": (R,), "y": (R,), "probs": (R, R, K)}`` with ``probs[i, j]`` at ``(x[j], y[i])``;
        on a regression set ``"values": (R, R)``, the network's output, instead of ``probs``.
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
    if state.dataset.regression:
        values = _outputs(
            params,
            bn,
            state.prep.apply(grid),
            hp["keep"],
            hp["act"],
            activation=state.spec.activation,
            dropout_mode=_test_mode(state.spec),
            bn_position=state.spec.bn_position,
        )
        return {"x": xs, "y": ys, "values": np.asarray(values)[:, 0].reshape(len(ys), len(xs))}
    probs = _state_probabilities(state, grid, run, best)
    return {"x": xs, "y": ys, "probs": probs.reshape(len(ys), len(xs), -1)}


def split_probabilities(state: TrainState, split: str = "val", run: int = 0) -> np.ndarray:
    """Class probabilities ``(N, K)`` of a run on the examples of a split (test mode)."""
    if split not in ("train", "val", "test"):
        raise ValueError(f"split must be train, val or test, got {split!r}")
    return _state_probabilities(state, getattr(state.dataset, f"x_{split}"), run, False)


def _state_probabilities(state: TrainState, x_raw: np.ndarray, run: int, best: bool) -> np.ndarray:
    params, bn = state.params(run, best)
    hp = state.hparams[run]
    return predict_proba(
        params,
        state.prep.apply(x_raw),
        activation=state.spec.activation,
        loss=state.spec.loss,
        bn_state=bn,
        act=hp["act"],
        keep=float(hp["keep"]),
        dropout_mode=_test_mode(state.spec),
        bn_position=state.spec.bn_position,
    )


def unit_grid(
    state: TrainState, resolution: int = 12, run: int = 0
) -> dict[str, list[np.ndarray] | np.ndarray]:
    """What every unit of a 2D network computes over the plane (the network diagram's heat maps).

    Args:
        state: a training state of a 2-feature dataset.
        resolution: points per axis (static: keep to a few values).
        run: which run (compare mode).

    Returns:
        ``{"x": (R,), "y": (R,), "layers": [...], "weights": [...]}``: ``layers[0]`` the network's
        inputs (the features after preprocessing), then each hidden layer's activations, then the
        outputs, each ``(R, R, units)`` with ``[i, j]`` at ``(x[j], y[i])``; ``weights[k]``
        ``(units in, units out)`` links layer ``k`` to ``k + 1`` (maxout: its strongest piece).
    """
    if state.dataset.n_features != 2:
        raise ValueError(
            f"unit maps need 2 features, {state.dataset.name} has {state.dataset.n_features}"
        )
    (x_lo, x_hi), (y_lo, y_hi) = state.dataset.bounds()
    xs = np.linspace(x_lo, x_hi, int(resolution), dtype=np.float32)
    ys = np.linspace(y_lo, y_hi, int(resolution), dtype=np.float32)
    points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    inputs = state.prep.apply(points)
    params, bn = state.params(run)
    hp = state.hparams[run]
    outputs = _layer_outputs(
        params,
        bn,
        inputs,
        hp["keep"],
        hp["act"],
        activation=state.spec.activation,
        dropout_mode=_test_mode(state.spec),
        bn_position=state.spec.bn_position,
    )
    shape = (len(ys), len(xs), -1)
    layers = [inputs.reshape(shape), *(np.asarray(o).reshape(shape) for o in outputs)]
    pieces = ACTIVATIONS[state.spec.activation].pieces
    weights = []
    for k, layer in enumerate(params):
        w = np.asarray(layer["w"], float)
        if k < len(params) - 1 and pieces > 1:
            w = w.reshape(w.shape[0], -1, pieces)
            strongest = np.abs(w).argmax(-1)[..., None]
            w = np.take_along_axis(w, strongest, -1)[..., 0]
        weights.append(w)
    return {"x": xs, "y": ys, "layers": layers, "weights": weights}
