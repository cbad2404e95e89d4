"""Second-order methods: Newton and L-BFGS against gradient descent and Adam, the Hessian's condition
number along the paths, Newton's damping, and what the Hessian costs for N parameters."""

import numpy as np
import streamlit as st

from optim_lab.curvature import (
    condition_numbers,
    curvature_costs,
    human_bytes,
    human_count,
    human_duration,
    path_hessians,
    scientific,
)
from optim_lab.figures.lines import loss_gap_figure, per_step_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.second_order import text
from optim_lab.lessons.second_order.experiment import (
    DEFAULTS,
    LABELS,
    RUNS,
    SKIP_SURFACE_PARAMS,
    race_table,
)
from optim_lab.lessons.second_order.figures import damping_figure, memory_figure
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState, plain_text

TOL_SPEC = HParam(
    "tol",
    "tolerance (loss − minimum)",
    1e-4,
    1e-8,
    1.0,
    log=True,
    help="A run has converged once its loss is this close to the minimum.",
)
DAMPINGS = tuple(float(f"{v:.3g}") for v in np.geomspace(1e-4, 1e3, 15))
GPU_FLOPS = 1e13  # a large GPU's sustained float32 rate (10 TFLOP/s), for the time estimate
MAX_PARAMS = 10**12

state = UrlState("second_order")
page_header("Second-order methods", text.INTRO)

