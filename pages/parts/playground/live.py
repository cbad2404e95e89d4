"""Training playground, the live panels: the counter, the metrics, the prediction over the plane,
the curves and the diagnostics, each a fragment redrawn on its own clock while training runs."""

import streamlit as st

from optim_lab.lessons.playground import text
from optim_lab.lessons.playground.experiment import misclassified
from optim_lab.lessons.playground.figures import (
    curves_figure,
    diagnostics_figure,
    misclassified_figure,
    prediction_figure,
)
from optim_lab.nn import DATASETS, predict_grid
from optim_lab.nn.history import last_recorded
from optim_lab.ui import playground as pg
from optim_lab.ui.layout import scale_figures, stopped_run_notice
from optim_lab.ui.live_chart import live_chart
from pages.parts.playground import diagram

RESOLUTION = 60  # decision-boundary grid (static shape: never recompiles)


def show(running: bool, boundary_run: int, dataset: str, view: dict) -> None:
    """While training runs, three fragments redraw on their own clocks: the step counter and the
    decision boundary as often as the browser keeps up, the curves and the diagnostics less often
    (drawing them costs the browser more than a training chunk costs the engine)."""

    def _shown(s: pg.Session) -> int:
        return min(boundary_run, len(s.state.labels) - 1)

    def _chart(fig, key: str) -> None:
        """While training runs, a chart that redraws in place (st.plotly_chart would blink at
        every redraw); otherwise Streamlit's own Plotly chart."""
        if running:
            live_chart(fig, key=f"{key}_live")
        else:
            st.plotly_chart(fig, key=key)

    @st.fragment(run_every=0.1 if running else None)
    def live() -> None:
        """One chunk of training (while running), the counter, the metrics and the boundary."""
        scale_figures()
        s = pg.session()
        if s.state is None or s.history is None:
            st.warning("Nothing to train yet: fix the settings above.")
            return
        if s.running:
            pg.wait_for_turn(s)
            pg.step(s)
            if not s.running:  # it stopped by itself (diverged, early stopping, step limit)
                st.rerun()
        state_ = s.state
        status = s.history.status or state_.status()
        rate = pg.updates_per_second(s) if s.running else None
        line = text.counter(state_.step, state_.spec.iterations_per_epoch, rate)
        st.markdown(line, help=text.COUNTER_HELP)
        for label, st_ in zip(state_.labels, status, strict=False):
            stopped_run_notice(label, st_.get("diverged_at"))
        data = s.history.data
        metrics = st.columns(len(state_.labels))
        regression = state_.dataset.regression
        for r, (col, label) in enumerate(zip(metrics, state_.labels, strict=False)):
            if s.history.steps:
                held_out = data["val_loss" if regression else "val_acc"][r]
                value, delta = text.metric(
                    last_recorded(data["loss"][r]), last_recorded(held_out), regression
                )
                col.metric(label, value, delta, delta_color="off")
            else:
                col.metric(label, "not trained yet")
        if state_.dataset.n_features != 2:  # the digits: what it gets wrong, not a boundary
            _mistakes(state_, _shown(s))
            return
        grid = predict_grid(state_, RESOLUTION, run=_shown(s))
        boundary = prediction_figure(
            grid,
            state_.dataset,
            discrete=view["discretize"],
            show_test=view["show_test"],
            feature_names=DATASETS[dataset].feature_names,
            title=f"{'output' if regression else 'decision boundary'} · {state_.labels[_shown(s)]}",
        )
        _chart(boundary, "pg_boundary")
        st.session_state["pg_boundary_fig"] = boundary
        diagram.draw(state_, _shown(s), running)

    def _mistakes(state_, run: int) -> None:
        mistakes = misclassified(state_, run)
        st.markdown(text.mistakes_title(mistakes["total"], mistakes["count"], state_.labels[run]))
        if mistakes["total"]:
            _chart(misclassified_figure(mistakes), "pg_mistakes")

    @st.fragment(run_every=1.0 if running else None)
    def curves() -> None:
        """Loss and accuracy curves of every run."""
        scale_figures()
        s = pg.session()
        if s.state is None or s.history is None:
            return
        status = s.history.status or s.state.status()
        fig = curves_figure(
            s.history.data,
            s.state.labels,
            s.state.spec.optimizers,
            iterations_per_epoch=s.state.spec.iterations_per_epoch,
            diverged=[st_.get("diverged_at") for st_ in status],
            regression=s.state.dataset.regression,
        )
        _chart(fig, "pg_curves")
        st.session_state["pg_curves_fig"] = fig

    @st.fragment(run_every=2.0 if running else None)
    def diagnostics() -> None:
        """Update/weight ratios, dead or saturated units and gradient norms per layer."""
        scale_figures()
        s = pg.session()
        if s.state is None or s.history is None or not s.history.steps:
            return
        fig = diagnostics_figure(s.history.run(_shown(s)), activation=s.state.spec.activation)
        _chart(fig, "pg_diag")

    live()
    curves()
    diagnostics()
