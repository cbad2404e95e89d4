"""Ensembles, part 3: a snapshot ensemble, one run with warm restarts and a member per cycle."""

import streamlit as st

from optim_lab.lessons.ensembles import text
from optim_lab.lessons.ensembles.experiment import ensemble_gain
from optim_lab.lessons.ensembles.figures import members_figure, snapshot_lr_figure
from optim_lab.ui import widgets
from optim_lab.ui.layout import notice

SNAPSHOT_STEPS = ("300", "600", "1000")
SNAPSHOT_LR = 0.02  # the restarts' α₀
SHORT_CYCLE = 60  # steps per cycle below which the first snapshots are barely trained


def show(state, ensemble) -> tuple[dict, int]:
    """Trains the run; returns it and its total steps."""
    members = ensemble.members
    st.markdown(text.SNAPSHOT)
    st.latex(text.SNAPSHOT_FORMULA)
    s_controls, s_chart = st.columns([1, 3], gap="medium")
    with s_controls:
        snap_steps = widgets.int_choice(
            state, "ssteps", "total steps of the run", SNAPSHOT_STEPS, "600"
        )
        st.caption(f"{members} cycles of {snap_steps // members} steps, α₀ = {SNAPSHOT_LR:g}.")
    with st.spinner("Training one run with warm restarts…"):
        snap = ensemble.run("snapshot", snap_steps, SNAPSHOT_LR)
    lr_fig = snapshot_lr_figure(snap["lr"], snap["snapshot_steps"], snap["member_acc"])
    with s_chart:
        st.plotly_chart(lr_fig, key="ens_snapshot_lr")
    fig = members_figure(
        snap["member_acc"],
        snap["curve"],
        snap["member_loss"],
        snap["loss_curve"],
        member_label="snapshot k alone",
    )
    st.plotly_chart(fig, key="ens_snapshot_members")
    what = f"Snapshot ensemble of {members}"
    notice(*ensemble_gain(snap["ensemble_acc"], snap["member_acc"], what))
    if snap_steps // members < SHORT_CYCLE:
        st.info("Short cycles: the early snapshots are barely trained. Add steps or fewer members.")
    return snap, snap_steps
