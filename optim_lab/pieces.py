"""Batches of independent runs cut into equal pieces, so a CPU's cores can run them side by side
(XLA runs one call on one core)."""

from __future__ import annotations

import os

import jax
import numpy as np


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def equal_pieces(tree, pieces: int) -> list:
    """``tree``'s NumPy arrays (one leading size n) cut into at most ``pieces`` parts of one size,
    the last padded by repeating the final row: every part has one shape, so one compiled program
    serves them all. Results joined in order keep the first n rows."""
    n = len(jax.tree.leaves(tree)[0])
    size = -(-n // max(1, min(pieces, n)))
    count = -(-n // size)
    if size * count > n:
        tree = jax.tree.map(
            lambda a: np.concatenate([a, np.repeat(a[-1:], size * count - n, 0)]), tree
        )
    return [jax.tree.map(lambda a, i=i: a[i * size : (i + 1) * size], tree) for i in range(count)]
