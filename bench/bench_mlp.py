"""Benchmark of the MLP lab: training speed against a bare JAX loop and torch.optim, and the
initialization experiment.

    python bench/bench_mlp.py [--steps 2000] [--points 1000] [--repeat 5]

Every contestant is compiled (or warmed up) first; then the timed runs go round-robin, so a busy
machine slows them all alike. The table shows the first call (compile + run), the best and the
median warm time, and the ratio of best warm times to the lab's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optim_lab.nn.init_experiment import init_stats
from optim_lab.nn.mlp import flatten_numpy, init_mlp, layout_of, unflatten
from optim_lab.nn.training import init_training, train_chunk
from optim_lab.nn.training_config import TrainConfig
from optim_lab.optimizers import make_optimizer


def lab_runner(points: int, steps: int, eval_every: int):
    """``train_chunk`` of 2-64-64-2 + Adam, full batch, per-layer diagnostics every ``eval_every``
    steps (the gradient norms and update ratios are recorded every step either way)."""
    config = TrainConfig(
        dataset="moons",
        dataset_params={"points": points},
        val_fraction=0.0,
        test_fraction=0.0,
        hidden=(64, 64),
        activation="relu",
        init="he",
        optimizer="adam",
        optimizer_params={"lr": 0.01},
        eval_every=eval_every,
    )
    state = init_training(config)
    return (lambda: train_chunk(state, n_steps=steps)), state


def bare_runner(state, steps: int):
    """The same network, data and Adam in a minimal jitted ``lax.scan`` (no diagnostics)."""
    x, y = np.asarray(state.data.x_train), np.asarray(state.data.y_train)
    params = init_mlp(state.config.seed, (2, 64, 64, 2), "relu", "he")
    layout = layout_of(params)
    flat = flatten_numpy(params)
    opt = make_optimizer("adam")
    hp = {
        k: np.float32(v) for k, v in {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}.items()
    }

    def loss(f):
        p = unflatten(f, layout)
        h = x
        for layer in p[:-1]:
            h = jnp.maximum(h @ layer["w"] + layer["b"], 0)
        s = h @ p[-1]["w"] + p[-1]["b"]
        return jnp.mean(jax.nn.logsumexp(s, -1) - jnp.take_along_axis(s, y[:, None], -1)[:, 0])

    @jax.jit
    def run(f, hp):
        def body(carry, _):
            f, st = carry
            value, g = jax.value_and_grad(loss)(f)
            u, st = opt.update(g, st, f, hp)
            return (f + u, st), value

        return jax.lax.scan(body, (f, opt.init(f)), None, length=steps)

    return lambda: jax.block_until_ready(run(flat, hp))


def torch_runner(state, steps: int):
    try:
        import torch
    except ImportError:
        return None
    x = torch.tensor(np.asarray(state.data.x_train))
    y = torch.tensor(np.asarray(state.data.y_train), dtype=torch.long)

    def run():
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Linear(2, 64),
            torch.nn.ReLU(),
            torch.nn.Linear(64, 64),
            torch.nn.ReLU(),
            torch.nn.Linear(64, 2),
        )
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(steps):
            opt.zero_grad()
            loss = loss_fn(net(x), y)
            loss.backward()
            opt.step()

    return run


def measure(runners: dict[str, Callable], repeat: int) -> dict[str, tuple[float, float, float]]:
    """``name -> (first call, best warm, median warm)``; warm runs go round-robin."""
    first = {}
    for name, fn in runners.items():
        t0 = time.perf_counter()
        fn()
        first[name] = time.perf_counter() - t0
    warm: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, fn in runners.items():
            t0 = time.perf_counter()
            fn()
            warm[name].append(time.perf_counter() - t0)
    return {n: (first[n], min(warm[n]), statistics.median(warm[n])) for n in runners}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    runners: dict[str, Callable] = {}
    lab, state = lab_runner(args.points, args.steps, eval_every=10)
    runners["optim_lab train_chunk (diagnostics every 10 steps)"] = lab
    runners["optim_lab train_chunk (diagnostics every step)"] = lab_runner(
        args.points, args.steps, eval_every=1
    )[0]
    runners["bare jax lax.scan (loss + Adam only)"] = bare_runner(state, args.steps)
    torch_run = torch_runner(state, args.steps)
    if torch_run is None:
        print(
            "torch is not installed: skipping the torch.optim loop (pip install optim-lab[torch])"
        )
    else:
        runners["torch.optim Adam loop"] = torch_run
    results = measure(runners, args.repeat)
    reference = next(iter(results.values()))[1]

    n = len(state.dataset.y_train)
    print(
        f"\nMLP 2-64-64-2, {n} training points, {args.steps} full-batch Adam steps "
        f"({args.repeat} warm runs each, round-robin)"
    )
    print(f"{'':<54}{'first call':>11}{'best':>9}{'median':>9}{'best/lab':>10}")
    for name, (first, best, median) in results.items():
        print(f"{name:<54}{first:>10.3f}s{best:>8.3f}s{median:>8.3f}s{best / reference:>9.2f}x")

    seeds = iter(range(1000))
    init_times = measure(
        {"init": lambda: init_stats(10, 500, 1000, "tanh", "xavier", seed=next(seeds))},
        args.repeat,
    )["init"]
    print(
        "\nInitialization experiment: 10 layers × 500 tanh units, 1000 inputs, Xavier "
        "(forward stats, histograms, backward gradient norms; a new seed each run)"
    )
    first, best, median = init_times
    print(f"{'init_stats':<54}{first:>10.3f}s{best:>8.3f}s{median:>8.3f}s  (target: ≤ 0.5 s warm)")


if __name__ == "__main__":
    main()
