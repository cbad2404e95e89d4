"""Benchmark of the hyper-parameter search: one 64-trial stage trained as ONE vmapped compiled run
vs the same 64 trials trained one by one (one compiled single-trial program, called 64 times).

    python bench/bench_search.py [--trials 64] [--steps 200] [--repeat 2]

Both programs are compiled first (the first call is shown separately); the timed runs alternate,
so a busy machine slows both alike. Expected: the vmapped stage is at least 3× faster with
mini-batches. On CPU a full-batch stage gains less: XLA's CPU batched matmuls cost about as much as
the same matmuls one by one, so batching only removes the per-step overhead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optim_lab.nn.generalization import (
    BatchSpec,
    fit_batch,
    init_many,
    layout_for,
    make_trial_hparams,
    prepare_data,
)
from optim_lab.nn.search import propose


def bench(
    dataset: str, trials: int, steps: int, hidden: tuple[int, ...], batch: int, repeat: int
) -> dict:
    """Times one stage of ``trials`` trials both ways; returns the table row."""
    data = prepare_data(dataset)
    sizes = (data.n_features, *hidden, data.n_classes)
    spec = BatchSpec(layout_for(sizes), steps=steps, record_every=steps, batch_size=batch)
    points = propose("random", trials, (-4, 0), (-6, 0), np.random.default_rng(0))
    lr, reg = 10.0 ** points[:, 0], 10.0 ** points[:, 1]
    n = len(points)
    init = init_many([0], sizes)
    x, y = data.x_train, data.y_train

    def vmapped():
        hp = make_trial_hparams(n, lr=lr, l2=reg)
        return fit_batch(np.repeat(init, n, 0), x, y, hp, spec, seeds=[0] * n)["params"]

    def one_by_one():
        out = []
        for i in range(n):
            hp = make_trial_hparams(1, lr=lr[i : i + 1], l2=reg[i : i + 1])
            out.append(fit_batch(init, x, y, hp, spec, seeds=[0])["params"][0])
        return np.stack(out)

    runs = {"vmapped": vmapped, "one_by_one": one_by_one}
    first, times, results = {}, {k: [] for k in runs}, {}
    for name, fn in runs.items():
        t0 = time.perf_counter()
        results[name] = fn()
        first[name] = time.perf_counter() - t0
    for _ in range(repeat):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    # High-lr Adam runs are chaotic: batched vs single matmuls round differently and they drift.
    agree = np.all(np.isclose(results["vmapped"], results["one_by_one"], 1e-3, 1e-3), axis=1)
    return {
        "setting": f"{dataset} {'-'.join(map(str, sizes))} batch {batch or 'full'}",
        "first": (first["vmapped"], first["one_by_one"]),
        "best": (min(times["vmapped"]), min(times["one_by_one"])),
        "median": (statistics.median(times["vmapped"]), statistics.median(times["one_by_one"])),
        "agree": f"{int(agree.sum())}/{n}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=64)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    settings = [
        ("spiral", (16,), 16),
        ("digits", (32,), 32),
        ("spiral", (32, 32), 32),
        ("spiral", (32, 32), 0),
    ]
    print(
        f"{args.trials} trials × {args.steps} steps; times in s (vmapped / one by one); "
        "ratio = best one-by-one / best vmapped"
    )
    head = f"{'setting':<34}{'first call':>16}{'best':>16}{'median':>16}{'ratio':>8}{'agree':>8}"
    print(head)
    print("-" * len(head))
    for dataset, hidden, batch in settings:
        r = bench(dataset, args.trials, args.steps, hidden, batch, args.repeat)
        cells = [f"{a:.2f} / {b:.2f}" for a, b in (r["first"], r["best"], r["median"])]
        ratio = r["best"][1] / r["best"][0]
        print(
            f"{r['setting']:<34}{cells[0]:>16}{cells[1]:>16}{cells[2]:>16}{ratio:>7.1f}×"
            f"{r['agree']:>8}"
        )
    print("agree: trials whose final weights match to 1e-3 (the others are chaotic high-lr runs).")


if __name__ == "__main__":
    main()
