"""One memory budget for every network run, from the CLI or the app.

Each size a request gives is bounded on its own (trials ≤ 256, widths ≤ 4096…), but together they
can ask for far more memory than a machine has: 256 trials of a 4096 × 4096 network are 17 GB of
weights. The sizes are combined into an estimate and checked before anything is built, so such a
request gets a one-line refusal instead of the kernel's out-of-memory killer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

MEMORY_BUDGET_BYTES = 2 * 2**30

# Per copy of a network while it trains: weights, gradient, two optimizer moments, the running
# average and the initial weights.
_PARAMETER_COPIES = 6
# Per example and unit: the pre-activation, the activation and its gradient.
_ACTIVATION_COPIES = 3
# Central differences vmapped together by the gradient check (its lax.map batch).
GRADCHECK_BATCH = 256


def parameter_count(sizes: Sequence[int]) -> int:
    """Weights and biases of a fully connected network with layer ``sizes`` (inputs … outputs)."""
    return sum((int(a) + 1) * int(b) for a, b in itertools.pairwise(sizes))


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
    itemsize: int = 4,
    what: str = "this training",
) -> None:
    """``copies`` networks of layer ``sizes`` trained together on ``examples`` rows at a time,
    keeping ``snapshots`` copies of their weights on the way."""
    floats = copies * (
        (_PARAMETER_COPIES + snapshots) * parameter_count(sizes)
        + _ACTIVATION_COPIES * examples * sum(int(s) for s in sizes)
    )
    check_memory(floats * itemsize, what)


def check_gradcheck(sizes: Sequence[int], examples: int, checks: int) -> None:
    """The gradient check: up to :data:`GRADCHECK_BATCH` perturbed copies of the network, each
    evaluated on every example, in float64."""
    together = min(GRADCHECK_BATCH, max(1, checks))
    floats = together * 2 * (parameter_count(sizes) + examples * sum(int(s) for s in sizes))
    check_memory(floats * 8, "this gradient check")
