"""Training playground, below the charts: the formulas of this run and, once trained and paused,
its history and figures to download."""

import streamlit as st

from optim_lab.lessons.playground import text
from optim_lab.nn import ACTIVATIONS, INITS, TrainConfig
from optim_lab.nn.code_export import train_script
from optim_lab.optimizers import OPTIMIZERS
from optim_lab.schedules import SCHEDULES
from optim_lab.ui import export
from optim_lab.ui import playground as pg


def show(config: TrainConfig, runs: list, session: pg.Session) -> None:
    with st.expander("The update rules in this run", expanded=False):
        _rules(config, runs)
    if session.history is not None and session.history.steps and not session.running:
        with st.expander("Export", expanded=False):
            _export(config, session.history)
        steps = session.history.steps
        export.code_expander(
            "playground",
            list(session.state.labels),
            lambda library, i: train_script(library, config, steps, runs[i]),
            note=f"A standalone script that trains this network for the {steps} steps done so far "
            "and prints its losses as `optim-lab train` does; it says what matches this run.",
        )


def _rules(config: TrainConfig, runs: list) -> None:
    for name in dict.fromkeys(name for name, _ in runs):
        st.markdown(f"**{OPTIMIZERS[name].label}**")
        st.latex(OPTIMIZERS[name].latex)
    schedule = SCHEDULES[config.schedule]
    activation, init = ACTIVATIONS[config.activation], INITS[config.init]
    st.markdown(f"**Schedule: {schedule.label}**")
    st.latex(schedule.latex)
    st.markdown("**The loss being minimized** (data loss on batch $B$ plus the penalties)")
    st.latex(text.OBJECTIVE)
    st.markdown(f"**Activation: {activation.label}**, **initialization: {init.label}**")
    st.latex(activation.latex)
    st.latex(init.latex)


def _export(config: TrainConfig, history) -> None:
    export.download_row(
        export.data_downloads(
            "playground_history",
            "history",
            lambda: pg.history_csv(history),
            lambda: pg.history_json(history, config),
        ),
        key="pg",
    )
    figures = [st.session_state.get(k) for k in ("pg_boundary_fig", "pg_curves_fig")]
    if all(figures):
        export.download_row(
            [
                *export.figure_downloads(figures[0], "playground_boundary", "boundary"),
                *export.figure_downloads(figures[1], "playground_curves", "curves"),
            ],
            key="pg",
        )
