"""Adaptive methods, part 4: Adam with ε inside or outside the square root."""

import streamlit as st

from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.adaptive import experiment, text
from optim_lab.lessons.adaptive.figures import eps_figure
from optim_lab.registry import HParam
from optim_lab.trajectory import RunSpec
from optim_lab.ui import widgets
from optim_lab.ui.contour import run_contour

EPS_DEMO = HParam(
    "eps",
    "ε for this comparison",
    0.01,
    1e-8,
    1.0,
    log=True,
    help="Large ε makes the difference visible; Adam's default is 1e-8.",
)


def show(state, setting, adam_hp: dict) -> list:
    """Two runs of Adam with ``adam_hp`` and the chosen ε, one per placement; returns them."""
    st.markdown(text.EPS)
    eps_col, eps_text_col = st.columns([1, 2], gap="medium")
    with eps_col:
        eps = float(widgets.number(state, "eps", EPS_DEMO))
    with eps_text_col:
        st.latex(text.EPS_FORMULA)
    fig_col, path_col = st.columns(2, gap="medium")
    eps_runs = setting.runs(
        (
            RunSpec("adam", {**adam_hp, "eps": eps, "eps_inside_sqrt": 0.0}, label="ε outside √"),
            RunSpec("adam", {**adam_hp, "eps": eps, "eps_inside_sqrt": 1.0}, label="ε inside √"),
        )
    )
    lr = float(adam_hp["lr"])
    rms, outside, inside = experiment.eps_multipliers(lr, eps)
    seen = experiment.sqrt_v_hat_ranges(eps_runs[0])
    with fig_col:
        fig = eps_figure(rms, outside, inside, eps=eps, lr=lr, seen=seen)
        st.plotly_chart(fig, key="adaptive_eps")
    with path_col:
        paths = paths_from_trajectories(eps_runs)
        paths_fig = run_contour(
            setting.surface,
            setting.params,
            paths,
            start=setting.start,
            animate=False,
            show_final=False,
            height=400,
        )
        st.plotly_chart(paths_fig, key="adaptive_eps_paths")
        gap = experiment.largest_gap(eps_runs[0].points, eps_runs[1].points)
        st.caption(f"Largest distance between the two paths: {gap:.3g}.")
    return eps_runs
