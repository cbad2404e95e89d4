"""Core engine speed, measured side by side in one run (ratios, not absolute timings, are the point).

1. 1000 Adam steps on Rosenbrock: our compiled run (and the whole `run()` call around it) vs a
   pure-Python loop, a NumPy per-step loop, optax in lax.scan, and a torch.optim loop (when torch
   is installed: `pip install -e .[torch]`).
2. 8 runs vmapped in one call vs one call each; 8 different optimizers (one compiled call each).
3. A 128×128 (lr × β) momentum sweep, 300 steps, final values only, vs the same sweep vectorised in NumPy.

Usage: python bench/bench_core.py [--repeat N]
"""

from __future__ import annotations

import argparse
import math
import time

import jax
import jax.numpy as jnp
import numpy as np

from optim_lab.config import enable_compile_cache
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import (
    RunSpec,
    _as_start,
    _run_batch,
    _surface_params,
    default_dtype,
    pack_numbers,
    run,
    run_many,
    sweep,
)

STEPS = 1000
LR, B1, B2, EPS = 0.01, 0.9, 0.999, 1e-8
START = (-1.5, 2.0)


def best_time(fn, repeat: int) -> float:
    """Best mean time per call over ``repeat`` samples of ≥ 20 ms each (short calls are repeated
    within a sample, so timer resolution and one-off hiccups do not dominate)."""
    fn()  # warm: compile / caches
    t0 = time.perf_counter()
    fn()
    calls = max(1, int(0.02 / max(time.perf_counter() - t0, 1e-7)))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
    return min(times)


