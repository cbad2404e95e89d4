"""One memory budget for every network run, from the CLI or the app.

Each size a request gives is bounded on its own (trials ≤ 256, widths ≤ 4096…), but together they
can ask for far more memory than a machine has: 256 trials of a 4096 × 4096 network are 17 GB of
weights. The sizes are combined into an estimate and checked before anything is built, so such a
request gets a one-line refusal instead of the kernel's out-of-memory killer.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import jax
import jax.numpy as jnp

from ..optimizers import OPTIMIZERS

MEMORY_BUDGET_BYTES = 2 * 2**30

# Per copy of a network while it trains, besides the optimizer's state: weights, gradient, the
# running average and the initial weights.
_PARAMETER_COPIES = 4
# The optimizer's state per parameter unless told: two moments (Adam's).
_STATE_COPIES = 2
# Per example and unit: the pre-activation, the activation and its gradient.
_ACTIVATION_COPIES = 3
# Central differences vmapped together by the gradient check (its lax.map batch).
GRADCHECK_BATCH = 256


def parameter_count(sizes: Sequence[int]) -> int:
    """Weights and biases of a fully connected network with layer ``sizes`` (inputs … outputs)."""
    return sum((int(a) + 1) * int(b) for a, b in itertools.pairwise(sizes))


def optimizer_state_copies(name: str, n: int) -> float:
    """How many numbers per parameter optimizer ``name`` keeps for ``n`` parameters (L-BFGS: its
    history of pairs), read from the shapes of its state without building it."""
    entry = OPTIMIZERS[name]
    if entry.needs_loss:  # Newton keeps nothing, but its Hessian is n²: bounded by its own limit
        return 0.0
    shapes = jax.eval_shape(entry.build().init, jax.ShapeDtypeStruct((n,), jnp.float32))
    return sum(math.prod(leaf.shape) for leaf in jax.tree.leaves(shapes)) / max(n, 1)


def check_memory(nbytes: float, what: str) -> None:
    """Raises ``ValueError`` (one line) if ``what`` would need more than the budget."""
    if nbytes > MEMORY_BUDGET_BYTES:
        raise ValueError(
            f"{what} would need about {nbytes / 2**30:.1f} GB of memory, more than the "
            f"{MEMORY_BUDGET_BYTES / 2**30:g} GB a run may use: use fewer or narrower layers, "
            "fewer copies or fewer examples"
        )


def check_training(
    copies: int,
    sizes: Sequence[int],
    examples: int,
    *,
    snapshots: int = 0,
    optimizers: Sequence[str] = (),
    itemsize: int = 4,
    what: str = "this training",
) -> None:
    """``copies`` networks of layer ``sizes`` trained together on ``examples`` rows at a time,
    keeping ``snapshots`` copies of their weights on the way, each with the state of the largest
    of ``optimizers`` (default: two moments per parameter)."""
    n = parameter_count(sizes)
    state = max((optimizer_state_copies(name, n) for name in optimizers), default=_STATE_COPIES)
    floats = copies * (
        (_PARAMETER_COPIES + state + snapshots) * n
        + _ACTIVATION_COPIES * examples * sum(int(s) for s in sizes)
    )
    check_memory(floats * itemsize, what)


def check_gradcheck(sizes: Sequence[int], examples: int, checks: int) -> None:
    """The gradient check: up to :data:`GRADCHECK_BATCH` perturbed copies of the network, each
    evaluated on every example, in float64."""
    together = min(GRADCHECK_BATCH, max(1, checks))
    floats = together * 2 * (parameter_count(sizes) + examples * sum(int(s) for s in sizes))
    check_memory(floats * 8, "this gradient check")
