"""Adaptive methods, part 3: Adam with and without bias correction, step by step."""

import numpy as np
import streamlit as st

from optim_lab.lessons.adaptive import experiment, text
from optim_lab.lessons.adaptive.figures import bias_correction_figure
from optim_lab.trajectory import RunSpec
from optim_lab.ui.layout import stopped_run_notice

BIAS_STEPS = 60  # first steps shown in the bias-correction comparison
RATIO_STEPS = (0, 1, 4, 9)  # steps whose measured ratio is shown as a number


def show(setting, adam_hp: dict) -> list:
    """Two runs of Adam with ``adam_hp``, with and without the correction; returns them."""
    b1, b2 = float(adam_hp["beta1"]), float(adam_hp["beta2"])
    st.markdown(text.BIAS)
    st.latex(text.BIAS_FORMULA)
    bias_runs = setting.runs(
        (
            RunSpec("adam", {**adam_hp, "bias_correction": 1.0}, label="Adam, corrected"),
            RunSpec("adam", {**adam_hp, "bias_correction": 0.0}, label="Adam, uncorrected"),
        )
    )
    shown = min(BIAS_STEPS, setting.steps)
    factors = experiment.adam_bias_factors(b1, b2, shown)
    on, off = (experiment.step_lengths(t.updates[:shown]) for t in bias_runs)
    bias_fig = bias_correction_figure(factors, on, off, beta1=b1, beta2=b2)
    st.plotly_chart(bias_fig, key="adaptive_bias")
    st.markdown("**Uncorrected step length ÷ corrected step length** (measured on the two runs)")
    ratios = experiment.length_ratios(on, off)
    for slot, t_index in zip(st.columns(4), RATIO_STEPS, strict=True):
        if t_index < shown:
            ratio = ratios[t_index]
            slot.metric(
                f"step {t_index + 1}",
                "—" if np.isnan(ratio) else f"{ratio:.2f}×",  # — : a run stopped (diverged)
                help=f"Theory for equal gradients and ε → 0: {factors['step'][t_index]:.2f}×",
            )
    for t in bias_runs:
        stopped_run_notice(t.label, t.diverged_at)
    return bias_runs
