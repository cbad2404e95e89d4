"""Lesson: ensembles (K independent models, snapshot ensembles from warm restarts, Polyak
averaging) and their decision boundaries."""

import numpy as np
import pandas as pd
import streamlit as st

from optim_lab.lessons.ensembles import text
from optim_lab.lessons.ensembles.experiment import (
    boundary_panels,
    ensemble_gain,
    members_table,
    polyak_summary,
)
from optim_lab.lessons.ensembles.figures import (
    boundaries_figure,
    members_figure,
    polyak_figure,
    snapshot_lr_figure,
)
from optim_lab.nn.data import DATASETS as DATA_REGISTRY
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import notice, page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState

DATASETS = ("spiral", "moons", "circles", "digits")
POINTS = ("200", "400", "800")
STEPS = ("200", "300", "500")
SNAPSHOT_STEPS = ("300", "600", "1000")
BETAS = ("0.9", "0.95", "0.98", "0.99", "0.995")
POLYAK_LRS = ("0.01", "0.03", "0.1")
HIDDEN = (32, 32)
LR = 0.01  # Adam, independent members and Polyak runs
SNAPSHOT_LR = 0.02  # the restarts' α₀
NOISE = HParam("noise", "noise", 0.5, 0.0, 1.0, help="How much the classes blur into each other.")
MAX_PANELS = 5  # members drawn as decision boundaries (plus the ensemble)


state = UrlState("ensembles")
page_header(text.TITLE, text.INTRO)
st.latex(text.FORMULAS)
c1, c2, c3, c4, c5 = st.columns([1.3, 1.2, 1, 1.2, 1])
dataset = widgets.entry_choice(
    state, "data", "data set", DATA_REGISTRY, "spiral", names=list(DATASETS), container=c1
)
two_d = dataset != "digits"
points = widgets.int_choice(
    state, "points", "points", POINTS, "400", container=c2, horizontal_radio=True
)
noise = float(widgets.number(state, "noise", NOISE, container=c3, disabled=not two_d))
members = widgets.integer(state, "k", "members K", 5, 2, 8, container=c4)
seed = widgets.integer(
    state, "seed", "seed", 0, 0, 9999, container=c5, help="Data split; member k uses seed + k."
)
steps = widgets.int_choice(
    state,
    "steps",
    "training steps per member",
    STEPS,
    "300",
    horizontal_radio=True,
)
if not two_d:
    st.caption("Digits: all 1,797 images; points and noise apply to the 2-D sets only.")
st.caption(
    f"Every member: an MLP with hidden layers {HIDDEN[0]}, {HIDDEN[1]} (ReLU), Adam with "
    f"α = {LR:g}, mini-batches of 32. Accuracies are measured on the test split (20 %)."
)

# ---------------------------------------------------------------- 1. independent members
with section("1. K independent models", header=True):
    st.markdown(text.INDEPENDENT)
    with st.spinner(f"Training {members} networks in one run…"):
        ind = nn_cache.ensemble_run(
            dataset, points, noise, members, "independent", seed, steps, HIDDEN, LR
        )
    ind_fig = members_figure(ind["member_acc"], ind["curve"], ind["member_loss"], ind["loss_curve"])
    st.plotly_chart(ind_fig, key="ens_members")
    notice(*ensemble_gain(ind["ensemble_acc"], ind["member_acc"], f"Ensemble of {members}"))
    mean_loss = float(np.mean(ind["member_loss"]))
    st.caption(
        f"Log-loss: ensemble {ind['loss_curve'][-1]:.3f} vs average member {mean_loss:.3f} "
        f"(best member {min(ind['member_loss']):.3f})."
    )

    # ---------------------------------------------------------------- 2. decision boundaries
with section("2. Members vs ensemble: decision boundaries", header=True):
    if ind["grid"] is None:
        st.info("Decision boundaries need a 2-D data set: choose spiral, moons or circles above.")
        boundary_fig = None
    else:
        st.markdown(text.BOUNDARIES)
        grid, titles, shown = boundary_panels(ind, MAX_PANELS)
        boundary_fig = boundaries_figure(
            grid, ind["x_test"], ind["y_test"], titles, n_classes=ind["n_classes"]
        )
        st.plotly_chart(boundary_fig, key="ens_boundaries")
        if members > shown:
            st.caption(f"The first {shown} of {members} members are drawn; the ensemble uses all.")

    # ---------------------------------------------------------------- 3. snapshot ensembles
