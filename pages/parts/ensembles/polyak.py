"""Ensembles, part 4: Polyak averaging, a running average of one run's weights."""

import streamlit as st

from optim_lab.lessons.ensembles import text
from optim_lab.lessons.ensembles.experiment import polyak_summary
from optim_lab.lessons.ensembles.figures import polyak_figure
from optim_lab.ui import widgets

BETAS = ("0.9", "0.95", "0.98", "0.99", "0.995")
POLYAK_LRS = ("0.01", "0.03", "0.1")


def show(state, ensemble) -> tuple[dict, float, float]:
    """Trains the runs with their averages; returns them, the average's β and the learning rate."""
    st.markdown(text.POLYAK)
    p_controls, p_chart = st.columns([1, 3], gap="medium")
    with p_controls:
        beta = float(
            widgets.choice(
                state,
                "beta",
                "EWA β",
                list(BETAS),
                "0.99",
                help="Memory of the average: about 1/(1−β) steps.",
            )
        )
        st.caption(f"θ̄ remembers about {1 / (1 - beta):.0f} steps.")
        lr = float(
            widgets.choice(
                state,
                "plr",
                "Adam learning rate α",
                list(POLYAK_LRS),
                "0.03",
                help="A larger step makes the weights jitter more around the minimum.",
            )
        )
    with st.spinner("Training with a running average of the weights…"):
        pol = ensemble.run("polyak", ensemble.steps, lr, beta)
    fig = polyak_figure(
        pol["member_acc"], pol["polyak_acc"], pol["member_loss"], pol["polyak_loss"]
    )
    with p_chart:
        st.plotly_chart(fig, key="ens_polyak")
    st.markdown(polyak_summary(pol))
    return pol, beta, lr
