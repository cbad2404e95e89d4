"""Server-side page reruns: what a slider move costs the server, measured with Streamlit's AppTest.

1. The optimizer arena with 4 optimizers × 500 steps: a learning rate changes (no recompilation),
   the runs are recomputed and every figure is rebuilt and serialised.
2. The momentum lesson: κ changes, so the 128×128 (α, β) map is recomputed (a sweep of 16,384 runs)
   along with the page's other figures.

Each rerun goes through the page script, the engine, Plotly and Streamlit's serialisation, as
on the server (the browser's drawing is not included). Every rerun sees a value the page has not seen before,
so nothing comes from Streamlit's cache. Usage: python bench/bench_pages.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from optim_lab.config import enable_compile_cache

PAGES = Path(__file__).resolve().parents[1] / "pages" / "lessons"


def open_page(name: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return at


def rerun_times(at: AppTest, set_value, values: list) -> list[float]:
    """Seconds per rerun, a new value each time (the page caches results it has seen); the first
    value only warms up (compilation)."""
    times = []
    for value in values:
        set_value(at, value)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=8, help="reruns per page")
    args = parser.parse_args()
    enable_compile_cache()

    arena = open_page("arena", {"n": "4", "steps": "500"})
    slider = "arena:r1.sgd.lr"
    current = arena.select_slider(key=slider).value
    lrs = [float(v) for v in arena.select_slider(key=slider).options if float(v) < current]
    lrs = lrs[-args.repeat - 1 :]  # the largest α below the default: runs that do not diverge

    cases = {
        "arena: 4 optimizers × 500 steps, α changes": rerun_times(
            arena,
            lambda at, v: at.select_slider(key=slider).set_value(v),
            lrs,
        )
    }
    momentum = open_page("momentum", {})
    kappa = next(w for w in momentum.select_slider if w.key.endswith("kappa"))
    kappas = [float(v) for v in kappa.options[-args.repeat - 1 :]]
    cases["momentum: κ changes, 128×128 (α, β) map recomputed"] = rerun_times(
        momentum,
        lambda at, v: at.select_slider(key=kappa.key).set_value(v),
        kappas,
    )

    print(f"{'page rerun (server side, warm)':<56}{'best':>9}{'median':>9}")
    for name, times in cases.items():
        print(f"{name:<56}{min(times) * 1e3:>7.0f}ms{statistics.median(times) * 1e3:>7.0f}ms")
    print("targets: arena ≤ 100 ms, heat map ≤ 150 ms")


if __name__ == "__main__":
    main()