with section("3. Snapshot ensembles: one run, K members", header=True):
    st.markdown(text.SNAPSHOT)
    st.latex(text.SNAPSHOT_FORMULA)
    s_controls, s_chart = st.columns([1, 3], gap="medium")
    with s_controls:
        snap_steps = widgets.int_choice(
            state, "ssteps", "total steps of the run", SNAPSHOT_STEPS, "600"
        )
        st.caption(f"{members} cycles of {snap_steps // members} steps, α₀ = {SNAPSHOT_LR:g}.")
    with st.spinner("Training one run with warm restarts…"):
        snap = nn_cache.ensemble_run(
            dataset, points, noise, members, "snapshot", seed, snap_steps, HIDDEN, SNAPSHOT_LR
        )
    snap_lr_fig = snapshot_lr_figure(snap["lr"], snap["snapshot_steps"], snap["member_acc"])
    with s_chart:
        st.plotly_chart(snap_lr_fig, key="ens_snapshot_lr")
    snap_fig = members_figure(
        snap["member_acc"],
        snap["curve"],
        snap["member_loss"],
        snap["loss_curve"],
        member_label="snapshot k alone",
    )
    st.plotly_chart(snap_fig, key="ens_snapshot_members")
    notice(
        *ensemble_gain(snap["ensemble_acc"], snap["member_acc"], f"Snapshot ensemble of {members}")
    )
    if snap_steps // members < 60:
        st.info("Short cycles: the early snapshots are barely trained. Add steps or fewer members.")

    # ---------------------------------------------------------------- 4. Polyak averaging
with section("4. Polyak averaging: average the weights, not the predictions", header=True):
    st.markdown(text.POLYAK)
    p_controls, p_chart = st.columns([1, 3], gap="medium")
    with p_controls:
        beta = float(
            widgets.choice(
                state,
                "beta",
                "EWA β",
                list(BETAS),
                "0.99",
                help="Memory of the average: about 1/(1−β) steps.",
            )
        )
        st.caption(f"θ̄ remembers about {1 / (1 - beta):.0f} steps.")
        polyak_lr = float(
            widgets.choice(
                state,
                "plr",
                "Adam learning rate α",
                list(POLYAK_LRS),
                "0.03",
                help="A larger step makes the weights jitter more around the minimum.",
            )
        )
    with st.spinner("Training with a running average of the weights…"):
        pol = nn_cache.ensemble_run(
            dataset, points, noise, members, "polyak", seed, steps, HIDDEN, polyak_lr, beta
        )
    pol_fig = polyak_figure(
        pol["member_acc"], pol["polyak_acc"], pol["member_loss"], pol["polyak_loss"]
    )
    with p_chart:
        st.plotly_chart(pol_fig, key="ens_polyak")
    st.markdown(polyak_summary(pol))

    what_to_notice(text.NOTICE)

    with section("Export"):
        table = pd.DataFrame(members_table(ind, snap, pol))
        export_row(
            "ensembles",
            table,
            {
                "settings": {
                    "dataset": dataset,
                    "points": points,
                    "noise": noise,
                    "members": members,
                    "steps": steps,
                    "snapshot_steps": snap_steps,
                    "beta": beta,
                    "polyak_lr": polyak_lr,
                    "seed": seed,
                    "hidden": HIDDEN,
                },
                "independent": {
                    k: v for k, v in ind.items() if k not in ("grid", "x_test", "y_test")
                },
                "snapshot": {
                    k: v for k, v in snap.items() if k not in ("grid", "x_test", "y_test")
                },
                "polyak": {k: v for k, v in pol.items() if k not in ("grid", "x_test", "y_test")},
            },
            ind_fig,
            key="ens_export",
        )
        state.finish()
