"""Lesson: weight initialization, the lectures' deep-network experiment (forward and backward)."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.initialization import text
from optim_lab.lessons.initialization.experiment import verdict
from optim_lab.lessons.initialization.figures import (
    grad_norm_figure,
    histograms_figure,
    layer_stats_figure,
)
from optim_lab.nn import ACTIVATIONS, INITS
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import notice, number_table, page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

WIDTHS = ("100", "250", "500", "1000")
SAMPLES = ("200", "500", "1000", "2000")
# The lectures' cases: (button label, activation, init, scale).
QUICK = (
    ("0.01·randn, tanh", "tanh", "normal", 0.01),
    ("1.0·randn, tanh", "tanh", "normal", 1.0),
    ("Xavier, tanh", "tanh", "xavier", 0.01),
    ("Xavier, ReLU", "relu", "xavier", 0.01),
    ("He, ReLU", "relu", "he", 0.01),
    ("zeros, tanh", "tanh", "zeros", 0.01),
)


def _apply_quick(activation: str, init: str, scale: float) -> None:
    state.set("act", activation)
    state.set("init", init)
    state.set("scale", scale)


state = UrlState("initialization")
page_header(text.TITLE, text.INTRO)
st.latex(text.FORMULA)

st.markdown("**The lectures' cases**")
for slot, (label, act, init, scale) in zip(st.columns(3) * 2, QUICK, strict=True):
    slot.button(
        label,
        key=f"init_quick_{act}_{init}_{scale:g}",
        on_click=_apply_quick,
        args=(act, init, scale),
        width="stretch",
    )

controls, chart = st.columns([1, 3], gap="medium")
with controls:
    activation = widgets.entry_choice(
        state,
        "act",
        "activation",
        ACTIVATIONS,
        "tanh",
        names=[n for n in ACTIVATIONS.names() if n != "prelu"],
    )
    init = widgets.entry_choice(state, "init", "initialization", INITS, "normal")
    scale = float(
        widgets.number(state, "scale", INITS["normal"].param("scale"), disabled=init != "normal")
    )
    layers = widgets.integer(state, "layers", "layers L", 10, 1, 20)
    width = widgets.int_choice(
        state, "width", "units per layer W", WIDTHS, "500", horizontal_radio=True
    )
    samples = widgets.int_choice(state, "n", "inputs N", SAMPLES, "1000", horizontal_radio=True)
    seed = widgets.integer(state, "seed", "seed", 0, 0, 9999, help="Another draw of the weights.")

with st.spinner("Running the experiment…"):
    stats = nn_cache.init_experiment(layers, width, samples, activation, init, scale, seed)

std, mean = stats["std"], stats["mean"]
hist_fig = histograms_figure(stats["hist"], stats["edges"])
with chart:
    st.latex(INITS[init].latex)
    st.plotly_chart(hist_fig, key="init_hist")
    st.caption(
        f"Distribution of the activations of each of the {layers} hidden layers "
        f"(first 200 inputs). Same x range in every panel."
    )
    notice(*verdict(stats, activation, init))

table = pd.DataFrame(
    {
        "layer": range(1, layers + 1),
        "mean": mean,
        "std": std,
        "spread across units": stats["unit_spread"],
        "‖∂L/∂W‖": stats["grad_norm"],
    }
)
stats_fig = layer_stats_figure(mean, std)
grad_fig = grad_norm_figure(stats["grad_norm"])
middle, right = st.columns(2, gap="medium")
with middle:
    st.markdown(text.FORWARD_TITLE)
    st.plotly_chart(stats_fig, key="init_stats")
with right:
    st.markdown(text.BACKWARD_TITLE)
    st.plotly_chart(grad_fig, key="init_grads")
    st.caption(text.BACKWARD_CAPTION)
st.markdown("**Per-layer numbers**")
number_table(table, dict.fromkeys(("mean", "std", "spread across units", "‖∂L/∂W‖"), "%.3g"))

st.markdown(f"**{INITS[init].label}**: {INITS[init].verdict}")
what_to_notice(text.NOTICE)
with section("Export"):
    export_row(
        "initialization",
        table,
        {
            "settings": {
                "activation": activation,
                "init": init,
                "scale": scale,
                "layers": layers,
                "width": width,
                "samples": samples,
                "seed": seed,
            },
            **{k: v for k, v in stats.items()},
        },
        hist_fig,
        key="init_export",
    )
    state.finish()
