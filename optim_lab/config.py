"""Process-wide JAX settings: float64 on request and the persistent compilation cache (importing
it also sets the XLA flags of :mod:`optim_lab.cpu_tuning`, before JAX starts its backend)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path

CACHE_ENV = "OPTIM_LAB_JAX_CACHE"

import jax  # noqa: E402
from jax._src import compilation_cache as _jax_compilation_cache  # noqa: E402
from jax._src import lru_cache as _jax_lru_cache  # noqa: E402

from . import cpu_tuning  # noqa: F401, E402  (sets XLA's flags before JAX computes anything)

_log = logging.getLogger(__name__)


def set_x64(enabled: bool) -> None:
    """Computes in float64 (before any array is created) or float32."""
    jax.config.update("jax_enable_x64", bool(enabled))


COMPILE_CACHE_MAX_BYTES = 256 * 2**20
"""The on-disk cache's size: the least recently used programs are removed beyond it (each user
formula adds its own)."""


_enabled: list[Path | None] = []  # the folders set in this process, the current one last


def _stamp_unstamped_entries(directory: Path) -> None:
    """Gives programs cached without a size cap the last-use stamp the capped cache reads (as
    never used, so they go first): JAX's eviction fails on an entry that has none."""
    for entry in directory.glob("*-cache"):
        stamp = entry.with_name(entry.name.removesuffix("-cache") + "-atime")
        if not stamp.exists():
            with contextlib.suppress(OSError):
                stamp.write_bytes((0).to_bytes(8, "little"))


def enable_compile_cache(path: str | os.PathLike | None = None) -> Path | None:
    """Stores compiled XLA programs on disk so a new process starts warm.

    The folder is ``path``, ``$OPTIM_LAB_JAX_CACHE`` or ``~/.cache/optim_lab/jax``; where it cannot
    be written (a read-only or missing home folder), one under the system's temporary folder; where
    neither can, programs are compiled afresh in each process, with one warning. Returns the folder
    used, or None.

    The minimum compile time must be lowered to 0: JAX's default (1 s) caches nothing here, where
    most programs compile in well under a second.
    """
    chosen = path or os.environ.get(CACHE_ENV)
    if chosen is None and _enabled:  # app.py calls this at every page run: once is enough
        return _enabled[-1]
    candidates = [Path(chosen)] if chosen else []
    with contextlib.suppress(RuntimeError):  # no home folder known at all
        candidates.append(Path.home() / ".cache" / "optim_lab" / "jax")
    candidates.append(Path(tempfile.gettempdir()) / f"optim_lab-{os.getuid()}" / "jax")
    for directory in candidates:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if os.access(directory, os.W_OK | os.X_OK):
                break
        except OSError:
            continue
    else:
        warnings.warn(
            "optim-lab: no writable folder for the compile cache; programs compile in each process",
            RuntimeWarning,
            stacklevel=2,
        )
        _enabled.append(None)
        return None
    _stamp_unstamped_entries(directory)
    jax.config.update("jax_compilation_cache_dir", str(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    jax.config.update("jax_compilation_cache_max_size", COMPILE_CACHE_MAX_BYTES)
    _use_checked_cache(directory)
    _enabled.append(directory)
    return directory


def _entry_digest(key: str, program: bytes) -> bytes:
    return hashlib.sha256(key.encode() + b"\0" + program).digest()


class _CheckedCache(_jax_lru_cache.LRUCache):
    """JAX's size-capped file cache, with each entry stamped with a digest of its key and program.
    An entry that was damaged, truncated or copied under another key's name is removed and the
    program compiled afresh: JAX alone would warn at every run (a damaged entry is never
    overwritten) or load the wrong program (a swapped one)."""

    def put(self, key: str, value: bytes) -> None:
        super().put(key, _entry_digest(key, value) + value)

    def get(self, key: str) -> bytes | None:
        stored = super().get(key)
        if stored is None:
            return None
        digest, program = stored[:32], stored[32:]
        if digest == _entry_digest(key, program):
            return program
        _log.info("compile cache: entry %s does not match its key; compiling it afresh", key)
        with contextlib.suppress(OSError), self.lock:
            for suffix in ("-cache", "-atime"):
                (self.path / f"{key}{suffix}").unlink(missing_ok=True)
        return None


def _use_checked_cache(directory: Path) -> None:
    """Makes JAX read and write its persistent cache through :class:`_CheckedCache`."""
    _jax_compilation_cache.reset_cache()
    with _jax_compilation_cache._cache_initialized_mutex:
        _jax_compilation_cache._cache = _CheckedCache(
            str(directory), max_size=COMPILE_CACHE_MAX_BYTES
        )
        _jax_compilation_cache._cache_initialized = True
