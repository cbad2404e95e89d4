"""Batch normalization, part 1: μ_B, σ²_B, x̂ and y = γx̂ + β on a real mini-batch."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.lessons.batchnorm.experiment import BATCH_SIZES, UNITS, transform_steps
from optim_lab.lessons.batchnorm.figures import transform_figure
from optim_lab.nn.batchnorm import BN_EPS
from optim_lab.registry import HParam
from optim_lab.ui import widgets
from optim_lab.ui.layout import number_table

GAMMA = HParam("gamma", "scale γ", 1.0, -3.0, 3.0, help="Learned in training; 1 at the start.")
BETA = HParam("beta", "shift β", 0.0, -3.0, 3.0, help="Learned in training; 0 at the start.")


def show(state, seed: int) -> None:
    st.markdown(text.TRANSFORM)
    st.latex(text.TRANSFORM_FORMULA)
    controls = st.columns(4)
    batch = widgets.int_choice(
        state,
        "m",
        "batch size m",
        [str(b) for b in BATCH_SIZES],
        "8",
        container=controls[0],
        horizontal_radio=True,
    )
    unit = widgets.integer(state, "unit", "unit", 1, 1, UNITS, container=controls[1])
    gamma = float(widgets.number(state, "gamma", GAMMA, container=controls[2]))
    beta = float(widgets.number(state, "beta", BETA, container=controls[3]))
    steps = transform_steps(batch, gamma, beta, seed)
    u = unit - 1
    st.plotly_chart(transform_figure(steps, u), key="bn_transform")
    z, mu, var = steps["z"][0, u], steps["mu"][u], steps["var"][u]
    st.markdown(f"**The first example of the batch, unit {unit}:**")
    st.latex(
        rf"\hat z_1 = \frac{{{z:.4f} - ({mu:.4f})}}{{\sqrt{{{var:.4f} + 10^{{-5}}}}}} = "
        rf"{steps['z_hat'][0, u]:.4f},\qquad y_1 = {gamma:g}\cdot({steps['z_hat'][0, u]:.4f})"
        rf" + ({beta:g}) = {steps['y'][0, u]:.4f}"
    )
    table = pd.DataFrame(
        {
            "unit": range(1, UNITS + 1),
            "μ_B": steps["mu"],
            "σ²_B": steps["var"],
            "mean of x̂": steps["z_hat"].mean(axis=0),
            "variance of x̂": steps["z_hat"].var(axis=0),
            "σ²_B/(σ²_B + ε)": steps["var"] / (steps["var"] + BN_EPS),
        }
    )
    number_table(table, dict.fromkeys(table.columns[1:], "%.4f"))
