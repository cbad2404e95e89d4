"""Batch normalization, part 5: before or after the non-linearity."""

import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.lessons.batchnorm.experiment import PLACEMENT_ACTIVATIONS
from optim_lab.lessons.batchnorm.figures import placement_figure
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.layout import stopped_run_notice


def show(state, seed: int) -> None:
    st.markdown(text.PLACEMENT)
    activation = widgets.choice(
        state, "act", "activation", list(PLACEMENT_ACTIVATIONS), "relu", horizontal_radio=True
    )
    with st.spinner("Training the network twice (batch norm before, then after)…"):
        compare = nn_cache.batchnorm_placement(activation, seed)
    st.plotly_chart(placement_figure(compare), key="bn_placement")
    st.caption(text.placement_result(compare))
    for position, run in compare.items():
        stopped_run_notice(f"Batch norm {position}", run["diverged_at"])
