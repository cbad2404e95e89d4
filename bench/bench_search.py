"""Benchmark of the hyper-parameter search: one 64-trial stage trained as ONE vmapped compiled run
vs the same 64 trials trained one by one (one compiled single-trial program, called 64 times).

    python bench/bench_search.py [--trials 64] [--steps 200] [--repeat 3]

The vmapped stage is timed as the app runs it (its trials split into two groups per CPU core, the
cores running groups at the same time) and as a single group; a single trial is too small to split, so
one by one uses one core. All programs are compiled first (the first call is shown separately);
the timed runs alternate, so a busy machine slows them alike. Expected: the stage as the app runs it
is at least 3× faster than one by one. A single group gains less on CPU, where a batch of small
matrix products costs about as much as the same products one by one: batching removes the
per-step overhead, the split uses the other cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optim_lab.cpu_tuning import available_cores
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

    def vmapped(groups=None):
        hp = make_trial_hparams(n, lr=lr, l2=reg)
        return fit_batch(np.repeat(init, n, 0), x, y, hp, spec, seeds=[0] * n, groups=groups)

    def one_by_one():
        out = []
        for i in range(n):
            hp = make_trial_hparams(1, lr=lr[i : i + 1], l2=reg[i : i + 1])
            out.append(fit_batch(init, x, y, hp, spec, seeds=[0])["params"][0])
        return np.stack(out)

    runs = {
        "vmapped": lambda: vmapped()["params"],
        "one_group": lambda: vmapped(groups=1)["params"],
        "one_by_one": one_by_one,
    }
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
    order = ("vmapped", "one_group", "one_by_one")
    return {
        "setting": f"{dataset} {'-'.join(map(str, sizes))} batch {batch or 'full'}",
        "first": [first[k] for k in order],
        "best": [min(times[k]) for k in order],
        "median": [statistics.median(times[k]) for k in order],
        "agree": f"{int(agree.sum())}/{n}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=64)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = [
        ("spiral", (16,), 16),
        ("digits", (32,), 32),
        ("spiral", (32, 32), 32),
        ("spiral", (32, 32), 0),
    ]
    print(
        f"{args.trials} trials × {args.steps} steps, {available_cores()} cores; times in s: "
        "vmapped (split over the cores) / vmapped as one group / one by one"
    )
    head = (
        f"{'setting':<34}{'first call':>20}{'best':>20}{'median':>20}"
        f"{'ratio':>8}{'1 group':>9}{'agree':>8}"
    )
    print(head)
    print("-" * len(head))
    for dataset, hidden, batch in settings:
        r = bench(dataset, args.trials, args.steps, hidden, batch, args.repeat)
        cells = [" / ".join(f"{v:.2f}" for v in r[k]) for k in ("first", "best", "median")]
        split, group, single = r["best"]
        print(
            f"{r['setting']:<34}{cells[0]:>20}{cells[1]:>20}{cells[2]:>20}"
            f"{single / split:>7.1f}×{single / group:>8.1f}×{r['agree']:>8}"
        )
    print(
        "ratio: best one by one / best vmapped; 1 group: the same for the single group. "
        "agree: trials whose final weights match to 1e-3 (the others are chaotic high-lr runs)."
    )


if __name__ == "__main__":
    main()
