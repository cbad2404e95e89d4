r"""Activation functions, their derivatives and verdicts: the activation registry.

Every entry has ``fn(z, ap)`` and ``deriv(z, ap)``, elementwise jnp functions of the pre-activation
:math:`z` and a mapping ``ap`` of traced activation parameters (``slope``, ``alpha``), so changing
a slope never recompiles. Two entries are special:

- ``prelu``: the slope :math:`a` is *learnable*, one scalar per hidden layer, stored in the layer's
  parameters as ``"slope"`` (initialized to the ``slope`` parameter); ``deriv_param`` is
  :math:`\partial f/\partial a`.
- ``maxout``: a layer has ``pieces = 2`` times the weights and outputs the max of the two affine
  pieces, :math:`\max(w_1^\top x + b_1, w_2^\top x + b_2)`. ``fn`` takes ``z`` with a trailing axis
  of size 2 (the pieces) and ``deriv`` returns the one-hot routing of the gradient to the winner.

:func:`curve` gives ``(f(x), f'(x))`` as NumPy for plotting (maxout: the example pieces
:math:`z` and :math:`-z/2`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..registry import Entry, HParam, Registry

ActFn = Callable[[jax.Array, Mapping[str, Any]], jax.Array]

#: Names of all activation parameters: every activation gets the same traced dict.
ACT_PARAM_NAMES = ("slope", "alpha")


@dataclass(frozen=True)
class ActivationEntry(Entry):
    r"""A registered activation.

    Attributes:
        fn: ``f(z, ap)``, elementwise (maxout: over a trailing axis of 2 pieces).
        deriv: ``f'(z, ap)``, elementwise (maxout: one-hot of the winning piece).
        latex_deriv: the derivative in LaTeX.
        zero_centred: outputs are centred on 0 (so the next layer's gradients are not all of one sign).
        saturates: the gradient vanishes for large :math:`|z|` (on at least one side).
        verdict: one line of advice, as in the lectures.
        peak_deriv: the largest value of :math:`f'` (used to call a unit "saturated" when
            :math:`|f'(z)| < 0.05\cdot` peak).
        pieces: affine pieces per unit (2 for maxout, else 1).
        learnable: the ``slope`` is a per-layer trainable parameter (PReLU).
        deriv_param: :math:`\partial f/\partial a` for the learnable slope.
    """

    fn: ActFn | None = None
    deriv: ActFn | None = None
    latex_deriv: str = ""
    zero_centred: bool = False
    saturates: bool = False
    verdict: str = ""
    peak_deriv: float = 1.0
    pieces: int = 1
    learnable: bool = False
    deriv_param: ActFn | None = None


def _sigmoid(z, ap):
    return jax.nn.sigmoid(z)


def _sigmoid_d(z, ap):
    s = jax.nn.sigmoid(z)
    return s * (1 - s)


def _tanh(z, ap):
    return jnp.tanh(z)


def _tanh_d(z, ap):
    return 1 - jnp.tanh(z) ** 2


def _relu(z, ap):
    return jnp.maximum(z, 0)


def _relu_d(z, ap):
    return (z > 0).astype(z.dtype)


def _leaky(z, ap):
    return jnp.where(z > 0, z, ap["slope"] * z)


def _leaky_d(z, ap):
    return jnp.where(z > 0, 1.0, ap["slope"]).astype(z.dtype)


def _prelu_da(z, ap):
    return jnp.where(z > 0, 0.0, z)


def _elu(z, ap):
    # expm1 of min(z, 0): the unused branch of the where stays finite for large z.
    return jnp.where(z > 0, z, ap["alpha"] * jnp.expm1(jnp.minimum(z, 0)))


def _elu_d(z, ap):
    return jnp.where(z > 0, 1.0, ap["alpha"] * jnp.exp(jnp.minimum(z, 0))).astype(z.dtype)


def _maxout(z, ap):
    return jnp.max(z, axis=-1)


def _maxout_d(z, ap):
    winner = jnp.argmax(z, axis=-1)
    return jax.nn.one_hot(winner, z.shape[-1], dtype=z.dtype)


def _linear(z, ap):
    return z


def _linear_d(z, ap):
    return jnp.ones_like(z)


_SLOPE_LEAKY = HParam("slope", "slope a", 0.01, 0.0, 1.0, help="Slope for z < 0: f(z) = a·z.")
_SLOPE_PRELU = HParam(
    "slope",
    "initial slope a",
    0.25,
    0.0,
    1.0,
    help="Starting value of the learned slope for z < 0.",
)
_ALPHA = HParam("alpha", "α", 1.0, 0.0, 10.0, help="ELU saturates at −α for very negative z.")

ACTIVATIONS: Registry[ActivationEntry] = Registry("activation")
for _entry in [
    ActivationEntry(
        "sigmoid",
        "Sigmoid",
        r"\sigma(z) = \frac{1}{1 + e^{-z}}",
        (),
        "Squashes to (0, 1): the historical neuron 'firing rate'.",
        _sigmoid,
        _sigmoid_d,
        r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
        zero_centred=False,
        saturates=True,
        peak_deriv=0.25,
        verdict="Avoid in hidden layers: saturates (kills gradients), not zero-centred, exp is costly.",
    ),
    ActivationEntry(
        "tanh",
        "tanh",
        r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
        (),
        "Squashes to (−1, 1); a scaled sigmoid, 2σ(2z) − 1.",
        _tanh,
        _tanh_d,
        r"\tanh'(z) = 1 - \tanh^2(z)",
        zero_centred=True,
        saturates=True,
        verdict="Zero-centred, but still kills gradients when saturated; prefer ReLU and friends.",
    ),
    ActivationEntry(
        "relu",
        "ReLU",
        r"\mathrm{ReLU}(z) = \max(0, z)",
        (),
        "Rectified linear unit: identity for z > 0, zero otherwise.",
        _relu,
        _relu_d,
        r"\mathrm{ReLU}'(z) = \mathbb{1}[z > 0]",
        zero_centred=False,
        saturates=False,
        verdict="The default: cheap, no saturation for z > 0, fast convergence; watch for dead units.",
    ),
    ActivationEntry(
        "leaky_relu",
        "Leaky ReLU",
        r"f(z) = \max(a z, z)",
        (_SLOPE_LEAKY,),
        "ReLU with a small slope a for z < 0, so units never die.",
        _leaky,
        _leaky_d,
        r"f'(z) = \begin{cases}1 & z > 0\\ a & z \le 0\end{cases}",
        zero_centred=False,
        saturates=False,
        verdict="Like ReLU but cannot die: a safe thing to try.",
    ),
    ActivationEntry(
        "elu",
        "ELU",
        r"f(z) = \begin{cases}z & z > 0\\ \alpha(e^{z} - 1) & z \le 0\end{cases}",
        (_ALPHA,),
        "Exponential linear unit: smooth, outputs closer to zero mean.",
        _elu,
        _elu_d,
        r"f'(z) = \begin{cases}1 & z > 0\\ \alpha e^{z} & z \le 0\end{cases}",
        zero_centred=False,
        saturates=True,
        verdict="ReLU's benefits with outputs closer to zero mean; saturation for z ≪ 0 adds robustness to noise; exp costs.",
    ),
    ActivationEntry(
        "prelu",
        "PReLU",
        r"f(z) = \max(a z, z),\ a \text{ learned}",
        (_SLOPE_PRELU,),
        "Parametric ReLU: the negative slope a is learned by backprop, one per layer.",
        _leaky,
        _leaky_d,
        r"\frac{\partial f}{\partial z} = \begin{cases}1 & z > 0\\ a & z \le 0\end{cases},\ "
        r"\frac{\partial f}{\partial a} = \begin{cases}0 & z > 0\\ z & z \le 0\end{cases}",
        zero_centred=False,
        saturates=False,
        learnable=True,
        deriv_param=_prelu_da,
        verdict="Leaky ReLU that learns its slope; one extra parameter per layer.",
    ),
    ActivationEntry(
        "maxout",
        "Maxout (2 pieces)",
        r"f(x) = \max(w_1^\top x + b_1,\ w_2^\top x + b_2)",
        (),
        "Each unit takes the max of two affine functions: generalizes ReLU and leaky ReLU.",
        _maxout,
        _maxout_d,
        r"\frac{\partial f}{\partial z_k} = \mathbb{1}[k = \arg\max_j z_j]",
        zero_centred=False,
        saturates=False,
        pieces=2,
        verdict="Never saturates or dies, but doubles the parameters per unit.",
    ),
    ActivationEntry(
        "linear",
        "Linear (identity)",
        r"f(z) = z",
        (),
        "No non-linearity: a deep linear net is still a linear model.",
        _linear,
        _linear_d,
        r"f'(z) = 1",
        zero_centred=True,
        saturates=False,
        verdict="Only for output layers: stacked linear layers collapse to one linear map.",
    ),
]:
    ACTIVATIONS.add(_entry)


def act_params(name: str, overrides: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The traced activation parameters of ``name``: every name of :data:`ACT_PARAM_NAMES`
    (unused ones 0), validated against the registry.

    Returns:
        ``{"slope": a, "alpha": α}`` as floats.
    """
    values = dict.fromkeys(ACT_PARAM_NAMES, 0.0)
    values.update(ACTIVATIONS[name].resolve(overrides))
    return values


@partial(jax.jit, static_argnames=("name",))
def _curve(x, ap, *, name):
    entry = ACTIVATIONS[name]
    if entry.pieces == 2:
        z = jnp.stack([x, -0.5 * x], axis=-1)
        return entry.fn(z, ap), jnp.sum(entry.deriv(z, ap) * jnp.array([1.0, -0.5]), axis=-1)
    return entry.fn(x, ap), entry.deriv(x, ap)


def curve(
    name: str, x: np.ndarray, overrides: Mapping[str, Any] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(f(x), f'(x))`` on the points ``x``, as NumPy, for plotting.

    For maxout the two pieces are :math:`z` and :math:`-z/2`, so the curve is
    :math:`\\max(z, -z/2)` (a "V" that ReLU and leaky ReLU are special cases of).
    """
    ap = {k: np.float32(v) for k, v in act_params(name, overrides).items()}
    y, dy = _curve(np.asarray(x, np.float32), ap, name=name)
    return np.asarray(y), np.asarray(dy)
