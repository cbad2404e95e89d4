"""Regularization, part 2: dropout on one neuron (every mask, Monte Carlo) and its effect on the
overfitting gap."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.regularization import text
from optim_lab.lessons.regularization.experiment import mask_table
from optim_lab.lessons.regularization.figures import keep_gap_figure, running_mean_figure
from optim_lab.nn.training_config import DROPOUT_CONVENTION
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import number_table, what_to_notice
from optim_lab.ui.sections import guarded

KEEPS = (1.0, 0.8, 0.6, 0.4)
MASKS = ("100", "1000", "10000", "100000")
KEEP = HParam(
    "p",
    "keep probability p",
    0.5,
    0.05,
    1.0,
    help="Each input is kept with probability p. " + DROPOUT_CONVENTION,
)
GAP_FORMATS = {"keep p": "%g", "train acc": "percent", "val acc": "percent"}
GAP_FORMATS |= dict.fromkeys(("train loss", "val loss", "loss gap"), "%.3f")


def show(state, tab) -> None:
    with tab, guarded():
        st.markdown(text.DROPOUT)
        st.latex(text.DROPOUT_NEURON)
        st.latex(text.DROPOUT_HALF)
        st.latex(text.DROPOUT_MODES)
        controls = st.columns(6, gap="small")
        weights = (
            _weight(state, "w1", "w₁", 1.0, controls[0]),
            _weight(state, "w2", "w₂", 2.0, controls[1]),
        )
        inputs = (
            _weight(state, "x", "x", 3.0, controls[2]),
            _weight(state, "y", "y", -1.0, controls[3]),
        )
        keep = float(widgets.number(state, "p", KEEP, container=controls[4]))
        masks = widgets.int_choice(
            state, "masks", "random masks", MASKS, "10000", container=controls[5]
        )
        neuron_out = st.container()
        st.subheader("Effect of p on the overfitting gap")
        st.markdown(text.DROPOUT_GAP)
        mode = widgets.choice(
            state,
            "mode",
            "dropout implementation",
            ["inverted", "vanilla"],
            "inverted",
            horizontal_radio=True,
        )
        gap_out = st.container()
    if tab.open:
        with guarded():
            with neuron_out:
                neuron = _one_neuron(weights, inputs, keep, masks)
            with gap_out:
                _keep_sweep(mode, weights, inputs, keep, masks, neuron)


def _weight(state, url_key: str, label: str, default: float, container) -> float:
    spec = HParam(url_key, label, default, -3.0, 3.0)
    return float(widgets.number(state, url_key, spec, container=container))


def _one_neuron(weights, inputs, keep: float, masks: int) -> dict:
    neuron = nn_cache.neuron_samples(weights, inputs, keep, masks, 0)
    full = neuron["full"]
    table_col, fig_col = st.columns([2, 3], gap="medium")
    with table_col:
        st.markdown("**The four possible masks** (training, vanilla)")
        rows = pd.DataFrame(mask_table(weights, inputs, keep))
        number_table(rows, {"P(mask)": "%.4f", "a": "%.3f"})
        expectation = float(np.sum(rows["P(mask)"] * rows["a"]))
        st.markdown(
            f"Σ P(mask)·a = **{expectation:.4f}** = p·(w₁x + w₂y) = "
            f"{keep:g} × {full:g} = **{keep * full:.4f}**"
        )
        c1, c2 = st.columns(2)
        c1.metric("vanilla: mean of a", f"{neuron['vanilla_mean'][-1]:.4f}")
        c1.caption(f"test output p·(w₁x + w₂y) = {neuron['vanilla_expected']:.4f}")
        c2.metric("inverted: mean of a/p", f"{neuron['inverted_mean'][-1]:.4f}")
        c2.caption(f"test output w₁x + w₂y = {neuron['inverted_expected']:.4f}")
    with fig_col:
        st.markdown(f"**Monte Carlo: {masks:,} random masks, both modes on the same masks**")
        means = (neuron["vanilla_mean"], neuron["inverted_mean"])
        expected = (neuron["vanilla_expected"], neuron["inverted_expected"])
        st.plotly_chart(running_mean_figure(*means, *expected), key="reg_mc")
    return neuron


def _keep_sweep(mode: str, weights, inputs, keep: float, masks: int, neuron: dict) -> None:
    with st.spinner(f"Training 4 networks with {mode} dropout…"):
        gap = nn_cache.dropout_gap(KEEPS, mode, 0)
    losses = (gap["val_loss"], gap["train_loss"], gap["final_val_loss"])
    keep_fig = keep_gap_figure(gap["keeps"], *losses)
    st.plotly_chart(keep_fig, key="reg_keep")
    gap_table = pd.DataFrame(
        {
            "keep p": gap["keeps"],
            "train acc": gap["train_acc"],
            "val acc": gap["val_acc"],
            "train loss": gap["train_loss"],
            "val loss": gap["final_val_loss"],
            "loss gap": gap["final_val_loss"] - gap["train_loss"],
        }
    )
    number_table(gap_table, GAP_FORMATS)
    what_to_notice(text.DROPOUT_NOTICE)
    st.subheader("Export")
    samples = {"a_vanilla": neuron["vanilla"], "a_inverted": neuron["inverted"]}
    mc_table = pd.DataFrame({"mask": np.arange(1, masks + 1), **samples})
    summary = {
        "w": list(weights),
        "inputs": list(inputs),
        "keep": keep,
        "vanilla_mean": float(neuron["vanilla_mean"][-1]),
        "inverted_mean": float(neuron["inverted_mean"][-1]),
        "vanilla_expected": neuron["vanilla_expected"],
        "inverted_expected": neuron["inverted_expected"],
        "keep_sweep": {k: v for k, v in gap.items() if k != "val_loss"},
    }
    export_row("regularization_dropout", mc_table, summary, keep_fig, key="reg_drop_export")
