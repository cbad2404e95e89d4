"""Second-order methods, part 1: Newton and L-BFGS against gradient descent and Adam, with the
Hessian's condition number along the paths."""

from typing import NamedTuple

import numpy as np
import streamlit as st

from optim_lab.figures.lines import loss_gap_figure, per_step_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.second_order import text
from optim_lab.lessons.second_order.experiment import (
    DEFAULTS,
    LABELS,
    NOTICE_KAPPA,
    RUNS,
    SKIP_SURFACE_PARAMS,
    path_condition_numbers,
    race_table,
)
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.surfaces import SURFACES
from optim_lab.trajectory import RunSpec
from optim_lab.ui import cache, export
from optim_lab.ui import widgets as w
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import number_table, stopped_run_notice, what_to_notice
from optim_lab.ui.state import plain_text

TOL_SPEC = HParam(
    "tol",
    "tolerance (loss − minimum)",
    1e-4,
    1e-8,
    1.0,
    log=True,
    help="A run has converged once its loss is this close to the minimum.",
)
MINIMUM = 0.0  # both surfaces of this lesson have their minimum at loss 0
TABLE_FORMATS = {"final loss − min": "%.3g", "κ(H) at its last point": "%.4g"}


class Race(NamedTuple):
    """The race's surface, Newton run and length, which the damping sweep reuses."""

    surface_key: str
    surface_params: dict
    newton: RunSpec
    steps: int
    tol: float


def show(state) -> Race:
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
        skip = SKIP_SURFACE_PARAMS.get(surface_key, ())
        surface_params = w.entry_params(state, "sp", surface, skip=skip)
        steps = w.integer(state, "steps", "steps", 1000, 10, 2000)
        tol = w.number(state, "tol", TOL_SPEC)
        specs = {tag: _run_controls(state, surface_key, tag, opt) for tag, opt in RUNS}
    formula_slot.latex(surface.latex)

    try:
        runs = tuple(specs.values())
        trajectories = cache.runs(surface_key, surface_params, runs, surface.start, steps)
    except ValueError as error:
        st.error(f"These settings cannot run: {plain_text(error)}")
        trajectories = []

    if trajectories:
        paths = paths_from_trajectories(trajectories)
        contour = run_contour(surface_key, surface_params, paths)
        contour_col.plotly_chart(contour, key="contour")
        kappas = path_condition_numbers(surface, trajectories, surface_params)
        loss_fig = loss_gap_figure(paths, [t.loss for t in trajectories], MINIMUM, height=330)
        lines_col.plotly_chart(loss_fig, key="loss")
        kappa_fig = per_step_figure(
            paths,
            [np.nan_to_num(k, nan=1.0) for k in kappas],
            y_title="κ(H) at the current point (log)",
            log_y=True,
            height=330,
        )
        lines_col.plotly_chart(kappa_fig, key="kappa")
        for traj in trajectories:
            stopped_run_notice(traj.label, traj.diverged_at)
        rows = race_table(trajectories, kappas, MINIMUM, tol, steps)
        number_table(rows, TABLE_FORMATS)
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
            for spec in specs.values():
                st.markdown(f"**{spec.label}**")
                st.latex(OPTIMIZERS[spec.optimizer].latex)
    newton = OPTIMIZERS["newton"].resolve(specs["newton"].hparams)
    kappa = surface_params.get("kappa", NOTICE_KAPPA)
    what_to_notice(text.newton_notice(newton["lr"], newton["damping"], kappa))
    return Race(surface_key, surface_params, specs["newton"], steps, tol)


def _run_controls(state, surface_key: str, tag: str, optimizer: str) -> RunSpec:
    """The controls of one run (only the parameters with a default for this surface)."""
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
    return RunSpec(optimizer, hparams, label=label)
