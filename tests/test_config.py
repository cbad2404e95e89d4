"""Process-wide settings: the compile cache's folder, its fallbacks and its checked entries."""

import os

import numpy as np
import pytest

from optim_lab import config


def test_compile_cache_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    session_cache = config.enable_compile_cache()
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # nothing can be created under a file, not even by root
    monkeypatch.delenv(config.CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(blocked / "home"))
    monkeypatch.setattr(config.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    monkeypatch.setattr(config, "_enabled", [])
    try:
        used = config.enable_compile_cache()
        assert used == tmp_path / "tmp" / f"optim_lab-{os.getuid()}" / "jax" and used.is_dir()
        assert config.jax.config.jax_compilation_cache_max_size == config.COMPILE_CACHE_MAX_BYTES

        assert config.enable_compile_cache() == used  # once per process: the same folder
        monkeypatch.setattr(config.tempfile, "gettempdir", lambda: str(blocked / "tmp"))
        monkeypatch.setattr(config, "_enabled", [])
        with pytest.warns(RuntimeWarning, match="no writable folder"):
            assert config.enable_compile_cache() is None
    finally:
        monkeypatch.undo()
        config.enable_compile_cache(session_cache)  # the session's cache again


def _cached_entries(folder):
    return {entry.name: entry.read_bytes() for entry in folder.glob("*-cache")}


def test_a_damaged_or_swapped_cache_entry_is_replaced(tmp_path, recwarn):
    """A truncated entry, and an entry copied under another program's name, are each detected:
    the program is compiled afresh and gives the right result, with no warning, and the entry is
    written again."""
    session_cache = config.enable_compile_cache()
    x = np.arange(7.0, dtype=np.float32)
    try:
        config.enable_compile_cache(tmp_path)
        double = config.jax.jit(lambda x: 2.0 * x + 0.5)
        square = config.jax.jit(lambda x: x * x - 3.0)
        expected_double, expected_square = np.asarray(double(x)), np.asarray(square(x))
        entries = _cached_entries(tmp_path)
        assert len(entries) == 2
        first, second = sorted(entries)

        (tmp_path / first).write_bytes(entries[first][: len(entries[first]) // 2])  # truncated
        (tmp_path / second).write_bytes(entries[first])  # the other program's entry
        config.jax.clear_caches()
        np.testing.assert_array_equal(np.asarray(double(x)), expected_double)
        np.testing.assert_array_equal(np.asarray(square(x)), expected_square)
        rewritten = _cached_entries(tmp_path)
        assert rewritten.keys() == entries.keys()
        for name, stored in rewritten.items():  # each written again, for its own key
            assert stored[:32] == config._entry_digest(name.removesuffix("-cache"), stored[32:])
        assert not [w for w in recwarn if "compilation cache" in str(w.message)]
    finally:
        config.enable_compile_cache(session_cache)
