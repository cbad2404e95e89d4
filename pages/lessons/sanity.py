"""Lesson: sanity checks and babysitting a training run (initial loss, overfitting a tiny set,
learning rates too low and too high, gradient checking, a gallery of symptoms to diagnose). Each
numbered section is one part in pages/parts/sanity/."""

import pandas as pd

from optim_lab.lessons.sanity import text
from optim_lab.lessons.sanity.experiment import export_data
from optim_lab.ui.export import export_row
from optim_lab.ui.layout import page_header, what_to_notice
from optim_lab.ui.sections import section
from optim_lab.ui.state import UrlState
from pages.parts.sanity import (
    gradient_check,
    initial_loss,
    learning_rates,
    overfitting,
    symptoms,
)

state = UrlState("sanity")
page_header(text.TITLE, text.INTRO)

with section(text.INITIAL_TITLE, header=True):
    first = initial_loss.show(state)

with section(text.OVERFIT_TITLE, header=True):
    overfit = overfitting.show(state)

with section(text.RATES_TITLE, header=True):
    lrs, runs, lr_fig = learning_rates.show(state)

with section(text.GRADCHECK_TITLE, header=True):
    good, bad = gradient_check.show(state)

with section(text.SYMPTOMS_TITLE, header=True):
    symptoms.show(state)

what_to_notice(text.NOTICE)

with section("Export"):
    table, summary = export_data(first, overfit, good, bad, lrs, runs)
    export_row("sanity", pd.DataFrame(table), summary, lr_fig, key="sanity_export")
state.finish()
