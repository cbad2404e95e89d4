"""Sanity checks, part 3: plain SGD with a learning rate too low, about right and too high."""

import streamlit as st

from optim_lab.figures.theme import OKABE_ITO
from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.experiment import rate_labels, stop_reason
from optim_lab.lessons.sanity.figures import lr_compare_figure
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.layout import stopped_run_notice

LR_STEPS = 100
SGD_LR = OPTIMIZERS["sgd"].param("lr")  # the runs refuse rates outside its range
LOW_LR = HParam("low", "too low", 1e-6, SGD_LR.min, 1e-2, log=True, help="SGD learning rate.")
GOOD_LR = HParam("good", "about right", 0.5, 1e-3, 2.0, log=True, help="SGD learning rate.")
HIGH_LR = HParam("high", "too high", 10.0, 0.5, 10.0, log=True, help="SGD learning rate.")
COLORS = [OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3]]


def show(state) -> tuple[tuple[float, ...], dict, dict]:
    """The three rates, their runs and how each ended; returns the rates, the runs and the
    figure."""
    st.markdown(text.RATES)
    l_controls, l_chart = st.columns([1, 3], gap="medium")
    with l_controls:
        lrs = tuple(float(widgets.number(state, s.name, s)) for s in (LOW_LR, GOOD_LR, HIGH_LR))
    with st.spinner("Training three learning rates…"):
        runs = nn_cache.lr_runs(lrs, LR_STEPS, 0)
    exploded = [s["diverged_at"] for s in runs["status"]]
    labels = rate_labels(lrs)
    lr_fig = lr_compare_figure(runs["loss"], labels, exploded, COLORS)
    with l_chart:
        st.plotly_chart(lr_fig, key="sanity_lr")
        cols = st.columns(3)
        for slot, label, run_loss, status in zip(
            cols, labels, runs["loss"], runs["status"], strict=True
        ):
            if status["diverged_at"] is not None:
                hint = stop_reason(status)
                stopped_run_notice(label, status["diverged_at"], hint=hint, where=slot)
            else:
                slot.info(
                    f"{label}: loss {run_loss[0]:.4f} → {run_loss[-1]:.4f} in {LR_STEPS} steps"
                )
    return lrs, runs, lr_fig
