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
