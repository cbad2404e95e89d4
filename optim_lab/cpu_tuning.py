"""How optim-lab is tuned for CPUs, in one place. Each measure changes speed only, never a result
(the tests compare results and count compilations; `bench/` and `docs/PERFORMANCE.md` give the
figures):

- :data:`SMALL_LOOP_BYTES`: XLA compiles a small loop into one kernel instead of scheduling each
  iteration as a graph of tiny kernels (a 2-D run's step is far cheaper than that scheduling).
- :func:`equal_pieces`, :func:`pieces_for_cores`, :func:`trial_groups`: XLA runs one call on one
  core, so a large batch is cut into equal pieces dispatched together (one shape, one program).
- :func:`narrow_matmul`: an output layer with a few classes differentiates column by column,
  since XLA's single narrow contraction over the batch is several times slower.

Two more live beside the code whose data layout they are: a batch of 2-D runs travels as one
array of packed numbers (`trajectory.pack_numbers`: one transfer per batch), and each step of a
scanned run writes its outputs as one short vector (`trajectory._single_run`), which keeps the
loop under :data:`SMALL_LOOP_BYTES`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

# XLA:CPU compiles a while loop into a single kernel when one iteration touches fewer bytes than
# this; XLA's default (1 kB) misses a 2D run that returns its gradients and a batch of a few runs.
# Loops over real data or networks touch far more bytes per step and are unaffected.
SMALL_LOOP_BYTES = 65536
_SMALL_LOOP_OPTION = "xla_cpu_small_while_loop_byte_threshold"


def compile_small_loops_into_kernels() -> None:
    """Adds :data:`SMALL_LOOP_BYTES` to ``XLA_FLAGS`` unless the user already chose a value. XLA
    reads the flags once, when JAX first computes something: later changes have no effect."""
    flags = os.environ.get("XLA_FLAGS", "")
    if _SMALL_LOOP_OPTION in flags:
        return
    option = f"{_SMALL_LOOP_OPTION}={SMALL_LOOP_BYTES}"
    extra = "--xla_backend_extra_options="
    if extra in flags:  # one flag holds all extra options, comma-separated
        flags = flags.replace(extra, f"{extra}{option},", 1)
    else:
        flags = f"{flags} {extra}{option}".strip()
    os.environ["XLA_FLAGS"] = flags


compile_small_loops_into_kernels()

import jax  # noqa: E402  (after the flags above)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402


def available_cores() -> int:
    """CPU cores this process may run on: those its affinity allows, fewer where its cgroup caps
    its CPU time (a container's ``--cpus``, Kubernetes' ``limits.cpu``), at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    return max(1, min(cores, math.ceil(quota))) if quota else cores


CGROUP_ROOT = Path("/sys/fs/cgroup")


def cgroup_cpu_quota(root: Path | None = None) -> float | None:
    """How many cores' worth of CPU time this process's cgroup may use (cgroup v2's ``cpu.max``,
    or v1's ``cpu.cfs_quota_us`` over ``cpu.cfs_period_us``); None where no cap is set."""
    root = CGROUP_ROOT if root is None else root
    try:
        quota, period = (root / "cpu.max").read_text().split()
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota / period if quota > 0 and period > 0 else None


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


# A batch of 2-D runs (a sweep's grid) smaller than this runs in one piece: splitting costs more.
MIN_RUNS_TO_SPLIT = 2048


def pieces_for_cores(tree) -> list:
    """A large batch of 2-D runs in equal pieces, one per CPU core (at most 8); on a GPU, or for a
    small batch, the batch whole."""
    cores = min(available_cores(), 8)
    if (
        jax.default_backend() != "cpu"
        or cores < 2
        or len(jax.tree.leaves(tree)[0]) < MIN_RUNS_TO_SPLIT
    ):
        return [tree]
    return equal_pieces(tree, cores)


def trial_groups() -> int:
    """How many groups a batch of network trials is cut into: two per core on a CPU (a core then
    always has the next group ready), one on a GPU."""
    return 2 * available_cores() if jax.default_backend() == "cpu" else 1


# Output layers with at most this many units use :func:`narrow_matmul` (one small product per
# class pays off for a few classes, not for ten).
NARROW_OUTPUTS = 4


@jax.custom_jvp
def narrow_matmul(h: jax.Array, w: jax.Array) -> jax.Array:
    r"""``h @ w`` for a weight matrix with few columns (an output layer of a few classes).

    Only the derivative differs: its weight part is written column by column (one matrix-vector
    product per class), so the weight gradient (its transpose) becomes one :math:`h^\top g_{:,j}`
    per class. XLA:CPU computes the single contraction :math:`h^\top g` over the batch rows several
    times as slowly for such a narrow :math:`g` (a broadcast multiply-and-sum, twice).
    """
    return h @ w


@narrow_matmul.defjvp
def _narrow_matmul_jvp(primals, tangents):
    h, w = primals
    dh, dw = tangents
    columns = [h @ dw[:, j] for j in range(w.shape[-1])]
    return h @ w, dh @ w + jnp.stack(columns, axis=-1)


def output_matmul(h: jax.Array, w: jax.Array) -> jax.Array:
    """The output layer's product: :func:`narrow_matmul` for a few classes, else ``h @ w``."""
    return (narrow_matmul if w.shape[-1] <= NARROW_OUTPUTS else jnp.matmul)(h, w)
