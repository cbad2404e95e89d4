"""Regularization, part 4: data augmentation and more data, on the 8×8 digits."""

import pandas as pd
import streamlit as st

from optim_lab.lessons.regularization import text
from optim_lab.lessons.regularization.figures import (
    augmentation_figure,
    digit_grid_figure,
    size_figure,
)
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import what_to_notice
from optim_lab.ui.sections import guarded

N_TRAIN = ("50", "100", "200")
SHIFTS = ("0", "0.5", "1")
NOISE = HParam(
    "noise", "pixel noise σ", 1.0, 0.0, 4.0, help="Std of the Gaussian noise (pixels 0–16)."
)


def show(state, tab) -> None:
    with tab, guarded():
        st.markdown(text.DATA)
        st.latex(text.AUGMENTATION_FORMULA)
        controls = st.columns(3, gap="medium")
        n_train = widgets.int_choice(
            state,
            "n",
            "training images",
            N_TRAIN,
            "100",
            container=controls[0],
            horizontal_radio=True,
        )
        shift = widgets.choice(
            state,
            "shift",
            "largest move s (pixels)",
            list(SHIFTS),
            "1",
            container=controls[1],
            horizontal_radio=True,
        )
        noise = float(widgets.number(state, "noise", NOISE, container=controls[2]))
    if tab.open:
        with tab, guarded():
            _results(n_train, float(shift), noise)


def _results(n_train: int, shift: float, noise: float) -> None:
    with st.spinner("Training 6 networks on the digits…"):
        aug = nn_cache.augmentation_compare(n_train, shift, noise, 0)
    g_col, b_col = st.columns([2, 3], gap="medium")
    with g_col:
        st.markdown("**Training images and three augmented copies of each**")
        st.plotly_chart(digit_grid_figure(aug["examples"], aug["labels"]), key="reg_digits")
    with b_col:
        st.markdown(
            f"**{aug['n_train']} original images vs {aug['n_augmented']} with augmentation**"
        )
        accuracies = (aug["plain"], aug["augmented"], aug["plain_moved"], aug["augmented_moved"])
        st.plotly_chart(augmentation_figure(*accuracies), key="reg_aug")
    st.markdown("**More data: accuracy vs number of training images** (digits, 64-32-10)")
    with st.spinner("Training 6 networks on growing training sets…"):
        sizes = nn_cache.digits_size_curve(0)
    size_fig = size_figure(sizes["sizes"], sizes["train_acc"], sizes["val_acc"])
    st.plotly_chart(size_fig, key="reg_size")
    what_to_notice(text.DATA_NOTICE)
    st.subheader("Export")
    columns = {"train_images": "sizes", "train_acc": "train_acc", "val_acc": "val_acc"}
    table = pd.DataFrame({name: sizes[key] for name, key in columns.items()})
    summary = {"augmentation": {k: v for k, v in aug.items() if k != "examples"}, "size": sizes}
    export_row("regularization_data", table, summary, size_fig, key="reg_data_export")
