"""Saddles, plateaus, cliffs and gradient clipping: the lecture's trouble spots as scenarios.

Each scenario is a surface, a start and a few runs; the page draws their paths, their loss and the
size of the gradient they used at every step.
"""

import numpy as np
import streamlit as st

from optim_lab.figures.lines import loss_gap_figure, per_step_figure, recolor_runs
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.saddles import text
from optim_lab.lessons.saddles.scenarios import CLIP_LATEX, SCENARIOS
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec, best_known_loss
from optim_lab.transforms import MODIFIER_PARAMS
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
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


state = UrlState("saddles")
page_header(
    "Saddles, plateaus & cliffs",
    text.INTRO,
)

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
        shared_lr = w.number(
            state,
            f"{key}.lr",
            OPTIMIZERS["sgd"].param("lr"),
            default=scenario.shared_lr,
            label="learning rate α (all runs)",
        )
    specs = []
    for run in scenario.runs:
        entry = OPTIMIZERS[run.optimizer]
        modifiers = {}
        if run.clip is not None:
            spec = next(p for p in MODIFIER_PARAMS if p.name == run.clip)
            modifiers[run.clip] = w.number(
                state, f"{key}.{run.tag}", spec, default=1.0, label=f"{spec.label} c"
            )
            hparams = {"lr": shared_lr}
        elif run.hparams:
            st.markdown(f"**{run.label}**")
            hparams = w.entry_params(
                state,
                f"{key}.{run.tag}",
                entry,
                skip=[p.name for p in entry.params if p.name not in run.hparams],
                defaults=run.hparams,
            )
        else:
            hparams = {"lr": shared_lr}
        specs.append(RunSpec(run.optimizer, hparams, modifiers=modifiers, label=run.label))
    steps = w.integer(state, "steps", "steps", 200, 10, 1000)

try:
    trajectories = cache.runs(scenario.surface, surface_params, tuple(specs), start, steps)
except ValueError as error:
    st.error(f"These settings cannot run: {plain_text(error)}")
    trajectories = []

if trajectories:
    paths = paths_from_trajectories(trajectories)
    contour = run_contour(scenario.surface, surface_params, paths, start=start)
    colors = {run.label: run.color for run in scenario.runs if run.color}
    contour_col.plotly_chart(recolor_runs(contour, colors), key="contour")
    norms = [np.linalg.norm(t.grads, axis=1) for t in trajectories]
    minimum = best_known_loss(surface, surface_params, trajectories)
    loss_fig = loss_gap_figure(paths, [t.loss for t in trajectories], minimum, height=330)
    lowest_shown = float(np.min(cache.grid(scenario.surface, surface_params)[2]))
    if minimum is None and lowest_shown > min(float(np.min(t.loss)) for t in trajectories):
        # a bottomless surface: show the losses met inside the map, not the −10⁶ of an escape
        top = max(float(np.max(t.loss[: len(t.finite_points)])) for t in trajectories)
        pad = 0.05 * (top - lowest_shown)
        loss_fig.update_yaxes(range=[lowest_shown - pad, top + pad])
    norm_fig = per_step_figure(
        paths, norms, y_title="gradient norm ‖g‖ (log)", log_y=True, height=330
    )
    with lines_col:
        st.plotly_chart(recolor_runs(loss_fig, colors), key="loss")
        st.plotly_chart(recolor_runs(norm_fig, colors), key="grad-norm")

    rows = []
    for traj, norm in zip(trajectories, norms, strict=True):
        end = traj.finite_points[-1]
        status = "ran all steps"
        escaped = traj.escaped_downhill(bottomless=not surface.minima)
        stopped_run_notice(traj.label, traj.diverged_at, escaped=escaped)
        if escaped:
            status = f"escaped downhill (left the map at step {traj.diverged_at})"
        elif traj.diverged_at is not None:
            status = f"diverged at step {traj.diverged_at}"
        finite = norm[: traj.diverged_at] if traj.diverged_at else norm
        rows.append(
            {
                "run": traj.label,
                "ends at (x, y)": f"({end[0]:.3g}, {end[1]:.3g})",
                "final loss": float(traj.loss[len(traj.finite_points) - 1]),
                "largest ‖g‖": float(finite.max()) if finite.size else float("nan"),
                "smallest ‖g‖": float(finite.min()) if finite.size else float("nan"),
                "status": status,
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.NumberColumn(format="%.4g")
            for name in ("final loss", "largest ‖g‖", "smallest ‖g‖")
        },
    )
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
