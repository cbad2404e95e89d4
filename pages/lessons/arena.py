"""Optimizer arena: race up to six optimizers on any surface, then inspect any step."""

import streamlit as st

from optim_lab.figures.inspector import wrap_latex
from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import (
    FRAME_MS,
    paths_from_trajectories,
    speed_label,
    surface_3d_figure,
)
from optim_lab.lessons.arena import text
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.trajectory import best_known_loss
from optim_lab.ui import arena_controls as arena
from optim_lab.ui import cache, export, widgets
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.state import UrlState, plain_text
from optim_lab.ui.step_inspector import step_inspector_panel

state = UrlState(arena.PAGE)
page_header(text.TITLE, text.INTRO)

controls, main = st.columns([1, 2.4], gap="large")
with controls:
    surface = arena.surface_controls(state)
    arena.apply_click(state, surface.entry)
    start = arena.start_controls(state, surface.entry)
    steps = arena.steps_control(state)
    seed = widgets.seed_control(state)
    n_runs = widgets.integer(
        state, "n", "number of runs", 3, 1, arena.MAX_RUNS, help="Up to six optimizers at once."
    )
    specs = tuple(arena.run_controls(state, i, surface.entry, seed) for i in range(1, n_runs + 1))

with main:
    if surface.entry.latex:
        st.latex(surface.entry.latex)
    st.caption(surface.entry.description)
    figure_slot = st.container()
    badge_slot = st.container()
    try:
        trajectories = cache.runs(surface.key, surface.params, specs, start, steps)
    except ValueError as error:
        st.error(f"**These settings cannot run:** {plain_text(error, limit=1000)}")
        trajectories = []

entry = surface.entry
paths = paths_from_trajectories(trajectories)
highlight = None
if trajectories:
    with badge_slot:
        for number, traj in enumerate(trajectories, start=1):
            stopped_run_notice(
                f"Run {number} ({OPTIMIZERS[traj.spec.optimizer].label})",
                traj.diverged_at,
                hint="Its path stops at the last finite point.",
            )
        show_3d = widgets.toggle(state, "3d", "3D view of the surface", False)
        if show_3d:
            xs, ys, z = cache.grid(surface.key, surface.params)
            st.plotly_chart(
                surface_3d_figure(
                    xs,
                    ys,
                    z,
                    paths,
                    [t.loss for t in trajectories],
                    log_scale=entry.log_scale,
                    height=520,
                ),
                key="arena_3d",
            )
        minimum = best_known_loss(entry, surface.params, trajectories)
        st.plotly_chart(
            loss_figure(
                paths,
                [t.loss[: len(t.finite_points)] for t in trajectories],
                minimum=minimum,
                height=340,
            ),
            key="arena_loss",
        )

    with main:
        highlight = step_inspector_panel(
            state, surface.key, surface.params, specs, trajectories, start, steps
        )

# drawn even when the runs cannot start (a formula undefined at the start): click a new start
with figure_slot:
    speed = widgets.choice(
        state,
        "speed",
        "animation speed",
        list(text.SPEEDS),
        "1",
        format_func=speed_label,
        horizontal_radio=True,
    )
contour = run_contour(
    surface.key,
    surface.params,
    paths,
    start=start,
    click_grid=True,
    highlight=highlight,
    height=620,
    frame_ms=round(FRAME_MS / float(speed)),
)
with figure_slot:
    st.plotly_chart(contour, key=arena.CHART_KEY, on_select="rerun", selection_mode="points")
    st.caption(
        text.CONTOUR_CAPTION + ("log(1 + loss − min)." if entry.log_scale else "loss levels.")
    )

if trajectories:
    with main:
        st.subheader("Export")
        export.runs_export(
            "arena_runs",
            trajectories,
            contour,
            figure_what="contour",
            figure_name="arena_contour",
            surface=surface.key,
            surface_params=surface.params,
            start=list(start),
            steps=steps,
        )

with main:
    what_to_notice(text.NOTICE)
    st.markdown(text.RULES_TITLE)
    st.latex(text.GRADIENT)
    for name in dict.fromkeys(spec.optimizer for spec in specs):
        st.markdown(f"**{OPTIMIZERS[name].label}** — {OPTIMIZERS[name].description}")
        st.latex(wrap_latex(OPTIMIZERS[name].latex, per_line=3))

state.finish()
