"""Lesson: weight initialization, the lectures' deep-network experiment (forward and backward)."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.initialization.figures import (
    grad_norm_figure,
    histograms_figure,
    layer_stats_figure,
)
from optim_lab.nn import ACTIVATIONS, INITS
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
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
page_header(
    "Weight initialization",
    "Before training starts, every weight needs a value. Push 1,000 random inputs through a deep "
    "stack of identical layers and look at what comes out of each layer. If the weights are too "
    "small, each layer shrinks the signal until the last layers output nothing but zeros, and the "
    "gradients flowing back shrink the same way. If they are too large, tanh units are pinned at "
    "±1 where their slope is 0. A good scale keeps the spread of the activations roughly the same "
    "from layer to layer. Setting every weight to 0 fails differently: all units stay identical.",
)
st.latex(
    r"h_0 = x \sim \mathcal N(0, I),\qquad h_\ell = f(h_{\ell-1} W_\ell),\qquad"
    r"\operatorname{Var}(z) = \mathrm{fan}_{in}\,\operatorname{Var}(w)\,\operatorname{Var}(h)"
)

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
    activation = widgets.choice(
        state,
        "act",
        "activation",
        [n for n in ACTIVATIONS.names() if n != "prelu"],
        "tanh",
        format_func=lambda n: ACTIVATIONS[n].label,
    )
    init = widgets.choice(
        state,
        "init",
        "initialization",
        INITS.names(),
        "normal",
        format_func=lambda n: INITS[n].label,
    )
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
    if init == "zeros":
        st.error(
            "**Symmetry problem:** with every weight at 0, every unit of a layer computes the same "
            f"value (spread across units = {stats['unit_spread'][0]:.3g}) and receives the same "
            "gradient, so they stay identical forever: the layer behaves like a single unit."
        )
    elif std[-1] < 0.01:
        st.warning(
            f"**Vanishing activations:** the std falls from {std[0]:.3g} at layer 1 to "
            f"{std[-1]:.2g} at layer {layers}; the last layers output (almost) only zeros."
        )
    elif activation in ("tanh", "sigmoid") and std[0] > 0.9 * (1 if activation == "tanh" else 0.5):
        st.warning(
            f"**Saturated units:** the std is ≈ {std[0]:.2f}, so most tanh outputs sit at ±1 "
            "where the slope is 0: the gradients vanish."
        )
    else:
        st.success(f"Std at layer 1: {std[0]:.3g}, at layer {layers}: {std[-1]:.3g}.")

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
    st.markdown("**Forward pass: mean and std of the activations**")
    st.plotly_chart(stats_fig, key="init_stats")
with right:
    st.markdown("**Backward pass: gradient of each layer's weights**")
    st.plotly_chart(grad_fig, key="init_grads")
    st.caption(
        "A fixed random gradient is sent back from the last layer. A line that drops towards "
        "layer 1 is a vanishing gradient; one that climbs is an exploding one. Compare the "
        "magnitudes too: 10⁻⁵ means the weights will hardly move."
    )
st.markdown("**Per-layer numbers**")
st.dataframe(
    table.style.format(
        {"mean": "{:.3g}", "std": "{:.3g}", "spread across units": "{:.3g}", "‖∂L/∂W‖": "{:.3g}"}
    ),
    hide_index=True,
    width="stretch",
)

st.markdown(f"**{INITS[init].label}**: {INITS[init].verdict}")
what_to_notice(
    [
        "0.01·randn with tanh: the std is about 0.21 after layer 1 and keeps shrinking to "
        "almost 0 by layer 10; the weight gradients of those layers are tiny too.",
        "1.0·randn with tanh: the std jumps to about 0.98, every unit is at ±1 (the histograms "
        "pile up at the edges), so the slopes and the gradients are ≈ 0.",
        "Xavier with tanh: the std starts near 0.63 and decays only slowly (≈ 0.23 at layer 10).",
        "Xavier with ReLU: ReLU zeros half the inputs, so the variance halves at every layer. "
        "He's extra factor 2 makes up for that and the std stays flat.",
        "Zeros: every unit gets the same value and the same update (spread across units = 0).",
    ]
)
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
