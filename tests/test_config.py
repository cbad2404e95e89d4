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
