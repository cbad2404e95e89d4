"""Ensembles, part 2: the decision boundaries of the first members and of the ensemble."""

import streamlit as st

from optim_lab.lessons.ensembles import text
from optim_lab.lessons.ensembles.experiment import boundary_panels
from optim_lab.lessons.ensembles.figures import boundaries_figure

MAX_PANELS = 5  # members drawn as decision boundaries (plus the ensemble)


def show(independent: dict, members: int) -> None:
    if independent["grid"] is None:
        st.info("Decision boundaries need a 2-D data set: choose spiral, moons or circles above.")
        return
    st.markdown(text.BOUNDARIES)
    grid, titles, shown = boundary_panels(independent, MAX_PANELS)
    test = (independent["x_test"], independent["y_test"])
    fig = boundaries_figure(grid, *test, titles, n_classes=independent["n_classes"])
    st.plotly_chart(fig, key="ens_boundaries")
    if members > shown:
        st.caption(f"The first {shown} of {members} members are drawn; the ensemble uses all.")
