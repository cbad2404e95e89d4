"""Regularization, part 1: weight penalties (L2, L1, elastic net) trained as one sweep over λ."""

import pandas as pd
import streamlit as st

from optim_lab.figures.boundary import boundary_figure
from optim_lab.lessons.regularization import text
from optim_lab.lessons.regularization.experiment import (
    PENALTIES,
    SWEEP_LAMBDAS,
    best_on_l1_ball,
    best_on_l2_ball,
    pick_penalty,
    sweep_table,
    weights_at,
)
from optim_lab.lessons.regularization.figures import (
    constraint_figure,
    gap_figure,
    lam_label,
    loss_curves_figure,
    pull_figure,
    weight_hist_figure,
)
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import what_to_notice
from optim_lab.ui.sections import guarded

PENALTY_LABELS = {"l2": "L2", "l1": "L1", "elastic": "elastic net"}
SWEEP_LR = 0.3  # the sweep's gradient-descent step size (see the experiment's penalty_sweep)


def show(state, tab) -> None:
    with tab, guarded():
        st.markdown(text.PENALTIES)
        st.latex(text.PENALTIES_FORMULA)
        st.latex(text.PENALTY_CHOICES)
        controls = st.columns([2, 3, 1], gap="medium")
        penalty = widgets.choice(
            state,
            "pen",
            "penalty",
            list(PENALTIES),
            "l2",
            format_func=PENALTY_LABELS.get,
            container=controls[0],
            horizontal_radio=True,
        )
        lam = _lam_select(state, controls[1])
        seed = widgets.integer(
            state, "seed", "seed", 0, 0, 999, container=controls[2], help="Data split and weights."
        )
    if tab.open:
        with tab, guarded():
            _results(penalty, lam, int(seed))


def _lam_select(state, container) -> float:
    def parse(text: str) -> float:  # one of the slider's options (the ends for numbers beyond)
        return widgets.pick(SWEEP_LAMBDAS, text, format_func=lam_label)

    return float(
        container.select_slider(
            "penalty strength λ (log scale)",
            options=list(SWEEP_LAMBDAS),
            key=state.prepare("lam", 3e-3, parse),
            format_func=lam_label,
            help="The sweep trains every λ at once; moving the slider only picks one of them.",
        )
    )


def _results(penalty: str, lam: float, seed: int) -> None:
    with st.spinner("Training 24 networks (3 penalties × 8 values of λ) in one run…"):
        sweep = nn_cache.penalty_sweep(seed)
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
        curves = (sweep["train_loss"][sel], sweep["val_loss"][sel])
        unpenalized = (sweep["train_loss"][first], sweep["val_loss"][first])
        curves_fig = loss_curves_figure(sweep["steps"], *curves, *unpenalized, label)
        st.plotly_chart(curves_fig, key="reg_curves")
    with right:
        st.markdown(f"**Decision boundary: {label}**")
        grid = {"x": sweep["grid_x"], "y": sweep["grid_y"], "probs": sweep["grid_probs"][sel]}
        data = (sweep["x_train"], sweep["y_train"], sweep["x_val"], sweep["y_val"])
        boundary_fig = boundary_figure(grid, *data, n_classes=sweep["n_classes"], height=520)
        st.plotly_chart(boundary_fig, key="reg_boundary")
        gap, unpenalized_gap = final_train[li] - final_val[li], final_train[0] - final_val[0]
        m1, m2, m3 = st.columns(3)
        m1.metric("training accuracy", f"{final_train[li]:.1%}")
        m2.metric("validation accuracy", f"{final_val[li]:.1%}")
        m3.metric(
            "gap (train − val)",
            f"{gap:+.1%}",
            f"{gap - unpenalized_gap:+.1%} vs λ = 0",
            delta_color="inverse",
        )

    st.subheader("Why L1 makes weights exactly zero")
    st.markdown(text.SHRINKAGE)
    st.latex(text.SHRINKAGE_FORMULAS)
    h_left, h_right = st.columns(2, gap="medium")
    hist_keys, zeros = weights_at(sweep, lam)
    with h_left:
        st.markdown(f"**Final weights at λ = {lam_label(lam)}** (all three penalties)")
        st.plotly_chart(weight_hist_figure(hist_keys, zeros), key="reg_hist")
    with h_right:
        st.markdown(f"**The penalty's move of one weight per step** (α = {SWEEP_LR:g})")
        if lam > 0:
            st.plotly_chart(pull_figure(lam, SWEEP_LR), key="reg_pull")
        else:
            st.info("λ = 0: no penalty, no pull. Pick a λ above 0 to compare L1 and L2.")
    if lam > 0:
        st.caption(
            f"Exactly zero weights out of {len(sweep['weights'][0])}: L2 {zeros['l2']}, "
            f"L1 {zeros['l1']}, elastic net {zeros['elastic']}."
        )
    st.markdown(text.GEOMETRY)
    budget = text.GEOMETRY_BUDGET
    l1_best, l2_best = best_on_l1_ball(budget), best_on_l2_ball(budget)
    st.plotly_chart(constraint_figure(budget, l1_best, l2_best), key="reg_geometry")
    st.caption(text.geometry_caption(l1_best, l2_best))
    what_to_notice(text.PENALTIES_NOTICE)
    st.subheader("Export")
    keys = ("lams", "steps", "train_acc", "val_acc", "train_loss", "val_loss")
    data = {
        "penalties": list(PENALTIES),
        **{k: sweep[k] for k in keys},
        "exact_zeros": sweep["zeros"],
    }
    export_row(
        "regularization_penalties",
        pd.DataFrame(sweep_table(sweep)),
        data,
        gap_fig,
        key="reg_pen_export",
    )
