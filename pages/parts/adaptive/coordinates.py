"""Adaptive methods, part 2: the step size each run gave each coordinate."""

import streamlit as st

from optim_lab.figures.surface import paths_from_trajectories
from optim_lab.lessons.adaptive import experiment, text
from optim_lab.lessons.adaptive.figures import step_size_figure
from optim_lab.ui import widgets

QUANTITIES = {
    "size": "step size αₜ,ᵢ (what multiplies gᵢ, or m̂ᵢ for Adam)",
    "ratio": "|Δθᵢ| / |gᵢ| (what each step actually did)",
}


def show(state, trajs) -> None:
    quantity = widgets.choice(
        state,
        "qty",
        "show",
        list(QUANTITIES),
        "size",
        format_func=QUANTITIES.get,
        horizontal_radio=True,
    )
    sizes, y_title = experiment.per_coordinate(trajs, quantity)
    paths = paths_from_trajectories(trajs)
    st.plotly_chart(step_size_figure(paths, sizes, y_title=y_title), key="adaptive_sizes")
    st.caption(text.SIZES_CAPTION)
