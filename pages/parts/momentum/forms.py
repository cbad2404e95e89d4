"""Momentum, part 2: the EWA and classic forms (and Nesterov) at the map's chosen cell."""

import streamlit as st

from optim_lab.figures.lines import loss_figure
from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.momentum import experiment, text
from optim_lab.lessons.momentum.figures import lookahead_trace
from optim_lab.ui import cache, widgets
from optim_lab.ui.contour import run_contour
from optim_lab.ui.layout import notice, stopped_run_notice
from pages.parts.momentum.convergence import SURFACE


def show(state, cell) -> tuple[list, dict]:
    """The comparison's runs at ``cell`` (a :class:`Cell`); returns them and their paths figure."""
    st.markdown(text.FORMS)
    st.latex(text.FORMS_FORMULA)
    st.caption(text.SIGN_ERRATUM)
    rescale = widgets.toggle(
        state,
        "rescale",
        "rescale the learning rate between the forms",
        True,
        help="Off: both forms use the same α, and the classic one takes steps 1/(1−β) times larger.",
    )
    compare, left_out = experiment.forms_compared(cell.form, cell.lr, cell.beta, rescale)
    if left_out:
        st.info(left_out)
    trajs = cache.runs(SURFACE, cell.surface_params, tuple(compare), cell.start, cell.steps)
    paths = paths_from_trajectories(trajs)
    for path in paths:  # dashed classic path drawn over the solid EWA one: overlap stays visible
        if path.optimizer == "heavy_ball":
            path.repeat = 1
    cmp_fig = run_contour(SURFACE, cell.surface_params, paths, start=cell.start, height=520)
    nesterov = next(t for t in trajs if t.spec.optimizer == "nesterov")
    hp = nesterov.spec.hparams
    lookahead = experiment.lookahead_nesterov(
        SURFACE, cell.surface_params, hp["lr"], hp["rho"], cell.start, cell.steps
    )
    cmp_fig.add_trace(lookahead_trace(lookahead["theta"]))
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
    st.markdown(text.LOOKAHEAD)
    st.latex(text.LOOKAHEAD_FORMULA)
    if nesterov.diverged_at is None:
        gap = experiment.lookahead_gap(lookahead["lookahead"], nesterov)
        notice("success", text.lookahead_agreement(gap))
    return trajs, cmp_fig
