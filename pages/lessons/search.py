"""Lesson: hyper-parameter search (random vs grid with the same budget, coarse → fine stages,
exploding trials stopped early). Its parts are in pages/parts/search/."""

import streamlit as st

from optim_lab.lessons.search import text
from optim_lab.ui import widgets
from optim_lab.ui.layout import page_header
from optim_lab.ui.state import UrlState
from pages.parts.search import compare, stages

DATASETS = {"spiral": "Spiral (2-D, 3 classes)", "digits": "Digits (8×8 images, 10 classes)"}
HIDDEN = {"spiral": (32, 32), "digits": (32,)}
STEPS = ("100", "200", "400")

state = UrlState("search")
page_header(text.TITLE, text.INTRO)
st.latex(text.FORMULA)
top = st.columns(3)
dataset = widgets.choice(
    state, "data", "data set", list(DATASETS), "spiral", format_func=DATASETS.get, container=top[0]
)
steps = widgets.int_choice(
    state,
    "steps",
    "training steps per trial",
    STEPS,
    "200",
    container=top[1],
    horizontal_radio=True,
)
seed = widgets.integer(
    state,
    "seed",
    "seed",
    0,
    0,
    9999,
    container=top[2],
    help="Data split, initial weights (the same for every trial) and the random proposals.",
)
hidden = HIDDEN[dataset]
st.caption(text.setup(hidden, steps))
comparison = compare.show(state, dataset, steps, seed, hidden)
stages.show(state, dataset, steps, seed, hidden, comparison)
state.finish()
