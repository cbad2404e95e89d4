"""Batch normalization, part 3: the 10 × 500 tanh experiment from 0.01·randn, with and without
batch norm."""

import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.lessons.batchnorm.figures import spread_figure
from optim_lab.ui import nn_cache


def show(seed: int) -> None:
    st.markdown(text.INIT)
    with st.spinner(
        "Pushing 1000 examples through 10 layers of 500 units twice, and training the 8 networks "
        "of part 4…"
    ):
        spreads = nn_cache.batchnorm_seed_runs(seed)["spreads"]
    plain, normalized = spreads["plain"], spreads["normalized"]
    st.plotly_chart(spread_figure(plain, normalized), key="bn_spread")
    st.caption(
        f"Std of the activations at layer 1 → layer {len(plain)}: without batch norm "
        f"{plain[0]:.3g} → {plain[-1]:.2g}; with it {normalized[0]:.3g} → {normalized[-1]:.3g}."
    )
