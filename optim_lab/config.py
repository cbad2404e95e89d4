"""Process-wide JAX settings: float64 on request, the persistent compilation cache, and XLA's
CPU compiler option for small loops (set on import, before JAX starts its backend)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "OPTIM_LAB_JAX_CACHE"

# XLA:CPU compiles a while loop into a single kernel when one iteration touches fewer bytes than
# this; any other loop runs each iteration as a graph of small kernels, scheduled on a thread pool,
# which costs more than a small step itself. XLA's default (1 kB) misses a 2D run that returns its
# gradients and a batch of a few runs; this covers them, while loops over real data or networks
# (far more bytes per step) are unaffected.
SMALL_LOOP_BYTES = 65536
_SMALL_LOOP_OPTION = "xla_cpu_small_while_loop_byte_threshold"


def _compile_small_loops_into_kernels() -> None:
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


_compile_small_loops_into_kernels()

import jax  # noqa: E402  (after the flags above)


def set_x64(enabled: bool) -> None:
    """Computes in float64 (before any array is created) or float32."""
    jax.config.update("jax_enable_x64", bool(enabled))


def enable_compile_cache(path: str | os.PathLike | None = None) -> Path:
    """Stores compiled XLA programs on disk so a new process starts warm.

    The minimum compile time must be lowered to 0: JAX's default (1 s) caches nothing here, where
    most programs compile in well under a second.
    """
    directory = Path(
        path or os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "optim_lab" / "jax"
    )
    directory.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return directory
