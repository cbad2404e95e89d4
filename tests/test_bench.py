"""The benchmarks know every lesson (a page added to the navigation gets settings a simulated
student can move in the classroom benchmark), and the compute floor counts what XLA computes."""

import importlib.util
import itertools
import sys
from pathlib import Path

import jax
import jax.numpy as jnp

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_classroom_benchmark_has_settings_for_every_page():
    classroom = _bench("bench_classroom")
    assert set(classroom.SETTINGS) == set(classroom.ALL_PAGES)


def test_the_floor_counts_the_products_of_a_training_step():
    """Against XLA's own count for one full-batch step (which adds the elementwise work)."""
    floor = _bench("bench_compute_floor")
    sizes, examples = (2, 32, 32, 3), 135
    x = jnp.ones((examples, sizes[0]))
    weights = [jnp.ones((a, b)) for a, b in itertools.pairwise(sizes)]

    def loss(weights):
        h = x
        for w in weights[:-1]:
            h = jnp.tanh(h @ w)
        return -jnp.mean(jax.nn.log_softmax(h @ weights[-1])[:, 0])

    cost = jax.jit(jax.grad(loss)).lower(weights).compile().cost_analysis()
    xla = (cost[0] if isinstance(cost, list) else cost)["flops"]
    counted = floor.mlp_step_flops(sizes, examples)
    assert 0.9 * xla <= counted <= xla
