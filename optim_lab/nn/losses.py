r"""Data losses over a batch, optionally weighted by a 0/1 ``mask`` (padding of a last, short batch).

Every loss is the (masked) mean of a per-example loss :math:`\ell_i`:

.. math:: L = \frac{\sum_i m_i \ell_i}{\sum_i m_i}

- ``cross_entropy`` (softmax, integer labels :math:`y_i`, K outputs):
  :math:`\ell_i = -\log \frac{e^{s_{y_i}}}{\sum_j e^{s_j}} = \log\sum_j e^{s_j} - s_{y_i}`.
- ``binary_cross_entropy`` (one logit :math:`s`, labels 0/1), in the stable form
  :math:`\ell_i = \max(s, 0) - s\,y + \log(1 + e^{-|s|})`.
- ``mse`` (K outputs regressed onto one-hot targets :math:`t`):
  :math:`\ell_i = \tfrac12 \sum_k (s_k - t_k)^2`; on a real target :math:`y_i` (a regression set,
  one output) the squared error itself, :math:`\ell_i = (s_i - y_i)^2`, so the loss reads as the
  mean squared error.

Integer labels are classes, real ones a regression target: a loss tells them apart by their type,
and a regression target has no accuracy (NaN).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp

from ..registry import Entry, Registry


def _masked_mean(per_example: jax.Array, mask: jax.Array | None) -> jax.Array:
    if mask is None:
        return jnp.mean(per_example)
    return jnp.sum(per_example * mask) / jnp.maximum(jnp.sum(mask), 1.0)


def softmax_cross_entropy(logits: jax.Array, labels: jax.Array, mask: jax.Array | None = None):
    r"""Softmax cross-entropy with integer labels, :math:`\log\sum_j e^{s_j} - s_{y}` averaged."""
    lse = jax.nn.logsumexp(logits, axis=-1)
    picked = jnp.take_along_axis(logits, labels[:, None].astype(jnp.int32), axis=-1)[:, 0]
    return _masked_mean(lse - picked, mask)


def binary_cross_entropy(logits: jax.Array, labels: jax.Array, mask: jax.Array | None = None):
    r"""Binary cross-entropy on logits: :math:`\max(s,0) - s y + \log(1 + e^{-|s|})` averaged."""
    s = logits.reshape(logits.shape[0], -1)[:, 0]
    y = labels.astype(s.dtype)
    per = jnp.maximum(s, 0) - s * y + jnp.log1p(jnp.exp(-jnp.abs(s)))
    return _masked_mean(per, mask)


def is_regression(labels) -> bool:
    """Real-valued targets (a regression set) rather than integer class labels."""
    return jnp.issubdtype(labels.dtype, jnp.floating)


def mean_squared_error(outputs: jax.Array, labels: jax.Array, mask: jax.Array | None = None):
    r"""Squared error to one-hot targets, :math:`\tfrac12\sum_k (s_k - t_k)^2`, or to a real
    target, :math:`(s - y)^2`, averaged."""
    if is_regression(labels):
        per = jnp.square(outputs.reshape(outputs.shape[0], -1)[:, 0] - labels.astype(outputs.dtype))
        return _masked_mean(per, mask)
    target = jax.nn.one_hot(labels, outputs.shape[-1], dtype=outputs.dtype)
    per = 0.5 * jnp.sum((outputs - target) ** 2, axis=-1)
    return _masked_mean(per, mask)


def predictions(outputs: jax.Array, loss: str) -> jax.Array:
    """Predicted class: argmax of the outputs, or ``s > 0`` for binary cross-entropy."""
    if LOSSES[loss].outputs == "one":
        return (outputs[:, 0] > 0).astype(jnp.int32)
    return jnp.argmax(outputs, axis=-1).astype(jnp.int32)


def output_accuracy(outputs: jax.Array, labels: jax.Array, loss: str, mask=None) -> jax.Array:
    """Share of correct predictions (the masked mean, as the losses); NaN for a real target."""
    if is_regression(labels):
        return jnp.full((), jnp.nan, outputs.dtype)
    return _masked_mean((predictions(outputs, loss) == labels).astype(outputs.dtype), mask)


def probabilities(outputs: jax.Array, loss: str) -> jax.Array:
    """Class probabilities ``(N, K)``: softmax (CE), ``[1−σ, σ]`` (BCE), outputs clipped to
    [0, 1] and normalized (MSE)."""
    kind = LOSSES[loss].outputs
    if kind == "one":
        p = jax.nn.sigmoid(outputs[:, 0])
        return jnp.stack([1 - p, p], axis=-1)
    if loss == "mse":
        clipped = jnp.clip(outputs, 0.0, 1.0) + 1e-6
        return clipped / jnp.sum(clipped, axis=-1, keepdims=True)
    return jax.nn.softmax(outputs, axis=-1)


@dataclass(frozen=True)
class LossEntry(Entry):
    """A registered loss: ``fn(outputs, labels, mask)``; ``outputs`` is ``"classes"`` (K outputs)
    or ``"one"`` (a single logit, 2 classes only); ``tasks`` the problem types it fits."""

    fn: Callable | None = None
    outputs: str = "classes"
    tasks: tuple[str, ...] = ("classification",)


LOSSES: Registry[LossEntry] = Registry("loss")
for _entry in [
    LossEntry(
        "cross_entropy",
        "Softmax cross-entropy",
        r"L = -\frac1N\sum_i \log \frac{e^{s_{y_i}}}{\sum_j e^{s_j}}",
        (),
        "Negative log-likelihood of the right class under a softmax.",
        softmax_cross_entropy,
    ),
    LossEntry(
        "binary_cross_entropy",
        "Binary cross-entropy",
        r"L = -\frac1N\sum_i \big[y_i \log\sigma(s_i) + (1-y_i)\log(1-\sigma(s_i))\big]",
        (),
        "One logit per example, for two classes.",
        binary_cross_entropy,
        outputs="one",
    ),
    LossEntry(
        "mse",
        "Mean squared error",
        r"L = \frac1N\sum_i \tfrac12\lVert s_i - t_i\rVert^2,\ t_i = \mathrm{onehot}(y_i)",
        (),
        "Regression onto one-hot targets (slow when confidently wrong), or onto a real target.",
        mean_squared_error,
        tasks=("classification", "regression"),
    ),
]:
    LOSSES.add(_entry)


#: The loss a task trains with unless another is asked for.
DEFAULT_LOSS = {"classification": "cross_entropy", "regression": "mse"}


def check_loss_task(loss: str, task: str) -> None:
    """Raises ``ValueError`` when ``loss`` cannot fit a ``task`` target."""
    if task not in LOSSES[loss].tasks:
        raise ValueError(
            f"loss {loss} does not fit a {task} target (use {DEFAULT_LOSS.get(task, 'mse')})"
        )


def output_size(loss: str, n_classes: int) -> int:
    """Number of network outputs for ``loss`` and ``n_classes``; raises ``ValueError`` when the loss
    cannot handle that many classes."""
    if LOSSES[loss].outputs == "one":
        if n_classes != 2:
            raise ValueError(f"binary_cross_entropy needs 2 classes, got {n_classes}")
        return 1
    return n_classes
