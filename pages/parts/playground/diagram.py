"""Training playground, the network diagram: every unit a small map of what it computes over the
plane, every link its weight. Drawn by the live fragment, so it follows every training chunk."""

import streamlit as st

from optim_lab.lessons.playground import text
from optim_lab.lessons.playground.experiment import DIAGRAM_MAX_UNITS, diagram_fits
from optim_lab.lessons.playground.figures import network_figure
from optim_lab.nn import FEATURES, RAW_FEATURES, unit_grid
from optim_lab.nn.training import TrainState
from optim_lab.ui.live_chart import live_chart

RESOLUTION = 12  # cells per unit map (static shape: never recompiles)


def draw(state: TrainState, run: int, running: bool) -> None:
    """The diagram of run ``run``, when its layers are narrow enough to draw every unit."""
    st.markdown(text.DIAGRAM, help=text.DIAGRAM_HELP)
    if not diagram_fits(state.config.hidden):
        st.caption(f"The network diagram draws up to 6 layers of {DIAGRAM_MAX_UNITS} units.")
        return
    maps = unit_grid(state, RESOLUTION, run=run)
    features = state.config.features or RAW_FEATURES
    fig = network_figure(
        maps["layers"],
        maps["weights"],
        input_labels=[FEATURES[f].label for f in features],
        hover=not running,  # weights are read on a paused network
    )
    if running:
        live_chart(fig, key="pg_net_live")
    else:
        st.plotly_chart(fig, key="pg_net")
