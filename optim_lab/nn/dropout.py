r"""Dropout on hidden activations, with ``keep`` = :math:`p` = the **keep probability** (the
lectures' convention: p = 0.5 keeps half of the units). ``keep = 1`` switches dropout off; it is a
traced value, so moving the slider never recompiles (and when it is 1 no random mask is drawn).

Two equivalent ways to make test-time activations match their training-time expectation
:math:`\mathbb E[m\,h] = p\,h` for a mask :math:`m \sim \mathrm{Bernoulli}(p)`:

- ``"inverted"`` (default): training :math:`h \leftarrow h\,m / p`, test unchanged;
- ``"vanilla"``: training :math:`h \leftarrow h\,m`, test :math:`h \leftarrow p\,h`.

(PyTorch's ``nn.Dropout(p)`` takes the *drop* probability, i.e. ``1 − keep``.)
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

DROPOUT_MODES = ("inverted", "vanilla")


def _check(mode: str) -> None:
    if mode not in DROPOUT_MODES:
        raise ValueError(f"dropout mode must be one of {', '.join(DROPOUT_MODES)}, got {mode!r}")


def dropout_train(h: jax.Array, key: jax.Array, keep: Any, mode: str = "inverted") -> jax.Array:
    r"""Training-time dropout: :math:`h\,m/p` (inverted) or :math:`h\,m` (vanilla),
    :math:`m_{ij} \sim \mathrm{Bernoulli}(p)`.

    Args:
        h: activations.
        key: PRNG key for the mask.
        keep: keep probability p in (0, 1] (traced).
        mode: ``"inverted"`` or ``"vanilla"``.
    """
    _check(mode)
    if isinstance(keep, int | float) and keep >= 1:
        return h

    def drop():
        m = jax.random.bernoulli(key, keep, h.shape).astype(h.dtype)
        return h * m / keep if mode == "inverted" else h * m

    return jax.lax.cond(keep < 1, drop, lambda: h)


def dropout_mask(
    key: jax.Array, keep: Any, shape: tuple[int, ...], mode: str = "inverted", dtype=jnp.float32
) -> jax.Array:
    r"""The multiplier of :func:`dropout_train` for activations of ``shape``: :math:`m/p` (inverted)
    or :math:`m` (vanilla); all ones when ``keep >= 1`` (no random numbers drawn then).

    One mask for several layers (sliced per layer) keeps the compiled program small.
    """
    _check(mode)

    def draw():
        m = jax.random.bernoulli(key, keep, shape).astype(dtype)
        return (m / keep if mode == "inverted" else m).astype(dtype)

    return jax.lax.cond(keep < 1, draw, lambda: jnp.ones(shape, dtype))


def dropout_test(h: jax.Array, keep: Any, mode: str = "inverted") -> jax.Array:
    r"""Test-time dropout: :math:`h` (inverted) or :math:`p\,h` (vanilla)."""
    _check(mode)
    return h if mode == "inverted" else h * jnp.asarray(keep, h.dtype)
