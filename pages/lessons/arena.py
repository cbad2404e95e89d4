"""Optimizer arena: race up to six optimizers on any surface, then inspect any step."""

import streamlit as st

from optim_lab.figures.inspector import (
    inspection_rows,
    step_equation_latex,
    step_vectors_figure,
    wrap_latex,
)
from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import Highlight, paths_from_trajectories, surface_3d_figure
from optim_lab.figures.theme import optimizer_color
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.trajectory import best_known_loss
from optim_lab.ui import arena_controls as arena
from optim_lab.ui import cache, export, widgets
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.state import UrlState, plain_text

state = UrlState(arena.PAGE)
page_header(
    "Optimizer arena",
    "Put up to six optimizers on the same loss surface, at the same start point, and let them "
    "race. They all see the same gradients; what differs is how each one turns gradients into "
    "steps. Press **▶ Play** to watch, drag the step slider under the plot, **click the contour** "
    "to move the start ★, and open the **step inspector** below to see every number of one update.",
)

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
        st.subheader("Step inspector")
        picker, slider = st.columns([1, 3])
        if st.session_state.get(state.session_key("ins.run"), "1") not in {
            str(i) for i in range(1, len(specs) + 1)
        }:  # fewer runs than before: inspect the first
            state.set("ins.run", "1")
        with picker:
            run_number = widgets.int_choice(
                state,
                "ins.run",
                "run",
                range(1, len(specs) + 1),
                1,
                format_func=lambda i: specs[int(i) - 1].label,
            )
        chosen = trajectories[run_number - 1]
        # the step that made a run diverge is the last one worth reading
        last = steps - 1 if chosen.diverged_at is None else chosen.diverged_at - 1
        if st.session_state.get(state.session_key("ins.k"), 0) > last:
            state.set("ins.k", last)
        with slider:
            k = widgets.integer(
                state,
                "ins.k",
                "step k (the update from θₖ to θₖ₊₁)",
                0,
                0,
                max(last, 1),
                help="Step 0 is the first update.",
            )
        k = min(k, last)
        inspection = arena.inspect_cached(surface.key, surface.params, chosen.spec, start, steps, k)
        values = inspection.values
        opt_entry = OPTIMIZERS[chosen.spec.optimizer]
        color = optimizer_color(chosen.spec.optimizer)
        rule, arrows = st.columns([3, 2])
        with rule:
            st.latex(wrap_latex(opt_entry.latex, per_line=1))
            if inspection.diverged:
                st.error(
                    f"Step {k} is where run {run_number} diverged: the new point is non-finite or "
                    "far too large, so the run stopped before it.",
                    icon=":material/error:",
                )
        with arrows:
            st.plotly_chart(
                step_vectors_figure(values, color, diverged=inspection.diverged, height=280),
                key="arena_step_vectors",
            )
            st.caption(
                "Grey: the plain gradient step −αg. Coloured: the step the optimizer took. "
                "Momentum turns it, adaptive methods rescale each coordinate."
            )
        for line in step_equation_latex(chosen.spec.optimizer, values):
            st.latex(line)
        rows = inspection_rows(values)
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            height=35 * (len(rows) + 1) + 3,  # every row visible, no inner scrolling
            column_config={
                "quantity": st.column_config.TextColumn(width="small"),
                "x (or value)": st.column_config.TextColumn(width="small"),
                "y": st.column_config.TextColumn(width="small"),
                "meaning": st.column_config.TextColumn(width="large"),
            },
        )

        highlight = Highlight(
            tuple(values["theta"]),
            tuple(values["theta_next"]) if not inspection.diverged else tuple(values["theta"]),
            label=f"inspected: run {run_number}, step {k}",
            color=color,
        )

# drawn even when the runs cannot start (a formula undefined at the start): click a new start
contour = run_contour(
    surface.key,
    surface.params,
    paths,
    start=start,
    click_grid=True,
    highlight=highlight,
    height=620,
)
with figure_slot:
    st.plotly_chart(contour, key=arena.CHART_KEY, on_select="rerun", selection_mode="points")
    st.caption(
        "★ start (click anywhere on the contour to move it) · ✕ known minima · ring and arrow: "
        "the inspected step. Contours are "
        + ("log(1 + loss − min)." if entry.log_scale else "loss levels.")
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
    what_to_notice(
        [
            "On the ill-conditioned bowl the largest stable α is set by the **steepest** "
            "direction (α < 2 for curvature 1): push SGD's α towards 2 and it zig-zags across "
            "the valley; beyond 2 it diverges. Progress along the flat direction stays slow.",
            "Momentum averages the gradients: the components that flip sign at every step "
            "cancel out, the ones that keep pointing along the valley add up. The path smooths "
            "out and speeds up.",
            "RMSprop and Adam divide each coordinate by the size of its recent gradients, so their "
            "steps are about α long whatever the slope: they cross plateaus quickly but keep "
            "hovering around a sharp minimum unless α decays.",
            "In the inspector, look at Adam's step 0: after bias correction m̂ = g and v̂ = g², so "
            "the first step is about α in every coordinate, whatever the gradient's size.",
            "The loss plot is logarithmic: a straight falling line is steady (linear) "
            "convergence, a flat stretch is a saddle, a plateau or a local minimum.",
        ]
    )
    st.markdown("#### The update rules in this race")
    st.latex(
        r"g_t = \operatorname{clip}\big(\nabla f(\theta_t) + \sigma\xi_t\big) + \lambda\theta_t,"
        r"\qquad \alpha_t = \text{schedule}(t)"
    )
    for name in dict.fromkeys(spec.optimizer for spec in specs):
        st.markdown(f"**{OPTIMIZERS[name].label}** — {OPTIMIZERS[name].description}")
        st.latex(wrap_latex(OPTIMIZERS[name].latex, per_line=3))

state.finish()
