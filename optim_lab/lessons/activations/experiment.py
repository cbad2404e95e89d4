"""What the activations lesson computes beside the registry's curves: every function at a glance."""

from __future__ import annotations

from functools import cache

import jax.numpy as jnp
import numpy as np

from ...nn.activations import ACTIVATIONS, act_params

#: Grid points per input of the mean's quadrature (maxout: a square grid over its two inputs).
GRID = {1: 4001, 2: 601}


@cache
def mean_output(name: str) -> float:
    """The mean of f(z) for z ~ N(0, 1): a Riemann sum against the normal density on a grid over
    ±8 (default parameters; maxout: the larger of two independent inputs)."""
    entry = ACTIVATIONS[name]
    z = np.linspace(-8.0, 8.0, GRID[entry.pieces])
    density = np.exp(-0.5 * z**2)
    density /= density.sum()
    grids = np.meshgrid(*[z] * entry.pieces, indexing="ij")
    weight = np.prod(np.meshgrid(*[density] * entry.pieces, indexing="ij"), axis=0)
    inputs = np.stack(grids, axis=-1).reshape(-1, entry.pieces)
    inputs = inputs[:, 0] if entry.pieces == 1 else inputs
    outputs = np.asarray(entry.fn(jnp.asarray(inputs, jnp.float32), act_params(name)), float)
    return float(np.sum(outputs * weight.reshape(-1)))


def overview_rows() -> list[dict[str, str]]:
    """One row per activation: how far its mean output is from 0, whether it saturates, advice."""
    return [
        {
            "function": e.label,
            "mean f(z), z ~ N(0, 1)": f"{mean_output(e.name):+.2f}",
            "saturates": "yes" if e.saturates else "no",
            "verdict": e.verdict,
        }
        for e in ACTIVATIONS
    ]
