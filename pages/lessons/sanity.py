"""Lesson: sanity checks and babysitting a training run (initial loss, overfitting a tiny set,
learning rates too low and too high, gradient checking)."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.figures.theme import OKABE_ITO
from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.experiment import (
    PASS,
    WARN,
    bug_caught,
    check_table,
    initial_loss_verdict,
    last_finite,
    stop_reason,
)
from optim_lab.lessons.sanity.figures import (
    initial_loss_figure,
    lr_compare_figure,
    overfit_figure,
    verdict_style,
)
from optim_lab.nn import ACTIVATIONS, INITS
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import notice, page_header, stopped_run_notice, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

INIT_CHOICES = ("normal", "xavier", "he")
HIDDEN = ("16", "32", "64")
OVERFIT_STEPS = ("100", "200", "400")
LR_STEPS = 100
OVERFIT_LR = HParam("olr", "Adam learning rate", 0.01, 1e-4, 0.1, log=True)
SGD_LR = OPTIMIZERS["sgd"].param("lr")  # the runs refuse rates outside its range
LOW_LR = HParam("low", "too low", 1e-6, SGD_LR.min, 1e-2, log=True, help="SGD learning rate.")
GOOD_LR = HParam("good", "about right", 0.5, 1e-3, 2.0, log=True, help="SGD learning rate.")
HIGH_LR = HParam("high", "too high", 10.0, 0.5, 10.0, log=True, help="SGD learning rate.")
CHECK_DATA = ("spiral", "moons", "xor", "circles")
RATE_NAMES = ("too low", "about right", "too high")


state = UrlState("sanity")
page_header(text.TITLE, text.INTRO)

# ---------------------------------------------------------------- 1. initial loss
with section(text.INITIAL_TITLE, header=True):
    st.markdown(text.INITIAL)
    st.latex(text.INITIAL_FORMULA)
    c_controls, c_chart = st.columns([1, 3], gap="medium")
    with c_controls:
        init = widgets.entry_choice(
            state, "init", "initialization", INITS, "normal", names=list(INIT_CHOICES)
        )
        scale = float(
            widgets.number(
                state, "scale", INITS["normal"].param("scale"), disabled=init != "normal"
            )
        )
        hidden0 = widgets.int_choice(
            state, "h0", "hidden units", HIDDEN, "32", horizontal_radio=True
        )
    first = nn_cache.first_losses(init, scale, hidden0, 0)
    init_fig = initial_loss_figure(first["classes"], first["loss"], first["expected"])
    with c_chart:
        st.plotly_chart(init_fig, key="sanity_init")
        notice(*initial_loss_verdict(first["loss"], first["expected"]))

    # ---------------------------------------------------------------- 2. overfit
with section(text.OVERFIT_TITLE, header=True):
    st.markdown(text.OVERFIT)
    o_controls, o_chart = st.columns([1, 3], gap="medium")
    with o_controls:
        hidden = widgets.int_choice(
            state, "oh", "units per hidden layer", HIDDEN, "64", horizontal_radio=True
        )
        steps = widgets.int_choice(
            state, "os", "steps", OVERFIT_STEPS, "200", horizontal_radio=True
        )
        olr = float(widgets.number(state, "olr", OVERFIT_LR))
    with st.spinner("Training on 20 examples…"):
        overfit = nn_cache.overfit_run(hidden, olr, steps, 0)
    overfit_fig = overfit_figure(overfit["loss"], overfit["acc"])
    with o_chart:
        st.plotly_chart(overfit_fig, key="sanity_overfit")
        final, final_loss = last_finite(overfit["acc"], 0.0), last_finite(overfit["loss"], None)
        m1, m2 = st.columns(2)
        m1.metric(f"training accuracy on {overfit['examples']} examples", f"{final:.0%}")
        m2.metric("final training loss", "—" if final_loss is None else f"{final_loss:.3g}")
        stopped_run_notice("The run", overfit["status"]["diverged_at"])
        if overfit["status"]["diverged_at"] is None and final < 1.0:
            st.info(text.OVERFIT_SHORT)

    # ---------------------------------------------------------------- 3. learning rates
with section(text.RATES_TITLE, header=True):
    st.markdown(text.RATES)
    l_controls, l_chart = st.columns([1, 3], gap="medium")
    with l_controls:
        lrs = (
            float(widgets.number(state, "low", LOW_LR)),
            float(widgets.number(state, "good", GOOD_LR)),
            float(widgets.number(state, "high", HIGH_LR)),
        )
    with st.spinner("Training three learning rates…"):
        runs = nn_cache.lr_runs(lrs, LR_STEPS, 0)
    exploded = [s["diverged_at"] for s in runs["status"]]
    labels = [f"{name}: lr = {lr:g}" for name, lr in zip(RATE_NAMES, lrs, strict=True)]
    lr_fig = lr_compare_figure(
        runs["loss"], labels, exploded, [OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3]]
    )
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

    # ---------------------------------------------------------------- 4. gradient check
with section(text.GRADCHECK_TITLE, header=True):
    st.markdown(text.GRADCHECK)
    st.latex(text.GRADCHECK_FORMULA)
    g_controls, g_table = st.columns([1, 3], gap="medium")
    with g_controls:
        g_act = widgets.entry_choice(state, "gact", "activation", ACTIVATIONS, "tanh")
        g_data = widgets.choice(state, "gdata", "data (50 examples)", list(CHECK_DATA), "spiral")
        g_seed = widgets.integer(state, "gseed", "seed", 0, 0, 9999)
    with st.spinner("Checking gradients in float64…"):
        good = nn_cache.grad_check(g_act, g_data, False, g_seed)
        bad = nn_cache.grad_check(g_act, g_data, True, g_seed)
    check = pd.DataFrame(check_table(good, bad))
    with g_table:
        st.dataframe(
            check.style.format(
                {"correct backprop": "{:.2e}", "backprop without f′(z)": "{:.2e}"}
            ).map(verdict_style, subset=["verdict", "verdict (bug)"]),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            f"Network 2-8-8-out, {good['checked']} coordinates checked in float64. "
            f"Green: error < {PASS:g} (correct); amber: < {WARN:g} (look closer, e.g. kinks of ReLU); "
            "red: a bug."
        )
        notice(*bug_caught(good, bad))

    what_to_notice(text.NOTICE)

    with section("Export"):
        lr_table = pd.DataFrame(
            {
                "step": np.arange(runs["loss"].shape[1]),
                **dict(zip(labels, runs["loss"], strict=True)),
            }
        )
        checks = {
            "initial_loss": first,
            "overfit": overfit,
            "gradcheck": {"correct": good, "broken": bad},
        }
        export_row(
            "sanity",
            lr_table,
            {
                **checks,
                "learning_rates": {"lr": lrs, "loss": runs["loss"], "status": runs["status"]},
            },
            lr_fig,
            key="sanity_export",
        )
        state.finish()
