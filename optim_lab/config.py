"""Process-wide JAX settings: float64 on request and the persistent compilation cache."""

from __future__ import annotations

import os
from pathlib import Path

import jax

CACHE_ENV = "OPTIM_LAB_JAX_CACHE"


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