def rosen_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def python_loop():
    x, y = START
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    for t in range(1, STEPS + 1):
        g = rosen_grad(x, y)
        m = [B1 * mi + (1 - B1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [B2 * vi + (1 - B2) * gi * gi for vi, gi in zip(v, g, strict=True)]
        step = [
            LR * (mi / (1 - B1**t)) / (math.sqrt(vi / (1 - B2**t)) + EPS)
            for mi, vi in zip(m, v, strict=True)
        ]
        x, y = x - step[0], y - step[1]
    return x, y


def numpy_loop():
    p = np.array(START)
    m = np.zeros(2)
    v = np.zeros(2)
    for t in range(1, STEPS + 1):
        g = np.array(rosen_grad(*p))
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        p = p - LR * (m / (1 - B1**t)) / (np.sqrt(v / (1 - B2**t)) + EPS)
    return p


def make_optax_scan(traced: bool = False):
    """optax's Adam in lax.scan, loss out; hyper-parameters compiled in as constants, or passed as
    arguments (``traced``: like ours, so that changing one does not recompile)."""
    import optax

    f = SURFACES["rosenbrock"].fn
    sp = {k: jnp.asarray(v) for k, v in SURFACES["rosenbrock"].defaults().items()}

    @jax.jit
    def scan(p, hp):
        opt = optax.adam(*(hp if traced else (LR, B1, B2, EPS)))

        def step(carry, _):
            p, s = carry
            updates, s = opt.update(jax.grad(f)(p, sp), s, p)
            p = optax.apply_updates(p, updates)
            return (p, s), f(p, sp)

        (p, _), losses = jax.lax.scan(step, (p, opt.init(p)), None, length=STEPS)
        return p, losses

    start, hp = jax.device_put((np.array(START, np.float32), np.array([LR, B1, B2, EPS], "f4")))
    return lambda: jax.block_until_ready(scan(start, hp))


def make_compiled_run(surface, spec):
    """The compiled program alone, its arguments packed and on the device (as optax's row)."""
    dtype = default_dtype()
    program, packed = pack_numbers(surface, [spec], STEPS, False, dtype)
    start, params, packed = jax.device_put(
        (_as_start(START, dtype), _surface_params(surface, None, dtype), packed)
    )
    return lambda: jax.block_until_ready(_run_batch(program, start, params, packed))


def make_torch_loop():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def loop():
        p = torch.tensor(START, requires_grad=True)
        opt = torch.optim.Adam([p], lr=LR, betas=(B1, B2), eps=EPS)
        for _ in range(STEPS):
            opt.zero_grad()
            loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
            loss.backward()
            opt.step()
        return p

    return loop


def numpy_sweep(lrs, betas, steps):
    """Momentum (EWA form) on the κ=10 bowl, all grid cells at once in NumPy."""
    lr, beta = np.meshgrid(lrs, betas)
    x = np.full(lr.shape, 1.5)
    y = np.full(lr.shape, 1.5)
    vx = np.zeros(lr.shape)
    vy = np.zeros(lr.shape)
    for _ in range(steps):
        gx, gy = x, 10 * y
        vx = beta * vx + (1 - beta) * gx
        vy = beta * vy + (1 - beta) * gy
        x, y = x - lr * vx, y - lr * vy
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * (x * x + 10 * y * y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    enable_compile_cache()
    rosen = SURFACES["rosenbrock"]
    adam = RunSpec("adam", {"lr": LR})

    rows = []
    ours = best_time(make_compiled_run(rosen, adam), args.repeat)
    rows.append(("optim-lab compiled run (packed arguments)", ours))
    whole = best_time(lambda: run(rosen, adam, START, STEPS, details=False), args.repeat)
    rows.append(("optim-lab run() (validation, packing, NumPy out)", whole))
    detailed = best_time(lambda: run(rosen, adam, START, STEPS), args.repeat)
    rows.append(("  … also returning every g and update", detailed))
    rows.append(("optax in lax.scan", best_time(make_optax_scan(), args.repeat)))
    rows.append(
        ("  … hyper-parameters as arguments", best_time(make_optax_scan(True), args.repeat))
    )
    rows.append(("pure-Python loop", best_time(python_loop, max(1, args.repeat // 2))))
    rows.append(("NumPy per-step loop", best_time(numpy_loop, max(1, args.repeat // 2))))
    torch_loop = make_torch_loop()
    if torch_loop is not None:
        rows.append(("torch.optim loop", best_time(torch_loop, 1)))
    print(f"\n1000 Adam steps on Rosenbrock ({jax.default_backend()})")
    print(f"{'implementation':50s} {'time':>10s} {'÷ ours':>9s}")
    for name, seconds in rows:
        print(f"{name:50s} {seconds * 1e3:8.3f} ms {seconds / ours:8.1f}×")
    if torch_loop is None:
        print("(torch.optim: not installed; `pip install -e .[torch]` adds it)")

    bowl = SURFACES["bowl"]
    lrs8 = np.geomspace(0.01, 0.5, 8)
    same = [RunSpec("adam", {"lr": float(lr)}) for lr in lrs8]
    together = best_time(
        lambda: run_many(bowl, same, bowl.start, STEPS, details=False), args.repeat
    )
    apart = best_time(
        lambda: [run(bowl, s, bowl.start, STEPS, details=False) for s in same], args.repeat
    )
    names = ["sgd", "momentum", "heavy_ball", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]
    mixed = best_time(
        lambda: run_many(bowl, [RunSpec(n) for n in names], bowl.start, STEPS, details=False),
        args.repeat,
    )
    print(f"\n8 runs × {STEPS} steps on the bowl")
    print(f"{'8 Adam runs (8 lrs), one vmapped call':45s} {together * 1e3:8.2f} ms {1.0:8.1f}×")
    print(f"{'the same 8 runs, one call each':45s} {apart * 1e3:8.2f} ms {apart / together:8.1f}×")
    print(
        f"{'8 different optimizers (one call each)':45s} {mixed * 1e3:8.2f} ms {mixed / together:8.1f}×"
    )

    lrs = np.geomspace(1e-3, 0.25, 128)
    betas = np.linspace(0.0, 0.99, 128)
    base = RunSpec("momentum")
    ours_sweep = best_time(
        lambda: sweep(bowl, base, "lr", lrs, "beta", betas, (1.5, 1.5), 300), args.repeat
    )
    numpy_time = best_time(lambda: numpy_sweep(lrs, betas, 300), max(1, args.repeat // 2))
    print("\n128×128 (lr × β) momentum sweep, 300 steps, final values only")
    print(f"{'optim-lab vmap(lax.scan)':45s} {ours_sweep * 1e3:8.2f} ms {1.0:8.1f}×")
    print(f"{'NumPy vectorised':45s} {numpy_time * 1e3:8.2f} ms {numpy_time / ours_sweep:8.1f}×")


if __name__ == "__main__":
    main()
