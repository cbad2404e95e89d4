"""GIF (and MP4) export of the arena's default animation, beside the time to build the figure.

The arena as it opens: the default surface, its three default runs with their default learning
rates, the default number of steps, the step inspector on run 1, step 0, and the animation at 1×
(as ``pages/lessons/arena.py`` and ``optim_lab/ui/arena_controls.py`` set them up;
``tests/test_animation_export.py`` checks that the page draws this figure). The runs and the
surface grid are computed once, as the page's caches would hold them; what is timed is building
the figure (every page run does it) and writing the file (only when a download is clicked).

Usage: python bench/bench_gif_export.py [--repeat N]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from optim_lab.figures import animation, plain
from optim_lab.figures.surface import (
    FRAME_MS,
    Highlight,
    contour_figure,
    paths_from_trajectories,
)
from optim_lab.figures.theme import optimizer_color
from optim_lab.step_inspector import inspect_step
from optim_lab.surfaces import SURFACES, evaluate_grid
from optim_lab.trajectory import RunSpec, run_many
from optim_lab.ui import arena_controls as arena

DEFAULT_RUNS = 3  # the page's "number of runs"
DEFAULT_SEED = 0
GRID_RESOLUTION = 120  # optim_lab.ui.cache.grid's
HEIGHT = 620  # the page's contour height
FIGURE_REPEAT = 20


def arena_default_runs() -> list[RunSpec]:
    """The arena's default runs, labelled as the page labels them."""
    surface = SURFACES[arena.DEFAULT_SURFACE]
    specs = []
    for index in range(1, DEFAULT_RUNS + 1):
        name = arena.DEFAULT_OPTIMIZERS[(index - 1) % len(arena.DEFAULT_OPTIMIZERS)]
        lr = arena.default_lr(name, surface)
        label = arena.run_label(index, name, lr, "constant")
        specs.append(RunSpec(name, {"lr": lr}, seed=DEFAULT_SEED, label=label))
    return specs


def arena_default_inputs() -> dict:
    """What the arena's contour is built from: the grid, the runs and the inspected step."""
    surface = SURFACES[arena.DEFAULT_SURFACE]
    start = tuple(float(v) for v in surface.start)
    specs = arena_default_runs()
    trajectories = run_many(surface, specs, start, arena.DEFAULT_STEPS, {})
    xs, ys, z = evaluate_grid(surface, None, GRID_RESOLUTION)
    inspected = inspect_step(surface, specs[0], start, 0, arena.DEFAULT_STEPS, {}).values
    highlight = Highlight(
        tuple(inspected["theta"]),
        tuple(inspected["theta_next"]),
        label="inspected: run 1, step 0",
        color=optimizer_color(specs[0].optimizer),
    )
    return dict(
        grid=(xs, ys, z),
        paths=paths_from_trajectories(trajectories),
        start=start,
        highlight=highlight,
    )


def arena_default_figure(inputs: dict | None = None) -> plain.Figure:
    """The arena's contour as the page opens it (see the module notes)."""
    inputs = arena_default_inputs() if inputs is None else inputs
    surface = SURFACES[arena.DEFAULT_SURFACE]
    return contour_figure(
        *inputs["grid"],
        inputs["paths"],
        start=inputs["start"],
        minima=surface.minima,
        log_scale=surface.log_scale,
        animate=True,
        show_final=True,
        click_grid=True,
        highlight=inputs["highlight"],
        height=HEIGHT,
        frame_ms=FRAME_MS,
    )


def median_time(function, repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # the arena's defaults come from its controls, whose caches warn when used outside a server
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    inputs = arena_default_inputs()
    builds = max(args.repeat, FIGURE_REPEAT)
    build, fig = median_time(lambda: arena_default_figure(inputs), builds)
    frames = len(animation.frame_indices(len(fig.frames)))
    print(f"\nThe arena's default animation, {frames} frames at 1×")
    print(f"(medians: the figure of {builds} builds, each file of {args.repeat})")
    print(f"{'what':44s} {'time':>10s} {'÷ figure':>9s} {'file':>9s}")
    print(f"{'build the figure (every page run)':44s} {build * 1e3:7.1f} ms {1.0:8.1f}×")
    for width in animation.WIDTHS:
        seconds, data = median_time(lambda w=width: animation.figure_gif(fig, width=w), args.repeat)
        label = f"GIF, {width} × {animation.file_height(width)} px (on click)"
        print(
            f"{label:44s} {seconds * 1e3:7.1f} ms {seconds / build:8.1f}× {len(data) / 1e6:6.2f} MB"
        )
    if animation.mp4_available():
        width = animation.WIDTHS[1]
        seconds, data = median_time(lambda: animation.figure_mp4(fig, width=width), args.repeat)
        label = f"MP4, {width} × {animation.file_height(width)} px (on click)"
        print(
            f"{label:44s} {seconds * 1e3:7.1f} ms {seconds / build:8.1f}× {len(data) / 1e6:6.2f} MB"
        )
    else:
        print("(MP4: no ffmpeg on the PATH)")


if __name__ == "__main__":
    main()
