"""Sanity checks, part 2: a network must be able to memorise a tiny training set."""

import streamlit as st

from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.experiment import WIDTHS
from optim_lab.lessons.sanity.figures import overfit_figure
from optim_lab.nn.history import last_recorded
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.layout import stopped_run_notice

OVERFIT_STEPS = ("100", "200", "400")
OVERFIT_LR = HParam("olr", "SGD learning rate", 0.5, 0.01, 2.0, log=True)


def show(state) -> dict:
    """The controls, the run on 20 examples and its final accuracy and loss; returns the run."""
    st.markdown(text.OVERFIT)
    o_controls, o_chart = st.columns([1, 3], gap="medium")
    with o_controls:
        hidden = widgets.int_choice(
            state, "oh", "units per hidden layer", WIDTHS, "64", horizontal_radio=True
        )
        steps = widgets.int_choice(
            state, "os", "steps", OVERFIT_STEPS, "200", horizontal_radio=True
        )
        olr = float(widgets.number(state, "olr", OVERFIT_LR))
    with st.spinner("Training on 20 examples…"):
        overfit = nn_cache.overfit_run(hidden, olr, steps, 0)
    with o_chart:
        st.plotly_chart(overfit_figure(overfit["loss"], overfit["acc"]), key="sanity_overfit")
        final, final_loss = last_recorded(overfit["acc"], 0.0), last_recorded(overfit["loss"])
        m1, m2 = st.columns(2)
        m1.metric(f"training accuracy on {overfit['examples']} examples", f"{final:.0%}")
        m2.metric("final training loss", "—" if final_loss is None else f"{final_loss:.3g}")
        stopped_run_notice("The run", overfit["status"]["diverged_at"])
        if overfit["status"]["diverged_at"] is None and final < 1.0:
            st.info(text.OVERFIT_SHORT)
    return overfit
