"""Training playground, sidebar: the network's shape (hidden layers, each with its own width),
its activation and its initialization."""

import streamlit as st

from optim_lab.lessons.playground.experiment import (
    DIAGRAM_MAX_LAYERS,
    DIAGRAM_MAX_UNITS,
    MAX_UNITS,
    diagram_fits,
    hidden_widths,
)
from optim_lab.nn import ACTIVATIONS, INITS
from optim_lab.nn.training_config import TRAIN_PARAMS
from optim_lab.registry import HParam
from optim_lab.ui import widgets as w

UNITS = HParam("units", "units per layer", 12, 1, MAX_UNITS, integer=True)
INIT_SCALE = next(p for p in TRAIN_PARAMS if p.name == "init_scale")


def show(state, sb) -> dict:
    """The Network section; returns the ``TrainConfig`` fields it sets."""
    sb.header("Network")
    layers = w.integer(state, "layers", "hidden layers", 2, 0, DIAGRAM_MAX_LAYERS, container=sb)
    units = _units(state, sb)
    widths = [_width(state, sb, i, units) for i in range(1, layers + 1)]
    hidden = hidden_widths(layers, widths)
    if not diagram_fits(hidden):
        sb.caption(f"The network diagram draws layers of up to {DIAGRAM_MAX_UNITS} units.")
    activation = w.entry_choice(state, "act", "activation", ACTIVATIONS, "relu", container=sb)
    init = w.entry_choice(state, "init", "initialization", INITS, "he", container=sb)
    # only the plain Gaussian has a free scale: the others derive σ from the layer's fan-in
    scale = w.number(state, "iscale", INIT_SCALE, container=sb, disabled=not INITS[init].params)
    batchnorm = w.toggle(state, "bn", "batch norm", False, container=sb)
    return dict(
        hidden=hidden,
        activation=activation,
        init=init,
        init_scale=float(scale),
        batchnorm=bool(batchnorm),
    )


def _units(state, sb) -> int:
    """Every layer's width at once (each layer's +/− then adjusts its own)."""
    key = state.prepare("units", UNITS.default, w.Bounds.of(UNITS).parse)

    def spread() -> None:
        for i in range(1, DIAGRAM_MAX_LAYERS + 1):
            st.session_state[state.session_key(f"u{i}")] = st.session_state[key]

    return int(sb.slider(UNITS.label, 1, MAX_UNITS, key=key, on_change=spread))


def _width(state, sb, layer: int, default: int) -> int:
    """One hidden layer's width, with − and + steps."""
    spec = HParam(f"u{layer}", f"layer {layer} units", default, 1, MAX_UNITS, integer=True)
    key = state.prepare(spec.name, default, w.Bounds.of(spec).parse)
    return int(sb.number_input(spec.label, 1, MAX_UNITS, step=1, key=key))
