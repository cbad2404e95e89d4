"""Lesson: data preprocessing (centring, scaling, PCA, whitening) and why centred inputs help."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.preprocessing import text
from optim_lab.lessons.preprocessing.experiment import (
    TRUE_WEIGHTS,
    preprocessing_steps,
    step_statistics,
)
from optim_lab.lessons.preprocessing.figures import clouds_figure, sign_paths_figure
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

ANGLE = HParam("angle", "tilt of the cloud (°)", 30.0, -90.0, 90.0, help="Rotates the long axis.")
LR = HParam("lr", "SGD learning rate", 0.3, 0.01, 1.0, log=True, help="Step size of every update.")

state = UrlState("preprocessing")
page_header(text.TITLE, text.INTRO)
for formula in text.FORMULAS:
    st.latex(formula)

c1, c2, c3 = st.columns(3, gap="large")
with c1:
    points = widgets.integer(state, "n", "points", 300, 20, 2000)
with c2:
    angle = float(widgets.number(state, "angle", ANGLE))
with c3:
    seed = widgets.integer(state, "seed", "seed", 0, 0, 9999, help="Another random cloud.")

raw = nn_cache.cloud(points, seed, angle)
steps = preprocessing_steps(raw)
cloud_fig = clouds_figure(steps, colour_by=raw[:, 0])
st.plotly_chart(cloud_fig, key="prep_clouds")
st.caption(text.CLOUDS_CAPTION)
st.dataframe(pd.DataFrame(step_statistics(steps)).round(3), hide_index=True, width="stretch")

with section(text.SIGN_BIAS_TITLE, header=True):
    st.markdown(text.SIGN_BIAS)
    st.latex(text.SIGN_BIAS_FORMULA)
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
        for slot, title, r in zip(
            st.columns(2), ("all-positive", "zero-centred"), (positive, centred), strict=True
        ):
            slot.metric(f"same-sign updates, {title}", f"{float(r['same_sign']):.0%}")
            if int(r["diverged_at"]) >= 0:
                stopped_run_notice(title, int(r["diverged_at"]), where=slot)
            else:
                slot.caption(
                    f"final loss {float(r['loss'][-1]):.3g}, weights "
                    f"({r['path'][-1, 0]:.2f}, {r['path'][-1, 1]:.2f}); best (1, −1)"
                )

    what_to_notice(text.NOTICE)

    with section("Export"):
        export_row(
            "preprocessing",
            pd.DataFrame(
                {
                    f"{title} {axis}": p[:, j]
                    for title, p in steps
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
                "clouds": dict(steps),
                "sgd": {
                    "positive": {"path": positive["path"], "loss": positive["loss"]},
                    "centred": {"path": centred["path"], "loss": centred["loss"]},
                },
            },
            cloud_fig,
            key="prep_export",
        )
        state.finish()
