r"""Weight initializations: the init registry.

A weight matrix is ``fan_in × fan_out`` (``h = x W + b``). Each scheme draws i.i.d. entries with a
standard deviation :math:`\sigma(\text{fan}_{in}, \text{fan}_{out})`: from a normal
:math:`\mathcal N(0, \sigma^2)`, or from a uniform :math:`U(-a, a)` with :math:`a = \sigma\sqrt 3`
(the same variance). Biases start at 0.

=================  =========================================================
``zeros``          :math:`W = 0` (the symmetry problem: every unit stays identical)
``normal``         :math:`\sigma = s` (the lectures' ``0.01·randn`` and ``1.0·randn``)
``xavier``         :math:`\sigma = \sqrt{1/\text{fan}_{in}}` (the lectures' form)
``glorot``         :math:`\sigma = \sqrt{2/(\text{fan}_{in}+\text{fan}_{out})}`
``he``             :math:`\sigma = \sqrt{2/\text{fan}_{in}}` (for ReLU)
``glorot_uniform`` :math:`a = \sqrt{6/(\text{fan}_{in}+\text{fan}_{out})}`
``he_uniform``     :math:`a = \sqrt{6/\text{fan}_{in}}`
=================  =========================================================

Sampling is done in NumPy (:func:`sample_numpy`, no compilation) for building networks and in jnp
(:func:`sample_jax`, traced scale) inside compiled experiments.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..registry import Entry, HParam, Registry

StdFn = Callable[[int, int, Any], Any]


@dataclass(frozen=True)
class InitEntry(Entry):
    """A registered initialization.

    Attributes:
        std: ``std(fan_in, fan_out, scale) -> σ`` (``scale`` is only used by ``normal``).
        dist: ``"normal"``, ``"uniform"`` or ``"zeros"``.
        verdict: one line of advice.
    """

    std: StdFn | None = None
    dist: str = "normal"
    verdict: str = ""


_SCALE = HParam(
    "scale",
    "scale s",
    0.01,
    1e-4,
    10.0,
    log=True,
    help="Standard deviation of the weights (the lectures try 0.01 and 1.0).",
)

INITS: Registry[InitEntry] = Registry("initialization")
for _entry in [
    InitEntry(
        "zeros",
        "Zeros",
        r"W = 0",
        (),
        "Every weight 0.",
        std=lambda fi, fo, s: 0.0,
        dist="zeros",
        verdict="Never: all units compute the same thing and get the same update (symmetry).",
    ),
    InitEntry(
        "normal",
        "Small random (s·randn)",
        r"W_{ij} \sim \mathcal N(0, s^2)",
        (_SCALE,),
        "Gaussian with a fixed scale s.",
        std=lambda fi, fo, s: s,
        dist="normal",
        verdict="s = 0.01 is fine for small nets; in deep nets activations shrink to 0 (s small) or saturate (s large).",
    ),
    InitEntry(
        "xavier",
        "Xavier (1/fan_in)",
        r"W_{ij} \sim \mathcal N\!\left(0, \tfrac{1}{\mathrm{fan}_{in}}\right)",
        (),
        "Keeps the variance of z = Σ wᵢxᵢ equal to the variance of the inputs (linear/tanh units).",
        std=lambda fi, fo, s: math.sqrt(1.0 / fi),
        dist="normal",
        verdict="Good for tanh; with ReLU half the variance is lost at every layer.",
    ),
    InitEntry(
        "glorot",
        "Glorot (normal)",
        r"W_{ij} \sim \mathcal N\!\left(0, \tfrac{2}{\mathrm{fan}_{in} + \mathrm{fan}_{out}}\right)",
        (),
        "Glorot & Bengio 2010: balances the forward and backward variances.",
        std=lambda fi, fo, s: math.sqrt(2.0 / (fi + fo)),
        dist="normal",
        verdict="The usual default for tanh/sigmoid layers.",
    ),
    InitEntry(
        "he",
        "He (normal)",
        r"W_{ij} \sim \mathcal N\!\left(0, \tfrac{2}{\mathrm{fan}_{in}}\right)",
        (),
        "He et al. 2015: the factor 2 makes up for ReLU zeroing half of its inputs.",
        std=lambda fi, fo, s: math.sqrt(2.0 / fi),
        dist="normal",
        verdict="The default for ReLU networks.",
    ),
    InitEntry(
        "glorot_uniform",
        "Glorot (uniform)",
        r"W_{ij} \sim U\!\left(-\sqrt{\tfrac{6}{\mathrm{fan}_{in} + \mathrm{fan}_{out}}},\ \sqrt{\tfrac{6}{\mathrm{fan}_{in} + \mathrm{fan}_{out}}}\right)",
        (),
        "Uniform with the same variance as Glorot normal.",
        std=lambda fi, fo, s: math.sqrt(2.0 / (fi + fo)),
        dist="uniform",
        verdict="Same variance as Glorot normal, bounded values.",
    ),
    InitEntry(
        "he_uniform",
        "He (uniform)",
        r"W_{ij} \sim U\!\left(-\sqrt{\tfrac{6}{\mathrm{fan}_{in}}},\ \sqrt{\tfrac{6}{\mathrm{fan}_{in}}}\right)",
        (),
        "Uniform with the same variance as He normal.",
        std=lambda fi, fo, s: math.sqrt(2.0 / fi),
        dist="uniform",
        verdict="Same variance as He normal, bounded values.",
    ),
]:
    INITS.add(_entry)


def init_std(name: str, fan_in: int, fan_out: int, scale: float = 0.01) -> float:
    """The standard deviation σ of scheme ``name`` for a ``fan_in × fan_out`` matrix."""
    return float(INITS[name].std(fan_in, fan_out, scale))


def sample_numpy(
    rng: np.random.Generator,
    name: str,
    shape: tuple[int, int],
    scale: float = 0.01,
    fan_out: int | None = None,
) -> np.ndarray:
    """Weights of ``shape = (fan_in, n)`` drawn in NumPy (float32).

    Args:
        rng: the NumPy generator.
        name: the scheme's registry name.
        shape: ``(fan_in, n)``; ``n`` is ``fan_out`` except for maxout (2 pieces per unit).
        scale: σ of ``normal``.
        fan_out: the number of units when it differs from ``shape[1]`` (maxout).
    """
    entry = INITS[name]
    fan_in = shape[0]
    std = entry.std(fan_in, fan_out or shape[1], scale)
    if entry.dist == "zeros":
        return np.zeros(shape, np.float32)
    if entry.dist == "uniform":
        a = np.float32(std * math.sqrt(3.0))
        return a * (2 * rng.random(shape, dtype=np.float32) - 1)
    return np.float32(std) * rng.standard_normal(shape, dtype=np.float32)


def sample_jax(
    key: jax.Array,
    name: str,
    shape: tuple[int, int],
    scale: Any = 0.01,
    fan_out: int | None = None,
    dtype=jnp.float32,
) -> jax.Array:
    """:func:`sample_numpy` in jnp, for compiled experiments (``scale`` may be traced)."""
    entry = INITS[name]
    fan_in = shape[0]
    std = entry.std(fan_in, fan_out or shape[1], scale)
    if entry.dist == "zeros":
        return jnp.zeros(shape, dtype)
    if entry.dist == "uniform":
        a = std * math.sqrt(3.0)
        return jax.random.uniform(key, shape, dtype, -a, a)
    return std * jax.random.normal(key, shape, dtype)
