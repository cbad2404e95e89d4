"""Regularization, part 3: early stopping with a patience, on one training run's curves."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.regularization import text
from optim_lab.lessons.regularization.figures import early_stopping_figure
from optim_lab.nn.regularization import early_stopping_after
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import what_to_notice
from optim_lab.ui.sections import guarded


def show(state, tab) -> None:
    with tab, guarded():
        st.markdown(text.STOPPING)
        st.latex(text.STOPPING_FORMULA)
        patience = widgets.integer(
            state,
            "patience",
            "patience (evaluations)",
            20,
            1,
            300,
            help="Evaluations without a new best validation loss before training stops.",
        )
    if tab.open:
        with tab, guarded():
            _results(patience)


def _results(patience: int) -> None:
    with st.spinner("Training 600 steps…"):
        curves = nn_cache.stopping_curves(0)
    stop = early_stopping_after(curves["val_loss"], patience)
    best, stopped = stop["best_index"], stop["stopped_at"]
    es_fig = early_stopping_figure(
        curves["train_loss"], curves["val_loss"], best, stopped, patience
    )
    st.plotly_chart(es_fig, key="reg_es")
    last = len(curves["val_loss"]) - 1
    val_loss, val_acc = curves["val_loss"], curves["val_acc"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("best step (restored)", f"{best}")
    m2.metric("stops at step", "never" if stopped is None else f"{stopped}")
    m3.metric(
        "restored validation loss",
        f"{val_loss[best]:.3f}",
        f"{val_loss[best] - val_loss[last]:+.3f} vs training on",
        delta_color="inverse",
    )
    m4.metric(
        "restored validation accuracy",
        f"{val_acc[best]:.1%}",
        f"{val_acc[best] - val_acc[last]:+.1%} vs training on",
    )
    if stopped is None:
        st.info(
            f"With patience {patience} training never stops within {last + 1} steps; the best "
            f"weights (step {best}) are still restored at the end."
        )
    else:
        st.success(
            f"Training stops at step {stopped}, {last - stopped} steps early, and restores "
            f"the weights of step {best}, not those of step {stopped}."
        )
    what_to_notice(text.STOPPING_NOTICE)
    st.subheader("Export")
    table = pd.DataFrame(
        {"step": np.arange(last + 1)}
        | {k: curves[k] for k in ("train_loss", "val_loss", "val_acc")}
    )
    summary = {"patience": patience, "best_step": best, "stopped_at": stopped, **curves}
    export_row("regularization_early_stopping", table, summary, es_fig, key="reg_es_export")
