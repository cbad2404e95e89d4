"""Lesson: data preprocessing (centring, scaling, PCA, whitening) and why centred inputs help."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.preprocessing.experiment import TRUE_WEIGHTS
from optim_lab.lessons.preprocessing.figures import clouds_figure, sign_paths_figure
from optim_lab.nn import pca_rotate, standardize, whiten, zero_center
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

ANGLE = HParam("angle", "tilt of the cloud (°)", 30.0, -90.0, 90.0, help="Rotates the long axis.")
LR = HParam("lr", "SGD learning rate", 0.3, 0.01, 1.0, log=True, help="Step size of every update.")

state = UrlState("preprocessing")
page_header(
    "Data preprocessing",
    "Raw features are rarely centred on zero, often come in very different units, and are "
    "usually correlated. Four standard fixes, each computed **on the training set only** and then "
    "applied unchanged to validation and test data: subtract the mean (centring), divide by the "
    "standard deviation (standardizing), rotate onto the directions of largest variance (PCA), and "
    "also rescale those directions to unit variance (whitening). For images, centring is usually "
    "all that is done.",
)
st.latex(r"\text{centre: } x - \mu \qquad \text{standardize: } \frac{x - \mu}{\sigma}")
st.latex(
    r"\text{PCA: } (x - \mu)\,U \qquad \text{whiten: } (x - \mu)\,U\,\Lambda^{-1/2},"
    r"\qquad \text{where } \Sigma = U \Lambda U^\top"
)

c1, c2, c3 = st.columns(3, gap="large")
with c1:
    points = widgets.integer(state, "n", "points", 300, 20, 2000)
with c2:
    angle = float(widgets.number(state, "angle", ANGLE))
with c3:
    seed = widgets.integer(state, "seed", "seed", 0, 0, 9999, help="Another random cloud.")
chart = st.container()

raw = nn_cache.cloud(points, seed, angle)
panels = [
    ("raw (+ = origin)", raw),
    ("centred", zero_center(raw)[0]),
    ("standardized", standardize(raw)[0]),
    ("PCA-rotated", pca_rotate(raw)[0]),
    ("whitened", whiten(raw)[0]),
]
cloud_fig = clouds_figure(panels, colour_by=raw[:, 0])
stats = pd.DataFrame(
    [
        {
            "step": title,
            "mean x₁": p[:, 0].mean(),
            "mean x₂": p[:, 1].mean(),
            "std x₁": p[:, 0].std(),
            "std x₂": p[:, 1].std(),
            "correlation": float(np.corrcoef(p.T)[0, 1]),
        }
        for title, p in panels
    ]
)
with chart:
    st.plotly_chart(cloud_fig, key="prep_clouds")
    st.caption(
        "Same axes and scale in every panel; the + is the origin. Colour follows each point "
        "(by its raw x₁), so you can see the PCA rotation."
    )
    st.dataframe(stats.round(3), hide_index=True, width="stretch")

st.header("Why all-positive inputs slow learning down")
st.markdown(
    "Take one unit ŷ = w₁x₁ + w₂x₂ trained with squared error, one example at a time. The "
    "gradient for one example is (ŷ − y)·x. If every input is positive, both components of "
    "that gradient have the sign of (ŷ − y): **every update raises both weights or lowers both**. "
    "When the best weights need one to go up and the other down, SGD can only get there by "
    "zig-zagging. Centre the inputs and each update can point anywhere. The same holds for a "
    "layer fed by sigmoid or ReLU outputs, which are never negative."
)
st.latex(
    r"\frac{\partial L}{\partial w_i} = (\hat y - y)\,x_i,\qquad "
    r"x_i > 0\ \forall i\ \Rightarrow\ \operatorname{sign}\frac{\partial L}{\partial w_1}"
    r" = \operatorname{sign}\frac{\partial L}{\partial w_2}"
)
sgd_controls, sgd_chart = st.columns([1, 4], gap="medium")
with sgd_controls:
    lr = float(widgets.number(state, "lr", LR))
    epochs = widgets.integer(state, "epochs", "epochs (20 examples each)", 3, 1, 10)
    sgd_seed = widgets.integer(state, "sseed", "example seed", 0, 0, 9999)

positive = nn_cache.sign_bias(False, lr, epochs, sgd_seed)
centred = nn_cache.sign_bias(True, lr, epochs, sgd_seed)
paths_fig = sign_paths_figure(
    [("all-positive inputs", positive), ("zero-centred inputs", centred)], TRUE_WEIGHTS
)
with sgd_chart:
    st.plotly_chart(paths_fig, key="prep_paths")
    c1, c2 = st.columns(2)
    for slot, title, r in ((c1, "all-positive", positive), (c2, "zero-centred", centred)):
        slot.metric(
            f"same-sign updates, {title}",
            f"{float(r['same_sign']):.0%}",
        )
        if int(r["diverged_at"]) >= 0:
            stopped_run_notice(title, int(r["diverged_at"]), where=slot)
        else:
            slot.caption(
                f"final loss {float(r['loss'][-1]):.3g}, weights "
                f"({r['path'][-1, 0]:.2f}, {r['path'][-1, 1]:.2f}); best (1, −1)"
            )

what_to_notice(
    [
        "Centring moves the cloud onto the origin without changing its shape; standardizing then "
        "gives both axes a std of 1, but the cloud is still tilted (correlated).",
        "PCA rotates the cloud so its long axis lies along x₁: the correlation becomes 0. "
        "Whitening also squeezes it into a round ball of unit variance.",
        "With all-positive inputs, 100 % of the updates move w₁ and w₂ in the same direction: the "
        "path is a staircase of diagonal steps. With centred inputs about half do.",
        "The statistics (μ, σ, U, Λ) come from the training data only; the same numbers are then "
        "applied to validation and test data.",
    ]
)

with section("Export"):
    export_row(
        "preprocessing",
        pd.DataFrame(
            {
                f"{title} {axis}": p[:, j]
                for title, p in panels
                for j, axis in enumerate(("x1", "x2"))
            }
        ),
        {
            "settings": {
                "points": points,
                "angle": angle,
                "seed": seed,
                "lr": lr,
                "epochs": epochs,
            },
            "clouds": {title: p for title, p in panels},
            "sgd": {
                "positive": {"path": positive["path"], "loss": positive["loss"]},
                "centred": {"path": centred["path"], "loss": centred["loss"]},
            },
        },
        cloud_fig,
        key="prep_export",
    )
    state.finish()
