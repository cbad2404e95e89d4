"""Lesson: batch normalization — the transform on a real mini-batch, train vs eval mode, batch norm
in the initialization experiment, and learning rates with and without it. Each titled section is
one part in pages/parts/batchnorm/."""

import streamlit as st

from optim_lab.lessons.batchnorm import text
from optim_lab.ui import widgets
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.batchnorm import initialization, modes, placement, rates, transform

state = UrlState("batchnorm")
page_header(text.TITLE, text.INTRO)
seed = widgets.integer(
    state, "seed", "seed", 0, 0, 9999, container=st.columns(4)[0], help="Data, batches, weights."
)
with section("1 · The transform on one mini-batch", header=True):
    transform.show(state, seed)
with section("2 · Train mode, eval mode and tiny batches", header=True):
    modes.show(state, seed)
with section("3 · Batch norm in the initialization experiment", header=True):
    initialization.show(seed)
with section("4 · Larger learning rates", header=True):
    rates.show(seed)
with section("5 · Before or after the non-linearity?", header=True):
    placement.show(state, seed)
what_to_notice(text.NOTICE)
state.finish()
