"""Training playground: train a small network live on a 2D dataset, alone or against other
optimizers. Its parts are in pages/parts/playground/."""

from optim_lab.lessons.playground import text
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.state import UrlState
from pages.parts.playground import controls, details, live, training

state = UrlState("playground")
page_header("Training playground", text.INTRO)
config, runs, view = controls.show(state)
session, boundary_run = training.show(config, runs)
live.show(session.running, boundary_run, config.dataset, view)
details.show(config, runs, session)
what_to_notice(text.NOTICE)
state.finish()
