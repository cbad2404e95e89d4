"""Training playground, the buttons: Run / Pause / Step (one update) / +25 / Reset, the session's
notices and, when optimizers are compared, whose decision boundary to draw."""

import streamlit as st

from optim_lab.nn import TrainConfig
from optim_lab.ui import playground as pg


def show(config: TrainConfig, runs: list) -> tuple[pg.Session, int]:
    """The buttons; returns the session they drive and the run whose boundary is shown."""
    session = pg.sync(config, runs)
    cols = st.columns([1.1, 1.2, 1.1, 1.0, 1.2, 2.6], vertical_alignment="bottom")
    cols[0].button(
        "Run",
        icon=":material/play_arrow:",
        key="pg_run",
        type="primary",
        on_click=_run,
        disabled=session.state is None or session.running,
    )
    cols[1].button(
        "Pause",
        icon=":material/pause:",
        key="pg_pause",
        on_click=_pause,
        disabled=not session.running,
    )
    cols[2].button(
        "Step",
        icon=":material/skip_next:",
        key="pg_step",
        on_click=_step,
        args=(1,),
        disabled=session.state is None,
        help="One update of the weights.",
    )
    cols[3].button(
        f"+{pg.CHUNK}",
        key="pg_chunk",
        on_click=_step,
        args=(pg.CHUNK,),
        disabled=session.state is None,
        help=f"{pg.CHUNK} updates.",
    )
    if cols[4].button("Reset", icon=":material/restart_alt:", key="pg_reset", on_click=pg.reset):
        session = pg.sync(config, runs)
    if session.notice:
        st.info(session.notice, icon=":material/info:")
    if session.error:
        st.error(f"These settings cannot be trained: {session.error}")
    boundary_run = 0
    if len(runs) > 1 and session.state is not None:
        boundary_run = cols[5].selectbox(
            "decision boundary of",
            range(len(runs)),
            format_func=lambda i: session.state.labels[i],
            key="pg_show",
        )
    return session, boundary_run


def _run() -> None:
    pg.session().running = True


def _pause() -> None:
    pg.session().running = False


def _step(n_steps: int) -> None:
    s = pg.session()
    s.running = False
    pg.step(s, n_steps)
