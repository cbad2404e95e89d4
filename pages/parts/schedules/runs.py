"""Schedules, part 2: one schedule applied to a run, side by side with the same optimizer at a
constant rate."""

from typing import NamedTuple

import streamlit as st

from optim_lab.figures.lines import loss_gap_figure, per_step_figure, recolor_runs
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.schedules import text
from optim_lab.lessons.schedules.experiment import (
    LOG_LR_SCHEDULES,
    MAX_STEPS_SHOWN,
    RUN_DEFAULTS,
    slider_entry,
)
from optim_lab.lessons.schedules.figures import schedule_color
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import stopped_run_notice, what_to_notice
from optim_lab.ui.state import plain_text


class RunSettings(NamedTuple):
    """The surface and optimizer chosen here, which the range test (part 3) reuses."""

    surface_key: str
    surface_params: dict
    optimizer: str
    hparams: dict


def show(state) -> RunSettings:
    st.markdown(text.RUNS)
    formula_slot = st.empty()  # the surface's formula, full width (some are long)
    controls, contour_col, lines_col = st.columns([1, 2.4, 2])
    with controls:
        surface_key = w.entry_choice(state, "surface", "surface", SURFACES, "least_squares")
        surface = SURFACES[surface_key]
        surface_params = w.entry_params(state, "sp", surface)
        opt = w.optimizer_picker(state, "opt", "sgd")
        hparams = w.entry_params(
            state, opt, OPTIMIZERS[opt], defaults={"lr": 0.1} if opt == "sgd" else None
        )
        sched = w.entry_choice(state, "r.sched", "lr schedule", SCHEDULES, "cosine")
        sched_params = w.entry_params(
            state,
            f"r.{sched}",
            slider_entry(SCHEDULES[sched]),
            skip=("lr",),
            defaults=RUN_DEFAULTS.get(sched),
        )
        run_steps = w.integer(state, "rsteps", "steps", 200, 10, MAX_STEPS_SHOWN)

    label = OPTIMIZERS[opt].label
    sched_label = f"{label}, {SCHEDULES[sched].label.lower()}"
    specs = (
        RunSpec(opt, hparams, "constant", label=f"{label}, constant α"),
        RunSpec(opt, hparams, sched, sched_params, label=sched_label),
    )
    if sched == "constant":
        specs = specs[:1]
        controls.info("Pick a schedule other than *constant* to compare.")
    try:
        trajectories = cache.runs(surface_key, surface_params, specs, surface.start, run_steps)
    except ValueError as error:
        st.error(f"These settings cannot run: {plain_text(error)}")
        trajectories = []

    if trajectories:
        paths = paths_from_trajectories(trajectories)
        # the runs differ by their schedule, so they wear the schedules' colours of part 1
        colors = {spec.label: schedule_color(spec.schedule) for spec in specs}
        contour = run_contour(surface_key, surface_params, paths)
        formula_slot.latex(surface.latex)
        contour_col.plotly_chart(recolor_runs(contour, colors), key="run-contour")
        minimum = best_known_loss(surface, surface_params, trajectories)
        loss_fig = loss_gap_figure(paths, [t.loss for t in trajectories], minimum, height=340)
        lr_fig = per_step_figure(
            paths,
            [t.lr for t in trajectories],
            y_title="learning rate α",
            log_y=sched in LOG_LR_SCHEDULES,
            height=300,
        )
        lines_col.plotly_chart(recolor_runs(loss_fig, colors), key="run-loss")
        lines_col.plotly_chart(recolor_runs(lr_fig, colors), key="run-lr")
        for traj in trajectories:
            escaped = traj.escaped_downhill(bottomless=not surface.minima)
            hint = "The range test below suggests one."
            stopped_run_notice(traj.label, traj.diverged_at, escaped=escaped, hint=hint)
        export.runs_export(
            "schedule-runs",
            trajectories,
            contour,
            surface=surface_key,
            surface_params=surface_params,
            start=list(surface.start),
            steps=run_steps,
            schedule=sched,
            schedule_params=sched_params,
        )
    what_to_notice(text.RUNS_NOTICE)
    return RunSettings(surface_key, surface_params, opt, hparams)
