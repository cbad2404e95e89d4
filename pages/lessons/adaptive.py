"""Lesson: adaptive methods. AdaGrad, RMSprop, Adam and Adadelta give every coordinate its own step.
Each titled section is one part in pages/parts/adaptive/."""

import streamlit as st

from optim_lab.lessons.adaptive import experiment, text
from optim_lab.step_inspector import step_sizes
from optim_lab.ui import export
from optim_lab.ui.layout import page_header, update_rules, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.adaptive import bias, coordinates, eps, runs

ADAPTIVE = ("adagrad", "rmsprop", "adam", "adadelta")

state = UrlState("adaptive")
page_header(text.TITLE, text.INTRO)
update_rules(ADAPTIVE)

with section("Four adaptive optimizers on one surface"):
    setting, trajs, main_fig = runs.show(state, ADAPTIVE)

with section("The step size of each coordinate"):
    coordinates.show(state, trajs)

with section(text.BIAS_TITLE):
    adam_hp = experiment.hparams_of(trajs, "adam")
    bias_runs = bias.show(setting, adam_hp)

with section(text.EPS_TITLE):
    eps_runs = eps.show(state, setting, adam_hp)
    what_to_notice(text.NOTICE)

    st.markdown("#### Export")
    all_runs = [*trajs, *bias_runs, *eps_runs]
    export.runs_export(
        "adaptive_runs",
        all_runs,
        main_fig,
        extra=lambda: {"step_size": [step_sizes(t) for t in all_runs]},
        figure_what="paths figure",
        figure_name="adaptive_paths",
        **setting.context(),
    )

    state.finish()