# ------------------------------------------------------------------------------------------------
# 1. The race
# ------------------------------------------------------------------------------------------------
with section("1 · Newton and L-BFGS against first-order methods", header=True):
    surface_key = w.entry_choice(
        state,
        "surface",
        "surface",
        SURFACES,
        "rosenbrock",
        names=list(DEFAULTS),
        horizontal_radio=True,
    )
    surface = SURFACES[surface_key]
    formula_slot = st.empty()
    controls, contour_col, lines_col = st.columns([1, 2.2, 2])
    with controls:
        surface_params = w.entry_params(
            state, "sp", surface, skip=SKIP_SURFACE_PARAMS.get(surface_key, ())
        )
        steps = w.integer(state, "steps", "steps", 1000, 10, 2000)
        tol = w.number(state, "tol", TOL_SPEC)
        specs = []
        for tag, optimizer in RUNS:
            entry = OPTIMIZERS[optimizer]
            defaults = DEFAULTS[surface_key][tag]
            label = LABELS.get(tag, entry.label)
            st.markdown(f"**{label}**")
            hparams = w.entry_params(
                state,
                f"{surface_key}.{tag}",
                entry,
                skip=[p.name for p in entry.params if p.name not in defaults],
                defaults=defaults,
            )
            specs.append(RunSpec(optimizer, hparams, label=label))
    formula_slot.latex(surface.latex)

    try:
        trajectories = cache.runs(surface_key, surface_params, tuple(specs), surface.start, steps)
    except ValueError as error:
        st.error(f"These settings cannot run: {plain_text(error)}")
        trajectories = []

    minimum = 0.0  # both surfaces of this lesson have their minimum at loss 0
    if trajectories:
        paths = paths_from_trajectories(trajectories)
        contour = run_contour(surface_key, surface_params, paths)
        contour_col.plotly_chart(contour, key="contour")
        hessians = [path_hessians(surface, t.finite_points, surface_params) for t in trajectories]
        kappas = [condition_numbers(h) for h in hessians]
        with lines_col:
            st.plotly_chart(
                loss_gap_figure(paths, [t.loss for t in trajectories], minimum, height=330),
                key="loss",
            )
            st.plotly_chart(
                per_step_figure(
                    paths,
                    [np.nan_to_num(k, nan=1.0) for k in kappas],
                    y_title="κ(H) at the current point (log)",
                    log_y=True,
                    height=330,
                ),
                key="kappa",
            )

        for traj in trajectories:
            stopped_run_notice(traj.label, traj.diverged_at)
        rows = race_table(trajectories, kappas, minimum, tol, steps)
        st.dataframe(
            rows,
            hide_index=True,
            width="stretch",
            column_config={
                "final loss − min": st.column_config.NumberColumn(format="%.3g"),
                "κ(H) at its last point": st.column_config.NumberColumn(format="%.4g"),
            },
        )
        export.runs_export(
            f"second-order-{surface_key}",
            trajectories,
            contour,
            surface=surface_key,
            surface_params=surface_params,
            start=list(surface.start),
            steps=steps,
            tolerance=tol,
            summary=rows,
        )
        with st.expander("Update rules"):
            for tag, optimizer in RUNS:
                st.markdown(f"**{LABELS.get(tag, OPTIMIZERS[optimizer].label)}**")
                st.latex(OPTIMIZERS[optimizer].latex)

    what_to_notice(text.NEWTON_NOTICE)

    # ------------------------------------------------------------------------------------------------
    # Damping
    # ------------------------------------------------------------------------------------------------
    with section("Damping λ"):
        st.markdown(text.DAMPING)
        st.latex(text.DAMPING_FORMULA)
        newton_hp = specs[2].hparams
        damping = float(newton_hp["damping"])
        start_h = path_hessians(surface, np.asarray([surface.start]), surface_params)
        metric_cols = st.columns(3)
        metric_cols[0].metric("κ(H) at the start", f"{condition_numbers(start_h)[0]:.4g}")
        metric_cols[1].metric(
            f"κ(H + λI) at the start, λ = {damping:g}",
            f"{condition_numbers(start_h, damping)[0]:.4g}",
        )
        try:
            sweep = cache.sweep_grid(
                surface_key,
                surface_params,
                specs[2],
                "damping",
                DAMPINGS,
                "lr",
                (float(newton_hp["lr"]),),
                surface.start,
                steps,
                float(tol),
            )
        except ValueError as error:
            st.error(f"The damping sweep cannot run: {plain_text(error)}")
            sweep = None
        if sweep is not None:
            hits = [int(s) if s >= 0 else None for s in sweep.steps_to_tol[0]]
            best = min((h for h in hits if h is not None), default=None)
            metric_cols[2].metric(
                "fewest steps over the λ sweep", "—" if best is None else f"{best} steps"
            )
            st.plotly_chart(
                damping_figure(
                    sweep.x_values,
                    hits,
                    sweep.diverged[0],
                    max_steps=steps,
                    current=damping if damping > 0 else None,
                ),
                key="damping",
            )
        what_to_notice(text.DAMPING_NOTICE)

        # ------------------------------------------------------------------------------------------------
        # 2. What curvature costs
        # ------------------------------------------------------------------------------------------------
        st.header("2 · What curvature costs")
        st.markdown(text.COST)

        N_BOUNDS = w.Bounds(1, MAX_PARAMS, integer=True)  # the input's range, and a link's

        inputs, results = st.columns([1, 3])
        with inputs:
            n_key = state.prepare("n", 100_000, N_BOUNDS.parse)
            n_params = int(
                st.number_input(
                    "number of parameters N",
                    min_value=int(N_BOUNDS.low),
                    max_value=int(N_BOUNDS.high),
                    step=1000,
                    key=n_key,
                    help="The slides' small network has 100,000 parameters.",
                )
            )
            history = w.integer(state, "m", "L-BFGS history m", 10, 1, 100)
            precision = w.choice(
                state,
                "prec",
                "number format",
                ["float32", "float64"],
                "float32",
                help="4 or 8 bytes per number.",
            )
        costs = curvature_costs(n_params, history, 4 if precision == "float32" else 8)
        with results:
            row1 = st.columns(3)
            row1[0].metric("Hessian entries (N²)", scientific(costs.hessian_entries))
            row1[1].metric("Hessian memory", human_bytes(costs.hessian_bytes))
            row1[2].metric("solve with H, per step (~N³ ops)", scientific(costs.solve_flops))
            row2 = st.columns(3)
            row2[0].metric(f"L-BFGS memory (2mN, m = {history})", human_bytes(costs.lbfgs_bytes))
            row2[1].metric("L-BFGS work per step (~4mN ops)", scientific(costs.lbfgs_flops))
            row2[2].metric("one gradient", human_bytes(costs.gradient_bytes))
            st.markdown(
                f"For N = {n_params:,}: the Hessian holds {human_count(costs.hessian_entries)} numbers, "
                f"**{costs.memory_ratio:,.0f}×** the memory of L-BFGS's history. Solving with it takes "
                f"{human_count(costs.solve_flops)} operations: about "
                f"**{human_duration(costs.solve_flops / GPU_FLOPS)}** per step on a GPU sustaining "
                f"10 TFLOP/s, versus {human_duration(costs.lbfgs_flops / GPU_FLOPS)} for L-BFGS."
            )
        st.plotly_chart(
            memory_figure(n_params, history=history, bytes_per_number=costs.bytes_per_number)
        )
        what_to_notice(text.COST_NOTICE)

        state.finish()
