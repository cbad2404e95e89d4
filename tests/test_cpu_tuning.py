"""CPU tuning changes speed, never results: XLA's small-loop option joins the user's XLA_FLAGS;
batches cut into pieces give the whole's results; the narrow output product has a matmul's
derivatives."""

import os

import jax
import numpy as np
import pytest

from optim_lab import cpu_tuning
from optim_lab.cpu_tuning import equal_pieces, narrow_matmul

OPTION = f"xla_cpu_small_while_loop_byte_threshold={cpu_tuning.SMALL_LOOP_BYTES}"


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
    cpu_tuning.compile_small_loops_into_kernels()
    assert os.environ["XLA_FLAGS"] == after


def test_equal_pieces_have_one_shape_and_join_to_the_whole():
    tree = {"a": np.arange(10.0), "b": np.arange(20.0).reshape(10, 2)}
    parts = equal_pieces(tree, 3)
    assert [len(p["a"]) for p in parts] == [4, 4, 4]  # the last padded by its final row
    joined = np.concatenate([p["b"] for p in parts])[:10]
    np.testing.assert_array_equal(joined, tree["b"])
    assert len(equal_pieces(tree, 50)) == 10


def test_narrow_output_layer_has_the_exact_derivatives_of_a_matmul():
    # Gradients are covered by the float64 gradient checks; here: forward mode, second order
    # (Newton's Hessian) and leading batch dimensions agree with a plain matmul.
    rng = np.random.default_rng(0)
    h, w = rng.standard_normal((2, 5, 4)), rng.standard_normal((4, 3))
    with jax.enable_x64(True):
        for f in (jax.grad, jax.hessian):
            ours = f(lambda w: jax.numpy.sum(jax.numpy.tanh(narrow_matmul(h, w))))(w)
            plain = f(lambda w: jax.numpy.sum(jax.numpy.tanh(h @ w)))(w)
            np.testing.assert_allclose(ours, plain, rtol=1e-12, atol=1e-12)
        ours = jax.jacfwd(narrow_matmul, argnums=(0, 1))(h, w)
        plain = jax.jacfwd(jax.numpy.matmul, argnums=(0, 1))(h, w)
        for a, b in zip(ours, plain, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_a_cgroup_cpu_cap_lowers_the_cores_counted(tmp_path, monkeypatch):
    """A container's CPU limit (cgroup v2 ``cpu.max``, v1's quota over period) counts, rounded
    up, and never above the cores the affinity allows; no cap (or no cgroup) leaves those."""
    v2, v1 = tmp_path / "v2", tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    v2.mkdir()
    (v2 / "cpu.max").write_text("150000 100000\n")
    assert cpu_tuning.cgroup_cpu_quota(v2) == 1.5
    (v2 / "cpu.max").write_text("max 100000\n")
    assert cpu_tuning.cgroup_cpu_quota(v2) is None
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert cpu_tuning.cgroup_cpu_quota(v1) is None
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    assert cpu_tuning.cgroup_cpu_quota(v1) == 1.0
    assert cpu_tuning.cgroup_cpu_quota(tmp_path / "none") is None

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    for text, cores in (
        ("100000 100000", 1),
        ("150000 100000", 2),
        ("5000 100000", 1),
        ("3200000 100000", 16),
        ("max 100000", 16),
    ):
        (v2 / "cpu.max").write_text(text)
        monkeypatch.setattr(cpu_tuning, "CGROUP_ROOT", v2)
        assert cpu_tuning.available_cores() == cores, text
