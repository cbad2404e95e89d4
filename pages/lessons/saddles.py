"""Saddles, plateaus, cliffs and gradient clipping: the lecture's trouble spots as scenarios.

Each scenario is a surface, a start and a few runs; the page draws their paths, their loss and the
size of the gradient they used at every step.
"""

import numpy as np
import streamlit as st

from optim_lab.figures.lines import loss_gap_figure, per_step_figure, recolor_runs
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.saddles import text
from optim_lab.lessons.saddles.experiment import bottomless_loss_range, gradient_norms, runs_table
from optim_lab.lessons.saddles.scenarios import CLIP_LATEX, SCENARIOS
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss
from optim_lab.transforms import MODIFIER_PARAMS
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import number_table, page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.state import UrlState, plain_text

OFFSET_SPEC = HParam(
    "y0",
    "start offset y₀",
    1e-3,
    0.0,
    0.5,
    log=True,
    help="How far from the saddle's axis the runs start (0: exactly on it).",
)
NUMBER_COLUMNS = ("final loss", "largest ‖g‖", "smallest ‖g‖")


def run_spec(state, key: str, run, shared_lr) -> RunSpec:
    """One run's controls: its clipping threshold, or its own parameters, or the shared α."""
    entry, modifiers, hparams = OPTIMIZERS[run.optimizer], {}, {"lr": shared_lr}
    if run.clip is not None:
        spec = next(p for p in MODIFIER_PARAMS if p.name == run.clip)
        modifiers[run.clip] = w.number(
            state, f"{key}.{run.tag}", spec, default=1.0, label=f"{spec.label} c"
        )
    elif run.hparams:
        st.markdown(f"**{run.label}**")
        skip = [p.name for p in entry.params if p.name not in run.hparams]
        hparams = w.entry_params(state, f"{key}.{run.tag}", entry, skip=skip, defaults=run.hparams)
    return RunSpec(run.optimizer, hparams, modifiers=modifiers, label=run.label)


state = UrlState("saddles")
page_header("Saddles, plateaus & cliffs", text.INTRO)
key = w.choice(
    state,
    "scenario",
    "scenario",
    list(SCENARIOS),
    "saddle",
    format_func=lambda k: SCENARIOS[k].label,
    horizontal_radio=True,
)
scenario = SCENARIOS[key]
surface = SURFACES[scenario.surface]
st.markdown(scenario.story)
st.latex(surface.latex)
if key == "cliff":
    st.latex(CLIP_LATEX)

controls, contour_col, lines_col = st.columns([1, 2.2, 2])
with controls:
    surface_params = w.entry_params(state, f"{key}.sp", surface)
    start = scenario.start
    if scenario.offset:
        y0 = w.number(state, f"{key}.y0", OFFSET_SPEC, default=scenario.start[1])
        start = (scenario.start[0], float(y0))
    shared_lr = None
    if scenario.shared_lr is not None:
        lr_spec = OPTIMIZERS["sgd"].param("lr")
        label = "learning rate α (all runs)"
        shared_lr = w.number(state, f"{key}.lr", lr_spec, default=scenario.shared_lr, label=label)
    specs = tuple(run_spec(state, key, run, shared_lr) for run in scenario.runs)
    steps = w.integer(state, "steps", "steps", 200, 10, 1000)

try:
    trajectories = cache.runs(scenario.surface, surface_params, specs, start, steps)
except ValueError as error:
    st.error(f"These settings cannot run: {plain_text(error)}")
    trajectories = []

if trajectories:
    paths = paths_from_trajectories(trajectories)
    contour = run_contour(scenario.surface, surface_params, paths, start=start)
    colors = {run.label: run.color for run in scenario.runs if run.color}
    contour_col.plotly_chart(recolor_runs(contour, colors), key="contour")
    norms = gradient_norms(trajectories)
    minimum = best_known_loss(surface, surface_params, trajectories)
    loss_fig = loss_gap_figure(paths, [t.loss for t in trajectories], minimum, height=330)
    lowest_shown = float(np.min(cache.grid(scenario.surface, surface_params)[2]))
    loss_range = bottomless_loss_range(trajectories, minimum, lowest_shown)
    if loss_range is not None:
        loss_fig.update_yaxes(range=loss_range)
    norm_fig = per_step_figure(
        paths, norms, y_title="gradient norm ‖g‖ (log)", log_y=True, height=330
    )
    lines_col.plotly_chart(recolor_runs(loss_fig, colors), key="loss")
    lines_col.plotly_chart(recolor_runs(norm_fig, colors), key="grad-norm")

    bottomless = not surface.minima
    for traj in trajectories:
        escaped = traj.escaped_downhill(bottomless=bottomless)
        stopped_run_notice(traj.label, traj.diverged_at, escaped=escaped)
    rows = runs_table(trajectories, norms, bottomless)
    number_table(rows, dict.fromkeys(NUMBER_COLUMNS, "%.4g"))
    export.runs_export(
        f"saddles-{key}",
        trajectories,
        contour,
        extra={"grad_norm": norms},
        scenario=key,
        surface=scenario.surface,
        surface_params=surface_params,
        start=list(start),
        steps=steps,
        summary=rows,
    )
    with st.expander("Update rules of the runs"):
        for optimizer in dict.fromkeys(run.optimizer for run in scenario.runs):
            entry = OPTIMIZERS[optimizer]
            st.markdown(f"**{entry.label}**")
            st.latex(entry.latex)

what_to_notice(list(scenario.notice))
state.finish()
