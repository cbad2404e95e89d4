"""Lesson: sanity checks and babysitting a training run (initial loss, overfitting a tiny set,
learning rates too low and too high, gradient checking)."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.figures.theme import OKABE_ITO
from optim_lab.lessons.sanity.figures import initial_loss_figure, lr_compare_figure, overfit_figure
from optim_lab.nn import ACTIVATIONS, INITS
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, stopped_run_notice, what_to_notice
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
# Relative-error bands of a float64 gradient check.
PASS, WARN = 1e-6, 1e-3


def _verdict(error: float) -> str:
    if error < PASS:
        return "pass"
    return "check" if error < WARN else "FAIL"


def _colour(verdict: str) -> str:
    # translucent fills stay readable in the light and the dark theme
    fill = {"pass": "rgba(0,158,115,0.30)", "check": "rgba(230,159,0,0.35)"}
    return f"background-color: {fill.get(verdict, 'rgba(213,94,0,0.40)')}"


state = UrlState("sanity")
page_header(
    "Sanity checks & babysitting",
    "Before spending hours training, run a few cheap checks that catch most bugs: is the loss "
    "right before any training, can the network memorise a handful of examples, how does the "
    "loss react to a far too small and a far too large learning rate, and do the gradients from "
    "backpropagation match gradients measured numerically?",
)

# ---------------------------------------------------------------- 1. initial loss
st.header("1. The loss before training")
st.markdown(
    "With small random weights all class scores are close to 0, so the softmax gives every one "
    "of the C classes about the same probability 1/C, and the cross-entropy loss is "
    "−ln(1/C) = ln C (≈ 2.3 for 10 classes). A very different number at step 0 means a bug in "
    "the loss or weights that are too large."
)
st.latex(r"L_0 = -\ln \frac{e^{s_y}}{\sum_j e^{s_j}} \approx -\ln\frac1C = \ln C")
c_controls, c_chart = st.columns([1, 3], gap="medium")
with c_controls:
    init = widgets.choice(
        state,
        "init",
        "initialization",
        list(INIT_CHOICES),
        "normal",
        format_func=lambda n: INITS[n].label,
    )
    scale = float(
        widgets.number(state, "scale", INITS["normal"].param("scale"), disabled=init != "normal")
    )
    hidden0 = widgets.int_choice(state, "h0", "hidden units", HIDDEN, "32", horizontal_radio=True)
first = nn_cache.first_losses(init, scale, hidden0, 0)
init_fig = initial_loss_figure(first["classes"], first["loss"], first["expected"])
gap = float(np.max(np.abs(first["loss"] - first["expected"])))
with c_chart:
    st.plotly_chart(init_fig, key="sanity_init")
    if gap < 0.05:
        st.success(f"Loss at step 0 matches ln C (largest gap {gap:.3f}).")
    else:
        st.warning(
            f"Loss at step 0 is up to {gap:.2f} away from ln C: the initial weights already "
            "make confident (random) predictions. Try smaller weights."
        )

# ---------------------------------------------------------------- 2. overfit
st.header("2. Overfit a tiny training set")
st.markdown(
    "Take 20 examples (three overlapping clusters), switch off all regularization and train. A correct network and training "
    "loop must reach 100 % training accuracy and a loss near 0. If it cannot memorise 20 points, "
    "something is wrong and the full data set will not help."
)
o_controls, o_chart = st.columns([1, 3], gap="medium")
with o_controls:
    hidden = widgets.int_choice(
        state, "oh", "units per hidden layer", HIDDEN, "64", horizontal_radio=True
    )
    steps = widgets.int_choice(state, "os", "steps", OVERFIT_STEPS, "200", horizontal_radio=True)
    olr = float(widgets.number(state, "olr", OVERFIT_LR))
with st.spinner("Training on 20 examples…"):
    overfit = nn_cache.overfit_run(hidden, olr, steps, 0)
overfit_fig = overfit_figure(overfit["loss"], overfit["acc"])
with o_chart:
    st.plotly_chart(overfit_fig, key="sanity_overfit")
    acc = overfit["acc"][np.isfinite(overfit["acc"])]
    final = float(acc[-1]) if acc.size else 0.0
    m1, m2 = st.columns(2)
    m1.metric(f"training accuracy on {overfit['examples']} examples", f"{final:.0%}")
    loss_ok = overfit["loss"][np.isfinite(overfit["loss"])]
    m2.metric("final training loss", f"{float(loss_ok[-1]):.3g}" if loss_ok.size else "—")
    stopped_run_notice("The run", overfit["status"]["diverged_at"])
    if overfit["status"]["diverged_at"] is None and final < 1.0:
        st.info("Not at 100 % yet: more steps, more units or a larger learning rate.")

# ---------------------------------------------------------------- 3. learning rates
st.header("3. Learning rate too low, too high")
st.markdown(
    "Now train on the whole (spiral) set with plain SGD. With a learning rate that is far too "
    "small the loss hardly moves. With one far too large the loss shoots up and becomes "
    "NaN within a few steps. A useful rule while searching: **stop a run as soon as its loss is "
    "more than 3× the initial loss** — it will not recover."
)
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
labels = [
    f"{name}: lr = {lr:g}"
    for name, lr in zip(("too low", "about right", "too high"), lrs, strict=True)
]
lr_fig = lr_compare_figure(
    runs["loss"], labels, exploded, [OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3]]
)
with l_chart:
    st.plotly_chart(lr_fig, key="sanity_lr")
    cols = st.columns(3)
    for slot, label, run_loss, stop in zip(cols, labels, runs["loss"], exploded, strict=True):
        if stop is not None:
            slot.error(f"{label}: exploded at step {stop} — learning rate too high?")
        else:
            slot.info(f"{label}: loss {run_loss[0]:.4f} → {run_loss[-1]:.4f} in {LR_STEPS} steps")

# ---------------------------------------------------------------- 4. gradient check
st.header("4. Gradient check")
st.markdown(
    "Backpropagation is easy to get subtly wrong. Compare it with a numerical derivative: "
    "nudge one weight by ±h, measure the change in the loss, and repeat for (a sample of) "
    "every weight. Do it in 64-bit floats, with a centred difference, and compare with a "
    "*relative* error so that large and small gradients are judged alike. Below, the same check "
    "runs on a correct backward pass and on one with a classic planted bug: the activation's "
    "derivative f′(z) is forgotten."
)
st.latex(
    r"\frac{\partial L}{\partial \theta_i} \approx \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h},"
    r"\qquad \mathrm{err} = \frac{\lVert g_{a} - g_{n}\rVert}{\lVert g_{a}\rVert + \lVert g_{n}\rVert}"
)
g_controls, g_table = st.columns([1, 3], gap="medium")
with g_controls:
    g_act = widgets.choice(
        state,
        "gact",
        "activation",
        ACTIVATIONS.names(),
        "tanh",
        format_func=lambda n: ACTIVATIONS[n].label,
    )
    g_data = widgets.choice(state, "gdata", "data (50 examples)", list(CHECK_DATA), "spiral")
    g_seed = widgets.integer(state, "gseed", "seed", 0, 0, 9999)
with st.spinner("Checking gradients in float64…"):
    good = nn_cache.grad_check(g_act, g_data, False, g_seed)
    bad = nn_cache.grad_check(g_act, g_data, True, g_seed)
check = pd.DataFrame(
    {
        "tensor": list(good["per_param"]),
        "correct backprop": list(good["per_param"].values()),
        "verdict": [_verdict(e) for e in good["per_param"].values()],
        "backprop without f′(z)": [bad["per_param"][k] for k in good["per_param"]],
        "verdict (bug)": [_verdict(bad["per_param"][k]) for k in good["per_param"]],
    }
)
with g_table:
    st.dataframe(
        check.style.format({"correct backprop": "{:.2e}", "backprop without f′(z)": "{:.2e}"}).map(
            _colour, subset=["verdict", "verdict (bug)"]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        f"Network 2-8-8-out, {good['checked']} coordinates checked in float64. "
        f"Green: error < {PASS:g} (correct); amber: < {WARN:g} (look closer, e.g. kinks of ReLU); "
        "red: a bug."
    )
    if good["ok"] and not bad["ok"]:
        st.success(
            f"The correct gradient passes (worst error {good['max_rel_error']:.1e}); the planted "
            f"bug is caught (worst error {bad['max_rel_error']:.1e})."
        )
    elif bad["ok"]:
        st.info(
            "The planted bug is invisible here: this activation's derivative is 1 wherever the "
            "check looks, so forgetting it changes nothing."
        )
    else:
        st.warning(
            f"The correct gradient gives an error of {good['max_rel_error']:.1e}: look closer."
        )

what_to_notice(
    [
        "Step 0 loss = ln C for every C: the untrained network is a uniform guess. Raise the "
        "initial scale and the step-0 loss drifts above ln C.",
        "20 examples are memorised: training accuracy reaches 100 %, the loss drops by orders "
        "of magnitude. (This says nothing about generalization.)",
        "Too low: the curve is flat. Too high: the loss passes 3× its start within a step or two "
        "and the run is stopped, no NaN reaches the plot.",
        "The planted bug only breaks the hidden layers' tensors (W1, b1, W2, b2); the output layer "
        "has no activation after it, so its gradient is still right.",
        f"ln 10 = {math.log(10):.3f}: the number to expect at the start of a 10-class problem.",
    ]
)

with section("Export"):
    lr_table = pd.DataFrame({"step": np.arange(runs["loss"].shape[1])})
    for label, run_loss in zip(labels, runs["loss"], strict=True):
        lr_table[label] = run_loss
    export_row(
        "sanity",
        lr_table,
        {
            "initial_loss": first,
            "overfit": {
                "loss": overfit["loss"],
                "acc": overfit["acc"],
                "status": overfit["status"],
            },
            "learning_rates": {"lr": lrs, "loss": runs["loss"], "status": runs["status"]},
            "gradcheck": {"correct": good, "broken": bad},
        },
        lr_fig,
        key="sanity_export",
    )
    state.finish()
