"""Lesson: regularization — weight penalties (L2, L1, elastic net), dropout, early stopping, data
augmentation and more data."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.figures.boundary import boundary_figure
from optim_lab.lessons.regularization import text
from optim_lab.lessons.regularization.experiment import (
    PENALTIES,
    SWEEP_LAMBDAS,
    mask_table,
    pick_penalty,
    sweep_table,
    weights_at,
)
from optim_lab.lessons.regularization.figures import (
    augmentation_figure,
    digit_grid_figure,
    early_stopping_figure,
    gap_figure,
    keep_gap_figure,
    lam_label,
    loss_curves_figure,
    pull_figure,
    running_mean_figure,
    size_figure,
    weight_hist_figure,
)
from optim_lab.nn.regularization import early_stopping_after
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import guarded
from optim_lab.ui.state import UrlState

TABS = ("Weight penalties", "Dropout", "Early stopping", "Augmentation & more data")
PENALTY_LABELS = {"l2": "L2", "l1": "L1", "elastic": "elastic net"}
SWEEP_LR = 0.3  # the sweep's gradient-descent step size (see reg_lessons.penalty_sweep)
KEEPS = (1.0, 0.8, 0.6, 0.4)
MASKS = ("100", "1000", "10000", "100000")
N_TRAIN = ("50", "100", "200")
SHIFTS = ("0", "0.5", "1")
W_SPEC = dict(low=-3.0, high=3.0)
KEEP = HParam(
    "p", "keep probability p", 0.5, 0.05, 1.0, help="Each input is kept with probability p."
)
NOISE = HParam(
    "noise", "pixel noise σ", 1.0, 0.0, 4.0, help="Std of the Gaussian noise (pixels 0–16)."
)


def _lam_select(container) -> float:
    def parse(text: str) -> float:  # one of the slider's options (the ends for numbers beyond)
        return widgets.pick(SWEEP_LAMBDAS, text, format_func=lam_label)

    key = state.prepare("lam", 3e-3, parse)
    return float(
        container.select_slider(
            "penalty strength λ (log scale)",
            options=list(SWEEP_LAMBDAS),
            key=key,
            format_func=lam_label,
            help="The sweep trains every λ at once; moving the slider only picks one of them.",
        )
    )


def _tab_select() -> str:
    def parse(text: str) -> str:
        if text not in TABS:
            raise ValueError(f"choose one of {', '.join(TABS)}")
        return text

    return state.prepare("tab", TABS[0], parse)


def _weight(url_key: str, label: str, default: float, container) -> float:
    spec = HParam(url_key, label, default, W_SPEC["low"], W_SPEC["high"])
    return float(widgets.number(state, url_key, spec, container=container))


state = UrlState("regularization")
page_header(
    "Regularization",
    text.INTRO,
)
tab_key = _tab_select()
tabs = st.tabs(list(TABS), key=tab_key, on_change="rerun")

# ------------------------------------------------------------------ 1. weight penalties
with tabs[0], guarded():
    st.markdown(text.PENALTIES)
    st.latex(text.PENALTIES_FORMULA)
    st.latex(text.PENALTY_CHOICES)
    p_controls = st.columns([2, 3, 1], gap="medium")
    penalty = widgets.choice(
        state,
        "pen",
        "penalty",
        list(PENALTIES),
        "l2",
        format_func=PENALTY_LABELS.get,
        container=p_controls[0],
        horizontal_radio=True,
    )
    lam = _lam_select(p_controls[1])
    seed = widgets.integer(
        state, "seed", "seed", 0, 0, 999, container=p_controls[2], help="Data split and weights."
    )
if tabs[0].open:
    with tabs[0], guarded():
        with st.spinner("Training 24 networks (3 penalties × 8 values of λ) in one run…"):
            sweep = nn_cache.penalty_sweep(int(seed))
        picked = pick_penalty(sweep, penalty, lam)
        li, sel, first = picked["lam_index"], picked["run"], picked["unpenalized"]
        final_train, final_val = picked["final_train"], picked["final_val"]
        label = f"{PENALTY_LABELS[penalty]}, λ = {lam_label(lam)}"
        left, right = st.columns(2, gap="medium")
        with left:
            st.markdown(f"**Final accuracy for every λ ({PENALTY_LABELS[penalty]})**")
            gap_fig = gap_figure(sweep["lams"], final_train, final_val, li)
            st.plotly_chart(gap_fig, key="reg_gap")
            st.markdown(f"**Loss during training: {label} vs no penalty**")
            curves_fig = loss_curves_figure(
                sweep["steps"],
                sweep["train_loss"][sel],
                sweep["val_loss"][sel],
                sweep["train_loss"][first],
                sweep["val_loss"][first],
                label,
            )
            st.plotly_chart(curves_fig, key="reg_curves")
        with right:
            st.markdown(f"**Decision boundary: {label}**")
            grid = {
                "x": sweep["grid_x"],
                "y": sweep["grid_y"],
                "probs": sweep["grid_probs"][sel],
            }
            boundary_fig = boundary_figure(
                grid,
                sweep["x_train"],
                sweep["y_train"],
                sweep["x_val"],
                sweep["y_val"],
                n_classes=sweep["n_classes"],
                height=520,
            )
            st.plotly_chart(boundary_fig, key="reg_boundary")
            m1, m2, m3 = st.columns(3)
            m1.metric("training accuracy", f"{final_train[li]:.1%}")
            m2.metric("validation accuracy", f"{final_val[li]:.1%}")
            m3.metric(
                "gap (train − val)",
                f"{final_train[li] - final_val[li]:+.1%}",
                f"{(final_train[li] - final_val[li]) - (final_train[0] - final_val[0]):+.1%} vs λ = 0",
                delta_color="inverse",
            )

        st.subheader("Why L1 makes weights exactly zero")
        st.markdown(text.SHRINKAGE)
        st.latex(text.SHRINKAGE_FORMULAS)
        h_left, h_right = st.columns(2, gap="medium")
        hist_keys, zeros = weights_at(sweep, lam)
        with h_left:
            st.markdown(f"**Final weights at λ = {lam_label(lam)}** (all three penalties)")
            hist_fig = weight_hist_figure(hist_keys, zeros)
            st.plotly_chart(hist_fig, key="reg_hist")
        with h_right:
            st.markdown(f"**The penalty's move of one weight per step** (α = {SWEEP_LR:g})")
            if lam > 0:
                st.plotly_chart(pull_figure(lam, SWEEP_LR), key="reg_pull")
            else:
                st.info("λ = 0: no penalty, no pull. Pick a λ above 0 to compare L1 and L2.")
        if lam > 0:
            total = len(sweep["weights"][0])
            st.caption(
                f"Exactly zero weights out of {total}: L2 {zeros['l2']}, L1 {zeros['l1']}, "
                f"elastic net {zeros['elastic']}."
            )
        what_to_notice(text.PENALTIES_NOTICE)
        st.subheader("Export")
        table = pd.DataFrame(sweep_table(sweep))
        export_row(
            "regularization_penalties",
            table,
            {
                "penalties": list(PENALTIES),
                "lams": sweep["lams"],
                "steps": sweep["steps"],
                "train_acc": sweep["train_acc"],
                "val_acc": sweep["val_acc"],
                "train_loss": sweep["train_loss"],
                "val_loss": sweep["val_loss"],
                "exact_zeros": sweep["zeros"],
            },
            gap_fig,
            key="reg_pen_export",
        )

# ------------------------------------------------------------------ 2. dropout
with tabs[1], guarded():
    st.markdown(text.DROPOUT)
    st.latex(text.DROPOUT_NEURON)
    st.latex(text.DROPOUT_HALF)
    st.latex(text.DROPOUT_MODES)
    d_controls = st.columns(6, gap="small")
    w1 = _weight("w1", "w₁", 1.0, d_controls[0])
    w2 = _weight("w2", "w₂", 2.0, d_controls[1])
    x_in = _weight("x", "x", 3.0, d_controls[2])
    y_in = _weight("y", "y", -1.0, d_controls[3])
    keep = float(widgets.number(state, "p", KEEP, container=d_controls[4]))
    masks = widgets.int_choice(
        state, "masks", "random masks", MASKS, "10000", container=d_controls[5]
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
if tabs[1].open:
    with guarded():
        with neuron_out:
            neuron = nn_cache.neuron_samples((w1, w2), (x_in, y_in), keep, masks, 0)
            full = neuron["full"]
            table_col, fig_col = st.columns([2, 3], gap="medium")
            with table_col:
                st.markdown("**The four possible masks** (training, vanilla)")
                rows = pd.DataFrame(mask_table((w1, w2), (x_in, y_in), keep))
                st.dataframe(
                    rows.style.format({"P(mask)": "{:.4f}", "a": "{:.3f}"}),
                    hide_index=True,
                    width="stretch",
                )
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
                st.markdown(
                    f"**Monte Carlo: {masks:,} random masks, both modes on the same masks**"
                )
                mc_fig = running_mean_figure(
                    neuron["vanilla_mean"],
                    neuron["inverted_mean"],
                    neuron["vanilla_expected"],
                    neuron["inverted_expected"],
                )
                st.plotly_chart(mc_fig, key="reg_mc")
        with gap_out:
            with st.spinner(f"Training 4 networks with {mode} dropout…"):
                gap = nn_cache.dropout_gap(KEEPS, mode, 0)
            keep_fig = keep_gap_figure(
                gap["keeps"], gap["val_loss"], gap["train_loss"], gap["final_val_loss"]
            )
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
            st.dataframe(
                gap_table.style.format(
                    {
                        "keep p": "{:g}",
                        "train acc": "{:.1%}",
                        "val acc": "{:.1%}",
                        "train loss": "{:.3f}",
                        "val loss": "{:.3f}",
                        "loss gap": "{:.3f}",
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            what_to_notice(text.DROPOUT_NOTICE)
            st.subheader("Export")
            mc_table = pd.DataFrame(
                {
                    "mask": np.arange(1, masks + 1),
                    "a_vanilla": neuron["vanilla"],
                    "a_inverted": neuron["inverted"],
                }
            )
            export_row(
                "regularization_dropout",
                mc_table,
                {
                    "w": [w1, w2],
                    "inputs": [x_in, y_in],
                    "keep": keep,
                    "vanilla_mean": float(neuron["vanilla_mean"][-1]),
                    "inverted_mean": float(neuron["inverted_mean"][-1]),
                    "vanilla_expected": neuron["vanilla_expected"],
                    "inverted_expected": neuron["inverted_expected"],
                    "keep_sweep": {k: v for k, v in gap.items() if k != "val_loss"},
                },
                keep_fig,
                key="reg_drop_export",
            )

# ------------------------------------------------------------------ 3. early stopping
with tabs[2], guarded():
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
if tabs[2].open:
    with tabs[2], guarded():
        with st.spinner("Training 600 steps…"):
            curves = nn_cache.stopping_curves(0)
        stop = early_stopping_after(curves["val_loss"], patience)
        best, stopped = stop["best_index"], stop["stopped_at"]
        es_fig = early_stopping_figure(
            curves["train_loss"], curves["val_loss"], best, stopped, patience
        )
        st.plotly_chart(es_fig, key="reg_es")
        last = len(curves["val_loss"]) - 1
        m1, m2, m3, m4 = st.columns(4)
        m1.metric("best step (restored)", f"{best}")
        m2.metric("stops at step", "never" if stopped is None else f"{stopped}")
        m3.metric(
            "restored validation loss",
            f"{curves['val_loss'][best]:.3f}",
            f"{curves['val_loss'][best] - curves['val_loss'][last]:+.3f} vs training on",
            delta_color="inverse",
        )
        m4.metric(
            "restored validation accuracy",
            f"{curves['val_acc'][best]:.1%}",
            f"{curves['val_acc'][best] - curves['val_acc'][last]:+.1%} vs training on",
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
        export_row(
            "regularization_early_stopping",
            pd.DataFrame(
                {
                    "step": np.arange(last + 1),
                    "train_loss": curves["train_loss"],
                    "val_loss": curves["val_loss"],
                    "val_acc": curves["val_acc"],
                }
            ),
            {"patience": patience, "best_step": best, "stopped_at": stopped, **curves},
            es_fig,
            key="reg_es_export",
        )

# ------------------------------------------------------------------ 4. augmentation, more data
with tabs[3], guarded():
    st.markdown(text.DATA)
    st.latex(text.AUGMENTATION_FORMULA)
    a_controls = st.columns(3, gap="medium")
    n_train = widgets.int_choice(
        state,
        "n",
        "training images",
        N_TRAIN,
        "100",
        container=a_controls[0],
        horizontal_radio=True,
    )
    shift = float(
        widgets.choice(
            state,
            "shift",
            "largest move s (pixels)",
            list(SHIFTS),
            "1",
            container=a_controls[1],
            horizontal_radio=True,
        )
    )
    noise = float(widgets.number(state, "noise", NOISE, container=a_controls[2]))
if tabs[3].open:
    with tabs[3], guarded():
        with st.spinner("Training 6 networks on the digits…"):
            aug = nn_cache.augmentation_compare(n_train, shift, noise, 0)
        g_col, b_col = st.columns([2, 3], gap="medium")
        with g_col:
            st.markdown("**Training images and three augmented copies of each**")
            grid_fig = digit_grid_figure(aug["examples"], aug["labels"])
            st.plotly_chart(grid_fig, key="reg_digits")
        with b_col:
            st.markdown(
                f"**{aug['n_train']} original images vs {aug['n_augmented']} with augmentation**"
            )
            aug_fig = augmentation_figure(
                aug["plain"], aug["augmented"], aug["plain_moved"], aug["augmented_moved"]
            )
            st.plotly_chart(aug_fig, key="reg_aug")
        st.markdown("**More data: accuracy vs number of training images** (digits, 64-32-10)")
        with st.spinner("Training 6 networks on growing training sets…"):
            sizes = nn_cache.digits_size_curve(0)
        size_fig = size_figure(sizes["sizes"], sizes["train_acc"], sizes["val_acc"])
        st.plotly_chart(size_fig, key="reg_size")
        what_to_notice(text.DATA_NOTICE)
        st.subheader("Export")
        export_row(
            "regularization_data",
            pd.DataFrame(
                {
                    "train_images": sizes["sizes"],
                    "train_acc": sizes["train_acc"],
                    "val_acc": sizes["val_acc"],
                }
            ),
            {"augmentation": {k: v for k, v in aug.items() if k != "examples"}, "size": sizes},
            size_fig,
            key="reg_data_export",
        )

state.finish()
