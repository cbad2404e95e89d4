"""Batch normalization, part 2: training with batches of 2, 8 or 64, then testing in eval mode
(running averages) and in train mode (each test batch's own statistics)."""

import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.lessons.batchnorm.experiment import BATCH_SIZES, MODE_STEPS
from optim_lab.lessons.batchnorm.figures import loss_curve_figure
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.layout import stopped_run_notice


def show(state, seed: int) -> None:
    st.markdown(text.MODES)
    st.latex(text.RUNNING_FORMULA)
    batch = widgets.int_choice(
        state,
        "train_m",
        "training batch size",
        [str(b) for b in BATCH_SIZES],
        "8",
        horizontal_radio=True,
    )
    with st.spinner(f"Training {MODE_STEPS} steps with batches of {batch}…"):
        result = nn_cache.batchnorm_modes(batch, seed)
    left, right = st.columns([3, 2], gap="medium")
    left.plotly_chart(loss_curve_figure(result["loss"], batch), key="bn_loss")
    with right:
        st.metric("validation accuracy, eval mode", f"{result['eval_acc']:.1%}")
        st.metric(
            f"validation accuracy, train mode (batches of {batch})",
            f"{result['train_mode_acc']:.1%}",
            f"{result['train_mode_acc'] - result['eval_acc']:+.1%} vs eval mode",
        )
        st.caption(text.single_example(result["alone_gap"], result["single_spread"]))
    stopped_run_notice(f"Batches of {batch}", result["diverged_at"])
