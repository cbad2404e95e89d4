"""Process-wide settings: XLA's small-loop option joins the user's XLA_FLAGS, never replaces them."""

import os

import pytest

from optim_lab import config

OPTION = f"xla_cpu_small_while_loop_byte_threshold={config.SMALL_LOOP_BYTES}"


def test_the_option_is_set_for_this_process():
    assert OPTION in os.environ["XLA_FLAGS"]


@pytest.mark.parametrize(
    "before, after",
    [
        (None, f"--xla_backend_extra_options={OPTION}"),
        ("--xla_dump_to=/tmp/d", f"--xla_dump_to=/tmp/d --xla_backend_extra_options={OPTION}"),
        (
            "--xla_backend_extra_options=a=1 --xla_dump_to=/tmp/d",
            f"--xla_backend_extra_options={OPTION},a=1 --xla_dump_to=/tmp/d",
        ),
        (  # the user's own choice stays
            "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=10",
            "--xla_backend_extra_options=xla_cpu_small_while_loop_byte_threshold=10",
        ),
    ],
)
def test_flags_are_merged(monkeypatch, before, after):
    if before is None:
        monkeypatch.delenv("XLA_FLAGS", raising=False)
    else:
        monkeypatch.setenv("XLA_FLAGS", before)
    config._compile_small_loops_into_kernels()
    assert os.environ["XLA_FLAGS"] == after


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
