"""Ensembles, part 1: K networks trained independently, and the ensemble of the first k."""

import streamlit as st

from optim_lab.lessons.ensembles import text
from optim_lab.lessons.ensembles.experiment import ensemble_gain, log_loss_summary
from optim_lab.lessons.ensembles.figures import members_figure
from optim_lab.ui.layout import notice
from pages.parts.ensembles.setup import LR


def show(ensemble) -> tuple[dict, dict]:
    """Trains the members; returns the run and its figure."""
    st.markdown(text.INDEPENDENT)
    with st.spinner(f"Training {ensemble.members} networks in one run…"):
        ind = ensemble.run("independent", ensemble.steps, LR)
    fig = members_figure(ind["member_acc"], ind["curve"], ind["member_loss"], ind["loss_curve"])
    st.plotly_chart(fig, key="ens_members")
    what = f"Ensemble of {ensemble.members}"
    notice(*ensemble_gain(ind["ensemble_acc"], ind["member_acc"], what))
    st.caption(log_loss_summary(ind))
    return ind, fig
