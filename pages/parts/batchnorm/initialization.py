"""Batch normalization, part 3: the 10 × 500 tanh experiment from 0.01·randn, with and without
batch norm."""

import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.lessons.batchnorm.figures import spread_figure
from optim_lab.ui import nn_cache

# Only the activations' spread is shown: no backward pass.
EXPERIMENT = dict(
    layers=10, width=500, samples=1000, activation="tanh", init="normal", scale=0.01, backward=False
)


def show(seed: int) -> None:
    st.markdown(text.INIT)
    with st.spinner("Pushing 1000 examples through 10 layers of 500 units, twice…"):
        plain = nn_cache.init_experiment(**EXPERIMENT, seed=seed)
        normalized = nn_cache.init_experiment(**EXPERIMENT, seed=seed, batchnorm=True)
    st.plotly_chart(spread_figure(plain["std"], normalized["std"]), key="bn_spread")
    last = len(plain["std"])
    st.caption(
        f"Std of the activations at layer 1 → layer {last}: without batch norm "
        f"{plain['std'][0]:.3g} → {plain['std'][-1]:.2g}; with it {normalized['std'][0]:.3g} → "
        f"{normalized['std'][-1]:.3g}."
    )
