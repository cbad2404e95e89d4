"""Sanity checks, part 1: the loss of an untrained network against ln C."""

import streamlit as st

from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.experiment import WIDTHS, initial_loss_verdict
from optim_lab.lessons.sanity.figures import initial_loss_figure
from optim_lab.nn import INITS
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.layout import notice

INIT_CHOICES = ("normal", "xavier", "he")


def show(state) -> dict:
    """The controls, the losses at step 0 and their verdict; returns the losses."""
    st.markdown(text.INITIAL)
    st.latex(text.INITIAL_FORMULA)
    c_controls, c_chart = st.columns([1, 3], gap="medium")
    with c_controls:
        init = widgets.entry_choice(
            state, "init", "initialization", INITS, "normal", names=list(INIT_CHOICES)
        )
        scale = float(
            widgets.number(
                state, "scale", INITS["normal"].param("scale"), disabled=init != "normal"
            )
        )
        hidden = widgets.int_choice(
            state, "h0", "hidden units", WIDTHS, "32", horizontal_radio=True
        )
    first = nn_cache.first_losses(init, scale, hidden, 0)
    with c_chart:
        fig = initial_loss_figure(first["classes"], first["loss"], first["expected"])
        st.plotly_chart(fig, key="sanity_init")
        notice(*initial_loss_verdict(first["loss"], first["expected"]))
    return first
