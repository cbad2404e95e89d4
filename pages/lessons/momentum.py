"""Lesson: momentum. The (α, β) convergence map, EWA vs classic form, and Nesterov."""

import streamlit as st

from optim_lab.figures.heatmap import sweep_heatmap
from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.momentum import experiment, text
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec
from optim_lab.ui import cache, export, widgets
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import notice, page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState, select_cell

SURFACE = "bowl"
FORMS = {"momentum": "EWA form (β)", "heavy_ball": "classic form (ρ)", "nesterov": "Nesterov (ρ)"}
BETA_NAME = {"momentum": "beta", "heavy_ball": "rho", "nesterov": "rho"}
METRICS = {"loss": "final loss (log colour)", "steps": "steps to reach the tolerance"}
STEP_CHOICES = ("100", "200", "500", "1000")
TOL = 1e-4
LR_GRID, BETA_GRID = experiment.momentum_grid()
LR = HParam(
    "lr",
    "learning rate α",
    1.0,
    LR_GRID[0],
    LR_GRID[-1],
    log=True,
    help="Step size; click the map to pick a cell.",
)
BETA = HParam(
    "beta",
    "momentum β (ρ in the classic form)",
    0.9,
    0.0,
    0.995,
    help="How much of the velocity is kept at each step.",
)
MAP_KEY = "momentum_map"

state = UrlState("momentum")


page_header(text.TITLE, text.INTRO)
for name in FORMS:
    st.latex(rf"\text{{{OPTIMIZERS[name].label}:}}\quad " + OPTIMIZERS[name].latex)

with section(text.MAP_TITLE):
    st.markdown(text.MAP)
    c1, c2, c3, c4 = st.columns(4)
    form = widgets.choice(
        state,
        "form",
        "form of momentum",
        list(FORMS),
        "momentum",
        format_func=FORMS.get,
        container=c1,
    )
    kappa = float(widgets.number(state, "kappa", SURFACES[SURFACE].param("kappa"), container=c2))
    steps = widgets.int_choice(state, "steps", "steps per run", STEP_CHOICES, "200", container=c3)
    metric = widgets.choice(
        state, "metric", "colour by", list(METRICS), "loss", format_func=METRICS.get, container=c4
    )
    s1, s2 = st.columns(2)
    lr = float(widgets.number(state, "lr", LR, container=s1))
    beta = float(widgets.number(state, "beta", BETA, container=s2))
    beta_name = BETA_NAME[form]
    surface = SURFACES[SURFACE]
    surface_params = {"kappa": kappa, "angle": 0.0}
    start = tuple(surface.start)

    greek = "β" if form == "momentum" else "ρ"
    selected_spec = RunSpec(
        form,
        {"lr": lr, beta_name: beta},
        label=f"{OPTIMIZERS[form].label}: α={lr:.3g}, {greek}={beta:g}",
    )
    (selected,) = cache.runs(SURFACE, surface_params, (selected_spec,), start, steps)
    selected_paths = paths_from_trajectories([selected])
    loss0 = float(selected.loss[0])
    result = cache.sweep_grid(
        SURFACE,
        surface_params,
        RunSpec(form),
        "lr",
        LR_GRID,
        beta_name,
        BETA_GRID,
        start,
        steps,
        TOL,
    )
    values, missing, log_values, value_title = experiment.map_colours(result, metric)
    heat = sweep_heatmap(
        result.x_values,
        result.y_values,
        values,
        diverged=result.diverged,
        missing=missing,
        x_title="α",
        y_title=greek,
        value_title=value_title,
        log_values=log_values,
        selected=(lr, beta),
        value_format=".3g" if log_values else ".0f",
        missing_label=f"never within {TOL:g} of the minimum",
        value_cap=loss0 if metric == "loss" else None,
        cap_label="≥ start",
    )

    map_col, run_col = st.columns([11, 9], gap="medium")
    with map_col:
        st.plotly_chart(
            heat,
            key=MAP_KEY,
            on_select=select_cell(state.page, MAP_KEY, "lr", "beta"),
            selection_mode="points",
        )
        share = 100 * result.diverged.mean()
        st.caption(
            f"κ = {kappa:g}: {share:.0f}% of the {result.diverged.size} runs diverged (vermillion). "
            + (
                "Colour: the loss after the last step (darker is lower)."
                if metric == "loss"
                else f"Colour: the first step with loss within {TOL:g} of the minimum (darker is sooner)."
            )
        )
    with run_col:
        stopped_run_notice(selected.label, selected.diverged_at)
        run_fig = run_contour(SURFACE, surface_params, selected_paths, start=start, height=460)
        # a narrow square plot: half its width (the default legend column) is too short for the run's
        # label, which would run into "minimum"; one legend row per entry instead
        run_fig.update_layout(legend=dict(entrywidth=1.0))
        st.plotly_chart(run_fig, key="momentum_run")
        st.plotly_chart(
            loss_figure(selected_paths, [selected.loss], minimum=0.0, height=240),
            key="momentum_run_loss",
        )

with section(text.FORMS_TITLE):
    st.markdown(text.FORMS)
    st.latex(text.FORMS_FORMULA)
    rescale = widgets.toggle(
        state,
        "rescale",
        "rescale the learning rate between the forms",
        True,
        help="Off: both forms use the same α, and the classic one takes steps 1/(1−β) times larger.",
    )
    compare, left_out = experiment.forms_compared(form, lr, beta, rescale)
    if left_out:
        st.info(left_out)
    trajs = cache.runs(SURFACE, surface_params, tuple(compare), start, steps)
    paths = paths_from_trajectories(trajs)
    for path in paths:  # dashed classic path drawn over the solid EWA one: overlap stays visible
        if path.optimizer == "heavy_ball":
            path.repeat = 1
    cmp_fig = run_contour(SURFACE, surface_params, paths, start=start, height=520)
    left, right = st.columns([11, 9], gap="medium")
    with left:
        st.plotly_chart(cmp_fig, key="momentum_compare")
    with right:
        st.plotly_chart(
            loss_figure(paths, [t.loss for t in trajs], minimum=0.0, height=300),
            key="momentum_compare_loss",
        )
        agreement = experiment.forms_agree(trajs, rescale)
        if agreement:
            notice(*agreement)
        for t in trajs:
            stopped_run_notice(t.label, t.diverged_at)

    what_to_notice(text.notice(kappa))

    st.markdown("#### Export")
    grid_table = experiment.map_table(result, beta_name)
    runs_shown = [selected, *trajs]
    context = dict(surface=SURFACE, kappa=kappa, start=list(start), steps=steps)
    export.columns_export(
        "momentum_map", grid_table, heat, what="map", figure_what="map", form=form, **context
    )
    export.runs_export(
        "momentum_runs",
        runs_shown,
        cmp_fig,
        figure_what="paths",
        figure_name="momentum_paths",
        **context,
    )

    state.finish()
