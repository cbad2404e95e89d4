"""The least CPU a new seed can cost on this machine, for three lessons that train or run networks.

    python bench/bench_compute_floor.py [--seeds 5]

A new seed makes these lessons compute their experiment anew: the lectures' initialization
experiment (10 layers of 500 units, 1,000 inputs, forward and backward), the regularization
lesson's λ sweep (24 networks × 1,000 full-batch steps) and the search lesson's comparison and
stages (66 trials × 200 steps). Their dense matrix products alone (elementwise work left out, so
a lower bound) are counted from the layer sizes, and divided by the float32 matrix-product
throughput of XLA on this machine, measured in the same run on large products: the CPU that a
new seed needs even if every product ran at that rate. Printed beside it: what the experiment
takes here (median over new seeds, all threads' CPU), and the classroom benchmark's target for a
page run, 50 ms of server CPU.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import itertools
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import jax
import jax.numpy as jnp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optim_lab.lessons.regularization.experiment import penalty_sweep
from optim_lab.nn.init_experiment import init_stats
from optim_lab.nn.search import LR_RANGE, REG_RANGE, prepare_data, search_stage

TARGET_MS = 50  # the classroom benchmark's target for one page run

INIT = {"layers": 10, "width": 500, "samples": 1000}  # the lectures' experiment (page defaults)
SEARCH = {"steps": 200, "hidden": (32, 32), "budget": 9, "trials": 16, "stages": 3}  # page defaults


def matmul_rate(repeat: int = 5) -> float:
    """GFLOP per CPU-second of a large float32 matrix product (XLA, all cores), the best of
    ``repeat`` timings."""
    a = jnp.ones((2000, 2000), jnp.float32)
    product = jax.jit(lambda a: a @ a)
    product(a).block_until_ready()
    best = 0.0
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(10):
            out = product(a)
        out.block_until_ready()
        best = max(best, 10 * 2 * 2000**3 / (time.process_time() - start) / 1e9)
    return best


def mlp_step_flops(sizes: Sequence[int], examples: int) -> float:
    """Dense products of one full-batch step of an MLP: forward, weight gradients, and the
    gradients of every layer's inputs but the first's."""
    pairs = sum(a * b for a, b in itertools.pairwise(sizes))
    return 2 * examples * (3 * pairs - sizes[0] * sizes[1])


# Each experiment runs what its page computes for a new seed and returns the FLOPs of its products.


def initialization(seed: int) -> float:
    init_stats(**INIT, seed=seed)
    layers, width, samples = INIT["layers"], INIT["width"], INIT["samples"]
    return 2 * samples * width * width * (3 * layers - 1)  # forward, weights', inputs' gradients


def regularization(seed: int) -> float:
    sweep = penalty_sweep(seed=seed)
    networks, steps = len(sweep["train_acc"]), int(sweep["steps"][-1])
    hidden = inspect.signature(penalty_sweep).parameters["hidden"].default
    sizes = (sweep["x_train"].shape[1], *hidden, sweep["n_classes"])
    return networks * steps * mlp_step_flops(sizes, len(sweep["y_train"]))


def search(seed: int) -> float:
    settings = {"steps": SEARCH["steps"], "hidden": SEARCH["hidden"]}
    trained = 0
    for method in ("grid", "random"):  # the comparison
        trained += len(search_stage("spiral", method, SEARCH["budget"], 0, seed, **settings).trials)
    box = LR_RANGE, REG_RANGE
    for index in range(SEARCH["stages"]):  # coarse → fine
        stage = search_stage("spiral", "random", SEARCH["trials"], index, seed, *box, **settings)
        trained += len(stage.trials)
        box = stage.next_box
    sizes, examples = _search_shape()
    return trained * SEARCH["steps"] * mlp_step_flops(sizes, examples)


@functools.cache
def _search_shape() -> tuple[tuple[int, ...], int]:
    """The search's layer sizes and training examples (the same for every seed; read once, in
    the untimed first call, so the timings hold the search alone)."""
    data = prepare_data("spiral", None, 0)
    return (data.n_features, *SEARCH["hidden"], data.n_classes), len(data.y_train)


EXPERIMENTS: dict[str, Callable[[int], float]] = {
    "initialization": initialization,
    "regularization (λ sweep)": regularization,
    "search": search,
}


def per_new_seed(run: Callable[[int], float], seeds: int) -> tuple[float, float]:
    """Median CPU seconds (all threads) of ``run`` over new seeds, after one call that compiles,
    and its FLOPs."""
    run(10_000)
    times, flops = [], 0.0
    for seed in range(1, seeds + 1):
        start = time.process_time()
        flops = run(seed)
        times.append(time.process_time() - start)
    return statistics.median(times), flops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="new seeds timed per experiment")
    args = parser.parse_args()
    rate = matmul_rate()
    print(f"float32 matrix products (2000², XLA): {rate:.0f} GFLOP per CPU-second\n")
    print(
        f"{'experiment':<26}{'GFLOP':>7}{'floor':>9}{'here':>9}{'target':>8}   (CPU per new seed)"
    )
    for name, run in EXPERIMENTS.items():
        here, flops = per_new_seed(run, args.seeds)
        gflop = flops / 1e9
        floor_ms, here_ms = gflop / rate * 1e3, here * 1e3
        print(f"{name:<26}{gflop:>7.1f}{floor_ms:>7.0f}ms{here_ms:>7.0f}ms{TARGET_MS:>6}ms")
    print("\nfloor: the dense products alone, at the large products' rate")


if __name__ == "__main__":
    main()
