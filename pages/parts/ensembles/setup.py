"""Ensembles: the data and the training settings every part of the page shares."""

from typing import NamedTuple

import streamlit as st

from optim_lab.nn.data import DATASETS as DATA_REGISTRY
from optim_lab.registry import HParam
from optim_lab.ui import nn_cache, widgets

DATASETS = ("spiral", "moons", "circles", "digits")
POINTS = ("200", "400", "800")
STEPS = ("200", "300", "500")
HIDDEN = (32, 32)
LR = 0.01  # Adam, independent members and Polyak runs
NOISE = HParam("noise", "noise", 0.5, 0.0, 1.0, help="How much the classes blur into each other.")


class Ensemble(NamedTuple):
    """The data set and the members every part trains."""

    dataset: str
    points: int
    noise: float
    members: int
    seed: int
    steps: int

    def run(self, kind: str, steps: int, lr: float, *ewa_beta: float) -> dict:
        """The members of ``kind`` (see ``nn_cache.ensemble_run``), ``steps`` steps at ``lr``."""
        data = (self.dataset, self.points, self.noise, self.members)
        return nn_cache.ensemble_run(*data, kind, self.seed, steps, HIDDEN, lr, *ewa_beta)


def show(state) -> Ensemble:
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
        state, "steps", "training steps per member", STEPS, "300", horizontal_radio=True
    )
    if not two_d:
        st.caption("Digits: all 1,797 images; points and noise apply to the 2-D sets only.")
    st.caption(
        f"Every member: an MLP with hidden layers {HIDDEN[0]}, {HIDDEN[1]} (ReLU), Adam with "
        f"α = {LR:g}, mini-batches of 32. Accuracies are measured on the test split (20 %)."
    )
    return Ensemble(dataset, points, noise, members, seed, steps)
